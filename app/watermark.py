"""A line of text on every page of a downloaded copy, appended as an incremental update: the
stored PDF stays the first bytes of every copy, unchanged, and stamping costs microseconds."""

import io
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
)

from app.config import PROJECT_ROOT

# The watermark's content stream is written once per document with this many bytes of
# placeholder; each download fills the same bytes, so no offset in the file moves.
SLOT_SIZE = 600
SLOT_MARKER = b"%casustafel-watermerk"
FONT_NAME = "/CasustafelWatermerk"
MAX_LINES, MAX_LINE_LENGTH = 3, 150
WATERMARK_FONT = PROJECT_ROOT / "static" / "fonts" / "dejavu-2.37.3" / "DejaVuSans.ttf"
FIRST_CHAR = 32
# The characters of codes 32-255 in WinAnsiEncoding ('' where it defines none).
WIN_ANSI = [bytes([code]).decode("cp1252", errors="ignore") for code in range(FIRST_CHAR, 256)]


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


@dataclass(frozen=True)
class Stampable:
    """A PDF with an empty watermark slot appended, and where that slot starts."""

    content: bytes
    slot: int


def prepare(pdf: bytes) -> Stampable:
    """Append to the PDF an incremental update that puts an (empty) watermark slot on every
    page. Costs about as much as reading the PDF; filling the slot costs next to nothing."""
    writer = PdfWriter(PdfReader(io.BytesIO(pdf)), incremental=True)
    font = _add_font(writer)
    # The page's own drawing is wrapped in q … Q so the watermark starts from a clean state.
    save = writer._add_object(_stream(b"q\n"))
    restore = writer._add_object(_stream(b"\nQ\n"))
    slot = writer._add_object(_stream(SLOT_MARKER + b" " * (SLOT_SIZE - len(SLOT_MARKER))))
    for page in writer.pages:
        contents = page.get(NameObject("/Contents"))
        original = list(contents) if isinstance(contents, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([save, *original, restore, slot])
        resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
        fonts = DictionaryObject(resources.get("/Font", DictionaryObject()).get_object())
        fonts[NameObject(FONT_NAME)] = font
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    stamped = out.getvalue()
    slot = stamped.find(SLOT_MARKER, len(pdf))
    if not stamped.startswith(pdf) or slot < 0:
        raise RuntimeError("Het watermerk kon niet worden voorbereid.")
    return Stampable(content=stamped, slot=slot)


_preparing = threading.Lock()


@lru_cache(maxsize=16)
def _prepared(pdf: bytes) -> Stampable:
    return prepare(pdf)


def _stored(pdf: bytes) -> Stampable:
    # One thread prepares a stored document; a burst of first downloads waits, then hits.
    with _preparing:
        return _prepared(pdf)


@dataclass(frozen=True)
class _Font:
    program: bytes
    widths: list[int]
    bbox: list[int]
    ascent: int
    descent: int
    cap_height: int


@lru_cache(maxsize=1)
def _font() -> _Font:
    """The vendored DejaVu Sans cut down to the characters of WinAnsiEncoding: embedded in
    every copy, as PDF/UA asks of every font, at some 30 kB."""
    font = TTFont(WATERMARK_FONT)
    options = subset.Options(notdef_outline=True, layout_features=[])
    options.drop_tables += ["FFTM"]  # a FontForge timestamp table fontTools cannot subset
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in WIN_ANSI if char])
    subsetter.subset(font)
    program = io.BytesIO()
    font.save(program)
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    scale = 1000 / font["head"].unitsPerEm

    def scaled(value: float) -> int:
        return round(value * scale)

    head = font["head"]
    return _Font(
        program=program.getvalue(),
        widths=[
            scaled(metrics[cmap[ord(char)]][0]) if char and ord(char) in cmap else 0
            for char in WIN_ANSI
        ],
        bbox=[scaled(v) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        ascent=scaled(font["hhea"].ascent),
        descent=scaled(font["hhea"].descent),
        cap_height=scaled(font["glyf"][cmap[ord("H")]].yMax),
    )


def _add_font(writer: PdfWriter) -> IndirectObject:
    font = _font()
    program = _stream(font.program)
    program[NameObject("/Length1")] = NumberObject(len(font.program))
    name = NameObject("/CSTWMK+DejaVuSans")
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): name,
            NameObject("/Flags"): NumberObject(32),
            NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in font.bbox),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(font.ascent),
            NameObject("/Descent"): NumberObject(font.descent),
            NameObject("/CapHeight"): NumberObject(font.cap_height),
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): writer._add_object(program.flate_encode()),
        }
    )
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): name,
                NameObject("/FirstChar"): NumberObject(FIRST_CHAR),
                NameObject("/LastChar"): NumberObject(255),
                NameObject("/Widths"): ArrayObject(NumberObject(w) for w in font.widths),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                NameObject("/FontDescriptor"): writer._add_object(descriptor),
            }
        )
    )


def _pdf_text(line: str) -> bytes:
    """The line in the watermark font's encoding, as a PDF string literal."""
    plain = "".join(
        char if char.encode("cp1252", errors="ignore") else unicodedata.normalize("NFKD", char)
        for char in line
    )
    encoded = plain.encode("cp1252", errors="replace")
    return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def fill(stampable: Stampable, lines: list[str]) -> bytes:
    """The copy with (at most three short) lines in light grey at the foot of every page,
    marked as an artifact so screen readers skip it."""
    operations = [b"/Artifact BMC BT 0.45 g", FONT_NAME.encode() + b" 6.5 Tf", b"8.5 TL 36 27 Td"]
    for line in lines[:MAX_LINES]:
        operations.append(_pdf_text(line[:MAX_LINE_LENGTH]) + b" '")
    content = b"\n".join([*operations, b"ET EMC"])
    start, end = stampable.slot, stampable.slot + SLOT_SIZE
    return stampable.content[:start] + content.ljust(SLOT_SIZE) + stampable.content[end:]


def stamp(pdf: bytes, lines: list[str]) -> bytes:
    """A watermarked copy of a stored PDF (prepared once per document and process)."""
    return fill(_stored(pdf), lines)
