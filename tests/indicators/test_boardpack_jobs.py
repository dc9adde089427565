"""The board pack PDF is made by the task worker: a button starts a job, its page offers the file.

Most tests run the task with django-tasks' immediate backend when the request's transaction
commits (``django_capture_on_commit_callbacks``), so the job has finished when the button's
request returns; the PDF's layout is replaced by a quick stand-in except where the file itself
is the point. Who may open each page is in ``tests/test_access_matrix.py``.

The world (``scorecard_world``): as at 31 March 2025 Ava (North) and Sid (South) are in care.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from divert.core.audit import register_version
from divert.core.models import AuditEvent
from divert.indicators import actions, boardpack, tasks
from divert.indicators.exports import Scope
from divert.indicators.models import BoardPackJob, pack_folder
from divert.indicators.report import Row
from divert.people.models import Team
from tests.conftest import World
from tests.indicators.scorecard_world import AS_AT, put_world_in_care

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
START = reverse("indicators:boardpack_start")


@pytest.fixture(autouse=True)
def packs_in_tmp(settings: Any, tmp_path: Path) -> Path:
    """Packs go to a folder of the test's own."""
    settings.DIVERT_UPLOAD_DIR = tmp_path / "uploads"
    return pack_folder()


@pytest.fixture
def immediate(settings: Any) -> None:
    settings.TASKS = IMMEDIATE


@pytest.fixture
def quick_pdf(monkeypatch: pytest.MonkeyPatch) -> list[Scope]:
    """The PDF's layout (seconds of WeasyPrint) replaced by a few bytes; the scopes asked for."""
    asked: list[Scope] = []

    def pdf(rows: list[Row], scope: Scope) -> bytes:
        asked.append(scope)
        return b"%PDF-1.7 quick"

    monkeypatch.setattr(boardpack, "pdf", pdf)
    return asked


@pytest.fixture
def analyst(client: Client, world: World) -> Client:
    put_world_in_care(world)
    client.force_login(world.users["ana"])
    return client


@pytest.fixture
def ask(analyst: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Press the board pack button with these fields; the task runs when the request commits."""

    def press(**fields: str) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return analyst.post(START, {"date": AS_AT.isoformat(), **fields})

    return press


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- Asking for a pack --------------------------------------------------------------------------


def test_the_button_starts_a_job_and_the_worker_keeps_the_pack_for_its_page(
    analyst: Client, ask: Callable[..., Any], immediate: None, quick_pdf: list[Scope], world: World
) -> None:
    response = ask(team="North children in care")

    job = BoardPackJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:boardpack_job", args=[job.pk])
    assert (job.status, job.format, job.as_at, job.team, job.frequency) == (
        "done",
        "pdf",
        AS_AT,
        "North children in care",
        "month",
    )
    assert (quick_pdf[0].as_at, quick_pdf[0].team) == (AS_AT, "North children in care")
    assert Path(job.output).read_bytes() == b"%PDF-1.7 quick"
    assert Path(job.output).parent == pack_folder()
    page = analyst.get(response["Location"]).content.decode()
    assert f'href="{reverse("indicators:boardpack_file", args=[job.pk])}" download' in page
    assert "Download the board pack as at 31 March 2025 (PDF, 14" in page  # 14 bytes


def test_the_download_is_an_audited_pdf_attachment_named_for_its_scope(
    analyst: Client, ask: Callable[..., Any], immediate: None, quick_pdf: list[Scope], world: World
) -> None:
    ask(team="North children in care")
    job = BoardPackJob.objects.get()

    response = analyst.get(reverse("indicators:boardpack_file", args=[job.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="board-pack-2025-03-31-month-north-children-in-care.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 quick"  # type: ignore[attr-defined]
    downloads = AuditEvent.objects.filter(actor=world.users["ana"], object_type="indicators.boardpack")
    assert [e.note for e in downloads] == ["board pack (pdf, as at 2025-03-31, Team: North children in care)"]


def test_asking_is_audited_as_a_read_and_leaves_the_cached_figures_valid(
    analyst: Client, ask: Callable[..., Any], immediate: None, quick_pdf: list[Scope], world: World
) -> None:
    version = register_version()

    ask()

    job = BoardPackJob.objects.get()
    asked = AuditEvent.objects.get(object_type="indicators.boardpackjob", object_id=str(job.pk))
    assert (asked.action, asked.actor) == ("view", world.users["ana"])
    assert asked.note == "Asked for the board pack (pdf, as at 2025-03-31, Whole authority)"
    assert register_version() == version  # a pack reads the register; it changes nothing in it


def test_with_the_database_backend_the_job_waits_for_the_worker_once_the_request_commits(
    analyst: Client, ask: Callable[..., Any], quick_pdf: list[Scope]
) -> None:
    ask()

    job = BoardPackJob.objects.get()
    assert job.status == "queued" and not job.output
    queued = DBTaskResult.objects.get(id=job.task_id)
    assert queued.task_path == "divert.indicators.tasks.build_boardpack"
    assert queued.args_kwargs["args"] == [job.pk]
    assert quick_pdf == []  # nothing was made inside the request


def test_nothing_is_queued_when_the_request_does_not_commit(analyst: Client, quick_pdf: list[Scope]) -> None:
    # Without the commit (the test's transaction never commits), the job is written but not queued.
    analyst.post(START, {"date": AS_AT.isoformat()})
    assert BoardPackJob.objects.get().task_id == ""
    assert not DBTaskResult.objects.exists()


def test_a_second_press_follows_the_pack_already_being_made(
    analyst: Client, ask: Callable[..., Any], quick_pdf: list[Scope]
) -> None:
    first = ask()
    second = ask()
    assert first["Location"] == second["Location"]
    assert BoardPackJob.objects.count() == 1 and DBTaskResult.objects.count() == 1
    # Another part of the authority, or another format, is another pack.
    ask(team="North children in care")
    ask(format="xlsx")
    assert BoardPackJob.objects.count() == 3


def test_a_finished_pack_is_made_afresh_when_asked_for_again(
    ask: Callable[..., Any], immediate: None, quick_pdf: list[Scope]
) -> None:
    ask()
    ask()
    assert [job.status for job in BoardPackJob.objects.all()] == ["done", "done"]


def test_filters_that_are_not_the_authoritys_start_no_job(analyst: Client) -> None:
    response = analyst.post(START, {"date": AS_AT.isoformat(), "team": "Team from elsewhere"})
    assert response.status_code == 400
    assert b"team: Select a team from the list" in response.content
    assert not BoardPackJob.objects.exists()


def test_the_excel_pack_can_be_made_by_the_worker_too(
    analyst: Client, ask: Callable[..., Any], immediate: None
) -> None:
    ask(format="xlsx")
    job = BoardPackJob.objects.get()
    assert (job.format, job.status) == ("xlsx", "done")
    response = analyst.get(reverse("indicators:boardpack_file", args=[job.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="board-pack-2025-03-31-month.xlsx"'
    assert b"".join(response.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]


def test_the_worker_makes_a_real_pdf(
    analyst: Client, ask: Callable[..., Any], immediate: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One section (children in care) keeps WeasyPrint's layout to a second or two.
    pack_rows = boardpack.pack_rows
    monkeypatch.setattr(boardpack, "pack_rows", lambda scope, frames=None: pack_rows(scope, frames)[:4])
    ask()
    job = BoardPackJob.objects.get()
    assert job.status == "done", job.error
    assert Path(job.output).read_bytes().startswith(b"%PDF-")


# --- What the worker does -----------------------------------------------------------------------


def queued_job(world: World, **fields: Any) -> BoardPackJob:
    return BoardPackJob.objects.create(
        authority=world.authority, created_by=world.users["ana"], as_at=AS_AT, **fields
    )


def test_the_job_reports_each_step_then_finishes_with_every_step_done(
    world: World, quick_pdf: list[Scope], monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[tuple[int, int, str]] = []
    report = BoardPackJob.report_progress

    def listening(job: BoardPackJob, done: int, total: int, stage: str = "") -> None:
        told.append((done, total, stage))
        report(job, done, total, stage)

    monkeypatch.setattr(BoardPackJob, "report_progress", listening)
    job = queued_job(world)

    tasks.build_boardpack.call(job.pk)

    assert told == [
        (0, 4, "Reading the register"),
        (1, 4, "Working out the figures"),
        (2, 4, "Laying out the pages"),
        (3, 4, "Keeping the file"),
    ]
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.stage, job.percent) == ("done", 4, 4, "Finished", 100)
    assert job.started is not None and job.finished is not None and job.started <= job.finished


def test_a_pack_that_cannot_be_laid_out_fails_the_job_and_keeps_no_file(
    world: World, packs_in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(rows: list[Row], scope: Scope) -> bytes:
        raise RuntimeError("layout broke")

    monkeypatch.setattr(boardpack, "pdf", broken)
    job = queued_job(world)

    with pytest.raises(RuntimeError):  # re-raised, so the worker logs it
        tasks.build_boardpack.call(job.pk)

    job.refresh_from_db()
    assert (job.status, job.output, job.stage) == ("failed", "", "Stopped")
    assert job.error.startswith("The board pack could not be made (RuntimeError); no file was kept.")
    assert files_in(packs_in_tmp) == []


def test_a_write_cut_off_halfway_leaves_no_half_file(
    world: World, packs_in_tmp: Path, quick_pdf: list[Scope], monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tasks.os, "fsync", disk_full)
    job = queued_job(world)

    with pytest.raises(OSError):
        tasks.build_boardpack.call(job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and "(OSError)" in job.error
    assert files_in(packs_in_tmp) == []  # neither the pack nor its partial file


def test_a_team_gone_since_the_pack_was_asked_for_fails_the_job_saying_so(
    world: World, quick_pdf: list[Scope]
) -> None:
    job = queued_job(world, team="East children in care")
    assert not Team.objects.filter(name="East children in care").exists()

    tasks.build_boardpack.call(job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == (
        "The board pack could not be made: "
        "There is no team called 'East children in care' in Plymptown Council."
    )
    assert quick_pdf == []


def test_a_kept_file_is_written_whole_and_readable_by_its_owner_only(packs_in_tmp: Path) -> None:
    path = tasks.keep(b"%PDF-1.7 whole", "pdf")
    assert path.read_bytes() == b"%PDF-1.7 whole"
    assert path.suffix == ".pdf" and path.parent == packs_in_tmp
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(packs_in_tmp.stat().st_mode & 0o777) == "0o700"


# --- The job's page -----------------------------------------------------------------------------


def test_a_running_job_shows_a_progress_bar_and_a_refresh_link_and_no_inline_script(
    analyst: Client, world: World
) -> None:
    job = queued_job(world, status="running")
    job.report_progress(2, 4, "Laying out the pages")

    page = analyst.get(reverse("indicators:boardpack_job", args=[job.pk])).content.decode()

    assert '<progress id="job-progress" aria-labelledby="job-progress-label" max="4" value="2">' in page
    assert "2 of 4 steps done (Laying out the pages)" in page
    status_url = reverse("indicators:boardpack_job_status", args=[job.pk])
    assert f'data-status-url="{status_url}"' in page
    assert 'src="/static/returns/job-progress.js"' in page  # the returns jobs' script, which is generic
    assert "<script>" not in page and 'http-equiv="refresh"' not in page


def test_the_status_feed_gives_what_the_progress_script_reads(analyst: Client, world: World) -> None:
    job = queued_job(world, status="running")
    job.report_progress(1, 4, "Working out the figures")
    data = analyst.get(reverse("indicators:boardpack_job_status", args=[job.pk])).json()
    # 1 of 4 steps: 25 per cent.
    assert data == {
        "status": "running",
        "status_label": "Running",
        "done": 1,
        "total": 4,
        "percent": 25,
        "stage": "Working out the figures",
        "finished": False,
    }


def test_a_queued_job_says_the_worker_may_not_be_running(analyst: Client, world: World) -> None:
    job = queued_job(world)
    page = analyst.get(reverse("indicators:boardpack_job", args=[job.pk])).content.decode()
    assert "Waiting to start" in page
    assert "the task worker may not be running" in page


def test_a_failed_job_says_why_and_offers_to_try_again_with_the_same_filters(
    analyst: Client, world: World
) -> None:
    job = queued_job(world, team="North children in care", format="xlsx")
    job.mark_failed("The board pack could not be made (RuntimeError); no file was kept.")

    page = analyst.get(reverse("indicators:boardpack_job", args=[job.pk])).content.decode()

    assert "The board pack could not be made (RuntimeError); no file was kept." in page
    assert f'action="{START}"' in page
    assert '<input type="hidden" name="date" value="2025-03-31">' in page
    assert '<input type="hidden" name="team" value="North children in care">' in page
    assert '<input type="hidden" name="format" value="xlsx">' in page
    assert ">Try again</button>" in page
    assert analyst.get(reverse("indicators:boardpack_file", args=[job.pk])).status_code == 404


def test_a_file_outside_the_packs_folder_is_never_sent(analyst: Client, world: World, tmp_path: Path) -> None:
    elsewhere = tmp_path / "secret.pdf"
    elsewhere.write_bytes(b"%PDF-1.7 not a pack")
    job = queued_job(world, status="done", output=str(elsewhere))
    assert analyst.get(reverse("indicators:boardpack_file", args=[job.pk])).status_code == 404


def test_the_page_lists_the_authoritys_recent_packs_and_not_anothers(analyst: Client, world: World) -> None:
    ours = queued_job(world, team="South children in care")
    theirs = BoardPackJob.objects.create(
        authority=world.other_authority, created_by=world.users["ana"], as_at=dt.date(2025, 2, 28)
    )
    page = analyst.get(START).content.decode()
    assert f'href="{reverse("indicators:boardpack_job", args=[ours.pk])}"' in page
    assert "As at 31 March 2025, Team: South children in care (PDF)" in page
    assert reverse("indicators:boardpack_job", args=[theirs.pk]) not in page


# --- Keeping the files a week -------------------------------------------------------------------


@pytest.fixture
def made(ask: Callable[..., Any], immediate: None, quick_pdf: list[Scope]) -> Iterator[BoardPackJob]:
    ask()
    yield BoardPackJob.objects.get()


def test_a_pack_is_kept_for_a_week_then_deleted_and_its_page_says_so(
    analyst: Client, made: BoardPackJob
) -> None:
    assert made.finished is not None
    # Six days and 23 hours on: kept.
    assert actions.discard_old_packs(now=made.finished + dt.timedelta(days=6, hours=23)) == 0
    assert Path(made.output).is_file()
    # A week and a minute on: deleted, the job kept and saying so.
    assert actions.discard_old_packs(now=made.finished + dt.timedelta(days=7, minutes=1)) == 1
    assert not Path(made.output).exists()

    page = analyst.get(reverse("indicators:boardpack_job", args=[made.pk])).content.decode()
    assert "The file has been deleted" in page and ">Make it again</button>" in page
    assert analyst.get(reverse("indicators:boardpack_file", args=[made.pk])).status_code == 404


def test_a_pack_is_not_deleted_when_it_is_downloaded(analyst: Client, made: BoardPackJob) -> None:
    # Several directors download the same pack; a download cut off must be able to start again.
    for _ in range(2):
        response = analyst.get(reverse("indicators:boardpack_file", args=[made.pk]))
        assert b"".join(response.streaming_content) == b"%PDF-1.7 quick"  # type: ignore[attr-defined]
    assert Path(made.output).is_file()


def test_old_packs_are_cleared_when_the_next_one_is_asked_for(
    ask: Callable[..., Any], made: BoardPackJob
) -> None:
    assert made.finished is not None
    BoardPackJob.objects.filter(pk=made.pk).update(finished=made.finished - dt.timedelta(days=8))
    ask()
    made.refresh_from_db()
    assert made.output == "" and BoardPackJob.objects.count() == 2


# --- The old addresses and the scorecard's button ----------------------------------------------


def test_the_old_pdf_address_leads_to_the_button_page_with_its_filters_and_monthly(
    analyst: Client,
) -> None:
    url = reverse("indicators:boardpack", kwargs={"fmt": "pdf"})
    response = analyst.get(url, {"as_at": "2025-03-31", "freq": "week", "team": "North children in care"})
    assert response.status_code == 302
    assert response["Location"] == f"{START}?as_at=2025-03-31&team=North+children+in+care"

    page = analyst.get(response["Location"]).content.decode()
    assert "31 March 2025 (monthly figures)" in page
    assert '<input type="hidden" name="date" value="2025-03-31">' in page
    assert 'name="freq"' not in page  # the board pack is monthly
    assert ">Make the board pack as PDF</button>" in page
    assert not BoardPackJob.objects.exists()  # a GET starts nothing


def test_the_scorecards_own_pdf_leads_to_the_button_page_keeping_its_period(analyst: Client) -> None:
    url = reverse("indicators:scorecard_download")
    response = analyst.get(url, {"format": "pdf", "date": "2025-03-31", "freq": "week"})
    assert response["Location"] == f"{START}?date=2025-03-31&freq=week"
    page = analyst.get(response["Location"]).content.decode()
    assert "31 March 2025 (weekly figures)" in page
    assert '<input type="hidden" name="freq" value="week">' in page


def test_the_button_page_reports_the_last_whole_month_unless_asked(
    analyst: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(boardpack, "last_month_end", lambda today=None: dt.date(2025, 2, 28))
    page = analyst.get(START).content.decode()
    assert '<input type="hidden" name="date" value="2025-02-28">' in page


def test_the_scorecard_offers_the_pdf_as_a_button_carrying_its_filters(analyst: Client) -> None:
    page = analyst.get(
        reverse("indicators:scorecard"), {"date": "2025-03-31", "team": "North children in care"}
    ).content.decode()
    downloads = page.split("The board pack as")[1].split("</li>")[0]
    assert f'<form method="post" action="{START}"' in downloads
    assert '<input type="hidden" name="date" value="2025-03-31">' in downloads
    assert '<input type="hidden" name="team" value="North children in care">' in downloads
    assert 'class="divert-link-button" data-module="govuk-button">PDF</button>' in downloads
    xlsx = reverse("indicators:boardpack", kwargs={"fmt": "xlsx"})
    assert (
        f'href="{xlsx}?date=2025-03-31&amp;freq=month&amp;team=North+children+in+care">Excel</a>' in downloads
    )


def test_a_partner_user_can_ask_for_no_pack(client: Client, world: World) -> None:
    client.force_login(world.users["pat"])
    assert client.post(START, {"date": AS_AT.isoformat()}).status_code == 403
    assert not BoardPackJob.objects.exists()


def test_a_packs_own_page_says_no_other_packs_rather_than_none(client: Client, world: Any) -> None:
    """The recent list leaves the pack itself out, so "none asked for" would contradict the page."""
    from divert.indicators.models import BoardPackJob

    job = BoardPackJob.objects.create(
        authority=world.authority, created_by=world.users["hos"], as_at=dt.date(2026, 10, 31)
    )
    client.force_login(world.users["hos"])
    page = client.get(reverse("indicators:boardpack_job", args=[job.pk])).content.decode()
    assert "No other board packs have been asked for yet." in page
