"""The two-factor pages: enrolment of the authenticator app, verification
after the password, and the recovery codes (shown once)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import path, reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from config.access import shows_no_client_data

from . import audit, enrolment, two_factor
from .forms import CodeForm, EnrolmentCodeForm

#: Session key holding freshly made recovery codes until they have been shown.
RECOVERY_CODES_SESSION_KEY = "naast_new_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    """The safe page to continue to after the second factor."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(
        REDIRECT_FIELD_NAME, ""
    )
    # A path only: redirect() takes "0" or "dashboard" for a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return reverse(name) + "?" + urlencode({REDIRECT_FIELD_NAME: next_url})


#: Session key: the user (pk) whose enrolment code was accepted in this session.
ENROLMENT_CODE_SESSION_KEY = "naast_enrolment_code_ok"

_ENROLMENT_CODE_ERRORS = {
    enrolment.Check.WRONG: gettext_lazy(
        "Deze activeringscode klopt niet. Controleer de code die u van uw "
        "beheerder kreeg."
    ),
    enrolment.Check.EXPIRED: gettext_lazy(
        "Deze activeringscode is verlopen. Vraag uw beheerder om een nieuwe code."
    ),
    enrolment.Check.MISSING: gettext_lazy(
        "U heeft geen geldige activeringscode. Vraag uw beheerder om een nieuwe code."
    ),
}


def _enrolment_code_accepted(request: HttpRequest) -> bool:
    return request.session.get(
        ENROLMENT_CODE_SESSION_KEY
    ) == request.user.pk and enrolment.has_enrolment_code(request.user)


@shows_no_client_data
@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app, in two steps: the one-time enrolment code
    from the administrator, then scan the QR code (or type the secret) and
    confirm a code; the recovery codes are shown once afterwards. Only for an
    account without a confirmed authenticator; a replacement is made by an
    administrator who removes the old one and issues a new enrolment code (so a
    stolen password cannot enrol a new app)."""
    next_url = _next_url(request)
    if two_factor.has_confirmed_device(request.user):
        return redirect(_with_next("two_factor_verify", next_url))
    data = request.POST if request.method == "POST" else None
    if not _enrolment_code_accepted(request):
        code_form = EnrolmentCodeForm(data)
        if code_form.is_valid():
            check = enrolment.enrolment_code_check(
                user=request.user, code=code_form.cleaned_data["enrolment_code"]
            )
            if check is enrolment.Check.OK:
                request.session[ENROLMENT_CODE_SESSION_KEY] = request.user.pk
                # A secret shown before the code was given is never confirmed.
                two_factor.fresh_pending_device(user=request.user)
                return redirect(_with_next("two_factor_setup", next_url))
            code_form.add_error("enrolment_code", _ENROLMENT_CODE_ERRORS[check])
        return render(
            request,
            "accounts/two_factor_enrolment_code.html",
            {"form": code_form, "next": next_url},
        )
    device = two_factor.pending_device(user=request.user)
    form = CodeForm(data, help_text=_("De zes cijfers die de app nu toont."))
    if form.is_valid():
        if two_factor.confirm_device(device=device, token=form.cleaned_data["code"]):
            enrolment.enrolment_code_use(user=request.user)
            request.session.pop(ENROLMENT_CODE_SESSION_KEY, None)
            otp_login(request, device)
            request.session.cycle_key()
            codes = two_factor.new_recovery_codes(user=request.user)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_with_next("two_factor_recovery_codes", next_url))
        form.add_error(
            "code",
            _(
                "Deze code klopt niet. Controleer de tijd op uw telefoon en probeer de nieuwste code."
            ),
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": two_factor.secret_for_display(device),
            "qr_code": two_factor.qr_code_data_uri(device),
            "next": next_url,
        },
    )


@shows_no_client_data
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: a code from the app or a recovery code."""
    next_url = _next_url(request)
    if not two_factor.has_confirmed_device(request.user):
        return redirect(_with_next("two_factor_setup", next_url))
    if request.user.is_verified():
        return redirect(next_url)
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        help_text=_(
            "De zes cijfers uit uw authenticator-app, of een van uw herstelcodes "
            "als u de app niet bij de hand heeft."
        ),
    )
    if form.is_valid():
        if two_factor.throttled(request.user):
            form.add_error(
                "code",
                _("Te veel onjuiste codes. Wacht even en probeer het dan opnieuw."),
            )
        else:
            device = two_factor.check_code(
                user=request.user, token=form.cleaned_data["code"]
            )
            if device is not None:
                otp_login(request, device)
                request.session.cycle_key()
                return redirect(next_url)
            form.add_error(
                "code",
                _("Deze code klopt niet of is al gebruikt. Probeer het opnieuw."),
            )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url},
    )


@shows_no_client_data
@never_cache
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes once (right after enrolment or after asking for new
    ones with a POST); afterwards only how many are left."""
    if not two_factor.has_confirmed_device(request.user):
        return redirect(_with_next("two_factor_setup", _next_url(request)))
    if request.method == "POST":
        codes = two_factor.new_recovery_codes(user=request.user)
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    return render(
        request,
        "accounts/two_factor_recovery_codes.html",
        {
            "codes": codes,
            "left": two_factor.recovery_codes_left(request.user),
            "next": _next_url(request),
        },
    )


@method_decorator(login_not_required, name="dispatch")
@shows_no_client_data
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password with the link an administrator had sent; the change
    is recorded in the audit trail as made by the user themselves."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        with audit.acting_as(self.user):
            return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
@shows_no_client_data
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    pass


urlpatterns = [
    path(
        "wachtwoord/nieuw/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord/ingesteld/",
        PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tweestapsverificatie/instellen/", two_factor_setup, name="two_factor_setup"),
    path(
        "tweestapsverificatie/controleren/",
        two_factor_verify,
        name="two_factor_verify",
    ),
    path(
        "tweestapsverificatie/herstelcodes/",
        two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
]
