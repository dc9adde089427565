"""Reads for the returns pages: collection years, a user's jobs, results linked to children.

Who may use these pages is decided once, in ``divert.core.access.may_use_returns``; a job of
another authority is the same 404 as one that does not exist. Children named in results are
linked only when ``access.restrict`` lets the user see them; others are shown as plain ids.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from divert.core.access import may_use_returns, restrict
from divert.people.models import Child
from divert.returns.export903 import export_903
from divert.returns.models import ReturnJob
from divert.returns.validation import EXPLAINED, FAILED, NOT_CHECKED, PASSED, QUERY, count_text

YEARS_SHOWN = 5
CHILDREN_SHOWN = 500
LINK_BATCH = 5000
FIRST_YEAR = 2015
# A fixed timestamp inside the zip, so the same register gives the same bytes (as the CSVs do).
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
STATUS_TAGS = {
    FAILED: "govuk-tag--red",
    QUERY: "govuk-tag--orange",
    NOT_CHECKED: "govuk-tag--yellow",
    EXPLAINED: "govuk-tag--blue",
    PASSED: "govuk-tag--green",
}


def require_returns_user(user: Any) -> None:
    if not may_use_returns(user):
        raise PermissionDenied("Your role does not prepare the statutory returns.")


@dataclass(frozen=True)
class CollectionYear:
    """A collection year, named by the year it ends (31 March), as the DfE names returns."""

    year: int
    in_progress: bool

    @property
    def label(self) -> str:
        return f"{self.year - 1} to {self.year}"

    @property
    def period(self) -> str:
        return f"1 April {self.year - 1} to 31 March {self.year}"


def current_collection_year(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year + 1 if today.month >= 4 else today.year


def collection_years(today: dt.date | None = None) -> list[CollectionYear]:
    """This year (still in progress) and the years before it, newest first."""
    current = current_collection_year(today)
    return [CollectionYear(year, year == current) for year in range(current, current - YEARS_SHOWN, -1)]


def check_year(year: int, today: dt.date | None = None) -> int:
    if not FIRST_YEAR <= year <= current_collection_year(today):
        raise Http404("No such collection year")
    return year


def jobs_for(user: Any) -> QuerySet[ReturnJob]:
    """The returns jobs of the user's authority (the performance team shares its work)."""
    require_returns_user(user)
    return ReturnJob.objects.filter(authority_id=user.authority_id).select_related("created_by")


def get_job(user: Any, pk: int) -> ReturnJob:
    try:
        return jobs_for(user).get(pk=pk)
    except ReturnJob.DoesNotExist as exc:
        raise Http404("No such job") from exc


def child_links(user: Any, authority_id: int, ids: Iterable[str]) -> dict[str, int]:
    """Child identifier -> register id, for the named children this user may see.

    Asked in batches: SQLite refuses a query with more than 32,766 parameters.
    """
    wanted = sorted(set(ids))
    links: dict[str, int] = {}
    for start in range(0, len(wanted), LINK_BATCH):
        batch = wanted[start : start + LINK_BATCH]
        visible = restrict(Child.objects.filter(authority_id=authority_id, child_id__in=batch), user)
        links.update(visible.values_list("child_id", "pk"))
    return links


@dataclass(frozen=True)
class ChildRef:
    child_id: str
    pk: int | None


def _refs(ids: Iterable[str], links: dict[str, int]) -> list[ChildRef]:
    return [ChildRef(child_id, links.get(child_id)) for child_id in ids]


def validation_results(user: Any, job: ReturnJob) -> list[dict[str, Any]]:
    """The job's reports, each rule with its status tag and children as links where visible."""
    reports = job.summary.get("reports", []) if job.status == ReturnJob.Status.DONE else []
    named = (child for report in reports for rule in report["rules"] for child in rule["children"])
    links = child_links(user, job.authority_id, named)
    return [
        report
        | {
            "count_text": count_text(report["counts"]),
            "rules": [
                rule | {"tag": STATUS_TAGS.get(rule["status"], ""), "refs": _refs(rule["children"], links)}
                for rule in report["rules"]
            ],
        }
        for report in reports
    ]


def imported_children(user: Any, job: ReturnJob) -> list[ChildRef]:
    """The first ``CHILDREN_SHOWN`` children in an import's files (a whole authority is tens of
    thousands: the page lists enough to check a sample and says how many there were)."""
    ids = job.summary.get("children", [])[:CHILDREN_SHOWN] if job.status == ReturnJob.Status.DONE else []
    return _refs(ids, child_links(user, job.authority_id, ids))


def children_listed(job: ReturnJob) -> int:
    """How many children (with repeats across rules) a finished job's page names."""
    if job.kind == ReturnJob.Kind.IMPORT_903:
        return min(CHILDREN_SHOWN, len(job.summary.get("children", [])))
    return sum(len(rule["children"]) for report in job.summary.get("reports", []) for rule in report["rules"])


RESULT_COLUMNS = ("Return", "Rule", "Status", "Rule text", "Children", "Child ID")


def result_rows(job: ReturnJob) -> Iterable[list[Any]]:
    """One row per rule and child (a rule with no children has one row with the child blank)."""
    for report in job.summary.get("reports", []):
        for rule in report["rules"]:
            base = [report["label"], rule["code"], rule["status"], rule["message"], len(rule["children"])]
            for child in rule["children"] or [""]:
                yield [*base, child]


def ssda903_zip(user: Any, year: int) -> bytes:
    """The SSDA903 return of the user's authority for ``year``: its CSV tables in one zip."""
    require_returns_user(user)
    out = io.BytesIO()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / f"ssda903-{year}"
        export_903(year, folder, user.authority)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.glob("*.csv")):
                info = zipfile.ZipInfo(f"ssda903-{year}/{path.name}", ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return out.getvalue()


def export_file(user: Any, pk: int) -> tuple[ReturnJob, Path]:
    """A finished export job's file, only from inside the upload folder; else 404."""
    job = get_job(user, pk)
    path = Path(job.output) if job.output else None
    root = Path(settings.DIVERT_UPLOAD_DIR).resolve()
    if job.status != ReturnJob.Status.DONE or path is None or root not in path.resolve().parents:
        raise Http404("No such file")
    if not path.is_file():
        raise Http404("The file has been deleted: export the return again")
    return job, path
