"""The access matrix's vocabulary: outcomes, the users in column order, and ``Page``.

``tests/test_access_matrix.py`` holds the table; each domain with pages about its own records
(the front door, early help, panels ...) keeps its rows in a module here, which the table
merges, so every page still meets every role in one test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from divert.indicators.models import BoardPackJob, pack_folder
from divert.returns.models import ReturnJob
from tests.conftest import World

OK = "200"
SIGN_IN = "sign-in"
NO_ADMIN = "admin-login"
HIDDEN = "404"
DENIED = "403"
HOME = "home"
NO_GET = "405"
TO_PACKS = "302 to /indicators/board-pack/"

WHO = ("alice", "tom", "sam", "mo", "pat", "ana", "hos", "fin", "adam", "anonymous")


@dataclass(frozen=True)
class Page:
    """A page by URL name, with the world's child it is about (``ava``, ``sid``, ``eli``), or a raw path.

    ``build`` makes the record a page is about and returns its URL (``about`` names it in the
    test's id), for the rows each domain keeps in its own module of ``tests/access/``.
    ``job`` makes a finished job of the world's authority (``ours``) or of the other authority
    (``theirs``) for the page to be about: a returns validation, or for the board pack's pages a
    board pack.
    """

    name: str
    child: str = ""
    path: str = ""
    job: str = ""
    build: Callable[[World], str] | None = None
    about: str = ""

    def url(self, world: World) -> str:
        if self.build is not None:
            return self.build(world)
        if self.path:
            return self.path
        if self.job and self.name.startswith("indicators:"):
            return reverse(self.name, kwargs={"pk": _boardpack_job(world, self.job, self.name).pk})
        if self.job:
            return reverse(self.name, kwargs={"pk": _returns_job(world, self.job, self.name).pk})
        children = {"ava": world.child_north, "sid": world.child_south, "eli": world.child_elsewhere}
        return reverse(self.name, kwargs={"pk": children[self.child].pk} if self.child else None)

    def __str__(self) -> str:
        what = self.child or self.job or self.about
        return self.path or (f"{self.name}[{what}]" if what else self.name)


def _returns_job(world: World, whose: str, page: str) -> ReturnJob:
    """A finished validation, or for the file page a finished CIN export with its file."""
    authority = world.authority if whose == "ours" else world.other_authority
    output = ""
    if page == "returns:job_file":
        folder = Path(settings.DIVERT_UPLOAD_DIR) / f"export-{whose}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "cin-census-2025.xml").write_text("<Message/>")
        output = str(folder / "cin-census-2025.xml")
    return ReturnJob.objects.create(
        authority=authority,
        created_by=world.users["ana"],
        kind=ReturnJob.Kind.EXPORT_CIN if output else ReturnJob.Kind.VALIDATE,
        year=2025,
        status=ReturnJob.Status.DONE,
        summary={"reports": []},
        output=output,
    )


def _boardpack_job(world: World, whose: str, page: str) -> BoardPackJob:
    """A finished board pack, with its file for the file page."""
    authority = world.authority if whose == "ours" else world.other_authority
    output = ""
    if page == "indicators:boardpack_file":
        pack_folder().mkdir(parents=True, exist_ok=True)
        output = str(pack_folder() / f"pack-{whose}.pdf")
        Path(output).write_bytes(b"%PDF-1.7")
    return BoardPackJob.objects.create(
        authority=authority,
        created_by=world.users["ana"],
        as_at=dt.date(2025, 3, 31),
        status=BoardPackJob.Status.DONE,
        output=output,
    )
