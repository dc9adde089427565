"""The roles people hold in Divert, and what each may do.

Roles are deliberately coarse and few: a council's information governance team must be able
to read this file and see who can reach a child's record. The one access function lives in
``divert.core.access``; this module only names the roles and their capabilities.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    MASH_OFFICER = "mash_officer", "MASH officer"
    PARTNER = "partner", "Partner agency user"
    ANALYST = "analyst", "Performance analyst"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    FINANCE = "finance", "Finance and commissioning"
    ADMIN = "admin", "Administrator"


class Scope(models.TextChoices):
    """How far a role's sight of children's records reaches."""

    NONE = "none", "No children's records"
    SHARED = "shared", "Only children whose records were shared with the user's agency"
    TEAM = "team", "Children allocated to the user's team"
    AUTHORITY = "authority", "Every child in the user's authority"


# Which children a role may see. Social workers and team managers work their team's
# cases; the MASH sees the whole front door; analysts, heads of service and finance need
# the whole authority to reconcile figures; administrators manage reference data only.
CHILD_SCOPE: dict[str, str] = {
    Role.SOCIAL_WORKER: Scope.TEAM,
    Role.TEAM_MANAGER: Scope.TEAM,
    Role.MASH_OFFICER: Scope.AUTHORITY,
    Role.PARTNER: Scope.SHARED,
    Role.ANALYST: Scope.AUTHORITY,
    Role.HEAD_OF_SERVICE: Scope.AUTHORITY,
    Role.FINANCE: Scope.AUTHORITY,
    Role.ADMIN: Scope.NONE,
}

# Roles that may change a child's record (within their scope).
CHILD_WRITERS = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.MASH_OFFICER})

# Roles that prepare the statutory returns (SSDA903, CIN census): export, import and validate
# for their authority. Importing writes children's records in bulk, so it is kept to the
# performance team and the head of service who signs the return off.
RETURNS_ROLES = frozenset({Role.ANALYST, Role.HEAD_OF_SERVICE})

# Roles that read the performance scorecard and its drill-downs. Partner agencies see only
# the records shared with them, so an authority's figures are not theirs to read; the
# administrator manages reference data and sees no child.
SCORECARD_ROLES = frozenset(Role) - {Role.PARTNER, Role.ADMIN}

# The front door (MASH enquiries, the queue, information requests to partners): MASH officers
# work it; the head of service reads it. An enquiry names children not yet matched to anyone's
# caseload, and the adults around them, in free text that cannot be pseudonymised: so the
# analyst, who works on pseudonymised data, reads the front door's figures on the scorecard and
# not the enquiries themselves. Partner agencies see only the requests sent to them.
FRONT_DOOR_WORKERS = frozenset({Role.MASH_OFFICER})
FRONT_DOOR_READERS = FRONT_DOOR_WORKERS | {Role.HEAD_OF_SERVICE}

# The edge-of-care and resource panels: social workers and managers bring children to them
# (through their own children's records); managers and the head of service run the meetings
# and record decisions; finance sits on the resource panel. Lists of a panel's items show only
# the children the reader may see.
PANEL_MEMBERS = frozenset({Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})
PANEL_READERS = PANEL_MEMBERS | {Role.SOCIAL_WORKER, Role.MASH_OFFICER, Role.ANALYST, Role.FINANCE}

# Early help and the assessment and child protection clocks: the roles that work or oversee
# cases. Each list shows only the children ``restrict`` lets the reader see.
CASEWORK_READERS = frozenset(
    {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.MASH_OFFICER, Role.HEAD_OF_SERVICE, Role.ANALYST}
)

# The fortnightly placement review (children in care not in a permanent placement, most costly
# first, and their step-down plans): team managers and the head of service sit on it and record
# its decisions; social workers read their own children's plans; the analyst and finance read it
# for the savings. Every list is still narrowed by ``restrict``.
PLACEMENT_REVIEW_MEMBERS = frozenset({Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})
PLACEMENT_REVIEW_READERS = PLACEMENT_REVIEW_MEMBERS | {Role.SOCIAL_WORKER, Role.ANALYST, Role.FINANCE}

# A child's chronology is the whole narrative of their record, gathered in one place: it is for
# the people who work the child's case (within their scope), not for figures. Partner agencies,
# analysts, finance and administrators do not read it.
CHRONOLOGY_READERS = frozenset(
    {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.MASH_OFFICER, Role.HEAD_OF_SERVICE}
)

# The forecast is about the whole authority (no child is named on it): the head of service,
# the analyst and finance read it and save scenarios; team managers read it.
FORECAST_WRITERS = frozenset({Role.HEAD_OF_SERVICE, Role.ANALYST, Role.FINANCE})
FORECAST_READERS = FORECAST_WRITERS | {Role.TEAM_MANAGER}

# Foster carers and adopters (issue 8): the fostering service's manager is a team manager (of the
# fostering team); the head of service oversees. Casework roles read capacity and vacancies to
# find a placement; finance reads them for sufficiency. Households are adults, not children, but
# their addresses and assessments are personal data: partners and administrators see none.
CARERS_MANAGERS = frozenset({Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})
CARERS_READERS = CARERS_MANAGERS | {Role.SOCIAL_WORKER, Role.ANALYST, Role.FINANCE}

# Providers, contracts and prices: finance and commissioning set contracts and prices; the head
# of service, analysts and team managers read them (a manager agrees a placement's cost).
PRICE_WRITERS = frozenset({Role.FINANCE})
PRICE_READERS = PRICE_WRITERS | {Role.HEAD_OF_SERVICE, Role.ANALYST, Role.TEAM_MANAGER}

# The programme (work streams, actions, risks, the savings plan, the monthly report): the
# programme board is the head of service with the analyst and finance, who keep it; team
# managers read it because they own actions.
PROGRAMME_WRITERS = frozenset({Role.HEAD_OF_SERVICE, Role.ANALYST, Role.FINANCE})
PROGRAMME_READERS = PROGRAMME_WRITERS | {Role.TEAM_MANAGER}

# Need to know (issue 9). A restricted record is seen only by the people named on it; the roles
# that work children's cases may name people and be named. Anyone else whose role reaches the
# child may "break glass" with a reason, which alerts managers. Restrictions are set by a team
# manager (their team's children) or the head of service, and managed by the head of service.
NAMED_ACCESS_ROLES = frozenset(
    {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.MASH_OFFICER, Role.HEAD_OF_SERVICE}
)
BREAK_GLASS_ROLES = NAMED_ACCESS_ROLES
RESTRICTION_SETTERS = frozenset({Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})
RESTRICTION_MANAGERS = frozenset({Role.HEAD_OF_SERVICE})

# Sharing a child's record with a partner agency (police, health, school) is a decision about the
# child's case: the people who may change the record make it.
SHARE_MANAGERS = CHILD_WRITERS

# Analysts work on figures: every child and family member they load is pseudonymised
# (``divert.privacy.pseudonyms``), and they cannot break glass.
PSEUDONYMISED_ROLES = frozenset({Role.ANALYST})

# Who reads the audit trail: team managers (their team's children and people), the head of
# service (the whole authority). They see access alerts and export access histories for subject
# access requests.
AUDIT_READERS = frozenset({Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})

# --- The read-only API for business-intelligence tools (issue 9) -----------------------------
# Power BI and Excel read figures and pseudonymised rows with a personal token that acts as its
# user: the head of service, analysts and finance, who already read the whole authority's figures.
# Casework roles work in the pages; partners and administrators see no authority-wide figures.
API_ROLES = frozenset({Role.HEAD_OF_SERVICE, Role.ANALYST, Role.FINANCE})
