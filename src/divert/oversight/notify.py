"""Telling managers about an access alert, by email, once the alert has committed.

``privacy.alerts.raise_alert`` calls :func:`notify_managers` after commit. The mail goes to the
authority's heads of service and to the manager(s) of the person's team: active people with an
email address, never the person the alert is about (an alert may start an investigation). It
names the person, the kind of alert, the time and the child's register ID, never the child's
name: email leaves the system and is kept in mailboxes Divert does not control. A mail that
fails is logged, not raised: the alert itself is stored and shows on the alerts page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from divert.core.models import User
from divert.core.roles import Role

log = logging.getLogger(__name__)


def recipients(alert: Any) -> QuerySet[User]:
    """Heads of service of the alert's authority and the managers of the person's team."""
    person = alert.user
    managers = Q(role=Role.HEAD_OF_SERVICE)
    if person.team_id:
        managers |= Q(role=Role.TEAM_MANAGER, team_id=person.team_id)
    found = User.objects.filter(managers, authority_id=alert.authority_id, is_active=True)
    return found.exclude(email="").exclude(pk=person.pk).order_by("pk")


def subject(alert: Any) -> str:
    return f"Access alert: {alert.get_kind_display()} by {_name(alert.user)}"


def body(alert: Any) -> str:
    """The message: who, what kind, when, which child by ID, and where to review it."""
    child = alert.child.child_id if alert.child_id else "not one child"
    when = timezone.localtime(alert.at)
    return "\n".join(
        [
            "Divert has raised an access alert for you to review.",
            "",
            f"Person: {_name(alert.user)} ({alert.user.role_label})",
            f"Alert: {alert.get_kind_display()}",
            f"When: {when:%d %B %Y at %H:%M}",
            f"Child ID: {child}",
            f"Detail: {alert.detail}",
            "",
            f"Review and acknowledge it on the alerts page: {reverse('oversight:alerts')}",
            "",
            "OFFICIAL-SENSITIVE. Do not forward this message outside the council.",
        ]
    )


def notify_managers(alert: Any) -> None:
    """Email the alert to its managers, one message each; log, never raise, when mail fails."""
    try:
        to = list(recipients(alert).values_list("email", flat=True))
        if not to:
            log.warning("Access alert %s has no manager with an email address to tell", alert.pk)
            return
        text = body(alert)
        messages = [EmailMessage(subject(alert), text, to=[address]) for address in to]
        get_connection(fail_silently=False).send_messages(messages)
    except Exception:
        log.exception("Could not email managers about access alert %s", alert.pk)


def _name(user: Any) -> str:
    return user.get_full_name() or user.username
