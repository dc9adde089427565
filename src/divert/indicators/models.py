"""An authority's own targets for its indicators, and the board packs the task worker makes.

The catalogue carries a default target and tolerance for some indicators (the case study's
cap of 8 entries a month, exits 10 a month); an authority sets its own here. Benchmarks
(England, statistical neighbours) are reference data in ``core.Benchmark``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from divert.core.jobs import Job


class IndicatorTarget(models.Model):
    authority = models.ForeignKey(
        "core.Authority", on_delete=models.CASCADE, related_name="indicator_targets"
    )
    indicator = models.CharField(
        max_length=60, help_text="The indicator's id in the catalogue, e.g. cla_starts"
    )
    target = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty for no target. For entries and exits, the figure for a month.",
    )
    tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="How far the figure may miss the target and still be amber (same unit as the figure).",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Where the target comes from")

    class Meta:
        ordering = ["authority", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "indicator"], name="one_target_per_indicator"),
            models.CheckConstraint(name="tolerance_not_negative", condition=models.Q(tolerance__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.target}"

    def clean(self) -> None:
        from divert.indicators.catalogue import get

        try:
            get(self.indicator)
        except KeyError:
            raise ValidationError({"indicator": f"There is no indicator {self.indicator!r}."}) from None


def pack_folder() -> Path:
    """Where finished board packs are kept: a folder of the upload directory, which nothing serves."""
    return Path(settings.DIVERT_UPLOAD_DIR) / "board-packs"


class BoardPackJob(Job):
    """A board pack made by the task worker, and the file it wrote.

    Laying out the PDF takes several seconds of CPU (more for a larger authority), longer than a
    web request should hold a worker, so the page starts a job and the person follows it. The
    file is aggregate figures, no child named, but it is kept only ``actions.PACK_KEPT``: the
    register moves on, and a pack older than that should be made again, not passed round.
    """

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"

    as_at = models.DateField()
    frequency = models.CharField(
        max_length=5, choices=[("month", "Monthly"), ("week", "Weekly"), ("day", "Daily")], default="month"
    )
    team = models.CharField(max_length=100, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.PDF)
    output = models.CharField(max_length=300, blank=True, help_text="The file the job wrote")
    error = models.TextField(blank=True)

    class Meta(Job.Meta):
        pass

    def __str__(self) -> str:
        return f"Board pack {self.pk} ({self.format}, {self.status})"

    @property
    def part(self) -> str:
        """Which part of the authority the pack covers, in words (as ``exports.Scope.part``)."""
        team = f"Team: {self.team}" if self.team else ""
        locality = f"Locality: {self.locality}" if self.locality else ""
        parts = [team, locality]
        return ", ".join(p for p in parts if p) or "Whole authority"

    def file(self) -> Path | None:
        """The finished pack's file, if it is still kept and lies inside the packs' folder."""
        if self.status != self.Status.DONE or not self.output:
            return None
        path = Path(self.output)
        if pack_folder().resolve() not in path.resolve().parents or not path.is_file():
            return None
        return path

    def mark_done(self, output: str) -> None:
        self.done = self.total
        self._finish(self.Status.DONE, output=output, error="", stage="Finished")

    def mark_failed(self, error: str) -> None:
        self._finish(self.Status.FAILED, output="", error=error, stage="Stopped")

    def _finish(self, status: str, *, output: str, error: str, stage: str) -> None:
        self.status, self.finished, self.output, self.error, self.stage = (
            status,
            timezone.now(),
            output,
            error,
            stage,
        )
        type(self).objects.filter(pk=self.pk).update(
            status=status, finished=self.finished, output=output, error=error, stage=stage, done=self.done
        )
