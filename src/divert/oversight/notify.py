"""Telling managers about an access alert (replaced by the oversight work in issue 9)."""

from __future__ import annotations

from typing import Any


def notify_managers(alert: Any) -> None:
    """Send the alert to the head of service and the person's team manager."""
