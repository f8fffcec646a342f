"""A TrueType subset of the installed CJK font, for embedding in contract PDFs.

Debian's fonts-noto-cjk ships OpenType collections with CFF outlines. Embedded as they are
(a CID-keyed CFF font with its own code-to-CID CMap), common text extractors (pypdf,
pdfminer) cannot read the text back, so the PDF would not be searchable. So each contract
gets its own small TrueType font: the face is subset with fontTools to the characters the
document uses, its cubic outlines are converted to quadratic ones (cu2qu), and fpdf2 embeds
that with the standard Identity-H encoding and a ToUnicode map. About a second per document;
nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

ASCII = "".join(chr(code) for code in range(0x20, 0x7F))


def write_truetype_subset(source: Path, face: int, text: str, target: Path) -> Path:
    """Write a TrueType (glyf) font with the glyphs of `text` (and ASCII) to `target`."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    suffix = source.suffix.lower()
    font = TTFont(str(source), fontNumber=face if suffix in (".ttc", ".otc") else -1, lazy=True)
    _subset(font, text + ASCII)
    if "CFF " in font:
        _cff_to_glyf(font)
    font.save(str(target))
    return target


def _subset(font: object, text: str) -> None:
    from fontTools.subset import Options, Subsetter  # type: ignore[import-untyped]

    options = Options()
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.hinting = False
    subsetter = Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)


def _cff_to_glyf(font: object) -> None:
    """Replace the CFF outlines with TrueType ones (fontTools' otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen  # type: ignore[import-untyped]
    from fontTools.pens.ttGlyphPen import TTGlyphPen  # type: ignore[import-untyped]
    from fontTools.ttLib import newTable

    tt: dict[str, object] = font  # type: ignore[assignment]
    glyph_order = font.getGlyphOrder()  # type: ignore[attr-defined]
    glyph_set = font.getGlyphSet()  # type: ignore[attr-defined]
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")  # type: ignore[index]
    font["glyf"] = glyf  # type: ignore[index]
    tt["head"].glyphDataFormat = 0  # type: ignore[attr-defined]
    maxp = tt["maxp"]
    maxp.tableVersion = 0x00010000  # type: ignore[attr-defined]
    for attribute in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attribute, 0)
    maxp.maxZones = 1  # type: ignore[attr-defined]
    post = tt["post"]
    post.formatType = 2.0  # type: ignore[attr-defined]
    post.extraNames = []  # type: ignore[attr-defined]
    post.mapping = {}  # type: ignore[attr-defined]
    post.glyphOrder = glyph_order  # type: ignore[attr-defined]
    for table in ("CFF ", "VORG"):
        if table in font:  # type: ignore[operator]
            del font[table]  # type: ignore[attr-defined]
    font.sfntVersion = "\x00\x01\x00\x00"  # type: ignore[attr-defined]
