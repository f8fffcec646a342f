"""Parsing OCR text lines of an ID card: pure, no engine, no database."""

from __future__ import annotations

from datetime import date

from lendcrm.documents.id_card import IdCardFields, parse_back, parse_front, parse_id_card

NUMBER = "11010519850307123X"


def test_front_with_labels_on_their_own_lines_and_an_address_over_two_lines() -> None:
    lines = [
        "姓名", "张伟华", "性别", "男", "民族", "汉", "出生", "1985年3月7日",
        "住址", "北京市朝阳区建国路88号", "院3号楼1201室", "公民身份号码", NUMBER,
    ]  # fmt: skip

    fields = parse_front(lines)

    assert fields == IdCardFields(
        side="front",
        name="张伟华",
        sex="男",
        ethnicity="汉",
        birth_date=date(1985, 3, 7),
        address="北京市朝阳区建国路88号院3号楼1201室",
        id_number=NUMBER,
    )


def test_front_with_labels_glued_to_values_and_spaces_inside() -> None:
    lines = [
        "姓 名张伟华", "性别 男  民族 蒙古", "出生 1985 年 3 月 7 日",
        "住址广西壮族自治区南宁市青秀区", "民族大道100号", "公民身份号码 11010519850307123x",
    ]  # fmt: skip

    fields = parse_front(lines)

    assert (fields.name, fields.sex, fields.ethnicity) == ("张伟华", "男", "蒙古")
    assert fields.birth_date == date(1985, 3, 7)
    assert fields.address == "广西壮族自治区南宁市青秀区民族大道100号"  # 民族 is not a label here
    assert fields.id_number == NUMBER


def test_id_number_is_found_without_its_label() -> None:
    assert parse_front(["姓名李四", f"公民身份号玛{NUMBER}"]).id_number == NUMBER


def test_back_with_a_dated_and_a_long_term_validity() -> None:
    dated = parse_back(["中华人民共和国", "居民身份证", "签发机关 北京市公安局朝阳分局",
                        "有效期限 2016.03.07-2036.03.07"])  # fmt: skip
    long_term = parse_back(["签发机关", "呼和浩特市公安局", "有效期限", "2016.03.07-长期"])

    assert dated.issuing_authority == "北京市公安局朝阳分局"
    assert (dated.valid_from, dated.valid_until) == (date(2016, 3, 7), date(2036, 3, 7))
    assert long_term.valid_from == date(2016, 3, 7)
    assert long_term.valid_until is None
    assert long_term.valid_long_term


def test_lines_without_card_text_read_as_nothing() -> None:
    assert parse_id_card([], side="front") is None
    assert parse_id_card(["Hello", "12345"], side="front") is None
    assert parse_id_card(["中华人民共和国"], side="back") is None


def test_fields_survive_a_round_trip_through_json() -> None:
    fields = parse_front(["姓名张伟", "出生1985年3月7日", f"公民身份号码{NUMBER}"])

    assert IdCardFields.from_dict(fields.to_dict()) == fields
