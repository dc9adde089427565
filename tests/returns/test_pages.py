"""The returns pages: an analyst uploads SSDA903 files, follows the job and reads what happened.

Jobs run with django-tasks' immediate backend here, so the import or validation has finished
when the upload or the validate button returns. Who may open each page is asserted in
``tests/test_access_matrix.py``; these tests are about what the pages do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from divert.care.models import Episode
from divert.core.models import AuditEvent
from divert.people.models import Child
from divert.returns import actions, checking
from divert.returns.models import ReturnJob, split_error
from divert.returns.validation import parse_report
from tests.conftest import World


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any, tmp_path: Path) -> Path:
    """Jobs run as soon as they are queued, and uploads go to a folder of the test's own."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DIVERT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.DIVERT_UPLOAD_DIR


@pytest.fixture
def analyst(client: Client, world: World) -> Client:
    client.force_login(world.users["ana"])
    return client


def _csv(kit: Any, table: str, rows: list[dict[str, str]], name: str = "") -> SimpleUploadedFile:
    text = kit.csv_text(table, rows).encode()
    return SimpleUploadedFile(name or f"{table}.csv", text, content_type="text/csv")


def _good_set(kit: Any) -> list[SimpleUploadedFile]:
    return [
        _csv(kit, "Header", [kit.header("C100"), kit.header("C200", SEX="M")]),
        _csv(kit, "Episodes", [kit.episode("C100", "05/05/2024"), kit.episode("C200", "01/06/2024")]),
    ]


def _upload(client: Client, files: list[SimpleUploadedFile]) -> Any:
    return client.post(reverse("returns:upload"), {"upload": files}, follow=True)


def test_the_returns_page_lists_the_collection_years_with_their_downloads(analyst: Client) -> None:
    page = analyst.get(reverse("returns:index")).content.decode()
    assert "Statutory returns" in page
    assert reverse("returns:export_903", args=[2025]) in page
    assert reverse("returns:export_cin", args=[2025]) in page
    assert reverse("returns:validate", args=[2025]) in page


def test_the_menu_offers_returns_to_analysts_and_heads_of_service_only(client: Client, world: World) -> None:
    for who, expected in (("ana", True), ("hos", True), ("alice", False), ("fin", False), ("adam", False)):
        client.force_login(world.users[who])
        menu = client.get(reverse("core:home")).content.decode()
        assert (f'href="{reverse("returns:index")}"' in menu) is expected, who


def test_uploaded_csv_files_are_imported_by_a_job_and_the_children_linked(
    analyst: Client, world: World, kit: Any, immediate_tasks: Path
) -> None:
    response = _upload(analyst, _good_set(kit))

    job = ReturnJob.objects.get()
    assert response.redirect_chain[-1][0] == reverse("returns:job", args=[job.pk])
    assert (job.status, job.kind, job.created_by, job.done, job.total) == (
        "done",
        "import_903",
        world.users["ana"],
        4,
        4,
    )
    assert set(Child.objects.filter(authority=world.authority).values_list("child_id", flat=True)) >= {
        "C100",
        "C200",
    }
    assert Episode.objects.filter(child__child_id="C100").count() == 1
    page = response.content.decode()
    assert "Import complete" in page
    c100 = Child.objects.get(child_id="C100")
    assert f'href="{reverse("people:child", args=[c100.pk])}"' in page
    assert not list(immediate_tasks.iterdir()), "the uploaded files are deleted after the import"
    assert AuditEvent.objects.filter(
        actor=world.users["ana"], action="search", note__contains="2 child"
    ).exists()


def test_a_zip_of_year_folders_is_imported(analyst: Client, world: World, kit: Any) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("ssda903/2025/Header.csv", kit.csv_text("Header", [kit.header("C300")]))
        out.writestr(
            "ssda903/2025/Episodes.csv", kit.csv_text("Episodes", [kit.episode("C300", "05/05/2024")])
        )
        out.writestr("__MACOSX/ssda903/2025/._Header.csv", "junk")
    upload = SimpleUploadedFile("returns.zip", archive.getvalue(), content_type="application/zip")

    _upload(analyst, [upload])

    job = ReturnJob.objects.get()
    assert job.status == "done", job.errors
    assert [r["year"] for r in job.summary["returns"]] == [2025]
    assert Child.objects.filter(child_id="C300", authority=world.authority).exists()


def test_a_broken_file_fails_the_job_naming_file_row_and_field_and_writes_nothing(
    analyst: Client, world: World, kit: Any
) -> None:
    before = kit.register_state()
    files = [
        _csv(kit, "Header", [kit.header("C100")]),
        _csv(kit, "Episodes", [kit.episode("C100", "31/02/2024")]),
    ]

    response = _upload(analyst, files)

    job = ReturnJob.objects.get()
    assert job.status == "failed"
    problem = next(p for p in job.error_rows() if p.field == "DECOM")
    assert (problem.file, problem.row) == ("Episodes.csv", "2")
    page = response.content.decode()
    assert "The import was refused: nothing was written" in page
    assert '<td class="govuk-table__cell">DECOM</td>' in page
    counts, digest = kit.register_state()
    assert digest == before[1]
    assert counts["AuditEvent"] == before[0]["AuditEvent"] + 1  # the job's own "import queued" row only


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"CHILD\n1\n", "must be a CSV file, an XML file or a zip file"),
        ("Header.csv", b"\x00\x01binary", "is not a text file"),
        ("returns.zip", b"not a zip at all", "is not a zip file"),
    ],
)
def test_files_of_the_wrong_type_are_refused_before_any_job(
    analyst: Client, name: str, content: bytes, message: str
) -> None:
    response = analyst.post(reverse("returns:upload"), {"upload": [SimpleUploadedFile(name, content)]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not ReturnJob.objects.exists()


def test_a_zip_reaching_outside_its_folder_is_refused(analyst: Client) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("../../evil.csv", "CHILD\n1\n")
    response = analyst.post(
        reverse("returns:upload"), {"upload": [SimpleUploadedFile("r.zip", archive.getvalue())]}
    )
    assert "unsafe path" in response.content.decode()
    assert not ReturnJob.objects.exists()


def test_files_over_the_size_limit_are_refused(analyst: Client, settings: Any, kit: Any) -> None:
    settings.DIVERT_UPLOAD_MAX_MB = 0
    response = analyst.post(reverse("returns:upload"), {"upload": _good_set(kit)})
    assert response.status_code == 400
    assert "The files must be smaller than 0 MB in total" in response.content.decode()
    assert not ReturnJob.objects.exists()


def test_an_upload_declared_too_large_is_refused_without_reading_it(analyst: Client, settings: Any) -> None:
    settings.DIVERT_UPLOAD_MAX_MB = 1
    response = analyst.post(reverse("returns:upload"), {}, CONTENT_LENGTH=str(50 * 2**20))
    assert response.status_code == 400
    assert "The files must be smaller than 1 MB in total" in response.content.decode()
    assert not ReturnJob.objects.exists()


def test_no_file_chosen_asks_for_the_files(analyst: Client) -> None:
    response = analyst.post(reverse("returns:upload"), {})
    assert "Select the SSDA903 files to import" in response.content.decode()


RUNNER_OUTPUT = {
    "903": {
        "return": "903",
        "year": 2025,
        "ruleset": "lac2024_25",
        "rules": [
            {"code": "101", "message": "Gender code is not valid", "status": "passed"},
            {"code": "231", "message": "Raised on every run", "status": "error", "reason": "raised"},
            {
                "code": "209",
                "message": '=HYPERLINK("http://evil") UPN invalid',
                "status": "failed",
                "rows": [
                    {"table": "Header", "row": 0, "child": "N0001"},
                    {"table": "Header", "row": 1, "child": "X999"},
                ],
            },
        ],
    },
    "cin": {"return": "cin", "year": 2025, "ruleset": "cin2024_25", "rules": []},
}


@pytest.fixture
def fake_validator(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The DfE rules' answer for both returns, without running the validators' environment."""
    ran: list[str] = []

    def run(kind: str, year: int, path: Path, la: str, previous: Path | None = None) -> Any:
        assert path.exists(), "the return was exported before it was checked"
        ran.append(kind)
        return parse_report(RUNNER_OUTPUT[kind])

    monkeypatch.setattr(checking, "run_validator", run)
    return ran


def test_a_validation_job_shows_rules_with_status_and_links_to_visible_children(
    analyst: Client, world: World, fake_validator: list[str]
) -> None:
    response = analyst.post(reverse("returns:validate", args=[2025]), follow=True)

    assert fake_validator == ["903", "cin"]
    job = ReturnJob.objects.get()
    assert (job.status, job.year, job.done, job.total) == ("done", 2025, 2, 2)
    page = response.content.decode()
    assert "1 failed, 0 queries, 1 not checked, 0 explained, 1 passed" in page
    assert "Not checked" in page and "Passed" in page and "Failed" in page
    assert f'href="{reverse("people:child", args=[world.child_north.pk])}">N0001</a>' in page
    assert "<li>X999</li>" in page, "a child not in the register is a plain id"
    assert AuditEvent.objects.filter(action="search", note__contains=f"job {job.pk} results").exists()


def test_a_rule_not_checked_is_never_shown_as_passed(analyst: Client, fake_validator: list[str]) -> None:
    page = analyst.post(reverse("returns:validate", args=[2025]), follow=True).content.decode()
    row = page[page.index(">231<") : page.index("</tr>", page.index(">231<"))]
    assert "Not checked" in row and "govuk-tag--green" not in row


def test_the_results_download_escapes_formulas_and_lists_each_child(
    analyst: Client, fake_validator: list[str]
) -> None:
    analyst.post(reverse("returns:validate", args=[2025]))
    job = ReturnJob.objects.get()

    response = analyst.get(reverse("returns:job_results_csv", args=[job.pk]))

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Return", "Rule", "Status", "Rule text", "Children", "Child ID"]
    failing = [r for r in rows if r[1] == "209"]
    assert [r[5] for r in failing] == ["N0001", "X999"]
    assert failing[0][3].startswith("'=HYPERLINK")


def test_a_validation_that_cannot_run_fails_the_job_saying_why(analyst: Client, settings: Any) -> None:
    settings.DIVERT_VALIDATOR_PYTHON = ""
    page = analyst.post(reverse("returns:validate", args=[2025]), follow=True).content.decode()
    assert ReturnJob.objects.get().status == "failed"
    assert "The validation could not run" in page
    assert "The DfE validators are not installed" in page


def test_the_status_feed_gives_progress_without_children(analyst: Client, world: World) -> None:
    job = ReturnJob.objects.create(
        authority=world.authority, created_by=world.users["ana"], kind="import_903", status="running"
    )
    job.report_progress(3, 8, "Reading Episodes.csv")
    data = analyst.get(reverse("returns:job_status", args=[job.pk])).json()
    assert data == {
        "status": "running",
        "status_label": "Running",
        "done": 3,
        "total": 8,
        "percent": 37,
        "stage": "Reading Episodes.csv",
        "finished": False,
    }


def test_a_running_job_shows_a_progress_bar_and_a_refresh_link_and_no_inline_script(
    analyst: Client, world: World
) -> None:
    job = ReturnJob.objects.create(
        authority=world.authority, created_by=world.users["ana"], kind="import_903", status="running"
    )
    job.report_progress(1, 4, "Reading Header.csv")
    page = analyst.get(reverse("returns:job", args=[job.pk])).content.decode()
    assert '<progress id="job-progress" aria-labelledby="job-progress-label" max="4" value="1">' in page
    assert "1 of 4 steps done (Reading Header.csv)" in page
    assert f'href="{reverse("returns:job", args=[job.pk])}" data-job-refresh>Refresh this page</a>' in page
    assert 'src="/static/returns/job-progress.js"' in page
    assert "<script>" not in page and 'http-equiv="refresh"' not in page


def test_the_ssda903_download_is_a_zip_of_every_table(analyst: Client, world: World) -> None:
    response = analyst.get(reverse("returns:export_903", args=[2025]))
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "ssda903-2025/Header.csv" in names and "ssda903-2025/Episodes.csv" in names
    assert AuditEvent.objects.filter(actor=world.users["ana"], object_type="returns.ssda903").exists()


def test_the_cin_census_is_exported_by_a_job_and_downloaded_from_its_page(
    analyst: Client, world: World, immediate_tasks: Path
) -> None:
    page = analyst.post(reverse("returns:export_cin", args=[2025]), follow=True).content.decode()

    job = ReturnJob.objects.get()
    assert (job.kind, job.status, job.year) == ("export_cin", "done", 2025)
    link = reverse("returns:job_file", args=[job.pk])
    assert f'href="{link}"' in page
    response = analyst.get(link)
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == 'attachment; filename="cin-census-2025.xml"'
    assert b"".join(response.streaming_content).startswith(b"<?xml")  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(actor=world.users["ana"], object_type="returns.cin").exists()


def test_an_export_file_is_deleted_a_day_later(analyst: Client, immediate_tasks: Path) -> None:
    analyst.post(reverse("returns:export_cin", args=[2024]))
    job = ReturnJob.objects.get()
    assert Path(job.output).is_file()

    assert actions.discard_old_exports(now=job.finished + dt.timedelta(days=1, minutes=1)) == 1

    assert not Path(job.output).exists()
    assert analyst.get(reverse("returns:job_file", args=[job.pk])).status_code == 404


def test_a_year_in_the_future_is_not_found(analyst: Client) -> None:
    assert analyst.get(reverse("returns:export_903", args=[2999])).status_code == 404


def test_import_errors_are_split_into_file_row_field_and_message() -> None:
    found = split_error("2025/Episodes.csv row 3, field DECOM: is not a date")
    assert (found.file, found.row, found.field, found.message) == (
        "2025/Episodes.csv",
        "3",
        "DECOM",
        "is not a date",
    )
    whole = split_error("Header.csv: no table has these columns")
    assert (whole.file, whole.row, whole.field) == ("Header.csv", "", "")
