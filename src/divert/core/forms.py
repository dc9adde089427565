"""GOV.UK styling for Django forms, and the sign-in form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str, str]] = [
    (forms.CheckboxInput, "govuk-checkboxes__input", ""),
    (forms.Select, "govuk-select", "govuk-select--error"),
    (forms.Textarea, "govuk-textarea", "govuk-textarea--error"),
    (forms.widgets.Input, "govuk-input", "govuk-input--error"),
]


class GovukFormMixin:
    """Gives every widget its GOV.UK class, and on a bound form with errors the error class
    and ``aria-describedby`` pointing at the message beside the field (WCAG 3.3.1)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            for widget_type, css, _ in _WIDGET_CLASSES:
                if isinstance(field.widget, widget_type):
                    field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()
                    break

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            if name not in errors:
                continue
            bound_id = self[name].id_for_label  # type: ignore[index]
            for widget_type, _, error_css in _WIDGET_CLASSES:
                if isinstance(field.widget, widget_type) and error_css:
                    field.widget.attrs["class"] += f" {error_css}"
                    break
            ids = " ".join(f"{bound_id}-error-{i}" for i in range(1, len(errors[name]) + 1))
            field.widget.attrs["aria-describedby"] = ids


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account cannot sign in.",
    }
