"""The layout model: wrapping, cleaning, placeholders, template checks, barcode rules."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.printing import symbology
from ecerp_desktop.printing.fields import WAYBILL_FIELDS, sample_waybill, waybill_values
from ecerp_desktop.printing.layout import (
    ELLIPSIS,
    clean_text,
    parse_placeholders,
    template_from_dict,
    text_em,
    wrap,
)
from ecerp_desktop.printing.templates import find_template, get_template, list_templates


def test_every_bundled_template_loads_with_known_fields() -> None:
    good, broken = list_templates()
    assert broken == []
    names = {t.name for t in good}
    assert {"waybill-76x130", "waybill-100x150", "waybill-100x180", "sku-40x30",
            "sku-60x40", "packing-a4", "packing-a5"} <= names
    for t in good:
        if t.kind == "waybill":
            assert t.placeholders() <= WAYBILL_FIELDS
            assert {"waybill.number", "waybill.sort_code", "receiver.name",
                    "parcel.number", "buyer.message"} <= t.placeholders()


def test_find_template_by_kind_and_size() -> None:
    assert find_template("waybill", "100×180").size_name == "100x180"
    assert find_template("packing", "A4").width_mm == 210
    with pytest.raises(DomainError) as e:
        find_template("waybill", "50x50")
    assert e.value.code is ErrorCode.NOT_FOUND
    assert "100x150" in e.value.params["key"]


def test_user_copy_of_a_template_replaces_the_bundled_one(tmp_path, monkeypatch) -> None:
    from ecerp_desktop.paths import data_dir, resources_dir
    src = resources_dir() / "templates" / "labels" / "sku-40x30.toml"
    dest = data_dir() / "templates" / "labels"
    dest.mkdir(parents=True)
    (dest / "sku-40x30.toml").write_text(
        src.read_text(encoding="utf-8").replace('title = "商品条码 40×30"', 'title = "我的标签"'),
        encoding="utf-8")
    assert get_template("sku-40x30").title == "我的标签"


def test_wrap_breaks_cjk_and_ends_with_an_ellipsis() -> None:
    text = "浙江省杭州市西湖区文三路100号" * 3
    lines = wrap(text, max_em=10, max_lines=2)
    assert len(lines) == 2
    assert all(text_em(line) <= 10 for line in lines)
    assert lines[1].endswith(ELLIPSIS)
    assert lines[0] == text[:10]
    assert wrap("short", 10, 2) == ("short",)
    assert wrap("", 10, 2) == ()


def test_wrap_prefers_spaces_in_latin_text() -> None:
    lines = wrap("Flat 4 Sunny Court Road Springfield", max_em=8, max_lines=5)
    assert lines[0] == "Flat 4 Sunny"
    assert " ".join(lines) == "Flat 4 Sunny Court Road Springfield"


def test_clean_text_removes_breaks_controls_and_bidi_marks() -> None:
    assert clean_text("a\r\nb\tc") == "a  b c"
    assert clean_text("x\x1b@\x00y") == "x@y"
    assert clean_text("\u202eabc\u202c\u200f") == "abc"
    assert clean_text("张三 😀") == "张三 😀"  # emoji stay
    assert len(clean_text("x" * 10_000)) == 1000


def test_placeholders_parse_and_reject_stray_braces() -> None:
    assert parse_placeholders("收: {receiver.name}!") == (
        ("收: ", None), ("", "receiver.name"), ("!", None))
    assert parse_placeholders("{{x}}") == (("{x}", None),)
    with pytest.raises(ValueError):
        parse_placeholders("{oops")


def _tpl(elements, **kw):
    return template_from_dict("t", {"width_mm": 50, "height_mm": 30, "elements": elements,
                                    **kw}, allowed_fields=WAYBILL_FIELDS)


@pytest.mark.parametrize("elements, fragment", [
    ([{"type": "text", "x": 1, "y": 1, "w": 60, "h": 5, "text": "x"}], "outside"),
    ([{"type": "text", "x": 1, "y": 1, "w": 10, "h": 5, "text": "{nope}"}], "nope"),
    ([{"type": "text", "x": 1, "y": 1, "w": 10, "h": 5}], "missing text"),
    ([{"type": "text", "x": 1, "y": 1, "w": 10, "h": 5, "text": "a", "colour": 1}], "colour"),
    ([{"type": "barcode", "x": 1, "y": 1, "w": 10, "h": 5, "data": "1",
       "symbology": "upc"}], "symbology"),
    ([{"type": "line", "x1": 1, "y1": 1, "x2": 5, "y2": 5}], "horizontal"),
    ([{"type": "circle"}], "unknown type"),
    ([{"type": "text", "x": "1", "y": 1, "w": 10, "h": 5, "text": "a"}], "number"),
])
def test_broken_templates_are_refused_with_the_reason(elements, fragment) -> None:
    with pytest.raises(DomainError) as e:
        _tpl(elements)
    assert e.value.code is ErrorCode.TEMPLATE_INVALID
    assert fragment in e.value.params["error"]


def test_binding_wraps_text_and_skips_an_empty_waybill_barcode() -> None:
    tpl = get_template("waybill-100x180")
    values = waybill_values(sample_waybill(1))
    values["waybill.number"] = ""
    label = tpl.bind(values)
    kinds = [type(el).__name__ for el in tpl.elements]
    barcodes = [p for k, p in zip(kinds, label.payloads, strict=True) if k == "Barcode"]
    assert barcodes == [None, None]  # no number yet: the waybill area stays empty


def test_masked_phone_for_chinese_platforms_only() -> None:
    d = sample_waybill(1)
    assert d.platform == "taobao"
    v = waybill_values(d)
    assert v["receiver.phone"] == d.receiver_phone[:3] + "****" + d.receiver_phone[-4:]
    own = waybill_values(sample_waybill(2).__class__(**{
        **{f: getattr(d, f) for f in d.__slots__}, "platform": "shopify"}))
    assert own["receiver.phone"] == d.receiver_phone


def test_ean13_check_digit_is_computed_and_checked_by_us() -> None:
    assert symbology.ean13_check_digit("590123412345") == "7"
    assert symbology.is_valid_ean13("5901234123457")
    assert not symbology.is_valid_ean13("5901234123458")
    assert symbology.validate("ean13", "5901234123457") == "5901234123457"
    with pytest.raises(DomainError) as e:
        symbology.validate("ean13", "5901234123458")  # python-barcode would "fix" this
    assert e.value.code is ErrorCode.BARCODE_INVALID
    assert "expected 7" in e.value.params["reason"]
    with pytest.raises(DomainError):
        symbology.validate("ean13", "590123412345")  # 12 digits: we do not add one


@pytest.mark.parametrize("value", ["SF12^FS", "A~JR", "中文", "a>b", 'a"b', "a\\b", "x\n1",
                                   "9" * 81])
def test_code128_refuses_data_it_cannot_print_verbatim(value) -> None:
    with pytest.raises(DomainError) as e:
        symbology.validate("code128", value)
    assert e.value.code is ErrorCode.BARCODE_INVALID


def test_invalid_barcode_in_data_fails_the_bind_instead_of_printing_something_else() -> None:
    tpl = get_template("sku-60x40")
    with pytest.raises(DomainError) as e:
        tpl.bind({"sku.code": "A1", "sku.name": "x", "sku.ean": "6901234567891"})
    assert e.value.code is ErrorCode.BARCODE_INVALID
    with pytest.raises(DomainError):
        get_template("sku-40x30").bind({"sku.code": ""})  # required
