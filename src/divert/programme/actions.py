"""Every write to the programme: work streams, actions and their completion, risks (added,
changed, re-scored, closed and reopened), and the savings plan.

Each runs in one transaction with its audit row and refuses a breach of the rules with a
``ValidationError`` keyed by the form's field names, writing nothing. A risk is re-scored by
adding a row to its history (the old score stays visible); a new risk's history starts with its
first score, and closing or reopening one adds a row with the reason, so the history is never
rewritten. The placements line's achieved
saving cannot be typed: it comes from the placement review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from divert.core import audit
from divert.core.actions import Problems, audited_create, audited_update, lock, not_future, refuse
from divert.core.models import AuditEvent
from divert.indicators import catalogue
from divert.programme.models import (
    Action,
    Risk,
    RiskScore,
    SavingsLine,
    WorkStream,
    financial_year_label,
)


def _by(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _by_label(actor: Any) -> str:
    return getattr(actor, "username", "") if _by(actor) else ""


def _indicator_problems(ids: Sequence[str]) -> Problems:
    known = {i.id for i in catalogue.indicators()}
    unknown = [i for i in ids if i not in known]
    return (
        {"indicators": f"Choose indicators from the list ({', '.join(unknown)} unknown)"} if unknown else {}
    )


def _action_problems(what: str, owner: str, indicators: Sequence[str]) -> Problems:
    problems: Problems = {}
    if not what.strip():
        problems["what"] = "Enter what the action wants to achieve"
    if not owner.strip():
        problems["owner"] = "Enter who is responsible"
    return problems | _indicator_problems(indicators)


@transaction.atomic
def create_action(
    actor: Any,
    *,
    stream: WorkStream,
    what: str,
    due: dt.date,
    owner: str,
    how: str = "",
    measure: str = "",
    resources: str = "",
    indicators: Sequence[str] = (),
) -> Action:
    """Add an action to a work stream (not started)."""
    refuse(_action_problems(what, owner, indicators))
    action = Action(
        stream=stream,
        what=what.strip(),
        how=how.strip(),
        measure=measure.strip(),
        due=due,
        resources=resources.strip(),
        owner=owner.strip(),
        indicators=list(indicators),
    )
    return audited_create(actor, action)


@transaction.atomic
def update_action(actor: Any, action: Action, **changes: Any) -> Action:
    """Change an action's plan or status; "done" needs a date (not in the future), other statuses drop it.

    A blocked action needs its barrier written down: the monthly report lists barriers.
    """
    lock(action)
    merged = dict(changes)
    problems = _action_problems(
        merged.get("what", action.what),
        merged.get("owner", action.owner),
        merged.get("indicators", action.indicators),
    )
    status = merged.get("status", action.status)
    if status not in Action.Status.values:
        problems["status"] = "Choose the action's status"
    if status == Action.Status.DONE:
        done_on = merged.get("done_on") or action.done_on
        if done_on is None:
            problems["done_on"] = "Enter the date the action was done"
        else:
            problems |= not_future("done_on", done_on)
            merged["done_on"] = done_on
    else:
        merged["done_on"] = None
    if status == Action.Status.BLOCKED and not str(merged.get("barrier", action.barrier)).strip():
        problems["barrier"] = "Say what is blocking the action"
    refuse(problems)
    for name in ("what", "how", "measure", "resources", "owner", "barrier"):
        if name in merged:
            merged[name] = str(merged[name]).strip()
    return audited_update(actor, action, merged)


def mark_done(actor: Any, action: Action, on: dt.date) -> Action:
    """Record that an action is done, on ``on``."""
    if action.status == Action.Status.DONE:
        refuse({"done_on": "This action is already done"})
    return update_action(actor, action, status=Action.Status.DONE, done_on=on)


@transaction.atomic
def rescore_risk(
    actor: Any, risk: Risk, *, probability: int, impact: int, date: dt.date, note: str = "", status: str = ""
) -> RiskScore:
    """Score a risk again: a new history row, and the risk's current score becomes this one."""
    lock(risk)
    problems: Problems = {}
    if probability not in range(1, 6):
        problems["probability"] = "Choose a probability from 1 (unlikely) to 5 (certain)"
    if impact not in range(1, 6):
        problems["impact"] = "Choose an impact from 1 (insignificant) to 5 (massive)"
    problems |= not_future("date", date)
    latest = risk.scores.order_by("-date", "-pk").first()
    if latest is not None and date < latest.date:
        problems["date"] = f"The risk was last scored on {latest.date:%-d %B %Y}; enter that date or later"
    if not note.strip():
        problems["note"] = "Say why the score has changed (or why it stands)"
    refuse(problems)
    score = audited_create(
        actor,
        RiskScore(
            risk=risk,
            date=date,
            probability=probability,
            impact=impact,
            note=note.strip(),
            by=_by(actor),
            by_label=_by_label(actor),
        ),
    )
    changes: dict[str, Any] = {"probability": probability, "impact": impact}
    if status:
        changes["status"] = status
    audited_update(actor, risk, changes, note="Re-scored")
    return score


# --- Work streams ---------------------------------------------------------------------------------


def _stream_problems(authority_id: int, name: str, pk: int = 0) -> Problems:
    if not name.strip():
        return {"name": "Enter the work stream's name"}
    taken = WorkStream.objects.filter(authority_id=authority_id, name__iexact=name.strip()).exclude(pk=pk)
    return {"name": "There is already a work stream with this name"} if taken.exists() else {}


@transaction.atomic
def create_stream(actor: Any, *, authority_id: int, name: str, lead: str = "", order: int = 0) -> WorkStream:
    """Add a work stream: the board may take on a stream the PID did not have."""
    refuse(_stream_problems(authority_id, name))
    return audited_create(
        actor, WorkStream(authority_id=authority_id, name=name.strip(), lead=lead.strip(), order=order)
    )


@transaction.atomic
def update_stream(actor: Any, stream: WorkStream, *, name: str, lead: str = "", order: int = 0) -> WorkStream:
    """Rename a work stream, change its lead or its place in the lists; its actions stay with it."""
    lock(stream)
    refuse(_stream_problems(stream.authority_id, name, stream.pk))
    return audited_update(actor, stream, {"name": name.strip(), "lead": lead.strip(), "order": order})


# --- Risks ----------------------------------------------------------------------------------------


def _score_problems(probability: int, impact: int) -> Problems:
    problems: Problems = {}
    if probability not in range(1, 6):
        problems["probability"] = "Choose a probability from 1 (unlikely) to 5 (certain)"
    if impact not in range(1, 6):
        problems["impact"] = "Choose an impact from 1 (insignificant) to 5 (massive)"
    return problems


@transaction.atomic
def create_risk(
    actor: Any,
    *,
    authority_id: int,
    title: str,
    probability: int,
    impact: int,
    on: dt.date,
    description: str = "",
    owner: str = "",
    mitigation: str = "",
) -> Risk:
    """Add an open risk with its first score: the history starts with that score, dated ``on``,
    so a later re-scoring is read against what the board first thought."""
    problems = _score_problems(probability, impact)
    if not title.strip():
        problems["title"] = "Enter the risk's title"
    refuse(problems)
    risk = audited_create(
        actor,
        Risk(
            authority_id=authority_id,
            title=title.strip(),
            description=description.strip(),
            owner=owner.strip(),
            mitigation=mitigation.strip(),
            probability=probability,
            impact=impact,
        ),
    )
    audited_create(
        actor,
        RiskScore(
            risk=risk,
            date=on,
            probability=probability,
            impact=impact,
            note="First assessment",
            by=_by(actor),
            by_label=_by_label(actor),
        ),
    )
    return risk


@transaction.atomic
def update_risk(
    actor: Any,
    risk: Risk,
    *,
    title: str,
    on: dt.date,
    description: str = "",
    owner: str = "",
    mitigation: str = "",
    status: str = "",
    reason: str = "",
) -> Risk:
    """Change a risk's words, and close or reopen it with a reason.

    The score is not changed here (that is a re-scoring, with its own reason). Closing or
    reopening adds a row to the history at the current score with the reason, dated ``on``:
    the history is kept, and shows when and why the risk left or came back to the register.
    """
    lock(risk)
    problems: Problems = {}
    if not title.strip():
        problems["title"] = "Enter the risk's title"
    status = status or risk.status
    if status not in Risk.Status.values:
        problems["status"] = "Choose open or closed"
    moved = status != risk.status
    if moved and not reason.strip():
        problems["reason"] = (
            "Say why the risk is closed" if status == Risk.Status.CLOSED else "Say why the risk is reopened"
        )
    refuse(problems)
    if moved:
        verb = "Closed" if status == Risk.Status.CLOSED else "Reopened"
        audited_create(
            actor,
            RiskScore(
                risk=risk,
                date=on,
                probability=risk.probability,
                impact=risk.impact,
                note=f"{verb}: {reason.strip()}",
                by=_by(actor),
                by_label=_by_label(actor),
            ),
        )
    changes = {
        "title": title.strip(),
        "description": description.strip(),
        "owner": owner.strip(),
        "mitigation": mitigation.strip(),
        "status": status,
    }
    return audited_update(actor, risk, changes, note=reason.strip() if moved else "")


# --- Savings --------------------------------------------------------------------------------------


def _line_problems(
    authority_id: int, area: str, year: int, target_k: Decimal, fte: Decimal | None, pk: int = 0
) -> Problems:
    problems: Problems = {}
    if area not in SavingsLine.Area.values:
        problems["area"] = "Choose the area of the saving"
    elif SavingsLine.objects.filter(authority_id=authority_id, area=area, year=year).exclude(pk=pk).exists():
        label = SavingsLine.Area(area).label
        problems["year"] = (
            f"There is already a {label.lower()} line for {financial_year_label(year)}; change that one"
        )
    if target_k < 0:
        problems["target_k"] = "Enter the target, 0 or more"
    if fte is not None and fte < 0:
        problems["fte"] = "Enter the FTE, 0 or more"
    return problems


@transaction.atomic
def create_line(
    actor: Any,
    *,
    authority_id: int,
    area: str,
    year: int,
    target_k: Decimal,
    fte: Decimal | None = None,
    comment: str = "",
) -> SavingsLine:
    """Add an area's target for a financial year: one line per area and year, so totals never
    count a target twice. Nothing is achieved yet (the placements line's comes from the review)."""
    refuse(_line_problems(authority_id, area, year, target_k, fte))
    return audited_create(
        actor,
        SavingsLine(
            authority_id=authority_id,
            area=area,
            year=year,
            target_k=target_k,
            fte=fte,
            comment=comment.strip(),
        ),
    )


@transaction.atomic
def update_line(
    actor: Any,
    line: SavingsLine,
    *,
    area: str,
    year: int,
    target_k: Decimal,
    fte: Decimal | None = None,
    comment: str = "",
) -> SavingsLine:
    """Change a line's area, year, target, FTE or description. What it achieved is not changed
    here: it is recorded as at a date, or for placements read from the placement review."""
    lock(line)
    refuse(_line_problems(line.authority_id, area, year, target_k, fte, line.pk))
    changes: dict[str, Any] = {
        "area": area,
        "year": year,
        "target_k": target_k,
        "fte": fte,
        "comment": comment.strip(),
    }
    if area == SavingsLine.Area.PLACEMENTS:
        # A line made the placements line drops any typed saving: its achieved comes from the review.
        changes |= {"achieved_k": None, "achieved_on": None}
    return audited_update(actor, line, changes)


@transaction.atomic
def record_saving(actor: Any, line: SavingsLine, *, achieved_k: Decimal, achieved_on: dt.date) -> SavingsLine:
    """Record the saving a line has actually achieved (£000), as at a date."""
    lock(line)
    problems: Problems = {}
    if line.from_register:
        problems["achieved_k"] = (
            "Savings from placement moves come from the placement review; they cannot be typed"
        )
    if achieved_k < 0:
        problems["achieved_k"] = "Enter the saving achieved, 0 or more"
    problems |= not_future("achieved_on", achieved_on)
    refuse(problems)
    return audited_update(actor, line, {"achieved_k": achieved_k, "achieved_on": achieved_on})


@transaction.atomic
def set_on_track(actor: Any, line: SavingsLine, *, on_track: str, note: str = "") -> SavingsLine:
    """Set a line's forecast (red, amber, green): whether the target will be met, not whether it was."""
    lock(line)
    if on_track not in SavingsLine.OnTrack.values:
        refuse({"on_track": "Choose green, amber or red"})
    return audited_update(actor, line, {"on_track": on_track, "on_track_note": note.strip()})


def report_downloaded(actor: Any, fmt: str, on: dt.date) -> None:
    """A download of the monthly report is audited (it leaves the system)."""
    audit.record(
        actor, AuditEvent.Action.SEARCH, object_type="programme", note=f"Programme report ({fmt}) {on}"
    )
