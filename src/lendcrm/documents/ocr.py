"""The OCR engine behind a small interface: RapidOCR (PP-OCR models in ONNX Runtime).

`rapidocr-onnxruntime` 1.4 ships its Chinese detection, classification and recognition models
inside the wheel, so nothing is downloaded at run time. The engine is loaded lazily, once per
process (about a second), and calls are serialised: ONNX Runtime sessions are thread-safe,
but running one image at a time keeps a web worker's memory and CPU use predictable.

Tests and callers may swap the reader with `set_reader()` (e.g. for a fake).
"""

from __future__ import annotations

import io
import logging
import threading
from typing import Any, Protocol

from lendcrm.documents.id_card import IdCardFields, Side, parse_id_card

logger = logging.getLogger(__name__)

# Single-threaded inference is fastest on small machines shared with web workers.
INTRA_OP_THREADS = 1
MIN_SCORE = 0.5


class TextReader(Protocol):
    def read_lines(self, image: bytes) -> list[str]:
        """The text lines of an image in reading order (may be empty)."""
        ...


class RapidOcrReader:
    """RapidOCR, loaded on first use; one image at a time per process."""

    def __init__(self) -> None:
        self._engine: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]

        return RapidOCR(intra_op_num_threads=INTRA_OP_THREADS, inter_op_num_threads=1)

    def read_lines(self, image: bytes) -> list[str]:
        array = _decode(image)
        with self._lock:
            if self._engine is None:
                self._engine = self._load()
            result, _elapse = self._engine(array, use_cls=False)
        return reading_order(result or [])


def reading_order(result: list[Any]) -> list[str]:
    """Boxes sorted into rows (top to bottom), then left to right within a row."""
    boxes = []
    for box, text, score in result:
        if float(score) < MIN_SCORE or not str(text).strip():
            continue
        ys = [point[1] for point in box]
        xs = [point[0] for point in box]
        boxes.append((min(ys), max(ys), min(xs), str(text)))
    boxes.sort()
    rows: list[list[tuple[float, float, float, str]]] = []
    for box in boxes:
        top, bottom = box[0], box[1]
        if rows:
            last = rows[-1][0]
            if top < last[0] + (last[1] - last[0]) / 2 and bottom > last[0]:
                rows[-1].append(box)
                continue
        rows.append([box])
    return [box[3] for row in rows for box in sorted(row, key=lambda b: b[2])]


def _decode(image: bytes) -> Any:
    import numpy as np
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(image)) as picture:
        upright = ImageOps.exif_transpose(picture)  # phone photos carry their rotation in EXIF
        return np.asarray(upright.convert("RGB"))


_reader: TextReader | None = None
_reader_lock = threading.Lock()


def get_reader() -> TextReader:
    global _reader
    with _reader_lock:
        if _reader is None:
            _reader = RapidOcrReader()
        return _reader


def set_reader(reader: TextReader | None) -> None:
    """Replace the process's reader (None: back to RapidOCR on next use)."""
    global _reader
    with _reader_lock:
        _reader = reader


def read_id_card_fields(image: bytes, *, side: Side) -> IdCardFields | None:
    """The fields on one side of an ID card image, or None when nothing could be read.

    Raises only for an engine failure; an image without readable text gives None.
    """
    lines = get_reader().read_lines(image)
    logger.debug("ocr read %d lines", len(lines))
    return parse_id_card(lines, side=side) if lines else None
