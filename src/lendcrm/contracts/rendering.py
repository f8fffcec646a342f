"""Contract templates to text lines, and text lines to a PDF with an embedded Chinese font.

A template body is Django template text (no autoescaping: the output is a PDF, not HTML). Its
rendered lines use a small markup:

    # 标题                a centred heading
    ## 小标题             a sub-heading
    | 期数 | 还款日 | …   a table row; consecutive rows form one table, the first is its header
    ---page---            a page break
    (blank line)          vertical space
    anything else         a paragraph, wrapped to the page width

The font is Noto Sans CJK SC from the Debian package fonts-noto-cjk, embedded as a TrueType
subset of the characters used (contracts/fonts.py explains why). LENDCRM_CONTRACT_FONT names
another font file (TTF/OTF; for a .ttc, LENDCRM_CONTRACT_FONT_INDEX picks the face).
Nothing is downloaded at run time.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError

from lendcrm.contracts.fonts import write_truetype_subset
from lendcrm.core.errors import DomainError

FONT_FAMILY = "contract-cjk"
# (path, face index in the collection): index 2 of the Noto CJK collection is Simplified Chinese
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)
PAGE_BREAK = "---page---"
# fontTools logs every subsetting step at INFO; the contract log needs none of it
logging.getLogger("fontTools").setLevel(logging.WARNING)
_ENGINE = Engine(autoescape=False, libraries={}, builtins=["django.template.defaultfilters"])


class ContractTemplateError(DomainError):
    """The template body does not render."""


@dataclass
class Block:
    kind: str  # heading, subheading, paragraph, table, space, page
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


def render_body(body: str, context: Mapping[str, Any]) -> str:
    """The template body rendered with the contract's terms."""
    try:
        template = _ENGINE.from_string(body)
        return template.render(Context(dict(context), autoescape=False))
    except TemplateSyntaxError as exc:
        raise ContractTemplateError(
            f"the contract template does not render: {exc}", field="body"
        ) from exc


def parse_blocks(text: str) -> list[Block]:
    """The rendered text as blocks in reading order."""
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        elif line == PAGE_BREAK:
            blocks.append(Block("page"))
        elif line.startswith("## "):
            blocks.append(Block("subheading", line[3:].strip()))
        elif line.startswith("# "):
            blocks.append(Block("heading", line[2:].strip()))
        elif not line:
            if blocks and blocks[-1].kind != "space":
                blocks.append(Block("space"))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def contract_font() -> tuple[Path, int]:
    """The font file and face index to embed; a clear error when none is installed."""
    configured = os.environ.get("LENDCRM_CONTRACT_FONT", "").strip()
    if configured:
        index = int(os.environ.get("LENDCRM_CONTRACT_FONT_INDEX", "0") or 0)
        if not Path(configured).is_file():
            raise DomainError(f"LENDCRM_CONTRACT_FONT: no such file {configured}", field="font")
        return Path(configured), index
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return Path(path), index
    raise DomainError(
        "no Chinese font for contracts: install fonts-noto-cjk or set LENDCRM_CONTRACT_FONT",
        field="font",
    )


def build_pdf(blocks: Iterable[Block], *, title: str, footer: str) -> bytes:
    """An A4 PDF of the blocks with the Chinese font embedded (a TrueType subset)."""
    blocks = list(blocks)
    font_path, face = contract_font()
    used = footer + title + "".join(b.text + "".join("".join(r) for r in b.rows) for b in blocks)
    with tempfile.TemporaryDirectory(prefix="lendcrm-font-") as workdir:
        subset = write_truetype_subset(font_path, face, used, Path(workdir) / "contract.ttf")
        return _layout(blocks, subset, title=title, footer=footer)


def _layout(blocks: list[Block], font: Path, *, title: str, footer: str) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    class _ContractPdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT_FAMILY, size=8)
            self.cell(0, 6, f"{footer}  ·  {self.page_no()}/{{nb}}", align="C")

    pdf = _ContractPdf(format="A4")
    pdf.set_title(title)
    pdf.set_creator("lendcrm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_font(FONT_FAMILY, fname=str(font))
    pdf.add_page()
    for block in blocks:
        _draw(pdf, block, XPos.LMARGIN, YPos.NEXT)
    return bytes(pdf.output())


def _draw(pdf: Any, block: Block, next_x: Any, next_y: Any) -> None:
    if block.kind == "heading":
        pdf.set_font(FONT_FAMILY, size=16)
        pdf.multi_cell(0, 10, block.text, align="C", new_x=next_x, new_y=next_y)
        pdf.ln(2)
    elif block.kind == "subheading":
        pdf.set_font(FONT_FAMILY, size=12)
        pdf.multi_cell(0, 8, block.text, align="L", new_x=next_x, new_y=next_y)
    elif block.kind == "paragraph":
        pdf.set_font(FONT_FAMILY, size=10)
        # left-aligned and wrapped at any character, as Chinese is set: justifying or
        # wrapping at spaces leaves gaps around the figures
        pdf.multi_cell(0, 6, block.text, align="L", wrapmode="CHAR", new_x=next_x, new_y=next_y)
    elif block.kind == "space":
        pdf.ln(3)
    elif block.kind == "page":
        pdf.add_page()
    elif block.kind == "table":
        _draw_table(pdf, block.rows)


def _draw_table(pdf: Any, rows: list[list[str]]) -> None:
    from fpdf.fonts import FontFace

    width = max(len(row) for row in rows)
    pdf.set_font(FONT_FAMILY, size=8.5)
    with pdf.table(
        first_row_as_headings=True,
        line_height=5.5,
        text_align="CENTER",
        padding=1,
        repeat_headings=1,
        headings_style=FontFace(emphasis="", fill_color=(236, 239, 244)),
    ) as table:
        for row in rows:
            cells = table.row()
            for cell in [*row, *[""] * (width - len(row))]:
                cells.cell(cell)
    pdf.ln(2)
