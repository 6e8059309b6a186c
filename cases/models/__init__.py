"""Clients, families, their care and applications, and the support cases
that confidants and client supporters work on.

Rules are not enforced here but in ``cases.services`` and ``roles.services``;
what the database itself can hold is in ``Meta.constraints``.

One entity a module, each saying what it holds and the rules it carries:

* ``history``: ``keep_history`` and ``ImmutableHistory``, the append-only
  versions of the tracked models (django-simple-history);
* ``clients``: ``Client`` (one organisation's file of a person, R13),
  ``ClientAlias`` and ``CLIENT_FILE_KEEPERS``;
* ``families``: ``Family``, ``FamilyMembership``, ``ConflictingInterest`` (R4);
* ``care``: ``CareKind`` and ``Care``;
* ``applications``: ``Application`` (R9);
* ``support_cases``: ``SupportCase`` and ``CaseEvent``, its history;
* ``link_requests``: ``LinkRequest`` (R13);
* ``complaints``: ``ComplaintRegime`` and ``Complaint`` (R3);
* ``meetings``: ``Meeting``;
* ``notes``: ``Note`` (R2);
* ``reminders``: ``ReminderSent``;
* ``outreach``: ``OutreachTheme``, ``OutreachVisitQuerySet``, ``OutreachVisit``
  (R7);
* ``agencies``: ``AgencyKind``, what a question or complaint is about;
* ``contacts``: ``ContactMoment`` and ``ContactItem`` with their tables
  (channel, direction, caller type, item kind, theme).

The access log (``AccessLogEntry``) is the ``audit`` app's, the stored report
figures (``ReportFigures``) the ``reports`` app's.

Import every name from here (``from cases.models import Client``), as the
migrations do; the historical models (``HistoricalClient`` and the like) are
attributes of this package too (``history._PackageHistoricalRecords``).
"""

# isort: off
# The modules are imported in the order of their dependencies, which is close
# to the order the models had in the single module they came from: the app
# registry, and with it the order of each model's reverse relations, stays as
# near to what it was as one entity a module allows.
from .history import ImmutableHistory, keep_history
from .clients import CLIENT_FILE_KEEPERS, Client, ClientAlias
from .families import ConflictingInterest, Family, FamilyMembership
from .care import Care, CareKind
from .applications import Application
from .support_cases import CaseEvent, SupportCase
from .link_requests import LinkRequest
from .complaints import Complaint, ComplaintRegime
from .meetings import Meeting
from .notes import Note
from .reminders import ReminderSent
from .outreach import OutreachTheme, OutreachVisit, OutreachVisitQuerySet
from .agencies import AgencyKind
from .contacts import (
    MAX_DURATION_MINUTES,
    CallerType,
    ContactChannel,
    ContactDirection,
    ContactItem,
    ContactMoment,
    ContactTheme,
    ItemKind,
)

# isort: on

__all__ = [
    "CLIENT_FILE_KEEPERS",
    "MAX_DURATION_MINUTES",
    "AgencyKind",
    "Application",
    "CallerType",
    "Care",
    "CareKind",
    "CaseEvent",
    "Client",
    "ClientAlias",
    "Complaint",
    "ComplaintRegime",
    "ConflictingInterest",
    "ContactChannel",
    "ContactDirection",
    "ContactItem",
    "ContactMoment",
    "ContactTheme",
    "Family",
    "FamilyMembership",
    "ImmutableHistory",
    "ItemKind",
    "LinkRequest",
    "Meeting",
    "Note",
    "OutreachTheme",
    "OutreachVisit",
    "OutreachVisitQuerySet",
    "ReminderSent",
    "SupportCase",
    "keep_history",
]
