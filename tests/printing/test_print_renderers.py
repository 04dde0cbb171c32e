"""ZPL, TSPL and ESC/POS output: structure, sizes, escaping, and hostile buyer text."""

from __future__ import annotations

import dataclasses

import pytest
from ecerp_desktop.printing.escpos import CHINESE_OFF, CHINESE_ON, CUT, INIT
from ecerp_desktop.printing.fields import sample_waybill, waybill_values
from ecerp_desktop.printing.profiles import get_profile
from ecerp_desktop.printing.render import render_values, renderer_for
from ecerp_desktop.printing.templates import get_template
from ecerp_desktop.printing.tspl import quote
from ecerp_desktop.printing.zpl import escape_fd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from printing_checks import HOSTILE, check_tspl, check_zpl

ZEBRA = get_profile("zebra-zd421")
ZEBRA300 = get_profile("zebra-zd421-300")
TSC = get_profile("tsc-ttp-244")
POS = get_profile("generic-escpos-80")


def hostile_values(text: str, i: int = 0) -> dict[str, str]:
    d = dataclasses.replace(sample_waybill(i), receiver_name=text, address_detail=text,
                            buyer_message=text, seller_memo=text, sender_name=text)
    return waybill_values(d)


@pytest.mark.parametrize("size, dpi, pw, ll", [
    ("100x180", 203, 800, 1440), ("100x150", 203, 800, 1200), ("76x130", 203, 608, 1040),
    ("100x180", 300, 1200, 2160), ("100x150", 300, 1200, 1800), ("76x130", 300, 912, 1560),
])
def test_zpl_label_geometry_per_size_and_dpi(size, dpi, pw, ll) -> None:
    profile = ZEBRA if dpi == 203 else ZEBRA300
    out = render_values(get_template(f"waybill-{size}"), profile,
                        [waybill_values(sample_waybill(1))])
    assert out.startswith(f"^XA^CI28^PW{pw}^LL{ll}".encode())
    assert b"^CW1,E:ANMDS.TTF" in out  # the profile's CJK font
    labels, _fields = check_zpl(out)
    assert labels == 1


def test_zpl_prints_chinese_text_and_the_waybill_number() -> None:
    d = sample_waybill(3)
    out = render_values(get_template("waybill-100x180"), ZEBRA, [waybill_values(d)])
    _, fields = check_zpl(out)
    assert d.waybill_number in fields  # the barcode data and the number below it
    assert any(d.receiver_name in f for f in fields)
    assert "中通快递" in fields
    assert f"^BCN,120,N,N,N,A^FH^FD{d.waybill_number}^FS".encode() in out


def test_zpl_escape_covers_command_prefixes_and_utf8() -> None:
    assert escape_fd("a^b~c_d\\e") == "a_5Eb_7Ec_5Fd_5Ce"
    assert escape_fd("张") == "_E5_BC_A0"
    assert escape_fd("😀") == "_F0_9F_98_80"


@pytest.mark.parametrize("text", HOSTILE)
def test_zpl_hostile_text_gives_exactly_one_label_per_parcel(text) -> None:
    values = [hostile_values(text, i) for i in range(3)]
    out = render_values(get_template("waybill-100x180"), ZEBRA, values)
    labels, fields = check_zpl(out)
    assert labels == 3
    assert "PWNED" not in fields  # no field of its own: the injected ^FD never ran
    head = text[:5].replace("\r", " ").replace("\n", " ")
    if head.isprintable() and head.strip():
        assert any(head in f for f in fields)  # printed literally, not obeyed


@pytest.mark.parametrize("text", HOSTILE)
def test_tspl_hostile_text_keeps_one_command_per_line(text) -> None:
    values = [hostile_values(text, i) for i in range(3)]
    out = render_values(get_template("waybill-100x150"), TSC, values)
    labels, strings = check_tspl(out)
    assert labels == 3
    assert "PWNED" not in strings and "TSS24.BF2" in strings


def test_tspl_job_layout_and_gb18030_bytes() -> None:
    d = sample_waybill(2)
    out = render_values(get_template("waybill-100x180"), TSC, [waybill_values(d)], copies=2)
    text = out.decode("gb18030")
    assert text.startswith("SIZE 100 mm,180 mm\r\nGAP 2 mm,0 mm\r\n")
    assert "\r\nCLS\r\n" in text and text.endswith("PRINT 1,2\r\n")
    assert "DENSITY 8\r\n" in text and "SPEED 4\r\n" in text
    assert '"128",' in text and f'"{d.waybill_number}"' in text
    assert d.receiver_name.encode("gb18030") in out  # GB18030, not UTF-8
    assert d.receiver_name.encode("utf-8") not in out
    assert '"TSS24.BF2"' in text
    labels, _ = check_tspl(out)
    assert labels == 1


def test_tspl_quote_replaces_quotes_backslashes_and_breaks() -> None:
    assert quote('a"b\\c\r\nd') == "a＂b＼c  d"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.text(max_size=60))
def test_arbitrary_text_never_breaks_zpl_or_tspl(address, name) -> None:
    d = dataclasses.replace(sample_waybill(5), receiver_name=name, address_detail=address,
                            buyer_message=address + name, sender_name=name)
    values = [waybill_values(d)]
    tpl = get_template("waybill-76x130")
    assert check_zpl(render_values(tpl, ZEBRA, values))[0] == 1
    assert check_tspl(render_values(tpl, TSC, values))[0] == 1


def test_escpos_receipt_bytes() -> None:
    d = dataclasses.replace(sample_waybill(4), receiver_name="李四\x1b@\x1dV\x00")
    out = render_values(get_template("waybill-76x130"), POS, [waybill_values(d)] * 2)
    assert out.startswith(INIT) and out.count(INIT) == 2 and out.count(CUT) == 2
    assert CHINESE_ON + "李四@V".encode("gb18030") in out or (
        CHINESE_ON + "李四".encode("gb18030")) in out
    assert b"\x1d\x6b\x49" in out  # GS k Code 128
    assert ("{B" + d.waybill_number).encode() in out
    # the injected ESC @ / GS V from the name never reach the printer as bytes
    segments = out.split(CHINESE_ON)[1:]
    assert all(b"\x1b" not in s.split(CHINESE_OFF)[0] for s in segments)
    assert out.count(b"\x1b@") == 2


def test_sku_labels_in_every_thermal_language() -> None:
    values = [{"sku.code": "TS-WHITE-XL", "sku.name": "纯棉短袖T恤", "sku.spec": "白色 XL",
               "sku.ean": "6901234567892", "sku.price": "¥59.00"}]
    for size in ("40x30", "60x40"):
        tpl = get_template(f"sku-{size}")
        zpl = render_values(tpl, ZEBRA, values, copies=5)
        assert check_zpl(zpl)[0] == 1 and b"^PQ5" in zpl
        tspl = render_values(tpl, TSC, values, copies=5)
        assert check_tspl(tspl)[0] == 1
    zpl = render_values(get_template("sku-60x40"), ZEBRA, values)
    assert b"^BEN," in zpl and b"^FD690123456789^FS" in zpl  # 12 digits, printer adds 2


def test_renderers_are_compiled_once_per_template_and_profile() -> None:
    tpl = get_template("waybill-100x150")
    assert renderer_for(tpl, ZEBRA) is renderer_for(tpl, ZEBRA)
    assert renderer_for(tpl, ZEBRA, "tspl").language == "tspl"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_never_injects_escpos_commands(text) -> None:
    d = dataclasses.replace(sample_waybill(6), receiver_name=text, address_detail=text,
                            buyer_message=text)
    out = render_values(get_template("waybill-76x130"), POS, [waybill_values(d)])
    assert out.startswith(INIT) and out.endswith(CUT)
    assert out.count(INIT) == 1 and out.count(CUT) == 1
    # inside Chinese-mode runs only GB18030 text bytes: never a command byte
    for seg in out.split(CHINESE_ON)[1:]:
        body = seg.split(CHINESE_OFF)[0]
        assert all(b >= 0x20 for b in body)


def test_logo_image_as_zpl_graphic_and_refused_in_tspl(tmp_path) -> None:
    from ecerp_desktop.domain.errors import DomainError, ErrorCode
    from ecerp_desktop.printing.layout import template_from_dict
    from PIL import Image as PILImage

    logo = PILImage.new("L", (40, 20), 255)
    for x in range(10, 30):
        for y in range(5, 15):
            logo.putpixel((x, y), 0)
    logo.save(tmp_path / "logo.png")
    tpl = template_from_dict("logo-test", {"kind": "sku", "width_mm": 40, "height_mm": 30,
                                           "elements": [{"type": "image", "x": 0, "y": 0,
                                                         "w": 5, "h": 2.5,
                                                         "path": "logo.png"}]}, tmp_path)
    zpl = render_values(tpl, ZEBRA, [{}])
    assert check_zpl(zpl)[0] == 1
    # 5 mm × 2.5 mm at 8 dots/mm = 40×20 dots = 5 bytes a row × 20 rows
    assert b"^FO0,0^GFA,100,100,5," in zpl
    hexdata = zpl.split(b"^GFA,100,100,5,")[1].split(b"^FS")[0]
    rows = [hexdata[i:i + 10] for i in range(0, len(hexdata), 10)]
    assert rows[0] == b"0000000000" and rows[10] == b"003FFFFC00"  # dots 10-29 black
    with pytest.raises(DomainError) as e:
        render_values(tpl, TSC, [{}])
    assert e.value.code is ErrorCode.PRINT_LANGUAGE_UNSUPPORTED


def test_tspl_with_a_downloaded_truetype_font_uses_point_sizes() -> None:
    from ecerp_desktop.printing.profiles import profile_from_dict

    ttf = profile_from_dict("x", {"name": "TSC with SimHei", "language": "tspl", "dpi": 300,
                                  "sizes": ["100x150"], "cjk_font": "SIMHEI.TTF"})
    out = render_values(get_template("waybill-100x150"), ttf,
                        [waybill_values(sample_waybill(1))]).decode("gb18030")
    assert out.startswith("SIZE 100 mm,150 mm")
    # the receiver line: 4.2 mm characters are 12 points; 300 dpi is 12 dots a mm
    assert 'TEXT 132,558,"SIMHEI.TTF",0,12,12,"' in out
    assert check_tspl(out.encode("gb18030"))[0] == 1
