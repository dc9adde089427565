"""The one-time code forms (GOV.UK styled)."""

from __future__ import annotations

from django import forms

from divert.core.forms import GovukFormMixin


class CodeForm(GovukFormMixin, forms.Form):
    """A code from the authenticator app, or one of the backup codes."""

    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
    )


class AppCodeForm(GovukFormMixin, forms.Form):
    """A code from the authenticator app only (setting it up, or asking for new backup codes)."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for Divert.",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )
