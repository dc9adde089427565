"""Uploads are checked by what they hold, not only their names, and nothing uploaded comes back as a page.

The returns upload is the only form that takes files. A CSV table must be text (UTF-8 or
Windows-1252, no NUL bytes) starting with a header row; an XML return must start with its
declaration or an element and declare no DTD or entity (the XXE and "billion laughs" attacks).
A refused upload names the file and what is wrong, and writes nothing: no job, no file kept.
Downloads go out as attachments of their own type with ``nosniff``; file names shown on a page
are escaped.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.conftest import World

from divert.returns import uploads
from divert.returns.models import ReturnJob
from divert.returns.parse903 import Problems
from divert.returns.xml903 import parse_xml

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<EXPSSDA903><CHILD><HEADER><CHILDID>&x;</CHILDID></HEADER></CHILD></EXPSSDA903>
"""


@pytest.fixture(autouse=True)
def upload_dir(settings: Any, tmp_path: Path) -> Path:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DIVERT_UPLOAD_DIR = tmp_path / "uploads"
    return Path(settings.DIVERT_UPLOAD_DIR)


@pytest.fixture
def analyst(client: Client, world: World) -> Client:
    client.force_login(world.users["ana"])
    return client


def _zip(name: str, content: bytes) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr(name, content)
    return archive.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "Header.csv",
            b"<html><body><script>alert(1)</script></body></html>",
            "is not a CSV file (it looks like HTML",
        ),
        (
            "Header.csv",
            b"just some words\nand more\n",
            "its first row is not column names separated by commas",
        ),
        ("Header.csv", b"", "empty"),
        ("Header.csv", b"CHILD,SEX\n\x81\x8d\x8f,1\n", "is not text in UTF-8 or Windows-1252"),
        ("Header.csv", b"CHILD,SEX\n1\x00,2\n", "is not a text file (it holds binary data)"),
        ("Header.csv", b"PK\x03\x04 a zip in disguise", "is not a text file"),
        ("SSDA903.xml", b"CHILD,SEX\nC1,1\n", "is not an XML file"),
        ("SSDA903.xml", XXE, "declares a DOCTYPE or ENTITY"),
        (
            "SSDA903.xml",
            b"\xef\xbb\xbf<?xml version='1.0'?>\n<!doctype html><html></html>",
            "declares a DOCTYPE",
        ),
        (
            "r.zip",
            _zip("2025/Header.csv", b"<script>alert(1)</script>"),
            "r.zip: 2025/Header.csv is not a CSV",
        ),
        ("r.zip", _zip("2025/SSDA903.xml", XXE), "r.zip: 2025/SSDA903.xml declares a DOCTYPE"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused_and_nothing_written(
    analyst: Client, upload_dir: Path, name: str, content: bytes, message: str
) -> None:
    response = analyst.post(reverse("returns:upload"), {"upload": [SimpleUploadedFile(name, content)]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReturnJob.objects.exists()
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


@pytest.mark.parametrize(
    "content",
    [
        b"CHILD,SEX,DOB\r\nC1,1,01/02/2015\r\n",
        b"\xef\xbb\xbfCHILD,SEX,DOB\nC1,1,01/02/2015\n",
        "CHILD,SEX,NOTE\nC1,1,Zo\u00eb\n".encode("cp1252"),
        ("CHILD,SEX\n" + "C1,\u00e9\n" * 3000).encode(),  # a character cut by the sample's end
    ],
)
def test_csv_text_in_utf8_or_windows_1252_passes_the_check(content: bytes) -> None:
    assert uploads.check(SimpleUploadedFile("Header.csv", content)) == len(content)


def test_an_xml_return_passes_the_check() -> None:
    content = b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<EXPSSDA903></EXPSSDA903>\n'
    assert uploads.check(SimpleUploadedFile("SSDA903.xml", content)) == len(content)


def test_a_zip_unpacking_beyond_the_limit_is_refused(analyst: Client, settings: Any) -> None:
    settings.DIVERT_UPLOAD_MAX_MB = 1
    big = b"CHILD,SEX\n" + b"C1,1\n" * 300_000  # 1.5 MB, a few KB zipped
    response = analyst.post(
        reverse("returns:upload"), {"upload": [SimpleUploadedFile("r.zip", _zip("Header.csv", big))]}
    )
    assert response.status_code == 400
    assert "r.zip unpacks to more than 1 MB" in response.content.decode()
    assert not ReturnJob.objects.exists()


def test_a_file_name_with_markup_is_shown_as_text(analyst: Client) -> None:
    upload = SimpleUploadedFile("<b>bold<img src=x onerror=alert(1)>.csv", b"<html></html>")
    page = analyst.post(reverse("returns:upload"), {"upload": [upload]}).content.decode()
    assert "<img src=x" not in page and "<b>bold" not in page
    assert "&lt;b&gt;bold&lt;img src=x onerror=alert(1)&gt;.csv is not a CSV file" in page


def test_the_xml_reader_refuses_external_entities(tmp_path: Path) -> None:
    """The reader the SSDA903 and CIN imports share (``xml903.parse_xml``) never expands an entity."""
    path = tmp_path / "SSDA903.xml"
    path.write_bytes(XXE)
    problems = Problems()
    assert parse_xml(path, "SSDA903.xml", problems) is None
    assert problems.errors and "root:" not in " ".join(problems.errors)


def test_downloads_are_attachments_of_their_own_type_never_sniffed(analyst: Client) -> None:
    response = analyst.get(reverse("returns:export_903", args=[2025]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "html" not in response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_every_page_says_nosniff(analyst: Client) -> None:
    """SecurityMiddleware's header: a browser never guesses a page's type from its content."""
    assert analyst.get(reverse("returns:upload"))["X-Content-Type-Options"] == "nosniff"
