"""Password rules beyond Django's own, per NCSC password guidance (docs/security.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Allow long passphrases (NCSC: length over complexity) but cap them so hashing stays cheap.

    128 characters is far beyond any memorable passphrase; the cap only stops someone sending
    megabytes of "password" to tie up the server.
    """

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Password must be {self.max_length} characters or fewer",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {self.max_length} characters; a phrase of several words is best."
