"""Gatekeeping: the edge-of-care panel before any child is accommodated, and the resource panel
before any high-cost or independent-sector placement.

The Peterborough plan kept entries to care to at most 8 a month by bringing every proposal to
accommodate a child to a "threshold of care" meeting chaired by a service manager, emergencies
excepted and reviewed at the next meeting. Plymouth kept "tight gate keeping to high cost
placements ... through resource panel". Both are meetings that hear items about children;
the items are restricted by their child like every other record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet
from divert.core.codes import PLACEMENT_CATEGORIES
from divert.core.models import Authority
from divert.people.models import Child


class PanelMeeting(models.Model):
    """One sitting of a panel: when, who chaired, who attended. Its items are the children heard."""

    class Kind(models.TextChoices):
        EDGE_OF_CARE = "edge_of_care", "Edge-of-care panel (threshold of care meeting)"
        RESOURCE = "resource", "Resource panel"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="panel_meetings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    chair = models.CharField(max_length=120, help_text="A service manager chairs the edge-of-care panel")
    attendees = models.TextField(blank=True, help_text="Names and roles, one a line")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["authority", "kind", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class EdgeOfCareProposal(models.Model):
    """A proposal to accommodate a child, heard by the edge-of-care panel before it happens.

    An emergency (the child was accommodated before a panel could sit) is recorded with its
    justification and reviewed at the next panel, which decides whether care continues.
    """

    child_path = "child"

    class Basis(models.TextChoices):
        SECTION_20 = "s20", "Voluntary accommodation (section 20)"
        CARE_PROCEEDINGS = "proceedings", "Care proceedings (interim care order)"
        POLICE_PROTECTION = "police", "Police protection or emergency protection order"
        REMAND = "remand", "Remand to local authority accommodation"

    class Decision(models.TextChoices):
        DIVERT = "divert", "Divert: support at home with a package"
        ACCOMMODATE = "accommodate", "Accommodate"
        DEFER = "defer", "Defer: more information or work needed"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="edge_of_care_proposals")
    proposed = models.DateField("Date proposed")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    basis = models.CharField("Proposed legal route", max_length=20, choices=Basis.choices)
    reasons = models.TextField("Why accommodation is proposed")
    emergency = models.BooleanField(
        default=False, help_text="Accommodated before a panel could sit; reviewed at the next panel"
    )
    accommodated_on = models.DateField("Date accommodated in the emergency", null=True, blank=True)
    justification = models.TextField("Why it could not wait for the panel", blank=True)
    meeting = models.ForeignKey(
        PanelMeeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="edge_of_care_items",
        help_text="The panel that heard (or, for an emergency, reviewed) the proposal",
    )
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    package = models.TextField(
        "Support package", blank=True, help_text="For a diversion: what support, from whom, for how long"
    )
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="emergency_has_date_and_justification",
                condition=models.Q(emergency=False, accommodated_on__isnull=True)
                | (models.Q(emergency=True, accommodated_on__isnull=False) & ~models.Q(justification="")),
            ),
            models.CheckConstraint(
                name="decision_is_made_at_a_panel",
                condition=models.Q(decision="") | models.Q(meeting__isnull=False),
            ),
            models.CheckConstraint(
                name="diversion_has_a_package",
                condition=~models.Q(decision="divert") | ~models.Q(package=""),
            ),
        ]
        indexes = [models.Index(fields=["child", "proposed"])]

    def __str__(self) -> str:
        return f"Edge-of-care proposal {self.proposed:%d/%m/%Y}"


class Alternative(models.Model):
    """Something tried or considered instead of care, for one proposal."""

    class Kind(models.TextChoices):
        FAMILY_GROUP_CONFERENCE = "fgc", "Family group conference"
        INTENSIVE_SUPPORT = "intensive", "Intensive support team"
        WRAP_AROUND = "wrap_around", "Wrap-around package"
        FAMILY_SUPPORT = "family_support", "Family support"
        FAMILY_AND_FRIENDS = "family_friends", "Care by family and friends"
        SPECIALIST = "specialist", "Specialist service (CAMHS, educational psychology ...)"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        TRIED = "tried", "Tried"
        CONSIDERED = "considered", "Considered, not tried"
        NOT_SUITABLE = "not_suitable", "Ruled out as not safe or suitable"

    proposal = models.ForeignKey(EdgeOfCareProposal, on_delete=models.CASCADE, related_name="alternatives")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "kind"], name="one_alternative_of_each_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_status_display()}"


class ResourceRequest(models.Model):
    """A request to the resource panel for a high-cost or independent-sector placement.

    The panel appraises the options with their weekly costs and approves one with conditions;
    it cannot approve without a planned end date, so every such placement has one from the start.
    """

    child_path = "child"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        DECLINE = "decline", "Decline"
        DEFER = "defer", "Defer"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="resource_requests")
    requested = models.DateField("Date requested")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    need = models.TextField("What the child needs from the placement")
    meeting = models.ForeignKey(
        PanelMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="resource_items"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    approved_option = models.ForeignKey(
        "ResourceOption", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conditions = models.TextField(blank=True, help_text="Review dates, outcomes the provider must meet ...")
    planned_end = models.DateField("Planned end date", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    episode = models.ForeignKey(
        "care.Episode",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resource_requests",
        help_text="The placement made under the approval",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="resource_decision_is_made_at_a_panel",
                condition=models.Q(decision="") | models.Q(meeting__isnull=False),
            ),
            models.CheckConstraint(
                name="approval_has_option_and_end_date",
                condition=~models.Q(decision="approve")
                | models.Q(approved_option__isnull=False, planned_end__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["child", "requested"])]

    def __str__(self) -> str:
        return f"Resource request {self.requested:%d/%m/%Y}"


class ResourceOption(models.Model):
    """One option the panel appraised for a request, with its weekly cost."""

    class Kind(models.TextChoices):
        IN_HOUSE = "in_house", "In-house (the council's own carers or home)"
        KINSHIP = "kinship", "Kinship (family and friends)"
        INDEPENDENT = "independent", "Independent sector (agency or private home)"

    request = models.ForeignKey(ResourceRequest, on_delete=models.CASCADE, related_name="options")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    placement = models.CharField(
        "Placement category", max_length=40, choices=[(c, c) for c in PLACEMENT_CATEGORIES]
    )
    provider = models.ForeignKey(
        "care.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=200, blank=True)
    weekly_cost = models.DecimalField(max_digits=9, decimal_places=2)
    available = models.BooleanField(default=True, help_text="Whether the option can actually be had now")

    class Meta:
        ordering = ["request", "weekly_cost", "pk"]
        constraints = [
            models.CheckConstraint(name="option_cost_not_negative", condition=models.Q(weekly_cost__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at £{self.weekly_cost}/week"
