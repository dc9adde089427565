"""Failures the DfE's SSDA903 tool reports only because it sees two years, checked on the full register.

The local validator is given this year's return and last year's, nothing older. A few of its
rules therefore flag children whose history lies further back: its own message for rules 1001
and 1002 warns of these false positives. The Department's collection system holds every year,
so the same data passes there. Divert holds every year too, so rather than leave an analyst to
check each child by hand, it checks the flagged children against the whole register and marks a
rule "explained" only when every child it flagged is shown, by the register, to be a false
positive. One child the register cannot explain keeps the rule failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from divert.care.models import Episode
from divert.core.ages import birthday
from divert.core.codes import SHORT_BREAK_STATUSES
from divert.core.models import Authority
from divert.people.models import Child
from divert.returns.export903 import CollectionYear
from divert.returns.validation import EXPLAINED, FAILED, ValidationReport

#: A relevant child was looked after for at least 13 weeks since their 14th birthday.
THIRTEEN_WEEKS = 91

Explainer = Callable[[Authority, int, list[str]], set[str]]


def _episodes(authority: Authority, child_ids: Iterable[str]) -> dict[str, list[Episode]]:
    found: dict[str, list[Episode]] = {}
    rows = Episode.objects.filter(child__authority=authority, child__child_id__in=list(child_ids))
    for ep in rows.select_related("child").order_by("decom"):
        found.setdefault(ep.child.child_id, []).append(ep)
    return found


def relevant_by_history(authority: Authority, year: int, child_ids: list[str]) -> set[str]:
    """Rule 1001: children the whole register shows were looked after 13 weeks since 14, and after 16."""
    end = CollectionYear(year).end
    explained = set()
    children = {c.child_id: c for c in Child.objects.filter(authority=authority, child_id__in=child_ids)}
    for child_id, episodes in _episodes(authority, child_ids).items():
        born = children[child_id].date_of_birth
        at_14, at_16 = birthday(born, born.year + 14), birthday(born, born.year + 16)
        days = 0
        after_16 = False
        for ep in episodes:
            if ep.ls in SHORT_BREAK_STATUSES:  # short breaks are not care for these tests
                continue
            start, stop = max(ep.decom, at_14), min(ep.dec or end, end)
            days += max((stop - start).days, 0)
            after_16 = after_16 or (ep.dec or end) > at_16
        if days >= THIRTEEN_WEEKS and after_16:
            explained.add(child_id)
    return explained


def in_care_before_last_year(authority: Authority, year: int, child_ids: list[str]) -> set[str]:
    """Rule 1002: children with an episode that began before the first year the tool was given."""
    seen_from = CollectionYear(year - 1).start
    return {
        child_id
        for child_id, episodes in _episodes(authority, child_ids).items()
        if any(ep.decom < seen_from for ep in episodes)
    }


def mother_left_care(authority: Authority, year: int, child_ids: list[str]) -> set[str]:
    """Rule 624: a mother now only a care leaver, whose MC_DOB rules 612 and 628 require blank.

    Rule 628 says motherhood is not recorded for a care leaver not looked after in the year, so
    the blank is right; rule 624 reads it as contradicting last year's date.
    """
    cy = CollectionYear(year)
    looked_after = set(
        Episode.objects.filter(child__authority=authority, child__child_id__in=child_ids, decom__lte=cy.end)
        .exclude(dec__lt=cy.start)
        .values_list("child__child_id", flat=True)
    )
    mothers = set(
        Child.objects.filter(authority=authority, child_id__in=child_ids, is_mother=True).values_list(
            "child_id", flat=True
        )
    )
    return mothers - looked_after


EXPLAINERS: dict[str, tuple[Explainer, str]] = {
    "1001": (
        relevant_by_history,
        "Every child flagged was looked after for 13 weeks or more since their 14th birthday and "
        "after their 16th, in episodes before last year's return that the tool cannot see.",
    ),
    "1002": (
        in_care_before_last_year,
        "Every child flagged has care episodes before last year's return, which the tool cannot see.",
    ),
    "624": (
        mother_left_care,
        "Every child flagged is a mother who has left care: rules 612 and 628 require her motherhood "
        "details to be blank this year, which rule 624 reads as a contradiction of last year's.",
    ),
}


def explain(report: ValidationReport, authority: Authority) -> ValidationReport:
    """Mark failed SSDA903 rules explained where the whole register shows every flagged child is fine."""
    if report.kind != "903":
        return report
    for rule in report.rules:
        if rule.status != FAILED or rule.code not in EXPLAINERS:
            continue
        explainer, reason = EXPLAINERS[rule.code]
        flagged = rule.children
        if not flagged:
            continue
        explained = explainer(authority, report.year, flagged)
        if explained >= set(flagged):
            rule.status, rule.reason = EXPLAINED, reason
        else:
            rule.reason = (
                f"{len(set(flagged) & explained)} of {len(flagged)} children are explained by earlier "
                "records; the others need checking."
            )
    report.sort()
    return report
