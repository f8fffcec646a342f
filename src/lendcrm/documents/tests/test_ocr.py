"""Real OCR (RapidOCR) on ID-card images these tests draw themselves.

The engine is loaded once per session (fixture `ocr_reader`); the images take about a second
each on one core. Marked slow: `-m "not slow"` leaves them out of a quick run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from statistics import mean
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lendcrm.applications.models import Application
from lendcrm.documents import ocr
from lendcrm.documents.choices import OcrStatus
from lendcrm.documents.id_card import BACK_FIELDS, FRONT_FIELDS, IdCardFields
from lendcrm.documents.services import upload_document
from lendcrm.documents.tests.cards import (
    CardPainter,
    Person,
    blank_jpeg,
    person,
    photographed,
    with_bad_check_digit,
)
from lendcrm.documents.tests.conftest import Org

pytestmark = pytest.mark.slow

PEOPLE = [
    person(1, "张伟"),
    person(2, "欧阳娜娜", ethnicity="回", address="上海市浦东新区张江镇科苑路399弄12号502室"),
    person(
        3,
        "李建国",
        ethnicity="蒙古",
        address="内蒙古自治区呼和浩特市新城区新华大街128号",
        authority="呼和浩特市公安局新城分局",
        region="150102",
        valid_years=None,
    ),
    person(
        4,
        "王芳",
        ethnicity="满",
        address="广东省深圳市南山区粤海街道科技南十二路2号金蝶软件园A座8楼",
        authority="深圳市公安局南山分局",
        region="440305",
    ),
    person(
        5,
        "陈晓明",
        address="四川省成都市武侯区人民南路四段27号",
        authority="成都市公安局武侯区分局",
        region="510107",
        valid_years=10,
    ),
    person(
        6,
        "刘洋",
        ethnicity="壮",
        address="广西壮族自治区南宁市青秀区民族大道100号",
        authority="南宁市公安局青秀分局",
        region="450103",
    ),
    person(
        7,
        "赵丽颖",
        address="河北省石家庄市长安区中山东路18号",
        authority="石家庄市公安局长安分局",
        region="130102",
    ),
    person(
        8,
        "格桑卓玛",
        ethnicity="藏",
        address="西藏自治区拉萨市城关区北京中路45号",
        authority="拉萨市公安局城关分局",
        region="540102",
        valid_years=5,
    ),
    person(77, "周杰", address="浙江省杭州市西湖区文三路90号", region="330106"),  # check digit X
]
MIN_ACCURACY = 0.90


def _expected(p: Person, name: str) -> Any:
    return getattr(p, name)


def _read_exactly(p: Person, fields: IdCardFields | None, name: str) -> bool:
    if fields is None:
        return False
    if name == "valid_until" and p.valid_until is None:
        return fields.valid_long_term and fields.valid_until is None
    return bool(getattr(fields, name) == _expected(p, name))


@dataclass
class Measure:
    fields: list[tuple[str, bool]] = dc_field(default_factory=list)
    id_numbers: list[tuple[str, str]] = dc_field(default_factory=list)
    seconds: list[float] = dc_field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(ok for _, ok in self.fields) / len(self.fields)

    def report(self, title: str) -> str:
        missed = sorted({name for name, ok in self.fields if not ok})
        return (
            f"\nOCR field accuracy ({title}): {self.accuracy:.1%} of {len(self.fields)} fields"
            f" exactly, {len(self.seconds)} images; mean {mean(self.seconds):.2f} s,"
            f" max {max(self.seconds):.2f} s per image; missed: {missed or 'none'}"
        )


def _measure(people: list[Person], draw: Callable[[Person, str], bytes]) -> Measure:
    measure = Measure()
    for p in people:
        for side, names in (("front", FRONT_FIELDS), ("back", BACK_FIELDS)):
            image = draw(p, side)
            started = time.perf_counter()
            fields = ocr.read_id_card_fields(image, side=side)  # type: ignore[arg-type]
            measure.seconds.append(time.perf_counter() - started)
            measure.fields += [(f"{side}.{n}", _read_exactly(p, fields, n)) for n in names]
            if side == "front":
                measure.id_numbers.append((p.id_number, fields.id_number if fields else ""))
    return measure


def test_field_accuracy_on_generated_cards(
    painter: CardPainter, ocr_reader: ocr.TextReader, capsys: pytest.CaptureFixture[str]
) -> None:
    assert any(p.id_number.endswith("X") for p in PEOPLE)

    measure = _measure(PEOPLE, lambda p, side: getattr(painter, side)(p))

    with capsys.disabled():
        print(measure.report("scans"))
    assert measure.accuracy >= MIN_ACCURACY
    assert all(truth == read for truth, read in measure.id_numbers), "ID numbers must be read"


def test_field_accuracy_on_photographed_cards(
    painter: CardPainter, ocr_reader: ocr.TextReader, capsys: pytest.CaptureFixture[str]
) -> None:
    """Turned up to 4°, on a desk, with sensor noise, scaled down and JPEG quality 70."""
    people = PEOPLE[:5]

    measure = _measure(
        people,
        lambda p, side: photographed(getattr(painter, side)(p), seed=people.index(p)),
    )

    with capsys.disabled():
        print(measure.report("photos"))
    assert measure.accuracy >= MIN_ACCURACY
    assert all(truth == read for truth, read in measure.id_numbers), "ID numbers must be read"


@pytest.mark.django_db
def test_a_card_with_another_name_and_a_bad_check_digit_is_flagged(
    painter: CardPainter,
    ocr_reader: ocr.TextReader,
    org: Org,
    make_application: Callable[..., Application],
    django_capture_on_commit_callbacks: Any,
) -> None:
    p = PEOPLE[0]
    application = make_application(name="张卫", id_number=p.id_number)
    image = painter.front(p, id_number=with_bad_check_digit(p.id_number))

    with django_capture_on_commit_callbacks(execute=True):
        document = upload_document(
            application,
            kind="id_front",
            uploaded_file=SimpleUploadedFile("front.jpg", image),
            acting_user=org.sales,
        )

    document.refresh_from_db()
    assert document.ocr_status == OcrStatus.OK
    assert {m["code"] for m in document.ocr_mismatches} == {
        "name_mismatch",
        "check_digit_invalid",
        "id_number_mismatch",
    }


@pytest.mark.django_db
def test_a_matching_card_and_its_back_have_no_flags(
    painter: CardPainter,
    ocr_reader: ocr.TextReader,
    org: Org,
    make_application: Callable[..., Application],
    django_capture_on_commit_callbacks: Any,
) -> None:
    p = PEOPLE[1]
    application = make_application(name=p.name, id_number=p.id_number)
    documents = []
    with django_capture_on_commit_callbacks(execute=True):
        for kind, image in (("id_front", painter.front(p)), ("id_back", painter.back(p))):
            documents.append(
                upload_document(
                    application,
                    kind=kind,
                    uploaded_file=SimpleUploadedFile(f"{kind}.jpg", image),
                    acting_user=org.sales,
                )
            )

    for document in documents:
        document.refresh_from_db()
        assert (document.ocr_status, document.ocr_mismatches) == (OcrStatus.OK, [])


@pytest.mark.django_db
def test_a_blank_image_reads_as_nothing_with_a_note(
    ocr_reader: ocr.TextReader,
    org: Org,
    make_application: Callable[..., Application],
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = make_application()

    with django_capture_on_commit_callbacks(execute=True):
        document = upload_document(
            application,
            kind="id_front",
            uploaded_file=SimpleUploadedFile("blank.jpg", blank_jpeg()),
            acting_user=org.sales,
        )

    document.refresh_from_db()
    assert document.ocr_status == OcrStatus.NOTHING_READ
    assert document.ocr_note.startswith("未能识别")
    assert document.ocr_fields is None
