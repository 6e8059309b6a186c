"""Password reset links: an administrator who is not a superuser never sets
another user's password; they send the user a link to set it themselves
(Django's password-reset tokens, valid ``PASSWORD_RESET_TIMEOUT`` seconds
and void once the password changed)."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import audit
from .models import User, UserAuditEvent

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
EMAIL_TEMPLATE = "registration/password_reset_email.txt"


def password_reset_link_send(*, user: User, request: HttpRequest) -> bool:
    """E-mail ``user`` a link to set a new password, and record that it was
    sent. ``False`` (nothing sent) for a user without an e-mail address or an
    inactive one."""
    if not user.email or not user.is_active:
        return False
    site = get_current_site(request)
    context = {
        "email": user.email,
        "domain": site.domain,
        "site_name": site.name,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request.is_secure() else "http",
    }
    PasswordResetForm().send_mail(
        SUBJECT_TEMPLATE, EMAIL_TEMPLATE, context, None, user.email
    )
    audit.record(
        subject=user,
        field=UserAuditEvent.Field.PASSWORD,
        new="herstellink verstuurd",
    )
    return True
