"""The per-download watermark: appended to the stored PDF, on every page, any name printable."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from app import watermark
from app.pdf import render_pdf
from tests.qpdf import qpdf_check


def several_pages(title: str = "Proef") -> bytes:
    return render_pdf(
        "print/demo_covenant.html",
        {"title": title, "parties": [f"Partij {n} " + "tekst " * 400 for n in range(3)]},
    )


def stamped(pdf: bytes, lines: list[str]) -> bytes:
    """A copy of the PDF as a download makes it: the stored document known by its SHA-256."""
    return watermark.stamp(hashlib.sha256(pdf).hexdigest(), lambda: pdf, lines)


def test_every_page_names_the_downloader_and_the_original_stays_the_prefix() -> None:
    original = several_pages()

    copy = stamped(original, ["Gedownload door Łukasz (Wijk) \\ Ø op 01-12-2026"])

    assert copy.startswith(original)
    pages = PdfReader(io.BytesIO(copy)).pages
    assert len(pages) >= 2
    for page in pages:
        assert "Gedownload door ?ukasz (Wijk) \\ Ø op 01-12-2026" in page.extract_text()


def test_two_downloads_differ_only_in_their_watermark() -> None:
    original = several_pages()

    first = stamped(original, ["Gedownload door A"])
    second = stamped(original, ["Gedownload door B"])

    assert len(first) == len(second)
    assert "Gedownload door B" in PdfReader(io.BytesIO(second)).pages[0].extract_text()
    assert "Gedownload door B" not in PdfReader(io.BytesIO(first)).pages[0].extract_text()


def test_every_font_of_a_copy_is_embedded() -> None:
    copy = stamped(several_pages(), ["Gedownload door Zoë Çelik"])

    for page in PdfReader(io.BytesIO(copy)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


NASTY_NAMES = [
    "\ufdfa" * 120,  # one character that NFKD turns into eighteen
    "\\" * 150 + "(" * 150 + ")" * 150,  # every character escaped in the PDF string
    "Ann\x00a\r\n\x1b[31m \u202eredro\u202c \u200bZ\u200de\ufeff\x7f",  # controls, bidi
    "👩\u200d👩\u200d👧\u200d👦🏳️\u200d🌈" * 30,  # emoji sequences
    "שָׁלוֹם عليكم 안녕하세요 " * 20,  # right to left, marks, Hangul
]


@pytest.mark.parametrize("name", NASTY_NAMES, ids=["nfkd", "escapes", "controls", "emoji", "rtl"])
def test_any_name_gives_a_sound_copy_that_starts_with_the_original(name: str) -> None:
    original = several_pages()

    copy = stamped(original, [name, f"Gedownload door {name} ({name}) op 01-12-2026"] * 2)

    assert copy.startswith(original)
    result = qpdf_check(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(PdfReader(io.BytesIO(copy)).pages) >= 2


def test_a_plain_copy_passes_qpdf_without_warnings() -> None:
    result = qpdf_check(stamped(several_pages(), ["Gedownload door Jan"]))

    assert result.returncode == 0, result.stdout + result.stderr


def test_printable_keeps_latin_decomposes_what_the_font_lacks_and_drops_the_invisible() -> None:
    assert watermark.printable("Zoe\u0308 C\u0327elik") == "Zoë Çelik"  # composed first
    assert watermark.printable("ﬁliaal ①") == "filiaal 1"  # compatibility forms
    assert watermark.printable("Ṩara Łukasz") == "Sara ?ukasz"  # marks dropped, no form: ?
    assert watermark.printable("Ann\x00a\t\n \u202eB\u202c\u200b") == "Anna B"
    assert watermark.printable("\ufdfa") == "??? ???? ???? ????"


def test_fit_cuts_with_an_ellipsis() -> None:
    assert watermark.fit("Wim Wijkagent", 20) == "Wim Wijkagent"
    assert watermark.fit("Wim Wijkagent", 5) == "Wim…"
    assert len(watermark.fit("\ufdfa" * 120, 40)) == 40
    assert watermark.fit("\ufdfa" * 120, 40).endswith("…")


def test_fit_pair_gives_a_short_text_what_it_needs_and_the_long_one_the_rest() -> None:
    assert watermark.fit_pair("Wim", "Politie", 20) == ("Wim", "Politie")
    name, organisation = watermark.fit_pair("N" * 100, "Politie", 30)
    assert (len(name), organisation) == (23, "Politie")
    name, organisation = watermark.fit_pair("N" * 100, "O" * 100, 30)
    assert (len(name), len(organisation)) == (15, 15)


def test_a_stored_document_is_read_once_and_only_when_it_matches_its_hash() -> None:
    original = several_pages(title="Nog nooit gedownload")
    digest = hashlib.sha256(original).hexdigest()
    loads: list[int] = []

    def load() -> bytes:
        loads.append(1)
        return original

    first = watermark.stamp(digest, load, ["Gedownload door A"])
    second = watermark.stamp(digest, load, ["Gedownload door B"])

    assert len(loads) == 1
    assert first.startswith(original) and second.startswith(original)
    with pytest.raises(RuntimeError):
        watermark.stamp("0" * 64, lambda: original, ["Gedownload door C"])
