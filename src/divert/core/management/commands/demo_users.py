"""``divert demo-users``: one demonstration account for every role, on the first authority.

Demo accounts have a published password, so they are marked ``is_demo`` and the
authentication backend refuses them whenever DEBUG is off. The command is idempotent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from divert.core.actions import audited_create
from divert.core.models import Authority, User
from divert.core.roles import Role
from divert.people.models import Child, Professional, Share, Team

DEMO_PASSWORD = "divert-demo-2026"  # noqa: S105 - published on purpose; refused unless DEBUG

# username, role, team name (None: no team), partner agency
DEMO_USERS: list[tuple[str, str, str | None, str]] = [
    ("social.worker", Role.SOCIAL_WORKER, "Children in care North", ""),
    ("team.manager", Role.TEAM_MANAGER, "Children in care North", ""),
    ("early.help", Role.SOCIAL_WORKER, "Early help", ""),
    ("mash.officer", Role.MASH_OFFICER, "MASH", ""),
    ("police.officer", Role.PARTNER, None, "police"),
    ("analyst", Role.ANALYST, None, ""),
    ("head.of.service", Role.HEAD_OF_SERVICE, None, ""),
    ("finance", Role.FINANCE, None, ""),
    ("admin", Role.ADMIN, None, ""),
]

POLICE_SHARES = 12


class Command(BaseCommand):
    help = "Create or refresh a demo user for every role (refused when DEBUG is off)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo users are for a DEBUG installation only (set DEBUG=1).")
        authority = Authority.objects.order_by("pk").first()
        if authority is None:
            raise CommandError("No authority on the register: run `divert synth` first.")
        with transaction.atomic():
            users = [self._user(authority, *spec) for spec in DEMO_USERS]
            mash = next(u for u in users if u.role == Role.MASH_OFFICER)
            shared = self._share_with_police(authority, sharer=mash)
            restricted = self._restrict_some(authority, {u.username: u for u in users})
        self.stdout.write(f"{len(users)} demo users on {authority.name}; password {DEMO_PASSWORD!r}.")
        if restricted:
            self.stdout.write(f"Restricted {restricted} records in the North team for the need-to-know demo.")
        if shared:
            self.stdout.write(f"Shared {shared} children with the police for the partner demo.")

    def _user(
        self, authority: Authority, username: str, role: str, team_name: str | None, agency: str
    ) -> User:
        team = Team.objects.filter(authority=authority, name=team_name).first() if team_name else None
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "authority": authority,
                "team": team,
                "agency": agency,
                "is_demo": True,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
                "first_name": username.split(".")[0].capitalize(),
                "last_name": "(demo)",
                # Access alerts are mailed to managers; with DEBUG the mail is printed, not sent.
                "email": f"{username}@demo.invalid",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if team is not None and role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER):
            self._link_professional(user, team, role)
        return user

    def _link_professional(self, user: User, team: Team, role: str) -> None:
        """Give the demo worker a real caseload: take over the busiest synthetic worker in the team."""
        existing = Professional.objects.filter(user=user).first()
        if role == Role.TEAM_MANAGER:
            if existing is None:
                Professional.objects.create(
                    name=f"{user.first_name} (demo)", job_title=Role(role).label, team=team, user=user
                )
            return
        if existing is not None:
            if existing.allocations.filter(end__isnull=True).exists():
                return
            existing.user = None
            existing.save(update_fields=["user"])
        # Early help's lead professionals are family support workers, not qualified social workers.
        qualified = {} if team.kind == Team.Kind.EARLY_HELP else {"qualified_social_worker": True}
        worker = (
            Professional.objects.filter(team=team, user__isnull=True, **qualified)
            .annotate(open_cases=Count("allocations", filter=Q(allocations__end__isnull=True)))
            .filter(open_cases__gt=0)
            .order_by("-open_cases", "pk")
            .first()
        )
        if worker is None:
            Professional.objects.create(name=f"{user.first_name} (demo)", team=team, user=user)
            return
        worker.user = user
        worker.save(update_fields=["user"])

    def _share_with_police(self, authority: Authority, sharer: User) -> int:
        """Share some children on child protection plans with the police, as the MASH would."""
        already = Share.objects.filter(child__authority=authority, agency="police")
        wanted = POLICE_SHARES - already.count()
        if wanted <= 0:
            return 0
        today = timezone.localdate()
        children = list(
            Child.objects.filter(authority=authority, cp_plans__end__isnull=True, cp_plans__start__lte=today)
            .exclude(pk__in=already.values("child_id"))
            .order_by("pk")
            .distinct()[:wanted]
        )
        for child in children:
            share = Share(
                child=child,
                agency="police",
                shared_by=sharer,
                reason="Joint working on a child protection plan",
                start=today - dt.timedelta(days=30),
            )
            audited_create(sharer, share, note="demo data")
        return len(children)

    def _restrict_some(self, authority: Authority, users: dict[str, User]) -> int:
        """Restrict two of the North team's records, so the demo shows restricted records and break glass.

        Neither is the demo social worker's own case, so signing in as ``social.worker`` and
        opening one shows the break-glass page; the MASH officer has already broken glass on the
        first, which leaves an open alert for the head of service. Skipped once any record of the
        authority is restricted.
        """
        from divert.privacy.actions import break_glass, name_person, restrict_record
        from divert.privacy.models import RestrictedRecord

        if RestrictedRecord.objects.filter(child__authority=authority).exists():
            return 0
        today = timezone.localdate()
        team = users["social.worker"].team
        own = Professional.objects.filter(user=users["social.worker"]).values("pk")
        children = list(
            Child.objects.filter(
                authority=authority,
                allocations__team=team,
                allocations__end__isnull=True,
                date_of_death__isnull=True,
            )
            .exclude(allocations__worker__in=own)
            .exclude(shares__isnull=False)
            .order_by("pk")
            .distinct()[:2]
        )
        if len(children) < 2:
            return 0
        hos = users["head.of.service"]
        category = RestrictedRecord.Category
        restrict_record(hos, children[0], category.STAFF_FAMILY, "A member of staff's grandchild (demo)")
        restrict_record(
            hos, children[1], category.ADOPTED, "Placed for adoption: the family's details are sealed (demo)"
        )
        name_person(hos, children[1], users["team.manager"])
        break_glass(
            users["mash.officer"],
            children[0],
            f"New police contact on {today:%d/%m/%Y} about this child (demo)",
        )
        return 2
