"""Children, their families, the professionals who work with them, teams and localities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet
from divert.core.ages import age_on
from divert.core.codes import Ethnicity, PartnerAgency, Sex
from divert.core.models import Authority
from divert.privacy.pseudonyms import mask_child, mask_family_member, pseudonymising, refuse_saving_masked


class Locality(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="localities")
    name = models.CharField(max_length=80)

    class Meta:
        verbose_name_plural = "localities"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="unique_locality_name")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    class Kind(models.TextChoices):
        MASH = "mash", "Multi-agency safeguarding hub"
        ASSESSMENT = "assessment", "Assessment"
        CHILDREN_IN_NEED = "cin", "Children in need and child protection"
        CHILDREN_IN_CARE = "cla", "Children in care"
        LEAVING_CARE = "leaving_care", "Leaving care"
        FOSTERING = "fostering", "Fostering and adoption"
        EARLY_HELP = "early_help", "Early help"
        DISABILITY = "disability", "Children with disabilities"
        PARTNER = "partner", "Partner agency"
        MANAGEMENT = "management", "Management and performance"

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="unique_team_name")]

    def __str__(self) -> str:
        return self.name


class Professional(models.Model):
    """A worker who can hold cases: a social worker, manager, or a partner agency's officer."""

    name = models.CharField(max_length=120)
    job_title = models.CharField(max_length=80, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members")
    qualified_social_worker = models.BooleanField(default=True)
    agency = models.CharField(max_length=20, choices=PartnerAgency.choices, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="professional",
    )
    sw_id = models.CharField(max_length=20, blank=True, help_text="Social Work England registration")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Child(models.Model):
    """A child known to children's services. The one record every other event hangs from."""

    child_path = ""
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="children")
    child_id = models.CharField(
        "Child ID", max_length=20, help_text="The authority's own identifier (SSDA903 CHILD)"
    )
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField()
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    upn = models.CharField(
        "Unique pupil number",
        max_length=13,
        blank=True,
        help_text="13 characters, or UN1-UN10 when not known",
    )
    disability = models.BooleanField(default=False)
    uasc = models.BooleanField("Unaccompanied asylum-seeking child", default=False)
    uasc_ceased = models.DateField("Date UASC status ceased", null=True, blank=True)
    home_postcode = models.CharField(max_length=8, blank=True)
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.SET_NULL)
    date_of_death = models.DateField(null=True, blank=True)
    is_mother = models.BooleanField(
        "Is herself a mother", default=False, help_text="SSDA903 MOTHER, for a looked-after girl"
    )
    first_child_born = models.DateField(
        "Date of birth of her first child", null=True, blank=True, help_text="SSDA903 MC_DOB"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "date_of_birth"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(fields=["authority", "child_id"], name="unique_child_id_per_authority"),
            models.CheckConstraint(
                name="death_after_birth",
                condition=models.Q(date_of_death__isnull=True)
                | models.Q(date_of_death__gte=models.F("date_of_birth")),
            ),
            models.CheckConstraint(
                name="uasc_ceased_only_for_uasc",
                condition=models.Q(uasc_ceased__isnull=True) | models.Q(uasc=True),
            ),
            models.CheckConstraint(  # DfE rules 174 and 612
                name="only_a_mother_has_a_first_child",
                condition=models.Q(first_child_born__isnull=True) | models.Q(is_mother=True),
            ),
            models.CheckConstraint(
                name="a_boy_is_not_a_mother", condition=~models.Q(sex="M", is_mother=True)
            ),
            models.CheckConstraint(  # DfE rule 621
                name="first_child_born_after_mother",
                condition=models.Q(first_child_born__isnull=True)
                | models.Q(first_child_born__gt=models.F("date_of_birth")),
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.child_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        refuse_saving_masked(self)
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Child:
        """Load a child, masked if the current request works on pseudonymised data (analysts)."""
        child = super().from_db(db, field_names, values)
        return mask_child(child) if pseudonymising() else child

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on ``day`` (a child born on 29 February turns a year older on 1 March)."""
        return age_on(self.date_of_birth, day)


class FamilyMember(models.Model):
    """An adult or child in a child's family network, with their relationship to the child."""

    child_path = "child"

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        GRANDPARENT = "grandparent", "Grandparent"
        SIBLING = "sibling", "Sibling"
        AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
        OTHER_RELATIVE = "other_relative", "Other relative"
        FAMILY_FRIEND = "family_friend", "Family friend"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family")
    name = models.CharField(max_length=120)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    date_of_birth = models.DateField(null=True, blank=True)
    parental_responsibility = models.BooleanField(default=False)
    postcode = models.CharField(max_length=8, blank=True)
    related_child = models.ForeignKey(
        Child,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="When the family member is also a child on the register (a sibling, a young parent)",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "relationship", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        refuse_saving_masked(self)
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> FamilyMember:
        """Load a family member, masked if the current request works on pseudonymised data."""
        member = super().from_db(db, field_names, values)
        return mask_family_member(member) if pseudonymising() else member


class Allocation(models.Model):
    """A child's case held by a worker, from ``start`` to ``end``: caseloads and team access."""

    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocations")
    worker = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="allocations")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="allocations")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    sw_reason = models.CharField(
        "Reason for the new social worker (SW_REASON)",
        max_length=6,
        blank=True,
        help_text="As a return recorded it; when blank, the SSDA903 export infers it from the history",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-start"]
        constraints = [
            models.CheckConstraint(
                name="allocation_ends_after_start",
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            ),
        ]
        indexes = [models.Index(fields=["team", "end"]), models.Index(fields=["child", "end"])]

    def __str__(self) -> str:
        return f"{self.child} with {self.worker} from {self.start}"


class Share(models.Model):
    """A child's record shared with a partner agency, which otherwise sees nothing."""

    child_path = "child"
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="shares")
    agency = models.CharField(max_length=20, choices=PartnerAgency.choices)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                name="share_ends_after_start",
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} shared with {self.get_agency_display()}"
