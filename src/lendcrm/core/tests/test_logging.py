from __future__ import annotations

import io
import json
import logging

import pytest

from lendcrm.core.logging import MaskPersonalDataFilter, scrub


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("客户 11010519900101001X 提交", "客户 110105********001X 提交"),
        ("call 13812345678 now", "call 138****5678 now"),
        ("结尾 13812345678.", "结尾 138****5678."),
        ("id 11010519900101001X.", "id 110105********001X."),
        ("mobile +8613812345678", "mobile 138****5678"),
        ("card 6222021234567890123 ok", "card 622202*********0123 ok"),
        ("order 2024 amount 1500.00", "order 2024 amount 1500.00"),
        ("succeeded in 0.03301573900080257s", "succeeded in 0.03301573900080257s"),
    ],
)
def test_scrub_masks_identifiers_and_leaves_the_rest(raw: str, shown: str) -> None:
    assert scrub(raw) == shown


def test_log_records_are_masked_before_they_are_written() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalDataFilter())
    logger = logging.getLogger("lendcrm.test.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("lead %s from %s", "13812345678", json.dumps({"id": "11010519900101001X"}))
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "13812345678" not in written
    assert "11010519900101001X" not in written
    assert "138****5678" in written
