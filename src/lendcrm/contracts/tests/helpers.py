from __future__ import annotations

import re
from io import BytesIO

from lendcrm.contracts.models import Contract


def pdf_bytes(contract: Contract) -> bytes:
    with contract.pdf.open("rb") as handle:
        return bytes(handle.read())


def pdf_text(data: bytes) -> str:
    """The PDF's text as a text extractor reads it, whitespace removed."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def tampered(data: bytes) -> bytes:
    """The same file with bytes flipped in the middle of the signed range."""
    changed = bytearray(data)
    middle = len(changed) // 3
    for offset in range(middle, middle + 8):
        changed[offset] ^= 0xFF
    return bytes(changed)
