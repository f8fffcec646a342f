"""What an uploaded file really is, decided by its content (magic bytes), never by its name.

JPEG and PNG images are also decoded with Pillow, so a file that only starts like an image is
refused, and their dimensions must be within limits. PDFs are accepted only for the kinds that
are multi-page documents (credit report, income proof).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext as _

from lendcrm.core.errors import DomainError
from lendcrm.documents.choices import PDF_KINDS, DocumentKind

MAX_BYTES: Final = 10 * 1024 * 1024
MIN_SIDE: Final = 200
MAX_SIDE: Final = 8000

_SIGNATURES: Final = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None for anything else."""
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def check_file(content: bytes, *, kind: str) -> CheckedFile:
    """Refuse what is empty, too large, of the wrong type or an unreadable image (field `file`)."""
    if not content:
        raise DomainError(_("文件：请选择要上传的文件"), field="file")
    if len(content) > MAX_BYTES:
        raise DomainError(_("文件：不能超过 10 MB"), field="file")
    sniffed = sniff(content[:16])
    if sniffed is None:
        raise DomainError(
            _("文件：只接受 JPEG、PNG 图片或 PDF（按文件内容识别，与扩展名无关）"), field="file"
        )
    content_type, extension = sniffed
    if content_type == "application/pdf":
        if kind not in PDF_KINDS:
            raise DomainError(
                _("文件：%(kind)s只接受 JPEG 或 PNG 图片") % {"kind": DocumentKind(kind).label},
                field="file",
            )
        if b"%%EOF" not in content[-2048:]:
            raise DomainError(_("文件：PDF 文件不完整或已损坏"), field="file")
        return CheckedFile(content_type, extension)
    width, height = _image_size(content)
    return CheckedFile(content_type, extension, width, height)


def _image_size(content: bytes) -> tuple[int, int]:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                width, height = probe.size
                if max(width, height) > MAX_SIDE:
                    raise _too_large()
                probe.load()  # decodes every pixel: a truncated or corrupt file fails here
    except DomainError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as exc:
        raise DomainError(_("文件：图片无法读取（文件已损坏或不完整）"), field="file") from exc
    if min(width, height) < MIN_SIDE:
        raise DomainError(
            _("文件：图片太小，宽和高至少 %(n)d 像素") % {"n": MIN_SIDE}, field="file"
        )
    return width, height


def _too_large() -> DomainError:
    return DomainError(
        _("文件：图片太大，宽和高不能超过 %(n)d 像素") % {"n": MAX_SIDE}, field="file"
    )
