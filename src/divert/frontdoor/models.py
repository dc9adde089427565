"""The front door: MASH enquiries, the children they name, partner agencies' information,
contacts with their threshold decisions, and referrals.

An *enquiry* is what arrives at the multi-agency safeguarding hub: one referrer, one household,
one or more children as the referrer described them. Each named child is matched to a child
on the register (or, on purpose, added as a new one); the match makes the child's *contact*,
which carries the threshold decision and its one-working-day clock. A decision to refer makes
a *referral* (the CIN census episode); a decision for early help starts an early help episode.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from divert.core.access import RestrictedQuerySet
from divert.core.codes import CategoryOfNeed, CINClosureReason, PartnerAgency, ReferralSource
from divert.core.models import Authority
from divert.people.models import Child, Team

#: Teams whose allocation means a child's case is open to children's social care, so a new
#: contact goes to the allocated worker rather than starting a second referral. Early help,
#: the MASH itself, fostering (which supports carers) and partners' teams do not hold one.
SOCIAL_WORK_TEAMS = frozenset(
    {
        Team.Kind.ASSESSMENT,
        Team.Kind.CHILDREN_IN_NEED,
        Team.Kind.CHILDREN_IN_CARE,
        Team.Kind.LEAVING_CARE,
        Team.Kind.DISABILITY,
    }
)


class Enquiry(models.Model):
    """What reached the MASH: who raised it, how, about which household and children, and why.

    Not about one child (it may name several, some not yet matched), so it is not restricted
    by ``child_path``: who may read enquiries is decided by ``core.access.enquiries_for``.
    """

    class Method(models.TextChoices):
        PHONE = "phone", "Telephone"
        EMAIL = "email", "Secure email"
        ONLINE = "online", "Online referral form"
        IN_PERSON = "in_person", "In person"
        LETTER = "letter", "Letter"
        NOTIFICATION = "notification", "Police notification (public protection notice)"

    class Consent(models.TextChoices):
        GIVEN = "given", "Given by parents or carers"
        REFUSED = "refused", "Refused"
        NOT_SOUGHT_RISK = "not_sought_risk", "Not sought: seeking it would put a child at risk"
        NOT_SOUGHT_OTHER = "not_sought_other", "Not sought: other reason (recorded)"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="enquiries")
    received = models.DateTimeField()
    source = models.CharField("Referring agency", max_length=3, choices=ReferralSource.choices)
    method = models.CharField("How it arrived", max_length=20, choices=Method.choices)
    referrer_name = models.CharField(max_length=120)
    referrer_role = models.CharField("Referrer's role or organisation", max_length=120, blank=True)
    referrer_contact = models.CharField("Referrer's telephone or email", max_length=120, blank=True)
    concerns = models.TextField()
    address = models.CharField("Household address", max_length=200, blank=True)
    postcode = models.CharField("Household postcode", max_length=8, blank=True)
    consent = models.CharField(
        "Consent to share information", max_length=20, choices=Consent.choices, blank=True
    )
    consent_note = models.CharField(max_length=300, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enquiries_taken",
        help_text="The MASH officer working the enquiry",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed = models.DateTimeField(
        null=True, blank=True, help_text="When the last named child's decision was recorded"
    )
    stepped_up_from = models.ForeignKey(
        "earlyhelp.EarlyHelpEpisode",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="step_ups",
        help_text="The early help episode this enquiry steps up from, whose history it carries",
    )

    class Meta:
        ordering = ["received", "pk"]
        verbose_name_plural = "enquiries"
        constraints = [
            models.CheckConstraint(
                name="enquiry_closed_after_received",
                condition=models.Q(closed__isnull=True) | models.Q(closed__gte=models.F("received")),
            ),
        ]
        indexes = [models.Index(fields=["authority", "closed", "received"])]

    def __str__(self) -> str:
        return f"Enquiry {self.reference}"

    @property
    def reference(self) -> str:
        """The number the MASH quotes on the phone: E and the record number."""
        return f"E{self.pk:06d}" if self.pk else "E (new)"


class NamedChild(models.Model):
    """A child as the referrer named them, until matched to the register (the match makes a contact)."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    date_of_birth = models.DateField(
        null=True, blank=True, help_text="Blank when the referrer did not know it"
    )
    sex = models.CharField(
        max_length=1, blank=True, choices=[("M", "Male"), ("F", "Female"), ("U", "Not known")]
    )
    postcode = models.CharField(max_length=8, blank=True, help_text="When different from the household's")
    unborn = models.BooleanField(default=False, help_text="An unborn baby (date of birth is the due date)")
    child = models.ForeignKey(
        Child,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="namings",
        help_text="The register's child this is, once matched",
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_as_new = models.BooleanField(
        default=False, help_text="No existing child matched, so the officer added a new child on purpose"
    )

    class Meta:
        ordering = ["enquiry", "pk"]
        verbose_name_plural = "named children"
        constraints = [
            models.UniqueConstraint(
                fields=["enquiry", "child"],
                name="a_child_is_named_once_per_enquiry",
                condition=models.Q(child__isnull=False),
            ),
            models.CheckConstraint(
                name="new_child_is_matched",
                condition=models.Q(added_as_new=False) | models.Q(child__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class HouseholdMember(models.Model):
    """An adult (or other person) in the household, as the referrer or the MASH recorded them."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="household")
    name = models.CharField(max_length=120)
    relationship = models.CharField("Relationship to the children", max_length=80)
    date_of_birth = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["enquiry", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class InformationRequest(models.Model):
    """A question from the MASH to a partner agency about an enquiry, answered in Divert.

    A partner user reads only the requests addressed to their agency in their authority, and
    of the enquiry only what the request shows (``core.access.information_requests_for``).
    """

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="information_requests")
    agency = models.CharField(max_length=20, choices=PartnerAgency.choices)
    question = models.TextField(help_text="What the MASH asks; the partner sees this and the named people")
    requested = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due = models.DateTimeField(help_text="When the answer is needed to keep the one-working-day decision")
    response = models.TextField(blank=True)
    responded = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.CheckConstraint(
                name="information_due_after_request", condition=models.Q(due__gte=models.F("requested"))
            ),
            models.CheckConstraint(
                name="information_response_has_time",
                condition=(models.Q(response="") & models.Q(responded__isnull=True))
                | (~models.Q(response="") & models.Q(responded__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["agency", "responded"])]

    def __str__(self) -> str:
        return f"Request to {self.get_agency_display()} about {self.enquiry}"


class Contact(models.Model):
    """An enquiry of concern about a child, from any agency or person, before any referral."""

    child_path = "child"

    class Decision(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        ADVICE = "advice", "Information and advice"
        EARLY_HELP = "early_help", "Early help"
        REFERRAL = "referral", "Referral to children's social care"
        OPEN_CASE = "open_case", "Passed to the allocated worker (open case)"

    class NeedLevel(models.TextChoices):
        """The level of need on the local continuum of need (threshold document)."""

        UNIVERSAL = "universal", "Universal: needs met by universal services"
        EARLY_HELP = "early_help", "Early help: additional needs"
        CHILD_IN_NEED = "cin", "Child in need (section 17)"
        CHILD_PROTECTION = "cp", "Child protection (section 47)"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="contacts")
    enquiry = models.ForeignKey(
        Enquiry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        help_text="The MASH enquiry that named the child (none for contacts imported from a return)",
    )
    named = models.OneToOneField(
        NamedChild, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact"
    )
    received = models.DateTimeField()
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    concerns = models.TextField()
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    need_level = models.CharField("Level of need", max_length=20, choices=NeedLevel.choices, blank=True)
    reasons = models.TextField("Reasons for the decision", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-received"]
        constraints = [
            models.CheckConstraint(
                name="contact_decided_after_received",
                condition=models.Q(decided__isnull=True) | models.Q(decided__gte=models.F("received")),
            ),
            models.CheckConstraint(
                name="contact_decision_has_date",
                condition=(models.Q(decision="") & models.Q(decided__isnull=True))
                | (~models.Q(decision="") & models.Q(decided__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"Contact {self.received:%d/%m/%Y} ({self.get_source_display()})"


class Referral(models.Model):
    """A referral to children's social care: a CIN census ``CINdetails`` episode.

    It opens when the referral is accepted and closes with a reason; the route decided at the
    front door says what happens next.
    """

    child_path = "child"

    class Route(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        EARLY_HELP = "early_help", "Early help"
        ASSESSMENT = "assessment", "Children and families assessment"
        STRATEGY = "strategy", "Strategy discussion"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="referrals")
    contact = models.OneToOneField(Contact, null=True, blank=True, on_delete=models.SET_NULL)
    date = models.DateField("Referral date")
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    primary_need = models.CharField(max_length=2, choices=CategoryOfNeed.choices, blank=True)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    decided = models.DateField("Decision date", null=True, blank=True)
    re_referral = models.BooleanField(
        default=False, help_text="Within 12 months of a previous referral (set by the action that records it)"
    )
    closed = models.DateField("CIN closure date", null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=CINClosureReason.choices, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                name="referral_decided_on_or_after_date",
                condition=models.Q(decided__isnull=True) | models.Q(decided__gte=models.F("date")),
            ),
            models.CheckConstraint(
                name="referral_closed_on_or_after_date",
                condition=models.Q(closed__isnull=True) | models.Q(closed__gte=models.F("date")),
            ),
            models.CheckConstraint(
                name="referral_closure_has_reason",
                condition=(models.Q(closed__isnull=True) & models.Q(closure_reason=""))
                | (models.Q(closed__isnull=False) & ~models.Q(closure_reason="")),
            ),
        ]
        indexes = [models.Index(fields=["child", "date"]), models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"Referral {self.date:%d/%m/%Y}"
