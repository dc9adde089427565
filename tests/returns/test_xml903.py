"""SSDA903 as XML: the export writes one deterministic file, the import reads it into the same
rows as the CSV tables, and a broken or hostile file is refused naming the file, line and field
without writing anything."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divert.care.models import Episode
from divert.people.models import Child
from divert.returns.import903 import ImportFailed, import_903
from divert.returns.xml903 import FILE_NAME, to_xml_903
from divert.synth.load import flush_register

pytestmark = pytest.mark.django_db

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>C1</CHILDID>
      <SEX>F</SEX>
      <DOB>01/06/2010</DOB>
      <ETHNIC>WBRI</ETHNIC>
      {header}
    </HEADER>
    <EPISODE>
      <DECOM>{decom}</DECOM>
      <RNE>S</RNE>
      <LS>C2</LS>
      <CIN>N1</CIN>
      <PL>{place}</PL>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER>
      <DEC/>
      <REC/>
      <REASON_PLACE_CHANGE/>
      <HOME_POST>PL4 8AA</HOME_POST>
      <PL_POST>PL1 2AA</PL_POST>
      <URN/>
    </EPISODE>{episode}
  </CHILD>
</EXPSSDA903>
"""


def _xml(
    folder: Path, *, decom: str = "01/05/2024", place: str = "U4", header: str = "", episode: str = ""
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "return.xml"
    path.write_text(HEADER.format(decom=decom, place=place, header=header, episode=episode), encoding="utf-8")
    return path


@pytest.fixture
def run(world: Any) -> Any:
    return lambda *paths: import_903(list(paths), world.authority)


@pytest.fixture
def refused(run: Any, kit: Any) -> Any:
    """Run an import that must fail; assert the register is untouched; return the errors."""

    def check(*paths: Path) -> list[str]:
        before = kit.register_state()
        with pytest.raises(ImportFailed) as failed:
            run(*paths)
        assert kit.register_state() == before, "a refused import must write nothing"
        return failed.value.errors

    return check


# -- the round trip on the synthetic authority ---------------------------------------------------


def test_an_xml_export_imported_into_an_empty_register_exports_again_byte_for_byte(
    tmp_path: Path, kit: Any
) -> None:
    call_command("synth", "--children", "5000", "--years", "4", "--today", "2025-11-23")
    call_command("export_903", "--year", "2025", "--out", str(tmp_path / "xml-2025"), "--format", "xml")
    call_command("export_903", "--year", "2025", "--out", str(tmp_path / "csv-2025"))
    first = (tmp_path / "xml-2025" / FILE_NAME).read_bytes()
    assert first.count(b"<SWEPISODE>") > 1 and first.count(b"<AREVIEW>") > 1

    flush_register()
    call_command("import_903", str(tmp_path / "xml-2025" / FILE_NAME))
    from_xml = kit.register_state()[1]
    call_command("export_903", "--year", "2025", "--out", str(tmp_path / "again"), "--format", "xml")
    assert (tmp_path / "again" / FILE_NAME).read_bytes() == first

    flush_register()
    call_command("import_903", str(tmp_path / "csv-2025"))
    assert kit.register_state()[1] == from_xml, "the CSV and XML of one return must give the same register"


def test_the_xml_writes_every_table_under_its_child_in_a_fixed_order() -> None:
    tables: dict[str, list[tuple[str, ...]]] = {
        "Header": [
            ("C2", "M", "01/01/2012", "WBRI", "", "", ""),
            ("C1", "F", "01/06/2010", "WBRI", "", "0", ""),
        ],
        "UASC": [("C2", "M", "01/01/2012", "")],
        "Reviews": [("C1", "01/06/2010", "01/07/2024", "PN1")],
        "Episodes": [("C1", "01/05/2024", "S", "C2", "N1", "U4", "PR1", "", "", "", "", "", "")],
    }
    text = to_xml_903(tables).decode()
    assert text.index("<CHILDID>C1") < text.index("<CHILDID>C2")
    assert "<UASC>1</UASC>" in text and "<DUC" not in text  # a blank value is left out of HEADER
    assert "<PL>U4</PL>" in text and "<DEC />" in text  # ... but written empty in a group
    assert to_xml_903(tables) == to_xml_903(dict(reversed(tables.items())))


# -- reading -----------------------------------------------------------------------------------


def test_an_xml_return_is_imported_with_old_codes_mapped_and_warned(tmp_path: Path, run: Any) -> None:
    review = "<AREVIEW><REVIEW>2024-07-01</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>"
    summary = run(_xml(tmp_path / "2025", place="H5", header=review))
    episode = Episode.objects.get(child__child_id="C1")
    assert episode.place == "K3"
    assert episode.child.la_reviews.get().date.isoformat() == "2024-07-01"  # an ISO date is read
    assert any(
        "return.xml line 11, field PLACE: earlier collection years' code 'H5'" in w for w in summary.warnings
    )


def test_xml_and_csv_sets_mixed_in_folders_make_one_history(
    tmp_path: Path, run: Any, csv_set: Any, kit: Any
) -> None:
    path = _xml(tmp_path / "returns" / "2024", decom="01/05/2023")
    text = path.read_text(encoding="utf-8").replace("<DEC/>", "<DEC>01/05/2024</DEC>")
    path.write_text(text.replace("<REC/>", "<REC>X1</REC>"), encoding="utf-8")
    csv_set("2025", Header=[kit.header("C1")], Episodes=[kit.episode("C1", "01/05/2024")])
    run(tmp_path / "returns")
    assert Child.objects.filter(child_id="C1").count() == 1
    assert sorted(e.decom.isoformat() for e in Episode.objects.all()) == ["2023-05-01", "2024-05-01"]


def test_reimporting_the_same_xml_changes_nothing(tmp_path: Path, run: Any, kit: Any) -> None:
    path = _xml(tmp_path / "2025")
    run(path)
    before = kit.register_state()
    summary = run(path)
    after = kit.register_state()
    assert after[1] == before[1]
    assert "Episodes: 0 new, 0 updated, 1 unchanged" in summary.lines()


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (
            lambda t: t.replace("<RNE>S</RNE>", "<RNE>S</RNE><COLOUR>red</COLOUR>"),
            r"line 13: unknown element <COLOUR> in <EPISODE>",
        ),
        (
            lambda t: t.replace("EXPSSDA903", "Message"),
            r"line 2: root element is <Message>, expected <EXPSSDA903>",
        ),
        (lambda t: t[: len(t) // 2], r"line \d+: is not well-formed XML \(.+\)"),
        (
            lambda t: t.replace("01/05/2024", "31/02/2024"),
            r"line 11, field DECOM: \"31/02/2024\" is not a real date",
        ),
        (lambda t: t.replace("01/05/2024", "May 2024"), r"line 11, field DECOM: \"May 2024\" is not a date"),
        (
            lambda t: t.replace("<PL>U4</PL>", "<PL>=1+1</PL>"),
            r"line 11, field PLACE: .* spreadsheet formula",
        ),
        (lambda t: t.replace("<CHILDID>C1</CHILDID>", ""), r"line 4, field CHILDID: is missing"),
        (
            lambda t: t.replace("<SEX>F</SEX>", "<SEX>F</SEX><SEX>M</SEX>"),
            r"line 6, field SEX: appears twice",
        ),
    ],
)
def test_a_malformed_xml_file_is_refused_naming_file_and_line(
    tmp_path: Path, refused: Any, spoil: Any, expected: str
) -> None:
    path = _xml(tmp_path / "2025")
    path.write_text(spoil(path.read_text(encoding="utf-8")), encoding="utf-8")
    errors = refused(path)
    assert any(re.fullmatch(r"return\.xml " + expected + ".*", e) for e in errors), errors


def test_an_xml_file_in_another_encoding_is_refused(tmp_path: Path, refused: Any) -> None:
    path = _xml(tmp_path / "2025", header="<UPN>Z</UPN>")
    text = path.read_text(encoding="utf-8").replace("WBRI", "WBRI\u00e9")
    path.write_bytes(text.encode("latin-1"))
    assert refused(path)[0].startswith("return.xml line 8: is not UTF-8 text (byte 0xe9")
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    assert "UTF-8" in refused(path)[0]


@pytest.mark.parametrize(
    "preamble",
    [
        '<!DOCTYPE EXPSSDA903 [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE EXPSSDA903 [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE EXPSSDA903 SYSTEM "http://example.invalid/evil.dtd">',
    ],
)
def test_dtds_and_entities_are_refused(tmp_path: Path, refused: Any, preamble: str) -> None:
    path = _xml(tmp_path / "2025")
    text = path.read_text(encoding="utf-8").replace("?>\n", "?>\n" + preamble + "\n", 1)
    path.write_text(text.replace("<ETHNIC>WBRI", "<ETHNIC>&b;"), encoding="utf-8")
    assert refused(path) == [
        "return.xml line 2: contains a DTD or entity declaration, which a return never needs"
    ]


# -- property: any spoiled file is refused clearly or read, never half-written ------------------------

CLEAR = re.compile(r"^return\.xml( line \d+)?(, field [A-Z_]+)?: .+|^\.\.\. stopped after \d+ errors")
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class _Rollback(Exception):
    """Undo an accepted example so every example starts from the same register."""


@EXAMPLES
@given(data=st.data())
def test_any_spoiled_xml_is_refused_clearly_or_imported_and_never_half_written(
    tmp_path: Path, world: Any, kit: Any, data: st.DataObject
) -> None:
    path = _xml(
        tmp_path / "2025", episode="<SWEPISODE><SW_ID>SW1</SW_ID><SW_DECOM>01/05/2024</SW_DECOM></SWEPISODE>"
    )
    raw = path.read_bytes()
    kind = data.draw(st.sampled_from(["splice", "cut", "text"]))
    at = data.draw(st.integers(0, len(raw)))
    if kind == "splice":
        spoiled = raw[:at] + data.draw(st.binary(min_size=1, max_size=12)) + raw[at:]
    elif kind == "cut":
        spoiled = raw[:at]
    else:
        tags = re.findall(rb"<([A-Z_]+)>[^<]+</\1>", raw)
        tag = data.draw(st.sampled_from(tags))
        value = data.draw(st.text(max_size=30)).encode("utf-8", "replace")
        replacement = b"<" + tag + b">" + _escape(value) + b"<"
        spoiled = re.sub(rb"<" + tag + rb">[^<]+<", lambda _: replacement, raw, count=1)
    path.write_bytes(spoiled)
    before = kit.register_state()
    try:
        with transaction.atomic():
            import_903([path], world.authority)
            raise _Rollback
    except ImportFailed as failed:
        assert failed.errors
        for error in failed.errors:
            assert CLEAR.match(error), error
        assert kit.register_state() == before
    except _Rollback:
        pass


def _escape(value: bytes) -> bytes:
    return value.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
