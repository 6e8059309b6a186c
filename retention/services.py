"""The retention job: destroy or anonymise what is past its term, and write
the destruction register.

Each record type is one ``Rule`` in ``RULES``: the key of its term in
``settings.NAAST_RETENTION`` (years; the source of each term is in
``config/settings.py``), the date the term runs from, what happens to it
(destroyed, or for clients anonymised) and the rows that go with it, in the
order the ``PROTECT`` foreign keys demand. ``retention_run`` applies the
rules in order; the management command ``apply_retention`` and a scheduled
task call it.

* **Dry run** (``dry_run=True``): counts per rule and record type what a real
  run would destroy or anonymise, and writes nothing.
* **Real run**: works through each rule's rows in batches. A batch is one
  transaction that destroys the rows, purges their history and writes its
  register rows; if anything in it fails (say a row that a new foreign key
  protects), the whole batch rolls back, so every case in it stays whole, the
  failure is reported and the run goes on with the next batch.
* **Idempotent**: what a run destroyed is gone and what it anonymised no
  longer matches, so a second run finds nothing, changes nothing and writes
  no register rows.

A dry run counts the same rows as the real run that would follow it: rows
that an earlier rule takes (a consent with a meeting of a destroyed case) are
not counted again by a later one (``_Plan.unclaimed``).

The access log (``audit.models.AccessLogEntry``) is not here on purpose: it is an
append-only hash chain (NEN 7513 asks at least 5 years) and removing its old
rows needs a documented, verifiable truncation of the chain, which Naast does
not have yet. Its foreign key to the client is ``PROTECT``; that is why
clients are anonymised, not deleted: the log's rows keep pointing at a row
that no longer names anyone, and the log itself copies no client name.

History tables (django-simple-history) need no entry here: for every model
that has a ``history`` manager, ``_purge_history`` removes the historical
rows of what was destroyed or anonymised, after the rows themselves (so the
"deleted" history rows that the deletion writes go too).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, models, transaction
from django.db.models import Q, QuerySet
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import TruncYear
from django.utils import timezone

from accounts.models import User
from cases.models import (
    Application,
    Care,
    CaseEvent,
    Client,
    Complaint,
    ConflictingInterest,
    ContactItem,
    ContactMoment,
    Family,
    FamilyMembership,
    Meeting,
    Note,
    ReminderSent,
    SupportCase,
)
from roles.models import (
    Assignment,
    Attendance,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
    Consent,
    EmergencyAccess,
    InformalSupporter,
    SharedItem,
)

from .models import DestructionRecord

logger = logging.getLogger(__name__)

#: What an anonymised client is called. The row stays, with its municipality,
#: kind and year of birth, so that anonymous statistics still count it.
ANONYMISED = "Geanonimiseerd"

DESTROYED = DestructionRecord.Action.DESTROYED
ANONYMISED_ACTION = DestructionRecord.Action.ANONYMISED

#: Rows per transaction for each rule (cases carry their content with them).
CASE_BATCH = 200
BATCH = 500


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class _Plan:
    """The cutoffs of one run, and which rows earlier rules already take."""

    today: datetime.date
    terms: dict[str, int]
    dry_run: bool
    claims: dict[type[models.Model], list[QuerySet]] = field(default_factory=dict)

    def cutoff(self, key: str) -> datetime.date:
        """Rows dated before this day are past the term of rule ``key``."""
        return years_before(self.today, self.terms[key])

    def cutoff_at(self, key: str) -> datetime.datetime:
        return _start_of(self.cutoff(key))

    def claim(self, qs: QuerySet) -> None:
        self.claims.setdefault(qs.model, []).append(qs.values("pk"))

    def unclaimed(self, qs: QuerySet) -> QuerySet:
        """``qs`` without the rows an earlier rule destroys."""
        for claimed in self.claims.get(qs.model, []):
            qs = qs.exclude(pk__in=claimed)
        return qs

    def doomed_cases(self) -> QuerySet:
        return SupportCase.objects.filter(closed_at__lt=self.cutoff_at("case"))

    def surviving_cases(self) -> QuerySet:
        """Cases that are still there after the case rule: in a dry run those
        it does not select, in a real run every case left (the ones it
        destroyed are gone, and one whose batch failed stays)."""
        if self.dry_run:
            return SupportCase.objects.exclude(pk__in=self.doomed_cases().values("pk"))
        return SupportCase.objects.all()

    def failed_cases(self) -> QuerySet:
        """Cases past their term that a real run could not destroy (none in a
        dry run): their client keeps its name until they go."""
        if self.dry_run:
            return SupportCase.objects.none()
        return self.doomed_cases()


# A step: (model, rows of it that go with the rule's rows ``main``), in the
# order in which they can be deleted.
Steps = Callable[[QuerySet, _Plan], list[tuple[type[models.Model], QuerySet]]]


@dataclass(frozen=True)
class Rule:
    """One record type with its term: what is selected, and what goes with it."""

    key: str
    model: type[models.Model]
    action: str
    select: Callable[[_Plan], QuerySet]
    steps: Steps
    batch: int = BATCH


# --- the rules ------------------------------------------------------------------------


def _select_cases(plan: _Plan) -> QuerySet:
    """Closed cases whose closing is longer ago than the term (open cases never)."""
    return plan.doomed_cases()


def _case_steps(cases: QuerySet, plan: _Plan) -> list:
    # An outreach visit outlives the case opened from it: deleting the case
    # clears the visit's link (SET_NULL); the visit holds no names.
    return [
        (SharedItem, SharedItem.objects.filter(meeting__case__in=cases)),
        (
            Attendance,
            Attendance.objects.filter(
                Q(meeting__case__in=cases) | Q(assignment__case__in=cases)
            ),
        ),
        (Consent, plan.unclaimed(Consent.objects.filter(meeting__case__in=cases))),
        (Meeting, Meeting.objects.filter(case__in=cases)),
        (Note, Note.objects.filter(case__in=cases)),
        (ContactItem, ContactItem.objects.filter(contact__case__in=cases)),
        (ContactMoment, ContactMoment.objects.filter(case__in=cases)),
        (CaseEvent, CaseEvent.objects.filter(case__in=cases)),
        (Complaint, Complaint.objects.filter(case__in=cases)),
        (Assignment, Assignment.objects.filter(case__in=cases)),
        (EmergencyAccess, EmergencyAccess.objects.filter(case__in=cases)),
        (ReminderSent, ReminderSent.objects.filter(case__in=cases)),
        (
            CaseUserObjectPermission,
            CaseUserObjectPermission.objects.filter(content_object__in=cases),
        ),
        (
            CaseGroupObjectPermission,
            CaseGroupObjectPermission.objects.filter(content_object__in=cases),
        ),
        (SupportCase, cases),
    ]


def _select_contacts(plan: _Plan) -> QuerySet:
    """Contact moments outside a case (anonymous, or about a client) that
    took place longer ago than the term; a contact on a case goes with it."""
    return ContactMoment.objects.filter(
        case__isnull=True, started_at__lt=plan.cutoff_at("contact")
    )


def _contact_steps(contacts: QuerySet, plan: _Plan) -> list:
    return [
        (ContactItem, ContactItem.objects.filter(contact__in=contacts)),
        (ContactMoment, contacts),
    ]


def _select_care(plan: _Plan) -> QuerySet:
    """Care that ended longer ago than the term (running care never)."""
    return Care.objects.filter(ended_on__lt=plan.cutoff("care"))


def _select_applications(plan: _Plan) -> QuerySet:
    """Applications decided longer ago than the term (pending ones never)."""
    return Application.objects.filter(decided_on__lt=plan.cutoff("application"))


def _select_consents(plan: _Plan) -> QuerySet:
    """Consents withdrawn longer ago than the term."""
    return plan.unclaimed(
        Consent.objects.filter(withdrawn_on__lt=plan.cutoff("consent"))
    )


def _select_informal_supporters(plan: _Plan) -> QuerySet:
    """Informal supporters recorded longer ago than the term who support no
    case any more (none that survives this run) and whose client has no open
    case."""
    live = plan.surviving_cases()
    return InformalSupporter.objects.filter(
        created_at__lt=plan.cutoff_at("informal_supporter")
    ).exclude(
        Q(assignments__case__in=live)
        | Q(consents__meeting__case__in=live)
        | Q(client__cases__in=SupportCase.objects.open())
    )


def _informal_supporter_steps(supporters: QuerySet, plan: _Plan) -> list:
    return [
        (
            SharedItem,
            SharedItem.objects.filter(informal_supporter__in=supporters),
        ),
        (
            Consent,
            plan.unclaimed(Consent.objects.filter(informal_supporter__in=supporters)),
        ),
        (InformalSupporter, supporters),
    ]


def _anonymised() -> Q:
    return Q(first_name=ANONYMISED, last_name="")


def _select_clients(plan: _Plan) -> QuerySet:
    """Clients without an open case whose last case closed longer ago than the
    term (and who were registered before it), not yet anonymised."""
    cutoff = plan.cutoff_at("client")
    recent = SupportCase.objects.filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff)
    )
    # A client in contact within the term keeps their name: the contact is
    # about them.
    in_contact = ContactMoment.objects.filter(
        client__isnull=False, started_at__gte=cutoff
    )
    return (
        Client.objects.filter(created_at__lt=cutoff)
        .exclude(_anonymised())
        .exclude(pk__in=recent.values("client_id"))
        .exclude(pk__in=in_contact.values("client_id"))
        .exclude(pk__in=plan.failed_cases().values("client_id"))
    )


def _client_steps(clients: QuerySet, plan: _Plan) -> list:
    live = plan.surviving_cases()
    conflicts = ConflictingInterest.objects.filter(
        Q(client_a__in=clients) | Q(client_b__in=clients)
    )
    memberships = FamilyMembership.objects.filter(client__in=clients)
    # Families that lose their last member (and every conflict recorded in them).
    families = (
        Family.objects.filter(memberships__in=memberships)
        .exclude(
            pk__in=FamilyMembership.objects.exclude(client__in=clients).values(
                "family_id"
            )
        )
        .exclude(
            pk__in=ConflictingInterest.objects.exclude(pk__in=conflicts).values(
                "family_id"
            )
        )
        .distinct()
    )
    supporters = plan.unclaimed(
        InformalSupporter.objects.filter(client__in=clients).exclude(
            Q(assignments__case__in=live) | Q(consents__meeting__case__in=live)
        )
    )
    return [
        (SharedItem, SharedItem.objects.filter(client__in=clients)),
        (
            Consent,
            plan.unclaimed(
                Consent.objects.filter(
                    Q(client__in=clients) | Q(informal_supporter__in=supporters)
                ).exclude(meeting__case__in=live)
            ),
        ),
        (InformalSupporter, supporters),
        (ConflictingInterest, conflicts),
        (FamilyMembership, memberships),
        (Family, families),
        (
            ClientUserObjectPermission,
            ClientUserObjectPermission.objects.filter(content_object__in=clients),
        ),
        (
            ClientGroupObjectPermission,
            ClientGroupObjectPermission.objects.filter(content_object__in=clients),
        ),
        (Client, clients),
    ]


def _only(model: type[models.Model]) -> Steps:
    return lambda main, plan: [(model, main)]


def _consent_steps(consents: QuerySet, plan: _Plan) -> list:
    """A withdrawn consent goes with the record of what was shared under it."""
    return [
        (SharedItem, SharedItem.objects.filter(consent__in=consents)),
        (Consent, consents),
    ]


#: The record types and their terms, in the order they are applied: cases
#: first (they hold most), clients last (they are what is left).
RULES: list[Rule] = [
    Rule("case", SupportCase, DESTROYED, _select_cases, _case_steps, CASE_BATCH),
    Rule("contact", ContactMoment, DESTROYED, _select_contacts, _contact_steps),
    Rule("care", Care, DESTROYED, _select_care, _only(Care)),
    Rule(
        "application", Application, DESTROYED, _select_applications, _only(Application)
    ),
    Rule("consent", Consent, DESTROYED, _select_consents, _consent_steps),
    Rule(
        "informal_supporter",
        InformalSupporter,
        DESTROYED,
        _select_informal_supporters,
        _informal_supporter_steps,
    ),
    Rule("client", Client, ANONYMISED_ACTION, _select_clients, _client_steps),
]


# --- running ------------------------------------------------------------------------


@dataclass
class RuleResult:
    """What one rule did (or, in a dry run, would do): rows per record type."""

    key: str
    term_years: int
    cutoff: datetime.date
    action: str
    counts: dict[str, int] = field(default_factory=dict)
    failed_batches: int = 0
    #: Register rows written (0 in a dry run).
    records: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class RunResult:
    run_id: uuid.UUID
    dry_run: bool
    today: datetime.date
    rules: list[RuleResult]

    @property
    def total(self) -> int:
        return sum(rule.total for rule in self.rules)

    @property
    def failed_batches(self) -> int:
        return sum(rule.failed_batches for rule in self.rules)

    @property
    def records(self) -> int:
        return sum(rule.records for rule in self.rules)


def retention_terms() -> dict[str, int]:
    """The term in whole years of each rule, from ``settings.NAAST_RETENTION``.

    A term shorter than a year is refused: a typo must not destroy
    everything that was closed yesterday.
    """
    configured = getattr(settings, "NAAST_RETENTION", None) or {}
    terms = {}
    for rule in RULES:
        years = configured.get(rule.key)
        if not isinstance(years, int) or isinstance(years, bool) or years < 1:
            raise ImproperlyConfigured(
                f"NAAST_RETENTION[{rule.key!r}] must be a whole number of years, "
                f"at least 1 (got {years!r})."
            )
        terms[rule.key] = years
    return terms


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _purge_history(model: type[models.Model], ids: list[int]) -> None:
    """Remove the history rows (django-simple-history) of destroyed or
    anonymised rows: history would otherwise keep what was removed."""
    history = getattr(getattr(model, "history", None), "model", None)
    if history is not None and ids:
        history.objects.filter(id__in=ids).delete()


def _run_batch(
    rule: Rule,
    plan: _Plan,
    batch: list[int],
    *,
    run_id: uuid.UUID,
    executed_at: datetime.datetime,
    executed_by: User | None,
    result: RuleResult,
    request_reference: str = "",
) -> None:
    """Destroy (or anonymise) one batch of a rule's rows with everything that
    goes with them, and write their register rows: one transaction."""
    records = []
    with transaction.atomic():
        main = rule.model.objects.filter(pk__in=batch)  # type: ignore[attr-defined]  # every rule's model has objects
        # Every step's rows are fixed before anything is deleted: a later step
        # (the families that lose their last member) looks at earlier ones.
        steps = [
            (model, list(qs.values_list("pk", flat=True).order_by("pk")))
            for model, qs in rule.steps(main, plan)
        ]
        counts: dict[str, tuple[str, int, list[int]]] = {}
        for model, ids in steps:
            if not ids:
                continue
            if model is rule.model and rule.action == ANONYMISED_ACTION:
                _anonymise(model, ids)
                counts[_label(model)] = (ANONYMISED_ACTION, len(ids), ids)
            else:
                _, per_label = model.objects.filter(pk__in=ids).delete()  # type: ignore[attr-defined]  # every step's model has objects
                for label, n in per_label.items():
                    if not n:
                        continue
                    label = label.lower()
                    own = ids if label == _label(model) else []
                    action, total, known = counts.get(label, (DESTROYED, 0, []))
                    counts[label] = (action, total + n, known + own)
            _purge_history(model, ids)
        for label, (action, n, ids) in counts.items():
            records.append(
                DestructionRecord(
                    run_id=run_id,
                    executed_at=executed_at,
                    executed_by=executed_by,
                    rule=rule.key,
                    term_years=result.term_years,
                    cutoff=result.cutoff,
                    record_type=label,
                    action=action,
                    count=n,
                    object_ids=sorted(ids),
                    request_reference=request_reference,
                )
            )
        for record in records:
            record.save(force_insert=True)
    result.records += len(records)
    for record in records:
        result.counts[record.record_type] = (
            result.counts.get(record.record_type, 0) + record.count
        )


def _anonymise(model: type[models.Model], ids: list[int]) -> None:
    """Clients: no name, the year of birth only, no institution, no contact
    details. The row, its municipality and kind stay for anonymous statistics
    and for the access log's foreign key."""
    Client.objects.filter(pk__in=ids).update(
        first_name=ANONYMISED,
        last_name="",
        date_of_birth=TruncYear("date_of_birth"),
        institution=None,
        phone="",
        email="",
        address="",
        preferred_channel="",
    )


def retention_run(
    *,
    dry_run: bool,
    today: datetime.date | None = None,
    executed_by: User | None = None,
) -> RunResult:
    """Apply every retention rule as of ``today`` (default: today).

    ``dry_run`` counts and writes nothing. A real run destroys or anonymises
    what is past its term and writes the destruction register, in batches of
    one transaction each; ``executed_by`` is the user who started it (``None``:
    the system, a scheduled task). Returns the counts per rule and record
    type, and the number of batches that failed and were rolled back.
    """
    terms = retention_terms()
    plan = _Plan(today=today or timezone.localdate(), terms=terms, dry_run=dry_run)
    run = RunResult(run_id=uuid.uuid4(), dry_run=dry_run, today=plan.today, rules=[])
    executed_at = timezone.now()
    for rule in RULES:
        result = RuleResult(
            key=rule.key,
            term_years=terms[rule.key],
            cutoff=plan.cutoff(rule.key),
            action=rule.action,
        )
        run.rules.append(result)
        selection = rule.select(plan)
        if dry_run:
            for model, qs in rule.steps(selection, plan):
                n = qs.count()
                if n:
                    label = _label(model)
                    result.counts[label] = result.counts.get(label, 0) + n
        else:
            ids = list(selection.values_list("pk", flat=True).order_by("pk"))
            for start in range(0, len(ids), rule.batch):
                batch = ids[start : start + rule.batch]
                try:
                    _run_batch(
                        rule,
                        plan,
                        batch,
                        run_id=run.run_id,
                        executed_at=executed_at,
                        executed_by=executed_by,
                        result=result,
                    )
                except (ProtectedError, RestrictedError, DatabaseError):
                    logger.exception(
                        "retention rule %s: batch of %d rows (from pk %d) rolled back",
                        rule.key,
                        len(batch),
                        batch[0],
                    )
                    result.failed_batches += 1
        # Later rules leave alone what this one takes (the real run has
        # already removed it; the dry run must not count it twice).
        for _model, qs in rule.steps(selection, plan):
            plan.claim(qs)
    return run


# --- erasure on request ---------------------------------------------------------------

#: The rule key in the register of a destruction on a data subject's request.
ERASURE_RULE = "erasure_request"


class ErasureRefused(Exception):
    """The client's file cannot be erased now (a case is still open)."""


def _erasure_rules(client: Client) -> list[Rule]:
    """The retention rules narrowed to one client's file, in the same order
    and with the same steps: every case, care, application, consent and
    informal supporter of the client, then the client anonymised."""
    mine = Q(client_id=client.pk)
    return [
        Rule(
            "case",
            SupportCase,
            DESTROYED,
            lambda plan: SupportCase.objects.filter(mine),
            _case_steps,
            CASE_BATCH,
        ),
        Rule(
            "care", Care, DESTROYED, lambda plan: Care.objects.filter(mine), _only(Care)
        ),
        Rule(
            "application",
            Application,
            DESTROYED,
            lambda plan: Application.objects.filter(mine),
            _only(Application),
        ),
        Rule(
            "consent",
            Consent,
            DESTROYED,
            lambda plan: plan.unclaimed(Consent.objects.filter(mine)),
            _consent_steps,
        ),
        Rule(
            "informal_supporter",
            InformalSupporter,
            DESTROYED,
            lambda plan: plan.unclaimed(InformalSupporter.objects.filter(mine)),
            _informal_supporter_steps,
        ),
        Rule(
            "client",
            Client,
            ANONYMISED_ACTION,
            lambda plan: Client.objects.filter(pk=client.pk).exclude(_anonymised()),
            _client_steps,
        ),
    ]


@transaction.atomic
def retention_erase_client(
    *, client: Client, executed_by: User, request_reference: str
) -> RunResult:
    """Destroy one client's file on a granted erasure request (art. 17 AVG;
    Jeugdwet art. 7.3.9: within three months), with the retention rules'
    own steps: the cases with everything in them, care, applications,
    consents and informal supporters are destroyed, the client is anonymised
    (the access log keeps pointing at the row), and their history goes.

    Every register row is written under the rule ``erasure_request`` with
    ``request_reference``, in one transaction: all of it or nothing. A client
    with an open case is refused (``ErasureRefused``): their support goes on,
    and it is closed by whoever gives it first.
    """
    if SupportCase.objects.filter(client_id=client.pk).open().exists():
        raise ErasureRefused(client.pk)
    today = timezone.localdate()
    plan = _Plan(today=today, terms={}, dry_run=False)
    run = RunResult(run_id=uuid.uuid4(), dry_run=False, today=today, rules=[])
    executed_at = timezone.now()
    for rule in _erasure_rules(client):
        result = RuleResult(
            key=ERASURE_RULE, term_years=0, cutoff=today, action=rule.action
        )
        run.rules.append(result)
        selection = rule.select(plan)
        ids = list(selection.values_list("pk", flat=True).order_by("pk"))
        if ids:
            _run_batch(
                Rule(ERASURE_RULE, rule.model, rule.action, rule.select, rule.steps),
                plan,
                ids,
                run_id=run.run_id,
                executed_at=executed_at,
                executed_by=executed_by,
                result=result,
                request_reference=request_reference,
            )
        for _model, qs in rule.steps(selection, plan):
            plan.claim(qs)
    return run
