"""PDF labels: rendered to pixels with pypdfium2, barcodes decoded with zxing-cpp."""

from __future__ import annotations

import dataclasses
import re

import pypdfium2
import pytest
import zxingcpp
from ecerp_desktop.printing.fields import (
    SkuLabelData,
    sample_waybill,
    sku_values,
    waybill_values,
)
from ecerp_desktop.printing.profiles import generic_profile, get_profile
from ecerp_desktop.printing.render import render_values
from ecerp_desktop.printing.templates import get_template
from printing_checks import HOSTILE

PDF203 = generic_profile("pdf", 203)


def pages(pdf: bytes, dpi: int = 203) -> list[tuple[dict, object]]:
    """Each page as ({"text", "size_mm"}, PIL image)."""
    doc = pypdfium2.PdfDocument(pdf)
    out = []
    try:
        for page in doc:
            w, h = page.get_size()
            tp = page.get_textpage()
            info = {"text": tp.get_text_range(),
                    "size_mm": (round(w / 72 * 25.4), round(h / 72 * 25.4))}
            out.append((info, page.render(scale=dpi / 72).to_pil()))
            tp.close()
            page.close()
    finally:
        doc.close()
    return out


def decoded(img) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in zxingcpp.read_barcodes(img):
        out.setdefault(str(r.format), []).append(r.text)
    return out


@pytest.mark.parametrize("size", ["100x180", "100x150", "76x130"])
@pytest.mark.parametrize("dpi", [203, 300])
def test_waybill_barcode_and_qr_decode_to_the_waybill_number(size, dpi) -> None:
    ds = [sample_waybill(i) for i in (1, 2)]
    pdf = render_values(get_template(f"waybill-{size}"), generic_profile("pdf", dpi),
                        [waybill_values(d) for d in ds])
    got = pages(pdf, dpi)
    assert len(got) == 2
    for d, (page, img) in zip(ds, got, strict=True):
        assert page["size_mm"] == tuple(int(x) for x in size.split("x"))
        codes = decoded(img)
        n = 1 if size == "76x130" else 2  # the two-part labels repeat it on the stub
        assert codes.get("Code 128") == [d.waybill_number] * n
        assert codes.get("QR Code") == [d.waybill_number]


def test_cjk_font_is_embedded_and_text_extracts_in_chinese() -> None:
    d = sample_waybill(7)
    pdf = render_values(get_template("waybill-100x180"), PDF203, [waybill_values(d)])
    assert b"/FontFile2" in pdf  # an embedded TrueType program
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DroidSansFallback", pdf)
    text = pages(pdf)[0][0]["text"]
    assert d.receiver_name in text
    assert d.address_detail in text
    assert "中通快递" in text and d.sort_code.split()[1] in text
    assert d.waybill_number in text


def test_qr_holds_the_tracking_url_when_the_courier_gives_one() -> None:
    d = dataclasses.replace(sample_waybill(3), tracking_url="https://t.example.com/w?n=7001~x")
    pdf = render_values(get_template("waybill-100x150"), PDF203, [waybill_values(d)])
    _, img = pages(pdf)[0]
    assert decoded(img)["QR Code"] == ["https://t.example.com/w?n=7001~x"]


def test_sku_label_ean13_decodes() -> None:
    v = sku_values(SkuLabelData("TS-WHITE-XL", "纯棉短袖T恤", "白色 XL", "6901234567892"))
    pdf = render_values(get_template("sku-60x40"), PDF203, [v])
    _, img = pages(pdf, 300)[0]
    codes = decoded(img)
    assert codes["EAN-13"] == ["6901234567892"]
    # 40 mm holds a short code with two-dot (0.25 mm) bars
    v = sku_values(SkuLabelData("TS-W-XL", "纯棉短袖T恤", "白色 XL"))
    pdf = render_values(get_template("sku-40x30"), PDF203, [v], copies=3)
    got = pages(pdf, 300)
    assert len(got) == 3 and decoded(got[2][1])["Code 128"] == ["TS-W-XL"]


def test_hostile_text_still_gives_one_page_per_parcel_with_readable_barcodes() -> None:
    ds = [dataclasses.replace(sample_waybill(i), receiver_name=t, address_detail=t,
                              buyer_message=t) for i, t in enumerate(HOSTILE)]
    pdf = render_values(get_template("waybill-100x180"), PDF203, [waybill_values(d) for d in ds])
    got = pages(pdf)
    assert len(got) == len(HOSTILE)
    for d, (_, img) in zip(ds, got, strict=True):
        assert decoded(img)["Code 128"][0] == d.waybill_number


def test_packing_list_a4_on_the_laser_profile() -> None:
    d = sample_waybill(9)
    pdf = render_values(get_template("packing-a4"), get_profile("generic-a4-laser"),
                        [waybill_values(d)])
    page, img = pages(pdf, 150)[0]
    text = page["text"]
    assert "发货清单" in text and "纯棉短袖T恤 白色 XL" in text
    assert d.receiver_phone not in text  # the packing list goes in the box: masked
    assert decoded(img)["Code 128"] == [d.platform_order_id]


def test_every_template_previews_as_one_page_of_its_size() -> None:
    from ecerp_desktop.printing.preview import preview_pdf
    from ecerp_desktop.printing.templates import list_templates

    for t in list_templates()[0]:
        got = pages(preview_pdf(t), 72)
        assert len(got) == 1
        assert got[0][0]["size_mm"] == (round(t.width_mm), round(t.height_mm))
