"""Referral pages (warme overdracht, R13): send a client's file to another
organisation with the client's consent per item; the receiving team lead's
inbox, accepting (assign a caseworker) and declining.

Who reads what: the sending side and, after acceptance, the receiving
caseworker read what was passed on (``Perm.VIEW_REFERRAL_CONTENT``); the
receiving team lead sees from whom, when and which items, never what they
hold. The rules are in ``roles.referrals``.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Municipality, Organisation, User
from audit.log import log_read, request_address
from cases.models import CareKind, Client, SupportCase
from config.access import shows_client_data, shows_no_client_data
from config.forms import date_input
from roles import referrals as referral_services
from roles.models import Referral
from roles.permissions import Perm, has, require
from roles.policy import Capability, require_capability

from ..forms import form_data
from ..forms.cases import team_caseworkers
from ..submit import all_input, submit
from .link_requests import Candidate, _CandidateChoice, candidates_of_clients

PAGE_SIZE = 25


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=gettext_lazy("Naar organisatie"), queryset=Organisation.objects.none()
    )
    case = forms.ModelChoiceField(
        label=gettext_lazy("Vanuit zaak"),
        queryset=SupportCase.objects.none(),
        required=False,
        help_text=gettext_lazy("De zaak waarin de doorverwijzing in de tijdlijn komt."),
    )
    items = forms.MultipleChoiceField(
        label=gettext_lazy("Wat de cliënt wil laten overdragen"),
        choices=Referral.Item.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Referral.Item.IDENTITY],
        help_text=gettext_lazy(
            "Alleen wat u hier aanvinkt gaat mee, en alleen met toestemming van "
            "de cliënt. Notities, gesprekken en zaken gaan nooit mee."
        ),
    )
    consent_given_on = forms.DateField(
        label=gettext_lazy("Toestemming van de cliënt gegeven op"),
        widget=date_input(),
    )
    message = forms.CharField(
        label=gettext_lazy("Bericht aan de andere organisatie"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=gettext_lazy(
            "Waarmee de cliënt geholpen wil worden, met de cliënt besproken. De "
            "teamleider van de andere organisatie leest dit niet; de "
            "medewerker die de cliënt krijgt wel."
        ),
    )

    def __init__(self, *args, user: User, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "to_organisation"
        ].queryset = referral_services.receiving_organisations(user)
        self.fields["case"].queryset = (
            SupportCase.objects.with_content_visible_to(user)
            .filter(client=client)
            .open()
        )


class AcceptForm(forms.Form):
    NEW = "new"

    supporter = forms.ModelChoiceField(
        label=gettext_lazy("Medewerker die de cliënt ondersteunt"),
        queryset=User.objects.none(),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Soort zaak"), choices=SupportCase.Kind.choices
    )
    title = forms.CharField(
        label=gettext_lazy("Korte omschrijving van de zaak"), max_length=200
    )
    client = forms.ModelChoiceField(
        label=gettext_lazy("Dossier"),
        queryset=Client.objects.none(),
        required=False,
        empty_label=gettext_lazy("Een nieuw dossier met de overgedragen gegevens"),
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args, lead: User, candidates: list[Candidate], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supporter"].queryset = team_caseworkers(lead)
        labels = {c.client.pk: c.label for c in candidates}
        if labels:
            self.fields["client"] = _CandidateChoice(
                label=self.fields["client"].label,
                queryset=Client.objects.filter(pk__in=labels),
                required=False,
                empty_label=self.fields["client"].empty_label,
                widget=forms.RadioSelect,
                labels=labels,
                help_text=gettext_lazy(
                    "Uw organisatie kent al iemand met dezelfde naam en "
                    "geboortedatum. Is het dezelfde persoon, kies dan dat dossier: "
                    "de overgedragen gegevens worden er niet in gezet, de "
                    "medewerker leest ze bij de doorverwijzing."
                ),
            )
        else:
            del self.fields["client"]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Waarom niet"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
        help_text=gettext_lazy(
            "De verzendende organisatie leest dit. De overgedragen gegevens worden "
            "verwijderd."
        ),
    )


def _client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(Client.objects.visible_to(request.user), pk=pk)


@shows_client_data
def referral_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the client's file to another organisation, with the client's
    consent for exactly the items chosen."""
    # A file the user does not see is not revealed (404) before the
    # capability is asked (403).
    client = _client(request, pk)
    require_capability(request.user, Capability.SEND_REFERRAL)
    require(request.user, Perm.CHANGE_CLIENT, client)
    form = ReferralForm(
        form_data(request),
        user=request.user,
        client=client,
        initial={"consent_given_on": timezone.localdate()},
    )
    if done := submit(
        request,
        form,
        referral_services.referral_send,
        actor=request.user,
        client=client,
        address=request_address(request),
        arguments=all_input,
        success=lambda referral: (
            _("Doorverwijzing %(reference)s is verstuurd naar %(organisation)s.")
            % {
                "reference": referral.reference,
                "organisation": referral.to_organisation,
            }
        ),
    ):
        return done
    log_read(request, client)
    return render(
        request,
        "web/client_form.html",
        {
            "client": client,
            "form": form,
            "title": _("%(client)s doorverwijzen") % {"client": client},
            "intro": _(
                "Een andere organisatie krijgt alleen wat de cliënt wil laten "
                "overdragen, als een nieuw dossier van die organisatie. Uw eigen "
                "dossier blijft van u; niemand van de andere organisatie ziet het."
            ),
            "back": client.get_absolute_url(),
            "back_label": _("Terug naar %(client)s") % {"client": client},
            "submit_label": _("Doorverwijzing versturen"),
        },
    )


def _referral(request: HttpRequest, pk: int) -> Referral:
    return get_object_or_404(
        Referral.objects.visible_to(request.user).select_related(
            "from_organisation",
            "to_organisation",
            "sent_by",
            "decided_by",
            "source_case",
            "target_case",
        ),
        pk=pk,
    )


@shows_client_data
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral: what it is for everyone who knows of it; what it holds for
    the file it came from and the file it became."""
    user: User = request.user
    referral = _referral(request, pk)
    content = has(user, Perm.VIEW_REFERRAL_CONTENT, referral)
    receives = has(user, Perm.RECEIVE_REFERRAL, referral)
    payload = referral.payload if content else {}
    if content:
        log_read(
            request,
            referral,
            client=referral.target_client
            if Client.objects.visible_to(user)
            .filter(pk=referral.target_client_id)
            .exists()
            else referral.source_client,
        )
    municipalities = (
        dict(Municipality.objects.values_list("pk", "name")) if payload else {}
    )
    providers = (
        dict(
            Organisation.objects.filter(
                pk__in=[c["provider"] for c in payload.get("care", [])]
            ).values_list("pk", "name")
        )
        if payload.get("care")
        else {}
    )
    return render(
        request,
        "web/referral_detail.html",
        {
            "referral": referral,
            "content": content,
            "payload": payload,
            "identity": payload.get("identity"),
            "municipality": municipalities.get(
                (payload.get("identity") or {}).get("municipality")
            ),
            "care_rows": [
                {
                    **care,
                    "provider_name": providers.get(care["provider"], ""),
                    "kind_label": CareKind(care["kind"]).label
                    if care["kind"] in CareKind.values
                    else care["kind"],
                }
                for care in payload.get("care", [])
            ],
            "can_decide": receives and referral.status == Referral.Status.SENT,
        },
    )


@shows_no_client_data
def referral_inbox(request: HttpRequest) -> HttpResponse:
    """The referrals sent to the team lead's organisation: waiting ones first.
    What they are, never what they hold (no names)."""
    require_capability(request.user, Capability.LEAD_TEAMS)
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(to_organisation_id=request.user.organisation_id)
        .select_related("from_organisation", "decided_by")
        .order_by(
            Case(When(status=Referral.Status.SENT, then=Value(0)), default=Value(1)),
            "-sent_at",
            "-pk",
        )
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/referral_inbox.html", {"page": page})


def _for_decision(request: HttpRequest, pk: int) -> Referral:
    referral = _referral(request, pk)
    require(request.user, Perm.RECEIVE_REFERRAL, referral)
    return referral


@shows_no_client_data
def referral_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept: assign a caseworker of a team the team lead leads; the new file
    (or, for a person already known, the chosen file) and a case are made."""
    referral = _for_decision(request, pk)
    candidates = []
    if referral.status == Referral.Status.SENT:
        candidates = candidates_of_clients(
            list(referral_services.referral_candidates(referral))
        )
    form = AcceptForm(
        form_data(request),
        lead=request.user,
        candidates=candidates,
        initial={
            "title": _("Doorverwijzing van %(organisation)s")
            % {"organisation": referral.from_organisation}
        },
    )
    if referral.status == Referral.Status.SENT and (
        done := submit(
            request,
            form,
            referral_services.referral_accept,
            actor=request.user,
            referral=referral,
            arguments=lambda data: {
                "supporter": data["supporter"],
                "kind": data["kind"],
                "title": data["title"],
                "client": data.get("client"),
                "address": request_address(request),
            },
            success=_("Doorverwijzing %(reference)s is aangenomen en toegewezen.")
            % {"reference": referral.reference},
            redirect_to="web:referral_inbox",
        )
    ):
        return done
    return render(
        request,
        "web/form_page.html",
        {
            "form": form if referral.status == Referral.Status.SENT else None,
            "title": _("Doorverwijzing %(reference)s aannemen")
            % {"reference": referral.reference},
            "intro": _(
                "Van %(organisation)s, met: %(items)s. De medewerker die u kiest "
                "krijgt een nieuwe zaak en leest wat is overgedragen."
            )
            % {
                "organisation": referral.from_organisation,
                "items": ", ".join(referral.item_labels),
            }
            if referral.status == Referral.Status.SENT
            else _("Over deze doorverwijzing is al besloten."),
            "back": referral.get_absolute_url(),
            "back_label": _("Terug naar de doorverwijzing"),
            "submit": _("Aannemen en toewijzen"),
        },
    )


@shows_no_client_data
def referral_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline, with a reason the sender reads; the copy is removed."""
    referral = _for_decision(request, pk)
    form = DeclineForm(form_data(request))
    if referral.status == Referral.Status.SENT and (
        done := submit(
            request,
            form,
            referral_services.referral_decline,
            actor=request.user,
            referral=referral,
            arguments=lambda data: {"reason": data["reason"]},
            success=_("De doorverwijzing is afgewezen."),
            redirect_to="web:referral_inbox",
        )
    ):
        return done
    return render(
        request,
        "web/form_page.html",
        {
            "form": form if referral.status == Referral.Status.SENT else None,
            "title": _("Doorverwijzing %(reference)s afwijzen")
            % {"reference": referral.reference},
            "intro": _(
                "Neemt uw organisatie deze cliënt niet aan, zeg dan waarom. De "
                "overgedragen gegevens worden daarna verwijderd."
            )
            if referral.status == Referral.Status.SENT
            else _("Over deze doorverwijzing is al besloten."),
            "intro_level": "warning",
            "back": referral.get_absolute_url(),
            "back_label": _("Terug naar de doorverwijzing"),
            "submit": _("Afwijzen"),
        },
    )


urlpatterns = [
    path("clienten/<int:pk>/doorverwijzen/", referral_send, name="referral_send"),
    path("doorverwijzingen/", referral_inbox, name="referral_inbox"),
    path("doorverwijzingen/<int:pk>/", referral_detail, name="referral_detail"),
    path(
        "doorverwijzingen/<int:pk>/aannemen/", referral_accept, name="referral_accept"
    ),
    path(
        "doorverwijzingen/<int:pk>/afwijzen/", referral_decline, name="referral_decline"
    ),
]
