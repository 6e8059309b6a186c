"""Client pages: search, registration, the client's file, family, care and
informal supporters.

A client is visible only to those who support them now
(``Client.objects.visible_to``, R2, R6); a family is visible to whoever sees at
least one of its members. Not visible → 404; visible but not allowed → 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.log import log_read
from cases import services
from cases.models import Care, Client, Family, LinkRequest, SupportCase
from cases.selectors.client_file import client_file
from config.access import shows_client_data
from roles import services as role_services
from roles.models import Consent
from roles.permissions import Perm, require
from roles.policy import Capability, can, require_capability

from ..filters import ClientFilter
from ..forms import form_data, refresh_version
from ..forms.clients import (
    CareEndForm,
    CareForm,
    CaseOpenForm,
    ClientEditForm,
    ClientRegisterForm,
    ConflictForm,
    FamilyCreateForm,
    FamilyMemberForm,
    InformalSupporterForm,
)
from ..forms.consent import ConsentForm, ConsentWithdrawForm, ShareConfirmForm
from ..submit import all_input, submit

PAGE_SIZE = 25

# ?sort= values and their ordering; anything else sorts by name.
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "date_of_birth": ("date_of_birth", "last_name", "pk"),
    "-date_of_birth": ("-date_of_birth", "last_name", "pk"),
}
SORT_COLUMNS = [
    ("name", gettext_lazy("Naam")),
    ("date_of_birth", gettext_lazy("Geboortedatum")),
]


def _is_partial(request: HttpRequest) -> bool:
    # A history restore after a cache miss needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _columns(sort: str) -> list[dict[str, object]]:
    columns = []
    for key, label in SORT_COLUMNS:
        if sort == key:
            aria_sort, next_sort = "ascending", f"-{key}"
        elif sort == f"-{key}":
            aria_sort, next_sort = "descending", key
        else:
            aria_sort, next_sort = "", key
        columns.append(
            {"key": key, "label": label, "aria_sort": aria_sort, "next": next_sort}
        )
    return columns


@shows_client_data
def client_list(request: HttpRequest) -> HttpResponse:
    """Mijn cliënten: the clients the user supports now, searchable by name and
    date of birth. Users who support nobody (a team lead, a decision-maker)
    get the same page with an empty list, as every list filters on what the
    user may see (R2)."""
    user: User = request.user
    filterset = ClientFilter(
        request.GET or None,
        queryset=Client.objects.visible_to(user).select_related("municipality"),
    )
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    clients = filterset.qs.order_by(*SORTS[sort])
    searched = filterset.is_bound and any(filterset.form.cleaned_data.values())
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for client in page:
        client.age = client.age_on(today)
    if len(page):
        # One row per request that shows clients, with the query; not per client.
        log_read(request, object_type="search", object_id=request.GET.urlencode())
    template = "web/client_list.html"
    response = render(
        request,
        f"{template}#results" if _is_partial(request) else template,
        {
            "filterset": filterset,
            "page": page,
            "sort": sort,
            "columns": _columns(sort),
            "searched": searched,
            "can_register": can(user, Capability.REGISTER_CLIENT),
            "list_id": "client",
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def registered(request: HttpRequest, result: SupportCase | LinkRequest) -> HttpResponse:
    """Where a registration goes: to the new case, or, when the person is
    already known in the organisation, to the request that waits for the
    team lead (R13)."""
    if isinstance(result, LinkRequest):
        messages.info(
            request,
            _(
                "Iemand met deze naam en geboortedatum is al bekend bij uw "
                "organisatie. Uw teamleider beslist of het dezelfde persoon is; "
                "wat u invulde blijft bewaard tot dan."
            ),
        )
        return redirect(result)
    messages.success(
        request,
        _("%(client)s is ingeschreven en zaak %(reference)s is geopend.")
        % {"client": result.client, "reference": result.reference},
    )
    return redirect(result)


@shows_client_data
def client_register(request: HttpRequest) -> HttpResponse:
    """Register a client together with the case they came with. The form
    shows nothing of anyone; what is typed is logged when it is saved."""
    require_capability(request.user, Capability.REGISTER_CLIENT)
    form = ClientRegisterForm(form_data(request), user=request.user)
    if done := submit(
        request,
        form,
        services.client_register,
        actor=request.user,
        arguments=all_input,
        redirect_to=lambda result: registered(request, result),
    ):
        return done
    return render(
        request,
        "web/client_form.html",
        {
            "form": form,
            "title": _("Cliënt inschrijven"),
            "intro": _(
                "Een cliënt wordt ingeschreven met de vraag waarmee hij of zij komt: "
                "u opent de zaak en wordt de ondersteuner. Het dossier is van uw "
                "organisatie en wordt nooit met dat van een andere organisatie "
                "gedeeld. Is iemand met dezelfde naam en geboortedatum al bekend "
                "bij uw organisatie, dan beslist uw teamleider of het dezelfde "
                "persoon is."
            ),
            "back": reverse("web:client_list"),
            "back_label": _("Terug naar mijn cliënten"),
            "submit_label": _("Inschrijven en zaak openen"),
        },
    )


def _client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(
        Client.objects.visible_to(request.user).select_related(
            "municipality", "institution"
        ),
        pk=pk,
    )


def _client_for_change(request: HttpRequest, pk: int) -> Client:
    client = _client(request, pk)
    require(request.user, Perm.CHANGE_CLIENT, client)
    return client


def _client_form_page(
    request: HttpRequest, client: Client, form, title: str, **extra: object
) -> HttpResponse:
    # The page names the client and shows (part of) their file: a read.
    log_read(request, client)
    return render(
        request,
        "web/client_form.html",
        {
            "client": client,
            "form": form,
            "title": title,
            "back": client.get_absolute_url(),
            "back_label": _("Terug naar %(client)s") % {"client": client},
            **extra,
        },
    )


@shows_client_data
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The client's file: personal data, the user's cases (only those whose
    content the user reads: under emergency access exactly the one case),
    family (all members' names and relations; links only to members the user
    supports), conflicting interests (R4), care, informal supporters (R11)
    and the referrals to and from other organisations (R13)."""
    client = _client(request, pk)
    context = client_file(request.user, client)
    log_read(request, client)
    return render(request, "web/client_detail.html", context)


@shows_client_data
def case_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a new case for a client the caseworker supports now."""
    client = _client_for_change(request, pk)
    form = CaseOpenForm(form_data(request), user=request.user)
    if done := submit(
        request,
        form,
        services.case_open,
        actor=request.user,
        client=client,
        arguments=all_input,
        success=lambda case: (
            _("Zaak %(reference)s is geopend.") % {"reference": case.reference}
        ),
    ):
        return done
    return _client_form_page(
        request,
        client,
        form,
        _("Nieuwe zaak voor %(client)s") % {"client": client},
        submit_label=_("Zaak openen"),
    )


@shows_client_data
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the client's personal data. A save from a form that someone
    else's change made stale is refused; the user's input stays in the form,
    next to the data as they are now."""
    client = _client_for_change(request, pk)
    form = ClientEditForm(
        form_data(request),
        initial={
            "version": client.version,
            "first_name": client.first_name,
            "last_name": client.last_name,
            "date_of_birth": client.date_of_birth,
            "kind": client.kind,
            "municipality": client.municipality_id,
            "lives_in_institution": client.lives_in_institution,
            "institution": client.institution_id,
        },
    )
    if done := submit(
        request,
        form,
        services.client_update,
        actor=request.user,
        client=client,
        arguments=lambda data: {
            "expected_version": data["version"],
            **{name: value for name, value in data.items() if name != "version"},
        },
        success=_("De persoonsgegevens zijn opgeslagen."),
        redirect_to=client,
    ):
        return done
    stale = refresh_version(form, client.version)
    return _client_form_page(
        request,
        client,
        form,
        _("Persoonsgegevens van %(client)s wijzigen") % {"client": client},
        intro=_(
            "Deze gegevens zijn zichtbaar voor iedereen die de cliënt nu ondersteunt."
        ),
        # Someone else saved first: what is saved now, beside the user's input.
        current=client if stale else None,
    )


@shows_client_data
def family_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the client's family, with the client as its first member."""
    client = _client_for_change(request, pk)
    form = FamilyCreateForm(form_data(request))
    if done := submit(
        request,
        form,
        services.family_create,
        actor=request.user,
        client=client,
        arguments=lambda data: {"name": data["name"], "relation": data["relation"]},
        success=_("Het gezin is vastgelegd."),
        redirect_to=client,
    ):
        return done
    return _client_form_page(
        request,
        client,
        form,
        _("Gezin vastleggen voor %(client)s") % {"client": client},
    )


def _family_for_change(request: HttpRequest, pk: int) -> tuple[Family, Client]:
    """The family (404 unless visible), the member the page returns to, and
    the permission check (403)."""
    family = get_object_or_404(Family.objects.visible_to(request.user), pk=pk)
    services.family_require_change(actor=request.user, family=family)
    members = Client.objects.visible_to(request.user).filter(
        family_memberships__family=family
    )
    back = None
    requested = request.GET.get("client", "")
    # ASCII digits only: "²".isdigit() is true, but no primary key.
    if requested.isascii() and requested.isdigit():
        back = members.filter(pk=requested).first()
    return family, back or members.order_by("last_name", "first_name", "pk").first()


def _family_form_page(
    request: HttpRequest, family: Family, back: Client, form, title: str, **extra
) -> HttpResponse:
    # The page names the family's members: a read of the member it returns to.
    log_read(request, family, client=back)
    return render(
        request,
        "web/family_form.html",
        {
            "family": family,
            "client": back,
            "form": form,
            "title": title,
            "back": back.get_absolute_url(),
            "back_label": _("Terug naar %(client)s") % {"client": back},
            **extra,
        },
    )


def _member_added(
    request: HttpRequest, family: Family, back: Client, added: object
) -> HttpResponse:
    """Where adding a member goes: back to the client, or, when the person is
    already known in the organisation, to the request that waits for the
    team lead (R13)."""
    if isinstance(added, LinkRequest):
        messages.info(
            request,
            _(
                "Iemand met deze naam en geboortedatum is al bekend bij uw "
                "organisatie. Uw teamleider beslist of het dezelfde persoon is en "
                "voegt het gezinslid dan toe."
            ),
        )
        return redirect(added)
    messages.success(
        request,
        _("Het gezinslid is toegevoegd aan %(family)s.") % {"family": family},
    )
    return redirect(back)


@shows_client_data
def family_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a member to a family (a client without a case, R2)."""
    family, back = _family_for_change(request, pk)
    form = FamilyMemberForm(form_data(request))
    if done := submit(
        request,
        form,
        services.family_member_add,
        actor=request.user,
        family=family,
        arguments=all_input,
        redirect_to=lambda added: _member_added(request, family, back, added),
    ):
        return done
    return _family_form_page(
        request,
        family,
        back,
        form,
        _("Gezinslid toevoegen aan %(family)s") % {"family": family},
        intro=_(
            "Een gezinslid wordt vastgelegd zonder zaak: niemand ondersteunt het "
            "gezinslid nog, dus niemand ziet zijn of haar dossier. Is iemand met "
            "dezelfde naam en geboortedatum al bekend bij uw organisatie, dan "
            "beslist uw teamleider of het dezelfde persoon is."
        ),
    )


@shows_client_data
def conflict_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record conflicting interests between two members of a family (R4)."""
    family, back = _family_for_change(request, pk)
    form = ConflictForm(
        form_data(request),
        family=family,
        user=request.user,
        initial={"client_a": back.pk},
    )
    if done := submit(
        request,
        form,
        services.conflict_record,
        actor=request.user,
        arguments=all_input,
        success=_("Het tegenstrijdig belang is vastgelegd."),
        redirect_to=back,
    ):
        return done
    return _family_form_page(
        request,
        family,
        back,
        form,
        _("Tegenstrijdig belang vastleggen in %(family)s") % {"family": family},
        intro=_(
            "Als twee gezinsleden tegenstrijdige belangen hebben, kan één "
            "vertrouwenspersoon hen niet allebei ondersteunen. Naast weigert zo'n "
            "toewijzing dan, en legt het tegenstrijdig belang niet vast zolang één "
            "vertrouwenspersoon beide gezinsleden ondersteunt."
        ),
    )


@shows_client_data
def care_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record care the client receives or received."""
    client = _client_for_change(request, pk)
    form = CareForm(form_data(request))
    if done := submit(
        request,
        form,
        services.care_record,
        actor=request.user,
        client=client,
        arguments=all_input,
        success=_("De hulp is vastgelegd."),
        redirect_to=client,
    ):
        return done
    return _client_form_page(
        request, client, form, _("Hulp vastleggen voor %(client)s") % {"client": client}
    )


@shows_client_data
def care_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the end date of care."""
    care = get_object_or_404(
        Care.objects.visible_to(request.user).select_related("client", "provider"),
        pk=pk,
    )
    client = care.client
    require(request.user, Perm.CHANGE_CLIENT, client)
    form = CareEndForm(form_data(request), initial={"ended_on": timezone.localdate()})
    if done := submit(
        request,
        form,
        services.care_end,
        actor=request.user,
        care=care,
        arguments=lambda data: {"ended_on": data["ended_on"]},
        success=_("De hulp is beëindigd."),
        redirect_to=client,
    ):
        return done
    return _client_form_page(
        request,
        client,
        form,
        _("Hulp beëindigen: %(care)s") % {"care": care},
        care=care,
    )


@shows_client_data
def informal_supporter_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record someone from the client's network (R11)."""
    client = _client_for_change(request, pk)
    form = InformalSupporterForm(form_data(request))
    if done := submit(
        request,
        form,
        role_services.informal_supporter_add,
        actor=request.user,
        client=client,
        arguments=all_input,
        success=_("De informele ondersteuner is vastgelegd."),
        redirect_to=client,
    ):
        return done
    return _client_form_page(
        request,
        client,
        form,
        _("Informele ondersteuner vastleggen voor %(client)s") % {"client": client},
        intro=_(
            "Een informele ondersteuner komt uit het netwerk van de cliënt en treedt "
            "alleen op verzoek van de cliënt op. Hij of zij heeft geen recht op "
            "informatie over de cliënt en krijgt niets zonder vastgelegde "
            "toestemming van de cliënt."
        ),
    )


# --- consent to share with an informal supporter (R11) ---------------------------------


@shows_client_data
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the client's consent to give one item (a meeting summary, a
    document) to one of their informal supporters (R11)."""
    client = _client_for_change(request, pk)
    form = ConsentForm(form_data(request), client=client, user=request.user)
    if done := submit(
        request,
        form,
        role_services.consent_record,
        actor=request.user,
        arguments=all_input,
        success=_("De toestemming is vastgelegd."),
        redirect_to=f"{client.get_absolute_url()}#consents",
    ):
        return done
    return _client_form_page(
        request,
        client,
        form,
        _("Toestemming vastleggen voor %(client)s") % {"client": client},
        intro=_(
            "Een informele ondersteuner krijgt alleen iets van of over de cliënt als "
            "de cliënt daar toestemming voor gaf, per verslag of document. "
            "De cliënt kan de toestemming altijd intrekken."
        ),
        submit_label=_("Toestemming vastleggen"),
    )


def _consent(request: HttpRequest, pk: int) -> Consent:
    """A consent of a client the user supports now (404 otherwise), and the
    permission to change it (403)."""
    consent = get_object_or_404(
        Consent.objects.visible_to(request.user).select_related(
            "client", "informal_supporter", "meeting"
        ),
        pk=pk,
    )
    require(request.user, Perm.CHANGE_CLIENT, consent.client)
    return consent


@shows_client_data
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the client withdrew a consent, on a date: nothing more is
    shared under it; what was shared stays recorded (R11)."""
    consent = _consent(request, pk)
    client = consent.client
    form = ConsentWithdrawForm(form_data(request))
    if done := submit(
        request,
        form,
        role_services.consent_withdraw,
        actor=request.user,
        consent=consent,
        arguments=lambda data: {"withdrawn_on": data["withdrawn_on"]},
        success=_("De toestemming is ingetrokken."),
        redirect_to=f"{client.get_absolute_url()}#consents",
    ):
        return done
    return _client_form_page(
        request,
        client,
        form,
        _("Toestemming intrekken: %(consent)s") % {"consent": _consent_label(consent)},
        intro=_(
            "Na het intrekken wordt er niets meer gedeeld op grond van deze "
            "toestemming. Wat al gedeeld is, blijft vastgelegd."
        ),
        submit_label=_("Toestemming intrekken"),
    )


def _consent_label(consent: Consent) -> str:
    what = consent.meeting or consent.description
    return f"{consent.get_item_display()}: {what} → {consent.informal_supporter.name}"


@shows_client_data
def document_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the document a consent describes was given to the informal
    supporter; refused once the consent is withdrawn (R11)."""
    consent = _consent(request, pk)
    client = consent.client
    form = ShareConfirmForm(form_data(request))
    if done := submit(
        request,
        form,
        role_services.document_share,
        actor=request.user,
        consent=consent,
        success=_("Vastgelegd dat het document is gedeeld met %(name)s.")
        % {"name": consent.informal_supporter.name},
        redirect_to=f"{client.get_absolute_url()}#consents",
    ):
        return done
    return _client_form_page(
        request,
        client,
        form,
        _("Document delen met %(name)s") % {"name": consent.informal_supporter.name},
        intro=_(
            "De cliënt gaf op %(date)s toestemming om dit document te delen: "
            "%(description)s. Leg vast dat u het nu deelt."
        )
        % {
            "date": date_format(consent.given_on, "DATE_FORMAT"),
            "description": consent.description,
        },
        submit_label=_("Delen vastleggen"),
    )


urlpatterns = [
    path("clienten/", client_list, name="client_list"),
    path("clienten/nieuw/", client_register, name="client_register"),
    path("clienten/<int:pk>/", client_detail, name="client_detail"),
    path("clienten/<int:pk>/bewerken/", client_edit, name="client_edit"),
    path("clienten/<int:pk>/zaken/nieuw/", case_open, name="case_open"),
    path("clienten/<int:pk>/gezin/nieuw/", family_create, name="family_create"),
    path("clienten/<int:pk>/hulp/nieuw/", care_add, name="care_add"),
    path(
        "clienten/<int:pk>/informele-ondersteuners/nieuw/",
        informal_supporter_add,
        name="informal_supporter_add",
    ),
    path("hulp/<int:pk>/beeindigen/", care_end, name="care_end"),
    path("gezinnen/<int:pk>/leden/nieuw/", family_member_add, name="family_member_add"),
    path(
        "gezinnen/<int:pk>/tegenstrijdig-belang/",
        conflict_record,
        name="conflict_record",
    ),
    path("clienten/<int:pk>/toestemmingen/nieuw/", consent_add, name="consent_add"),
    path(
        "toestemmingen/<int:pk>/intrekken/", consent_withdraw, name="consent_withdraw"
    ),
    path("toestemmingen/<int:pk>/delen/", document_share, name="document_share"),
]
