"""The parts of ``bench/load.py`` that run inside Django, as a subprocess with the server's settings.

    python bench/load_django.py setup USERS SEED    # load users, their sessions and what each may open
    python bench/load_django.py check FILE          # how many rows hold each edit's marker

Both print JSON on stdout. ``setup`` must run with the server's ``SECRET_KEY``: a session's
signature and its user's authentication hash are both derived from it.
"""

from __future__ import annotations

import json
import random
import re
import sys
from typing import Any

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from divert.chronology.models import SignificantEvent  # noqa: E402
from divert.core.access import restrict  # noqa: E402
from divert.core.models import Authority, User  # noqa: E402
from divert.core.roles import CHILD_WRITERS, CHRONOLOGY_READERS, Role  # noqa: E402
from divert.people.models import Child, Team  # noqa: E402

try:  # the second factor's session key (being added to sign-in at the time of writing)
    from divert.signin.session import VERIFIED_SESSION_KEY
except ImportError:  # pragma: no cover - an older tree
    VERIFIED_SESSION_KEY = "divert_second_factor"

BACKEND = "divert.core.backends.DivertBackend"
CASEWORK_KINDS = (
    Team.Kind.ASSESSMENT,
    Team.Kind.CHILDREN_IN_NEED,
    Team.Kind.CHILDREN_IN_CARE,
    Team.Kind.LEAVING_CARE,
)
TEAMS = 5
INDICATORS = ("cla_count", "referrals", "cp_count")
CHILDREN_PER_USER = 60
MARKER = re.compile(r"\[load [0-9a-f]+ u\d+ e\d+\]")


def _teams(authority: Authority) -> list[Team]:
    """The casework teams holding the most open cases: social workers and managers are spread over them."""
    busiest = (
        Team.objects.filter(authority=authority, kind__in=CASEWORK_KINDS)
        .annotate(open_cases=Count("allocations", filter=Q(allocations__end__isnull=True)))
        .filter(open_cases__gt=0)
        .order_by("-open_cases", "pk")
    )
    return list(busiest[:TEAMS])


def roster(users: int, teams: list[Team]) -> list[tuple[str, Team | None]]:
    """Each load user's role and team: one head of service, one analyst, then caseworkers.

    Caseworkers go round the teams; each team's first is its manager, the rest social workers,
    so fifty users are a head of service, an analyst, five managers and 43 social workers.
    """
    plan: list[tuple[str, Team | None]] = [(str(Role.HEAD_OF_SERVICE), None), (str(Role.ANALYST), None)]
    plan = plan[:users]
    for index in range(users - len(plan)):
        team = teams[index % len(teams)]
        plan.append((Role.TEAM_MANAGER if index < len(teams) else Role.SOCIAL_WORKER, team))
    return plan


def _user(authority: Authority, number: int, role: str, team: Team | None) -> User:
    """A load account: not a demo account (refused when DEBUG is off), no usable password."""
    user, _ = User.objects.update_or_create(
        username=f"load.{number:03d}",
        defaults={
            "role": role,
            "authority": authority,
            "team": team,
            "agency": "",
            "is_demo": False,
            "is_active": True,
            "first_name": "Load",
            "last_name": f"user {number}",
        },
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _session(user: User) -> str:
    """A signed-in, second-factor-verified session, as sign-in would leave it; its key is the cookie."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[VERIFIED_SESSION_KEY] = "load-test"
    session.create()
    return str(session.session_key)


def _children(user: User, seed: int) -> list[dict[str, Any]]:
    """A sample of living, born children the user may see (and so open, search for and, if a writer, edit)."""
    today = timezone.localdate()
    visible = restrict(Child.objects.filter(date_of_birth__lt=today, date_of_death__isnull=True), user)
    rows: list[dict[str, Any]] = [
        dict(row) for row in visible.order_by("pk").values("pk", "first_name", "last_name")
    ]
    return random.Random(seed).sample(rows, min(CHILDREN_PER_USER, len(rows)))


def setup(users: int, seed: int) -> dict[str, Any]:
    authority = Authority.objects.order_by("pk").first()
    if authority is None:
        raise SystemExit("no authority on the register: divert synth has not run")
    teams = _teams(authority)
    people = []
    for number, (role, team) in enumerate(roster(users, teams), start=1):
        user = _user(authority, number, role, team)
        people.append(
            {
                "number": number,
                "username": user.username,
                "role": role,
                "team": team.name if team else "",
                "session": _session(user),
                "children": _children(user, seed * 1000 + number),
                "writes": role in CHILD_WRITERS,
                "chronology": role in CHRONOLOGY_READERS,
            }
        )
    return {"today": timezone.localdate().strftime("%d/%m/%Y"), "indicators": INDICATORS, "users": people}


def check(markers: list[str]) -> dict[str, int]:
    """How many significant events hold each marker (0: lost, 2 or more: duplicated)."""
    run = markers[0].split()[1] if markers else ""
    counts = dict.fromkeys(markers, 0)
    titles = SignificantEvent.objects.filter(title__contains=f"[load {run} ").values_list("title", flat=True)
    for title in titles:
        for found in MARKER.findall(title):
            counts[found] = counts.get(found, 0) + 1
    return counts


def main() -> None:
    command = sys.argv[1]
    if command == "setup":
        print(json.dumps(setup(int(sys.argv[2]), int(sys.argv[3]))))
    elif command == "check":
        with open(sys.argv[2], encoding="utf-8") as markers:
            print(json.dumps(check(json.load(markers))))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
