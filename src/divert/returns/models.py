"""Background work on the statutory returns: one row per import or validation someone started.

The task that does the work updates its job as it goes (stage, steps done of the total), so
the job page can show progress, and stores what a person needs afterwards: the import's
summary or its errors (file, row, field), or the DfE rules' results by rule. A job says which
children it is about only by their identifiers; the pages link them through ``access``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from divert.core.jobs import Job

# "file row N, field F: message", as ``parse903.Where`` and ``Problems`` write them.
_WHERE = re.compile(
    r"^(?P<file>.*?)(?: row (?P<row>\d+))?(?:, field (?P<field>[A-Za-z0-9_]+))?: (?P<message>.*)$", re.S
)


@dataclass(frozen=True)
class ImportProblem:
    """One import error split into where it is and what is wrong, for the error table."""

    file: str
    row: str
    field: str
    message: str


def split_error(text: str) -> ImportProblem:
    """An import error message as (file, row, field, message); unplaced messages keep all as message."""
    found = _WHERE.match(text)
    if found is None:
        return ImportProblem("", "", "", text)
    return ImportProblem(found["file"], found["row"] or "", found["field"] or "", found["message"])


class ReturnJob(Job):
    """An SSDA903 import, a CIN census export or a validation of both returns, run by the task worker."""

    class Kind(models.TextChoices):
        IMPORT_903 = "import_903", "SSDA903 import"
        VALIDATE = "validate", "Validation of the SSDA903 and CIN census returns"
        EXPORT_CIN = "export_cin", "CIN census export"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Collection year (ending)")
    files = models.JSONField(default=list, blank=True, help_text="Names of the uploaded files")
    upload_dir = models.CharField(max_length=300, blank=True)
    output = models.CharField(max_length=300, blank=True, help_text="The file an export wrote")
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)

    class Meta(Job.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.status})"

    def error_rows(self) -> list[ImportProblem]:
        return [split_error(str(text)) for text in self.errors]

    def mark_done(self, summary: dict[str, Any]) -> None:
        self._finish(self.Status.DONE, summary=summary, errors=[])

    def mark_failed(self, errors: list[str]) -> None:
        self._finish(self.Status.FAILED, summary={}, errors=errors)

    def _finish(self, status: str, *, summary: dict[str, Any], errors: list[str]) -> None:
        self.status, self.finished, self.summary, self.errors = status, timezone.now(), summary, errors
        self.stage = "Finished" if status == self.Status.DONE else "Stopped"
        if status == self.Status.DONE and self.total:
            self.done = self.total
        type(self).objects.filter(pk=self.pk).update(
            status=status,
            finished=self.finished,
            summary=summary,
            errors=errors,
            stage=self.stage,
            done=self.done,
        )
