"""ID-card OCR: field accuracy and seconds per image on cards the generator draws.

    .venv/bin/python benchmarks/id_card_ocr.py [--people 20]

Draws front and back of --people synthetic ID cards (Noto CJK, the layout of
documents/tests/cards.py) and reads each with the engine the product uses (RapidOCR with ONNX
Runtime; the models ship in the wheel). Reports the share of fields read exactly, the ID
numbers read, and the time per image after the model has loaded (loading is timed apart).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendcrm.config.settings")
django.setup()

from lendcrm.documents import ocr  # noqa: E402
from lendcrm.documents.id_card import BACK_FIELDS, FRONT_FIELDS  # noqa: E402
from lendcrm.documents.tests.cards import CardPainter, cjk_font_path, person  # noqa: E402
from lendcrm.documents.tests.test_ocr import _read_exactly  # noqa: E402

NAMES = [
    "张伟",
    "欧阳娜娜",
    "李建国",
    "王芳",
    "陈晓明",
    "赵丽颖",
    "孙浩然",
    "周婷",
    "吴昊天",
    "郑洁",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20)
    args = parser.parse_args()
    font = cjk_font_path()
    if font is None:
        sys.exit("no CJK font: apt-get install fonts-noto-cjk")
    painter = CardPainter(font)
    people = [person(500 + n, NAMES[n % len(NAMES)]) for n in range(args.people)]
    started = time.perf_counter()
    ocr.read_id_card_fields(painter.front(people[0]), side="front")  # loads the model
    print(f"model load and first image: {time.perf_counter() - started:.2f} s")
    fields_ok, seconds, numbers_ok = [], [], 0
    for p in people:
        for side, names in (("front", FRONT_FIELDS), ("back", BACK_FIELDS)):
            image = painter.front(p) if side == "front" else painter.back(p)
            started = time.perf_counter()
            fields = ocr.read_id_card_fields(image, side=side)  # type: ignore[arg-type]
            seconds.append(time.perf_counter() - started)
            fields_ok += [_read_exactly(p, fields, name) for name in names]
            if side == "front" and fields is not None and fields.id_number == p.id_number:
                numbers_ok += 1
    print(
        f"{len(fields_ok)} fields on {len(seconds)} images: {sum(fields_ok) / len(fields_ok):.1%}"
        f" read exactly; ID numbers {numbers_ok}/{len(people)}; "
        f"{statistics.mean(seconds):.2f} s per image (median {statistics.median(seconds):.2f},"
        f" max {max(seconds):.2f}); load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
