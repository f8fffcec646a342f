from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lendcrm.documents.choices import DocumentKind


class UploadForm(forms.Form):
    """Kind and file; what the file really is is decided by the service, from its content."""

    kind = forms.ChoiceField(label=_("资料类型"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("JPEG、PNG 图片，或 PDF（仅征信报告、收入证明），不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
