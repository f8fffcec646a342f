"""Synthetic resident ID card images for the OCR tests, drawn with Pillow and a CJK font.

A card-sized canvas (85.6 × 54 mm at 10 px/mm) with the layout of the real card: labels in
blue, values in black, the photo box on the right of the front, the title lines on the back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from lendcrm.core.cn_ids import id_check_char
from lendcrm.customers.tests.factories import valid_id_number

FONT_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),  # Debian fonts-noto-cjk
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),  # Arch, Fedora
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/System/Library/Fonts/PingFang.ttc"),
)
NO_FONT_REASON = (
    "no CJK font installed (looked for Noto Sans CJK, e.g. Debian package fonts-noto-cjk): "
    "the ID-card images cannot be drawn"
)
SIZE = (856, 540)
LABEL = (40, 90, 160)
INK = (20, 20, 20)
SC_INDEX = 2  # Noto Sans CJK .ttc: JP, KR, SC, TC, HK


def cjk_font_path() -> Path | None:
    return next((p for p in FONT_CANDIDATES if p.exists()), None)


@dataclass(frozen=True)
class Person:
    name: str
    sex: str
    ethnicity: str
    birth_date: date
    address: str
    id_number: str
    issuing_authority: str
    valid_from: date
    valid_until: date | None  # None: 长期


def person(
    n: int,
    name: str,
    *,
    ethnicity: str = "汉",
    address: str = "北京市朝阳区建国路88号院3号楼1201室",
    authority: str = "北京市公安局朝阳分局",
    region: str = "110105",
    valid_years: int | None = 20,
) -> Person:
    number = valid_id_number(n, region=region)
    birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    issued = date(2016, birth.month, min(birth.day, 28))
    until = None if valid_years is None else issued.replace(year=issued.year + valid_years)
    return Person(
        name=name,
        sex="男" if int(number[16]) % 2 else "女",
        ethnicity=ethnicity,
        birth_date=birth,
        address=address,
        id_number=number,
        issuing_authority=authority,
        valid_from=issued,
        valid_until=until,
    )


def with_bad_check_digit(number: str) -> str:
    right = id_check_char(number[:17])
    wrong = next(c for c in "0123456789X" if c != right)
    return number[:17] + wrong


class CardPainter:
    def __init__(self, font_path: Path) -> None:
        self.font_path = font_path

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        try:
            return ImageFont.truetype(str(self.font_path), size, index=SC_INDEX)
        except OSError:
            return ImageFont.truetype(str(self.font_path), size)

    def _canvas(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        image = Image.new("RGB", SIZE, (236, 241, 246))
        draw = ImageDraw.Draw(image)
        for y in range(0, SIZE[1], 6):  # the faint guilloche-like background lines
            draw.line([(0, y), (SIZE[0], y + 30)], fill=(226, 233, 241), width=1)
        draw.rounded_rectangle([4, 4, SIZE[0] - 5, SIZE[1] - 5], radius=28, outline=(190, 200, 215))
        return image, draw

    def front(self, p: Person, *, id_number: str | None = None) -> bytes:
        image, draw = self._canvas()
        label, value, number_font = self.font(26), self.font(30), self.font(34)
        draw.rectangle([590, 70, 800, 330], fill=(214, 222, 232))  # the photo
        draw.ellipse([650, 110, 740, 200], fill=(180, 190, 205))
        draw.pieslice([620, 200, 770, 380], 180, 360, fill=(180, 190, 205))
        draw.text((60, 60), "姓 名", font=label, fill=LABEL)
        draw.text((170, 56), p.name, font=value, fill=INK)
        draw.text((60, 125), "性 别", font=label, fill=LABEL)
        draw.text((170, 121), p.sex, font=value, fill=INK)
        draw.text((290, 125), "民 族", font=label, fill=LABEL)
        draw.text((390, 121), p.ethnicity, font=value, fill=INK)
        draw.text((60, 190), "出 生", font=label, fill=LABEL)
        b = p.birth_date
        draw.text((170, 186), f"{b.year} 年 {b.month} 月 {b.day} 日", font=value, fill=INK)
        draw.text((60, 255), "住 址", font=label, fill=LABEL)
        for row, start in enumerate(range(0, len(p.address), 12)):
            chunk = p.address[start : start + 12]
            draw.text((170, 251 + row * 42), chunk, font=value, fill=INK)
        draw.text((60, 440), "公民身份号码", font=label, fill=LABEL)
        draw.text((270, 434), id_number or p.id_number, font=number_font, fill=INK)
        return _jpeg(image)

    def back(self, p: Person) -> bytes:
        image, draw = self._canvas()
        draw.ellipse([60, 50, 200, 190], outline=(200, 60, 60), width=6)  # the emblem
        draw.text((280, 70), "中华人民共和国", font=self.font(44), fill=INK)
        draw.text((300, 150), "居民身份证", font=self.font(50), fill=INK)
        label, value = self.font(26), self.font(30)
        draw.text((150, 360), "签发机关", font=label, fill=LABEL)
        draw.text((300, 356), p.issuing_authority, font=value, fill=INK)
        draw.text((150, 430), "有效期限", font=label, fill=LABEL)
        start = f"{p.valid_from:%Y.%m.%d}"
        end = f"{p.valid_until:%Y.%m.%d}" if p.valid_until else "长期"
        draw.text((300, 426), f"{start}-{end}", font=value, fill=INK)
        return _jpeg(image)


def _jpeg(image: Image.Image) -> bytes:
    # A photographed card is never razor-sharp: soften a little, then JPEG-compress.
    softened = image.filter(ImageFilter.GaussianBlur(radius=0.6))
    out = io.BytesIO()
    softened.save(out, format="JPEG", quality=85)
    return out.getvalue()


def blank_jpeg(size: tuple[int, int] = SIZE) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (240, 240, 240)).save(out, format="JPEG", quality=90)
    return out.getvalue()


def png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 220, 240)).save(out, format="PNG")
    return out.getvalue()


def photographed(jpeg: bytes, *, seed: int) -> bytes:
    """The card as a phone would take it: on a desk, turned a few degrees, noisy, smaller."""
    import random

    import numpy as np

    rnd = random.Random(seed)
    with Image.open(io.BytesIO(jpeg)) as card:
        desk = Image.new("RGB", (1000, 700), (90, 80, 70))
        desk.paste(card.convert("RGB"), (72, 80))
    turned = desk.rotate(
        rnd.uniform(-4, 4), resample=Image.Resampling.BICUBIC, fillcolor=(90, 80, 70)
    )
    small = turned.resize((800, 560))
    noise = np.random.default_rng(seed).normal(0, 8, (560, 800, 3))
    pixels = np.clip(np.asarray(small).astype(np.float64) + noise, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=70)
    return out.getvalue()
