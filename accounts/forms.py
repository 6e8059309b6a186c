"""Forms of the two-factor pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code from the authenticator app (or, when verifying, a recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args: object, help_text: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text


class EnrolmentCodeForm(forms.Form):
    """The one-time enrolment code the administrator handed out."""

    enrolment_code = forms.CharField(
        label=_("Activeringscode"),
        max_length=32,
        strip=True,
        help_text=_(
            "De code die u van uw beheerder kreeg (bijvoorbeeld ABCD-EFGH-JKMN)."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
