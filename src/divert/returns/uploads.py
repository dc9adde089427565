"""Uploaded SSDA903 files: checked before they are kept, kept where nothing serves them.

An upload is one or more CSV tables, or zip files of folders of them (one folder per
collection year, as the command line takes them). Files are stored under
``settings.DIVERT_UPLOAD_DIR`` (not under the static files, and Divert has no media serving),
in a folder of their own with owner-only permissions, and deleted once the import has run:
they hold children's personal data and the register is the copy that counts.
"""

from __future__ import annotations

import re
import shutil
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = b"\xef\xbb\xbf"
_ELEMENT_START = re.compile(r"<[A-Za-z_]")
# CSV tables, or the XML form of an SSDA903 return; anything else in a zip is left out.
DATA_SUFFIXES = (".csv", ".xml")
MAX_ZIP_MEMBERS = 2000
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]")
_SKIPPED_PARTS = ("__MACOSX",)


def max_bytes() -> int:
    return int(settings.DIVERT_UPLOAD_MAX_MB) * 1024 * 1024


def safe_name(name: str) -> str:
    """A file or folder name with nothing but letters, digits, dot, dash, underscore and space."""
    cleaned = _UNSAFE.sub("_", PurePosixPath(name.replace("\\", "/")).name).strip(" .")
    return cleaned or "file"


def is_zip(upload: UploadedFile) -> bool:
    return (upload.name or "").lower().endswith(".zip")


def _head(upload: UploadedFile, size: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _csv_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's CSV and XML files, refusing any path that could land outside the upload's folder."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ValidationError(f"holds more than {MAX_ZIP_MEMBERS} files")
    found = []
    for member in members:
        path = PurePosixPath(member.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or ":" in member.filename:
            raise ValidationError(f"holds a file with an unsafe path ({member.filename})")
        if member.is_dir() or path.name.startswith("._") or set(path.parts) & set(_SKIPPED_PARTS):
            continue
        if path.suffix.lower() in DATA_SUFFIXES:
            found.append(member)
    return found


def _text(name: str, head: bytes) -> str:
    """The start of a file as text: UTF-8 (with or without its byte order mark) or Windows-1252."""
    body = head.removeprefix(UTF8_BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(body) - 3:
            return body[: exc.start].decode("utf-8")  # a character cut in two by the sample's end
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError(f"{name} is not text in UTF-8 or Windows-1252") from None


def _check_csv(name: str, head: bytes) -> None:
    """A CSV table starts with a header row: column names separated by commas, not a tag."""
    lines = _text(name, head).lstrip("\r\n").splitlines()
    first = lines[0].strip() if lines else ""
    if not first:
        raise ValidationError(f"{name} is empty")
    if first.startswith("<"):
        raise ValidationError(f"{name} is not a CSV file (it looks like HTML or XML)")
    if "," not in first:
        raise ValidationError(
            f"{name} is not a CSV file (its first row is not column names separated by commas)"
        )


def _check_xml(name: str, head: bytes, stream: IO[bytes]) -> None:
    """An XML return starts with its declaration or first element, and declares no DTD or entity."""
    start = _text(name, head).lstrip()
    if not (start.startswith("<?xml") or _ELEMENT_START.match(start)):
        raise ValidationError(
            f"{name} is not an XML file (it does not start with an XML declaration or element)"
        )
    if _declares_dtd(stream):
        raise ValidationError(
            f"{name} declares a DOCTYPE or ENTITY, which a return never needs: it is refused for safety"
        )


def _declares_dtd(stream: IO[bytes]) -> bool:
    """Whether the file holds ``<!DOCTYPE`` or ``<!ENTITY`` anywhere (read in chunks, never whole)."""
    tail = b""
    while chunk := stream.read(1024 * 1024):
        window = (tail + chunk).upper()
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            return True
        tail = window[-16:]
    return False


def _check_content(name: str, head: bytes, stream: IO[bytes]) -> None:
    """Refuse a file whose content is not what its name says: binary, HTML, or not CSV or XML."""
    if b"\x00" in head or head.startswith(ZIP_MAGIC):
        raise ValidationError(f"{name} is not a text file (it holds binary data)")
    if name.lower().endswith(".xml"):
        _check_xml(name, head, stream)
    else:
        _check_csv(name, head)


def _check_members(name: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    for member in members:
        with archive.open(member) as head_of:
            head = head_of.read(8192)
        with archive.open(member) as stream:
            _check_content(f"{name}: {member.filename}", head, stream)


def _too_big(name: str) -> ValidationError:
    return ValidationError(f"{name} is larger than {max_bytes() // (1024 * 1024)} MB")


def check(upload: UploadedFile) -> int:
    """Refuse anything but a CSV or XML file or a zip of them, checked by content as well as name;
    return the size it unpacks to. Each message names the file and says what is wrong with it."""
    name = upload.name or "file"
    if int(upload.size or 0) > max_bytes():
        raise _too_big(name)
    head = _head(upload)
    if is_zip(upload):
        if not head.startswith(ZIP_MAGIC) or not zipfile.is_zipfile(upload):
            raise ValidationError(f"{name} is not a zip file")
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                members = _csv_members(archive)
                if not members:
                    raise ValidationError(f"{name} holds no CSV or XML files")
                if sum(m.file_size for m in members) > max_bytes():
                    raise ValidationError(f"{name} unpacks to more than {max_bytes() // (1024 * 1024)} MB")
                _check_members(name, archive, members)
        except ValidationError as error:
            message = error.messages[0]
            raise ValidationError(message if message.startswith(name) else f"{name} {message}") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError):
            raise ValidationError(f"{name} is not a zip file Divert can read") from None
        finally:
            upload.seek(0)
        return sum(m.file_size for m in members)
    if not name.lower().endswith(DATA_SUFFIXES):
        raise ValidationError(f"{name} must be a CSV file, an XML file or a zip file")
    try:
        _check_content(name, head, upload)
    finally:
        upload.seek(0)
    return int(upload.size or 0)


def store(uploads: Iterable[UploadedFile]) -> tuple[Path, list[str]]:
    """Keep checked uploads in a new private folder; return it and the names of the files kept."""
    folder = Path(settings.DIVERT_UPLOAD_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True, mode=0o700)
    names: list[str] = []
    try:
        for upload in uploads:
            names += _unzip(upload, folder) if is_zip(upload) else [_save(upload, folder)]
    except BaseException:
        discard(folder)
        raise
    return folder, names


def _save(upload: UploadedFile, folder: Path) -> str:
    name = safe_name(upload.name or "file.csv")
    target = _unique(folder / name)
    upload.seek(0)
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target.name


def _unzip(upload: UploadedFile, folder: Path) -> list[str]:
    """Unpack the CSV and XML files, keeping their folders (a folder name may give the collection year)."""
    root = folder / safe_name(PurePosixPath(upload.name or "upload.zip").stem)
    names = []
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        for member in _csv_members(archive):
            parts = [safe_name(p) for p in PurePosixPath(member.filename.replace("\\", "/")).parts]
            target = _unique(root.joinpath(*parts))
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
            names.append(str(target.relative_to(folder)))
    return names


def _unique(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def discard(folder: Path | str) -> None:
    """Delete an upload's folder (only ever one inside the upload directory)."""
    path = Path(folder)
    if path.parent.resolve() == Path(settings.DIVERT_UPLOAD_DIR).resolve() and path.exists():
        shutil.rmtree(path, ignore_errors=True)
