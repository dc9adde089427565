"""The MASH's side of every contact: the enquiry that named the child, partner agencies'
information, the threshold decision's level of need and reasons, and today's queue.

The front door simulation (``frontdoor.py``) decides what happened to each child; this adds what
the hub recorded on the way, without touching its random stream. Each contact gets an enquiry
of its own (the register does not link siblings, so no enquiry names two children) with the
child as the referrer named them: now and then misspelt, as a real referrer does, so matching
to the register is work. The enquiry closes with its contact's decision. Information requests
go to partner agencies on about 40% of enquiries, police most, answered within hours.

"Today" (the window's last day) the hub has work in hand: enquiries received in the last few
working days and not yet decided, some overdue against the one-working-day clock, a few naming
a child nobody has matched yet, and police checks still awaited. A contact whose decision would
fall after today is undecided too. Contacts are in no statutory return (the CIN census starts
at the referral), so an undecided contact changes no return.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from divert.core.calendar import is_working_day
from divert.core.clocks import contact_decision_due
from divert.synth import names
from divert.synth.records import (
    AuthorityData,
    ContactRec,
    EnquiryRec,
    HouseholdMemberRec,
    InformationRequestRec,
    NamedChildRec,
)
from divert.synth.sampling import Deck, lognormal
from divert.synth.timeline import Window

LONDON = ZoneInfo("Europe/London")
INFORMATION_SHARE = 0.40
AGENCIES = {"police": 45.0, "health": 25.0, "education": 18.0, "probation": 6.0, "housing": 6.0}
MISSPELT_SHARE = 0.07
DOB_UNKNOWN_SHARE = 0.04
# How enquiries arrive, by the first character of the CIN census source code.
METHODS = {
    "6": {"notification": 70.0, "phone": 20.0, "email": 10.0},
    "2": {"online": 50.0, "email": 25.0, "phone": 25.0},
    "3": {"email": 45.0, "online": 30.0, "phone": 25.0},
    "1": {"phone": 65.0, "online": 20.0, "in_person": 10.0, "letter": 5.0},
    "9": {"phone": 85.0, "letter": 10.0, "online": 5.0},
}
OTHER_METHODS = {"email": 50.0, "phone": 30.0, "online": 20.0}
ROLES = {
    "1A": ("Grandparent", "Aunt", "Uncle", "Family friend caring for the child"),
    "1B": ("Neighbour", "Family acquaintance"),
    "1C": ("The young person", "Parent (self-referral)"),
    "1D": ("Member of the public", "Community group volunteer"),
    "2A": ("Designated safeguarding lead, {place} Primary School", "Head of year, {place} Academy"),
    "2B": ("Education welfare officer", "Special educational needs coordinator"),
    "3A": ("GP, {place} Medical Practice",),
    "3B": ("Health visitor, {place} clinic",),
    "3C": ("School nurse",),
    "3D": ("Practice nurse", "Community midwife"),
    "3E": ("Emergency department safeguarding nurse",),
    "3F": ("Community mental health nurse", "Paediatrician"),
    "4": ("Housing officer", "Homelessness caseworker"),
    "5A": ("Social worker, children's social care", "Out-of-hours social worker"),
    "5B": ("Youth worker", "Children's centre worker"),
    "5C": ("Social worker, another local authority",),
    "5D": ("Family support worker, early help", "Early help coordinator"),
    "6": ("Police officer, public protection unit", "Police constable", "Detective constable"),
    "7": ("Youth offending team officer", "Probation officer", "Cafcass officer"),
    "8": ("Voluntary sector support worker", "Domestic abuse advocate"),
    "9": ("Anonymous caller",),
    "10": ("Not recorded",),
}
CONSENT = {"given": 78.0, "not_sought_risk": 12.0, "refused": 6.0, "not_sought_other": 4.0}
CONSENT_NOTES = {
    "not_sought_risk": "Seeking consent could place the child at risk of significant harm.",
    "not_sought_other": "Parents could not be reached before the decision was due.",
    "refused": "Mother declined consent; information shared on safeguarding grounds.",
}
NEED_LEVEL = {
    "nfa": {"universal": 85.0, "early_help": 15.0},
    "advice": {"universal": 60.0, "early_help": 40.0},
}
REASONS = {
    "nfa": (
        "Needs met by universal services; no role for children's social care.",
        "Information checked with partners; no further concerns identified.",
        "Single incident already resolved; family engaging with their GP.",
    ),
    "advice": (
        "Advice given to the referrer about support available in the community.",
        "Parent given information about local services; no statutory role.",
        "Referrer advised to raise the concerns with the school's early help offer.",
    ),
    "early_help": (
        "Additional needs met best by a family support worker with consent.",
        "Parent agrees to early help; no evidence of significant harm.",
        "Early help assessment needed to understand the family's needs.",
    ),
    "cin": (
        "Complex needs that universal and early help services cannot meet alone.",
        "Assessment needed under section 17 to understand the child's needs.",
        "Escalating concerns despite early help; threshold for assessment met.",
    ),
    "cp": (
        "Reasonable cause to suspect significant harm: strategy discussion needed.",
        "Injury with no adequate explanation; strategy discussion today.",
        "Disclosure of abuse: immediate safeguarding response needed.",
    ),
}
QUESTIONS = {
    "police": "Any police involvement, domestic abuse call-outs or offences for the named household?",
    "health": "Is the child registered with a GP and known to health visiting or school nursing?",
    "education": "Attendance, behaviour and any safeguarding records held by the school?",
    "probation": "Is any adult in the household known to probation, and is there a risk assessment?",
    "housing": "Current tenancy, arrears, or reports of antisocial behaviour at the address?",
}
RESPONSES = {
    "police": (
        "Two domestic abuse call-outs in the last year; no current bail conditions.",
        "No trace of the named adults on police systems.",
        "Father known for violence; a non-molestation order expired last year.",
    ),
    "health": (
        "Registered with the GP; immunisations up to date; missed two appointments.",
        "Known to health visiting; weight and development within normal range.",
        "Mother under the perinatal mental health team.",
    ),
    "education": (
        "Attendance 84% this term; presents hungry most mornings.",
        "No concerns recorded; attendance good.",
        "Two logged concerns this term about bruising, explained at the time.",
    ),
    "probation": ("Stepfather on licence; risk to children assessed as medium.", "Not known to probation."),
    "housing": ("Tenancy in arrears; notice seeking possession served.", "No housing concerns on record."),
}
DRAMA_PHONE = "01632 960{:03d}"  # Ofcom's numbers for drama: never a real line


def add_mash(data: AuthorityData, window: Window, rng: random.Random) -> None:
    """Enquiries, named children, household members and information requests for every contact,
    then today's queue of undecided enquiries."""
    Mash(data, window, rng).build()


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LONDON)


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(dt.UTC)


def misspelt(rng: random.Random, name: str) -> str:
    """The name with one letter dropped from inside it, as a referrer might write it."""
    if len(name) < 5:
        return name
    cut = rng.randrange(1, len(name) - 1)
    return name[:cut] + name[cut + 1 :]


class Mash:
    def __init__(self, data: AuthorityData, window: Window, rng: random.Random) -> None:
        self.data, self.window, self.rng = data, window, rng
        self.end_of_today = at(window.today, 23, 59)
        self.agencies = Deck(rng, AGENCIES, size=100)
        self.consent = Deck(rng, CONSENT, size=100)
        self.methods = {key: Deck(rng, weights, size=20) for key, weights in METHODS.items()}
        self.other_methods = Deck(rng, OTHER_METHODS, size=20)
        self.parents: dict[int, list[tuple[str, str, dt.date | None]]] = defaultdict(list)
        for f in data.family:
            if f.relationship in {"mother", "father"}:
                self.parents[f.child].append((f.name, f.relationship.capitalize(), f.dob))
        self.cp_referrals = {i for i, r in enumerate(data.referrals) if r.route == "strategy"}
        self.cp_referrals |= {s.referral for s in data.section47s}
        self.referral_of = {r.contact: i for i, r in enumerate(data.referrals) if r.contact is not None}

    def build(self) -> None:
        for index, contact in enumerate(self.data.contacts):
            self._undecided_if_after_today(index, contact)
            self._threshold(index, contact)
            self._enquiry(index, contact, self._consent(index))
        self._queue()

    # --- one contact ----------------------------------------------------------------------
    def _undecided_if_after_today(self, index: int, contact: ContactRec) -> None:
        """A decision the simulation placed after today has not been made yet (referrals keep
        theirs: the referral is recorded from it)."""
        if (
            contact.decided is not None
            and contact.decided > self.end_of_today
            and index not in self.referral_of
        ):
            contact.decision, contact.decided = "", None

    def _threshold(self, index: int, contact: ContactRec) -> None:
        rng, decision = self.rng, contact.decision
        if decision == "":
            return
        if decision == "referral":
            level = "cp" if self.referral_of.get(index) in self.cp_referrals else "cin"
        elif decision == "early_help":
            level = "early_help"
        else:
            weights = NEED_LEVEL[decision]
            level = "universal" if rng.random() * 100 < weights["universal"] else "early_help"
        contact.need_level = level
        contact.reasons = rng.choice(REASONS[level if decision == "referral" else decision])

    def _consent(self, index: int) -> str:
        if self.referral_of.get(index) in self.cp_referrals and self.rng.random() < 0.6:
            return "not_sought_risk"
        return self.consent.deal()

    def _enquiry(self, index: int, contact: ContactRec, consent: str) -> None:
        data, rng = self.data, self.rng
        child = data.children[contact.child]
        enquiry = self._new_enquiry(contact.received, contact.source, contact.concerns, child.home_postcode)
        rec = data.enquiries[enquiry]
        rec.consent, rec.consent_note = consent, CONSENT_NOTES.get(consent, "")
        rec.closed = contact.decided
        first, last, dob = child.first_name, child.last_name, child.dob
        if rng.random() < MISSPELT_SHARE:
            first, last = (misspelt(rng, first), last) if rng.random() < 0.5 else (first, misspelt(rng, last))
        known_dob: dt.date | None = None if rng.random() < DOB_UNKNOWN_SHARE else dob
        data.named_children.append(NamedChildRec(enquiry, first, last, known_dob, child.sex, contact.child))
        contact.enquiry, contact.named = enquiry, len(data.named_children) - 1
        for name, relationship, born in self.parents.get(contact.child, ()):
            data.household_members.append(HouseholdMemberRec(enquiry, name, relationship, born))
        if rng.random() < INFORMATION_SHARE:
            self._information(enquiry, contact.received, contact.decided)

    def _new_enquiry(self, received: dt.datetime, source: str, concerns: str, postcode: str) -> int:
        rng = self.rng
        method = self.methods.get(source[0], self.other_methods).deal() if source != "10" else "email"
        anonymous = source == "9"
        role = rng.choice(ROLES[source]).format(place=names.place_word(rng))
        name = "Anonymous" if anonymous else names.full_name(rng)
        if anonymous:
            reach = ""
        elif method in {"phone", "in_person"}:
            reach = DRAMA_PHONE.format(rng.randrange(1000))
        else:
            reach = f"{name.lower().replace(' ', '.')}@example.org"
        self.data.enquiries.append(
            EnquiryRec(received, source, method, name, role, reach, concerns, postcode, "", "", None)
        )
        return len(self.data.enquiries) - 1

    def _information(self, enquiry: int, received: dt.datetime, decided: dt.datetime | None) -> None:
        """A request shortly after receipt, due by the end of the decision day, answered within
        hours (before the decision, which waited for it); unanswered while undecided."""
        rng = self.rng
        requested = received + dt.timedelta(minutes=rng.randint(5, 40))
        if decided is not None and decided - requested < dt.timedelta(minutes=15):
            return
        due = at(contact_decision_due(received), 17, 0)
        agency = self.agencies.deal()
        response, responded = "", None
        if decided is not None:
            wait = dt.timedelta(minutes=max(10.0, lognormal(rng, 120, 0.7)))
            responded = min(requested + wait, decided - dt.timedelta(minutes=5))
            response = rng.choice(RESPONSES[agency])
        self.data.information_requests.append(
            InformationRequestRec(enquiry, agency, QUESTIONS[agency], requested, due, response, responded)
        )

    # --- today's queue --------------------------------------------------------------------
    def _queue_days(self) -> list[dt.date]:
        """The two working days before today and today itself: received on the first, a contact
        is overdue; on the second, due today (when today is a working day)."""
        today = self.window.today
        days, day = [today], today
        while len([d for d in days if is_working_day(d)]) < 3:
            day -= dt.timedelta(days=1)
            days.append(day)
        return [d for d in days if d <= today]

    def _queue(self) -> None:
        """Enquiries received in the last working days and not yet decided."""
        data, rng, today = self.data, self.rng, self.window.today
        size = max(1.0, len(data.children) / 45_000) ** 0.5
        wanted = round(rng.randint(12, 20) * size)
        candidates = self._queue_children()
        days = self._queue_days()
        for n in range(wanted):
            day = days[n % len(days)]
            hour = rng.randint(8, 16) if day < today else rng.randint(8, 11)
            received = at(day, hour, rng.randrange(60))
            source = rng.choice(("6", "6", "6", "2A", "2A", "3B", "3E", "1A", "8"))
            concerns = rng.choice(QUEUE_CONCERNS)
            unmatched = n % 6 == 5 or not candidates
            if unmatched:
                self._unmatched(received, source, concerns)
                continue
            child = candidates.pop(rng.randrange(len(candidates)))
            postcode = data.children[child].home_postcode
            enquiry = self._new_enquiry(received, source, concerns, postcode)
            consent = self.consent.deal()
            data.enquiries[enquiry].consent = consent
            data.enquiries[enquiry].consent_note = CONSENT_NOTES.get(consent, "")
            rec = data.children[child]
            data.named_children.append(
                NamedChildRec(enquiry, rec.first_name, rec.last_name, rec.dob, rec.sex, child)
            )
            data.contacts.append(
                ContactRec(child, received, source, concerns, "", None, enquiry, len(data.named_children) - 1)
            )
            for name, relationship, born in self.parents.get(child, ()):
                data.household_members.append(HouseholdMemberRec(enquiry, name, relationship, born))
            if rng.random() < 0.6:
                self._information(enquiry, received, None)

    def _unmatched(self, received: dt.datetime, source: str, concerns: str) -> None:
        """A child the referrer named whom nobody has matched to the register yet, with the
        police check the match is waiting on."""
        data, rng = self.data, self.rng
        postcode = rng.choice(data.children).home_postcode
        enquiry = self._new_enquiry(received, source, concerns, postcode)
        data.enquiries[enquiry].consent = "given"
        sex = rng.choice("MF")
        surname = names.surname(rng)
        dob = None if rng.random() < 0.5 else self.window.today - dt.timedelta(days=rng.randint(400, 5000))
        data.named_children.append(
            NamedChildRec(enquiry, names.first_name(rng, sex), surname, dob, sex, None)
        )
        requested = received + dt.timedelta(minutes=rng.randint(5, 40))
        due = at(contact_decision_due(received), 17, 0)
        data.information_requests.append(
            InformationRequestRec(enquiry, "police", QUESTIONS["police"], requested, due, "", None)
        )

    def _queue_children(self) -> list[int]:
        """Children the register knows who could be the subject of a new contact today: under
        17, not in care today and with no contact yet today."""
        today = self.window.today
        in_care = {e.child for e in self.data.episodes if e.dec is None}
        recent = {
            c.child for c in self.data.contacts if local(c.received).date() >= today - dt.timedelta(days=7)
        }
        limit = today.replace(year=today.year - 17)
        return [
            i
            for i, c in enumerate(self.data.children)
            if c.dob > limit
            and c.dob < today
            and i not in in_care
            and i not in recent
            and c.last_seen >= limit
        ]


QUEUE_CONCERNS = (
    "Police attended a domestic abuse incident overnight; children present.",
    "Pupil arrived with a mark on the face and would not say how it happened.",
    "Health visitor unable to see the baby at two planned visits.",
    "Neighbour reports children left alone in the evening.",
    "Young person disclosed being pressured to carry drugs.",
    "Mother attended the emergency department intoxicated with the toddler.",
)
