"""Uploads: size first, content not extension, zip bombs refused from the zip directory before any
inflating, safe file names - in portal.uploads and in every .xlsx / .csv import."""

import io
import os
import zipfile

import pytest
from openpyxl import Workbook

from coordination.importexport import org_chart_import
from operations.benchmarks import benchmarks_import
from portal.errors import DomainError
from portal.uploads import check_text, safe_filename, sniff, xlsx_problem
from sharing.exchange import loaders
from sharing.importexport import import_catalogue
from sharing.permissions import STEWARD
from tests.factories import AdminFactory, OrgUnitFactory, staff


def workbook_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["code", "name"])
    wb.active.append(["a", "b"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_bomb(inflated: int = 4 * 1024 * 1024, payload: bytes | None = None) -> bytes:
    """A real workbook plus one sheet that inflates from a few KB to `inflated` bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook_bytes())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/worksheets/sheet9.xml", payload if payload is not None else b" " * inflated)
    return out.getvalue()


def named(content: bytes, name: str):
    f = io.BytesIO(content)
    f.name = name
    return f


def test_sniffing_reads_the_content_not_the_name():
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "png"
    assert sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(workbook_bytes()[:16]) == "zip"
    assert sniff(b"MZ\x90\x00") is None  # an .exe renamed .pdf is not a pdf


def test_a_real_workbook_passes_and_fakes_do_not():
    assert xlsx_problem(named(workbook_bytes(), "a.xlsx"), max_bytes=10**6) is None
    assert "not a valid .xlsx" in xlsx_problem(named(b"name,code\n1,2\n", "a.xlsx"), max_bytes=10**6)
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "not a valid .xlsx" in xlsx_problem(other_zip, max_bytes=10**6)
    assert "limit" in xlsx_problem(named(workbook_bytes(), "a.xlsx"), max_bytes=100)
    assert xlsx_problem(named(b"", "a.xlsx"), max_bytes=100) == "The file is empty."


def test_a_zip_bomb_is_refused_from_the_directory(settings):
    bomb = zip_bomb()
    assert len(bomb) < 64 * 1024
    assert "would unpack" in xlsx_problem(named(bomb, "bomb.xlsx"), max_bytes=10**6)
    settings.UPLOAD_XLSX_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    # Not compressible (no suspicious ratio), but more than the total allowed.
    big = zip_bomb(payload=os.urandom(1100 * 1024))
    assert xlsx_problem(named(big, "b.xlsx"), max_bytes=10**7) is not None
    assert "would unpack" in xlsx_problem(named(big, "b.xlsx"), max_bytes=10**7)
    settings.UPLOAD_XLSX_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    assert xlsx_problem(named(big, "b.xlsx"), max_bytes=10**7) is None


@pytest.mark.django_db
def test_every_xlsx_import_refuses_a_zip_bomb_with_a_clear_error():
    bomb = zip_bomb()
    report = org_chart_import(actor=None, fileobj=named(bomb, "org.xlsx"))
    assert any("would unpack" in str(e) for e in report.errors)

    steward = staff(OrgUnitFactory(), STEWARD, "steward1")
    report = import_catalogue(actor=steward, fileobj=named(bomb, "catalogue.xlsx"))
    assert any("would unpack" in str(e) for e in report.errors)

    report = benchmarks_import(actor=AdminFactory(is_superuser=True), fileobj=named(bomb, "bench.xlsx"))
    assert any("would unpack" in str(e) for e in report.errors)

    with pytest.raises(DomainError, match="would unpack"):
        loaders.read_file("records.xlsx", bomb)


def test_record_files_must_be_utf8_text():
    with pytest.raises(DomainError, match="not UTF-8"):
        loaders.read_file("records.csv", "编码,名称\n1,2\n".encode("gbk"))
    with pytest.raises(DomainError, match="not a text file"):
        check_text(b"a,b\n\x00\x01", max_bytes=100)
    assert loaders.read_file("records.csv", "\ufeffcode,name\n1,甲\n".encode()) == [
        {"code": "1", "name": "甲"}
    ]


@pytest.mark.parametrize(
    "given, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\营业执照.pdf", "营业执照.pdf"),
        ("a\x00b\r\n.pdf", "ab.pdf"),
        ("  .hidden ", "hidden"),
        ("报告 <script>.pdf", "报告 _script_.pdf"),
        ("", "file"),
        ("x" * 300 + ".xlsx", "x" * 115 + ".xlsx"),
    ],
)
def test_safe_file_names(given, expected):
    assert safe_filename(given) == expected
