"""What a file is, by its content: wrong type, oversized, corrupt or odd-sized images."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from lendcrm.core.errors import DomainError
from lendcrm.documents.file_checks import MAX_BYTES, check_file
from lendcrm.documents.tests.cards import png

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _jpeg(size: tuple[int, int] = (800, 500)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="JPEG", quality=90)
    return out.getvalue()


def _refusal(content: bytes, kind: str = "id_front") -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_file(content, kind=kind)
    assert [p.field for p in caught.value.problems] == ["file"]
    return caught.value


def test_a_jpeg_and_a_png_are_accepted_with_their_size() -> None:
    jpeg = check_file(_jpeg(), kind="id_front")
    image = check_file(png((640, 480)), kind="bank_card")

    assert (jpeg.content_type, jpeg.extension, jpeg.width, jpeg.height) == (
        "image/jpeg",
        ".jpg",
        800,
        500,
    )
    assert (image.content_type, image.width, image.height) == ("image/png", 640, 480)


def test_a_pdf_is_accepted_for_a_credit_report_only() -> None:
    assert check_file(PDF, kind="credit_report").content_type == "application/pdf"
    assert "JPEG" in _refusal(PDF, kind="id_front").message


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "这是一段文字，不是图片".encode() * 20],
    ids=["exe-renamed-jpg", "text-renamed-jpg"],
)
def test_a_program_or_text_with_an_image_name_is_refused(content: bytes) -> None:
    assert "按文件内容识别" in _refusal(content).message


def test_an_oversized_file_is_refused() -> None:
    assert "10 MB" in _refusal(_jpeg()[:3] + b"\x00" * MAX_BYTES).message


def test_a_corrupt_jpeg_is_refused() -> None:
    whole = _jpeg()
    truncated = whole[: len(whole) // 2]
    garbage = b"\xff\xd8\xff\xe0" + b"\x13\x37" * 500

    assert "无法读取" in _refusal(truncated).message
    assert "无法读取" in _refusal(garbage).message


def test_images_too_small_or_too_large_are_refused() -> None:
    assert "至少 200" in _refusal(png((150, 600))).message
    assert "不能超过 8000" in _refusal(png((8100, 300))).message


def test_an_empty_file_is_refused() -> None:
    assert "请选择" in _refusal(b"").message
