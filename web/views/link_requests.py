"""Link requests (R13): a registration that matched a person already known in
the caseworker's organisation waits for a team lead of the caseworker's team.

The team lead sees the possible duplicate as case references, never as a name,
and decides: the same person (the caseworker is attached to that file) or
another person (a file of their own). The caseworker sees what they typed while
it waits, and may withdraw it. The rules are in ``cases.services``
(``link_request_decide``, ``link_request_withdraw``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Municipality, User
from audit.log import log_read
from cases import services
from cases.models import Client, LinkRequest, SupportCase
from config.access import shows_client_data, shows_no_client_data
from roles.permissions import Perm, has
from roles.policy import Capability, require_capability

from ..forms import form_data
from ..submit import submit

PAGE_SIZE = 25


@dataclass(frozen=True)
class Candidate:
    """A known file, as a team lead may see it: its number in the list and
    its cases' references, kinds and statuses; never a name (R2, R13)."""

    client: Client
    cases: list[SupportCase]

    @property
    def label(self) -> str:
        if not self.cases:
            return _("Dossier zonder zaak (bijv. een gezinslid)")
        return _("Dossier met zaak %(cases)s") % {
            "cases": ", ".join(
                f"{case.reference} ({case.get_kind_display().lower()}, "
                f"{case.get_status_display().lower()})"
                for case in self.cases
            )
        }


def candidates_of_clients(clients: list[Client]) -> list[Candidate]:
    """``clients`` as a team lead may see them, with their cases (one query)."""
    cases: dict[int, list[SupportCase]] = defaultdict(list)
    if clients:
        for case in (
            SupportCase.objects.filter(client__in=clients)
            .only("pk", "client_id", "reference", "kind", "status")
            .order_by("opened_at", "pk")
        ):
            cases[case.client_id].append(case)
    return [Candidate(client, cases[client.pk]) for client in clients]


def candidates_of(requests: list[LinkRequest]) -> dict[int, list[Candidate]]:
    """The known files of each request, with their cases: two queries for any
    number of requests."""
    if not requests:
        return {}
    clients = list(
        Client.objects.filter(
            organisation_id__in={r.organisation_id for r in requests},
            person_key__in={r.person_key for r in requests},
        )
        .only("pk", "organisation_id", "person_key")
        .order_by("pk")
    )
    candidates = candidates_of_clients(clients)
    return {
        request.pk: [
            c
            for c in candidates
            if c.client.organisation_id == request.organisation_id
            and c.client.person_key == request.person_key
        ]
        for request in requests
    }


class _CandidateChoice(forms.ModelChoiceField):
    def __init__(self, *args, labels: dict[int, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.labels = labels

    def label_from_instance(self, obj: Client) -> str:
        return self.labels.get(obj.pk, str(obj.pk))


class LinkDecisionForm(forms.Form):
    SAME = LinkRequest.Status.LINKED
    OTHER = LinkRequest.Status.SEPARATE

    decision = forms.ChoiceField(
        label=gettext_lazy("Besluit"),
        choices=[
            (SAME, gettext_lazy("Dezelfde persoon: koppel aan het bestaande dossier")),
            (OTHER, gettext_lazy("Een andere persoon: schrijf apart in")),
        ],
        widget=forms.RadioSelect,
    )
    client = forms.ModelChoiceField(
        label=gettext_lazy("Bestaand dossier"),
        queryset=Client.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Alleen bij 'dezelfde persoon'."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Toelichting"),
        max_length=300,
        help_text=gettext_lazy(
            "Waarop baseert u het besluit? Bijv. 'zelfde adres en school volgens de "
            "vertrouwenspersoon'. Komt in de tijdlijn en het toegangslog."
        ),
    )

    def __init__(self, *args, candidates: list[Candidate], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = {c.client.pk: c.label for c in candidates}
        field = _CandidateChoice(
            label=self.fields["client"].label,
            queryset=Client.objects.filter(pk__in=labels),
            required=False,
            widget=forms.RadioSelect,
            help_text=self.fields["client"].help_text,
            labels=labels,
        )
        if len(labels) == 1:
            field.initial = next(iter(labels))
        self.fields["client"] = field


class WithdrawForm(forms.Form):
    """The button is the confirmation; the hidden field says which form was
    sent, so that no other POST to the page withdraws."""

    withdraw = forms.BooleanField(initial=True, widget=forms.HiddenInput)


@shows_no_client_data
def link_request_list(request: HttpRequest) -> HttpResponse:
    """The team lead's list: the registrations of their teams that wait for a
    decision, first; then those decided. No names (R2)."""
    require_capability(request.user, Capability.LEAD_TEAMS)
    requests = (
        LinkRequest.objects.visible_to(request.user)
        .select_related("requested_by", "team", "decided_by")
        .order_by(
            Case(
                When(status=LinkRequest.Status.PENDING, then=Value(0)),
                default=Value(1),
            ),
            "-requested_at",
            "-pk",
        )
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    candidates = candidates_of(list(page))
    return render(
        request,
        "web/link_request_list.html",
        {
            "page": page,
            "rows": [(r, candidates.get(r.pk, [])) for r in page],
        },
    )


@shows_client_data
def link_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One registration: for the team lead the known files as case
    references and the decision; for the caseworker what they typed, the
    status, and withdrawing it."""
    user: User = request.user
    link = get_object_or_404(
        LinkRequest.objects.visible_to(user).select_related(
            "requested_by", "team", "decided_by", "case", "family"
        ),
        pk=pk,
    )
    pending = link.status == LinkRequest.Status.PENDING
    decides = has(user, Perm.DECIDE_LINK_REQUEST, link)
    candidates = candidates_of([link])[link.pk] if decides else []
    form = None
    if decides and pending:
        form = LinkDecisionForm(form_data(request), candidates=candidates)
        if done := submit(
            request,
            form,
            services.link_request_decide,
            actor=user,
            request=link,
            arguments=lambda data: {
                "decision": data["decision"],
                "client": data["client"],
                "reason": data["reason"],
            },
            success=_("Het besluit is vastgelegd."),
            redirect_to="web:link_request_list",
        ):
            return done
    withdraw = None
    if link.requested_by_id == user.pk and pending:
        withdraw = WithdrawForm(form_data(request))
        if done := submit(
            request,
            withdraw,
            services.link_request_withdraw,
            actor=user,
            request=link,
            success=_("De inschrijving is ingetrokken."),
            redirect_to="web:dashboard",
        ):
            return done
    # The team lead reads which files may be this person; the caseworker
    # what they typed. Both are a read about the client (R13).
    log_read(
        request,
        link,
        client=link.client or (candidates[0].client if candidates else None),
    )
    registration = link.registration if link.requested_by_id == user.pk else {}
    return render(
        request,
        "web/link_request_detail.html",
        {
            "link": link,
            "pending": pending,
            "decides": decides,
            "candidates": candidates,
            "form": form,
            "withdraw": withdraw,
            "registration": registration,
            "municipality": Municipality.objects.filter(
                pk=registration.get("municipality")
            ).first()
            if registration
            else None,
        },
    )


urlpatterns = [
    path("koppelverzoeken/", link_request_list, name="link_request_list"),
    path("koppelverzoeken/<int:pk>/", link_request_detail, name="link_request_detail"),
]
