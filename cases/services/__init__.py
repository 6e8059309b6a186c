"""Every write that matters to clients and cases.

Services are keyword-only, run in one transaction, check the actor's permission
first (``roles.permissions.require`` → 403), enforce the rules (``ValidationError``
with a Dutch message → shown next to the form, nothing changed), and end by
calling the one function of ``cases.events`` for their kind of change: the
case event, and the access-log row of the request (the versions of what they
changed are named before the save, ``cases.history.track``).

One module per entity: ``clients`` (client files, registration, link
requests), ``families`` (families, conflicting interests), ``care``, ``cases``
(opening, status, closing), ``notes``, ``meetings``, ``complaints``,
``applications``, ``outreach`` and ``contacts`` (contact moments);
``_common`` holds what they share. Callers
import from here (``from cases import services``), never from a module.
"""

from ._common import _membership_add as _membership_add
from ._common import ensure_case_open
from .applications import application_assign_decider, application_decide
from .care import care_end, care_record

# Private, but importable from here: tests/factories.py (take_up_client) opens
# a case for a colleague through it; roles.referrals adds the members of a
# family it copies through the one writer of memberships.
from .cases import _case_open as _case_open
from .cases import case_close, case_open, case_open_for, case_reference, case_set_status
from .clients import (
    client_contact_update,
    client_file_create,
    client_register,
    client_update,
    known_in_organisation,
    link_request_candidates,
    link_request_decide,
    link_request_withdraw,
)
from .complaints import (
    complaint_advance,
    complaint_postpone,
    complaint_resume,
    complaint_suspend,
)
from .contacts import ContactItemInput, contact_record
from .families import (
    conflict_record,
    family_create,
    family_member_add,
    family_require_change,
)
from .meetings import meeting_plan, meeting_set_status
from .notes import note_add, note_correct, note_withdraw
from .outreach import outreach_case_open, outreach_visit_record

__all__ = [
    "ContactItemInput",
    "application_assign_decider",
    "application_decide",
    "care_end",
    "care_record",
    "case_close",
    "case_open",
    "case_open_for",
    "case_reference",
    "case_set_status",
    "client_contact_update",
    "client_file_create",
    "client_register",
    "client_update",
    "complaint_advance",
    "complaint_postpone",
    "complaint_resume",
    "complaint_suspend",
    "conflict_record",
    "contact_record",
    "ensure_case_open",
    "family_create",
    "family_member_add",
    "family_require_change",
    "known_in_organisation",
    "link_request_candidates",
    "link_request_decide",
    "link_request_withdraw",
    "meeting_plan",
    "meeting_set_status",
    "note_add",
    "note_correct",
    "note_withdraw",
    "outreach_case_open",
    "outreach_visit_record",
]
