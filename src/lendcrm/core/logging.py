"""Logging filter that masks personal data before any record is written."""

from __future__ import annotations

import logging
import re

from lendcrm.core.masking import mask_bank_card, mask_id_number, mask_mobile

_ID_NUMBER = re.compile(r"(?<!\d)(?<!\d\.)\d{17}[\dXx](?!\.?\d)")
_BANK_CARD = re.compile(r"(?<!\d)(?<!\d\.)\d{16,19}(?!\.?\d)")
_MOBILE = re.compile(r"(?<!\d)(?<!\d\.)(?:\+?86)?1[3-9]\d{9}(?!\.?\d)")


def scrub(text: str) -> str:
    """Mask anything in free text that looks like an ID number, bank card or mobile number."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _BANK_CARD.sub(lambda m: mask_bank_card(m.group(0)), text)
    return _MOBILE.sub(lambda m: mask_mobile(m.group(0)[-11:]), text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True
