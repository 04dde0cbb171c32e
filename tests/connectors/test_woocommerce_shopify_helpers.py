"""The own-shop helpers: Link headers, exact money in JSON, names and Chinese addresses
typed into Western address forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ecerp_desktop.connectors.ownshop import (
    BadOrder,
    amount,
    dumps,
    loads,
    parse_link_header,
    person_name,
    plain,
    split_cn_address,
    utc_time,
)


def test_link_header_as_shopify_and_wordpress_send_it() -> None:
    shopify = ('<https://s.myshopify.com/admin/api/2024-10/orders.json?limit=50&page_info=eyJ'
               'sYXN0X2lkIjo0fQ>; rel="previous", <https://s.myshopify.com/admin/api/2024-10/'
               'orders.json?limit=50&page_info=eyJkaXJlY3Rpb24iOiJuZXh0In0>; rel="next"')
    links = parse_link_header(shopify)
    assert links["next"].endswith("page_info=eyJkaXJlY3Rpb24iOiJuZXh0In0")
    assert links["previous"].endswith("page_info=eyJsYXN0X2lkIjo0fQ")
    wp = ('<https://www.example.com/wp-json/wc/v3/products?page=2>; rel="next", '
          '<https://www.example.com/wp-json/wc/v3/products?page=3>; rel=last')
    assert parse_link_header(wp) == {
        "next": "https://www.example.com/wp-json/wc/v3/products?page=2",
        "last": "https://www.example.com/wp-json/wc/v3/products?page=3"}
    assert parse_link_header(None) == {} and parse_link_header("") == {}
    assert parse_link_header("garbage; rel=next") == {}


def test_money_never_goes_through_float() -> None:
    data = loads('{"price": 0.1, "total": "0.30", "qty": 3}')
    assert data["price"] == Decimal("0.1") and isinstance(data["qty"], int)
    assert amount(data["price"], "price") * 3 == amount(data["total"], "total")
    assert amount("1,234.50", "x") == Decimal("1234.50")
    assert amount(None, "x") == Decimal("0.00")
    for bad in (0.1, True, "abc", "NaN", [1]):
        with pytest.raises(BadOrder):
            amount(bad, "x")
    assert dumps({"a": Decimal("12.30")}) == '{"a":"12.30"}'
    assert plain({"a": [Decimal("1.5"), {"b": Decimal("2")}]}) == {"a": ["1.5", {"b": "2"}]}


def test_times_are_aware_utc() -> None:
    assert utc_time("2026-11-11T00:00:00", "t").isoformat() == "2026-11-11T00:00:00+00:00"
    assert utc_time("2026-11-11T08:00:00", "t", naive_is_utc=False).isoformat() == \
        "2026-11-11T00:00:00+00:00"
    assert utc_time("2026-11-11T08:00:00+08:00", "t").isoformat() == \
        "2026-11-11T00:00:00+00:00"
    assert utc_time("", "t") is None
    for bad in ("0000-00-00 00:00:00", "soon", 1700000000):
        with pytest.raises(BadOrder):
            utc_time(bad, "t")


def test_names_in_the_order_their_owners_write_them() -> None:
    assert person_name("小明", "王") == "王小明"
    assert person_name("Ann", "Lee") == "Ann Lee"
    assert person_name("", "欧阳") == "欧阳"
    assert person_name("\r\n五", "王") == "王\r\n五"  # hostile text kept as typed


@pytest.mark.parametrize(("province", "city", "line1", "line2", "want"), [
    ("上海市", "上海市", "浦东新区张江镇祖冲之路 2号", "3楼", ("浦东新区", "张江镇", "祖冲之路 2号 3楼")),
    ("广东省", "深圳市", "广东省深圳市南山区粤海街道科技园", "", ("南山区", "粤海街道", "科技园")),
    ("广东", "深圳市", "广东深圳市南山区科技园", "", ("南山区", "", "科技园")),
    ("湖北省", "荆州市", "沙市区城关镇1号", "", ("沙市区", "城关镇", "1号")),
    ("湖南省", "岳阳市", "岳阳楼区五里牌街道", "", ("岳阳楼区", "", "五里牌街道")),
    ("广西壮族自治区", "南宁市", "西乡塘区西湖乡人民路", "", ("西乡塘区", "西湖乡", "人民路")),
    ("江苏省", "苏州市", "昆山市玉山镇人民路8号", "", ("昆山市", "玉山镇", "人民路8号")),
    ("浙江省", "金华市", "义乌市稠城街道工业区5号", "", ("义乌市", "稠城街道", "工业区5号")),
    ("内蒙古自治区", "呼伦贝尔市", "鄂温克族自治旗巴彦托海镇", "", ("鄂温克族自治旗", "", "巴彦托海镇")),
    ("湖北省", "天门市", "竟陵街道钟惺大道1号", "", ("", "竟陵街道", "钟惺大道1号")),
    ("广东省", "东莞市", "长安镇振安路", "", ("", "长安镇", "振安路")),
    ("广东省", "中山市", "太平村1组99号", "", ("", "", "太平村1组99号")),
    # a part that is the whole rest of the line stays detail: never an empty detail
    ("北京市", "北京市", "朝阳区", "", ("", "", "朝阳区")),
    ("河北省", "石家庄市", "=cmd|'/c calc'!A1", "", ("", "", "=cmd|'/c calc'!A1")),
])
def test_chinese_address_in_western_fields(province: str, city: str, line1: str, line2: str,
                                           want: tuple[str, str, str]) -> None:
    assert split_cn_address(province, city, line1, line2) == want
