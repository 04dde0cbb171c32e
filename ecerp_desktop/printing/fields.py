"""The values a label template can use, built from one parcel (or one SKU).

``WaybillData`` is what the store hands out for printing a parcel; ``waybill_values`` turns
it into the flat ``{"receiver.name": …}`` mapping that templates bind to. The field names
below are the whole vocabulary: a template using another name is refused when it loads.

Phone numbers: the Chinese platforms (Taobao/Tmall, Pinduoduo, JD, Douyin, Kuaishou) demand
that a waybill shows the receiver's phone masked (138****0000) or their privacy number, so
``receiver.phone`` is masked for them and complete for a shop of one's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ecerp_desktop.domain.auth import mask_phone
from ecerp_desktop.domain.timeutil import CHINA

MASKED_PHONE_PLATFORMS = frozenset({"taobao", "tmall", "pdd", "pinduoduo", "jd", "douyin",
                                    "kuaishou"})

WAYBILL_FIELDS = frozenset({
    "courier.code", "courier.name",
    "waybill.number", "waybill.sort_code", "waybill.qr",
    "sender.name", "sender.phone", "sender.address",
    "receiver.name", "receiver.phone", "receiver.phone_masked", "receiver.address",
    "receiver.region",
    "order.id", "order.platform_order_id", "order.platform", "order.shop", "order.paid_at",
    "order.cod",
    "parcel.seq", "parcel.count", "parcel.number", "parcel.weight",
    "items.summary", "items.count", "items.lines",
    "buyer.message", "seller.memo", "printed_at",
})
SKU_FIELDS = frozenset({"sku.code", "sku.name", "sku.spec", "sku.ean", "sku.price",
                        "printed_at"})
FIELDS_BY_KIND: Mapping[str, frozenset[str]] = {
    "waybill": WAYBILL_FIELDS, "packing": WAYBILL_FIELDS, "sku": SKU_FIELDS,
}


@dataclass(frozen=True, slots=True)
class ItemLine:
    sku_code: str
    title: str
    qty: int


@dataclass(frozen=True, slots=True)
class WaybillData:
    """Everything a waybill, packing list or parcel label prints about one parcel."""

    order_id: int
    platform: str
    platform_order_id: str
    shop_name: str
    parcel_id: int | None
    parcel_seq: int
    parcel_count: int
    courier_code: str
    courier_name: str
    waybill_number: str  # "" when the parcel has no waybill number yet
    sort_code: str
    receiver_name: str
    receiver_phone: str
    province: str
    city: str
    district: str
    town: str
    address_detail: str
    sender_name: str
    sender_phone: str
    sender_address: str
    items: tuple[ItemLine, ...] = ()
    buyer_message: str = ""
    seller_memo: str = ""
    paid_at: datetime | None = None
    weight_g: int | None = None
    cod_amount: Decimal | None = None
    tracking_url: str = ""  # the courier's QR payload when it gives one


@dataclass(frozen=True, slots=True)
class SkuLabelData:
    code: str
    name: str
    spec: str = ""
    ean: str = ""
    price: Decimal | None = None


def _local(t: datetime | None) -> str:
    return t.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if t else ""


def waybill_values(d: WaybillData, printed_at: datetime | None = None) -> dict[str, str]:
    """The template values for one parcel. Text is passed raw: the layout cleans it."""
    region = "".join(p for p in (d.province, d.city, d.district) if p)
    phone = d.receiver_phone
    masked = mask_phone(phone)
    items_count = sum(i.qty for i in d.items)
    summary = " ".join(f"{i.sku_code or i.title}×{i.qty}" for i in d.items)
    # One item per line; each title is flattened first so no title can add lines.
    lines = "\n".join(f"{i.sku_code}  {' '.join(i.title.split())}  ×{i.qty}" for i in d.items)
    return {
        "courier.code": d.courier_code,
        "courier.name": d.courier_name,
        "waybill.number": d.waybill_number,
        "waybill.sort_code": d.sort_code,
        "waybill.qr": d.tracking_url or d.waybill_number,
        "sender.name": d.sender_name,
        "sender.phone": d.sender_phone,
        "sender.address": d.sender_address,
        "receiver.name": d.receiver_name,
        "receiver.phone": masked if d.platform.lower() in MASKED_PHONE_PLATFORMS else phone,
        "receiver.phone_masked": masked,
        "receiver.address": region + d.town + d.address_detail,
        "receiver.region": region,
        "order.id": str(d.order_id),
        "order.platform_order_id": d.platform_order_id,
        "order.platform": d.platform,
        "order.shop": d.shop_name,
        "order.paid_at": _local(d.paid_at),
        "order.cod": f"代收货款 ¥{d.cod_amount}" if d.cod_amount else "",
        "parcel.seq": str(d.parcel_seq),
        "parcel.count": str(d.parcel_count),
        "parcel.number": f"{d.parcel_seq}/{d.parcel_count}",
        "parcel.weight": f"{d.weight_g / 1000:.2f}kg" if d.weight_g else "",
        "items.summary": summary,
        "items.count": str(items_count),
        "items.lines": lines,
        "buyer.message": d.buyer_message,
        "seller.memo": d.seller_memo,
        "printed_at": _local(printed_at),
    }


def sku_values(d: SkuLabelData, printed_at: datetime | None = None) -> dict[str, str]:
    return {
        "sku.code": d.code,
        "sku.name": d.name,
        "sku.spec": d.spec,
        "sku.ean": d.ean,
        "sku.price": f"¥{d.price}" if d.price is not None else "",
        "printed_at": _local(printed_at),
    }


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
_PLACES = (("浙江省", "杭州市", "西湖区", "文三路"), ("广东省", "深圳市", "南山区", "科技园南路"),
           ("北京市", "北京市", "朝阳区", "望京街"), ("四川省", "成都市", "武侯区", "天府大道"),
           ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放北路"))


def sample_waybill(i: int) -> WaybillData:
    """A realistic, varied parcel for previews and benchmarks (no real person)."""
    prov, city, dist, road = _PLACES[i % len(_PLACES)]
    g = len(_GIVEN)
    name = _SURNAMES[i % 20] + _GIVEN[(i * 7) % g] + (_GIVEN[(i * 3) % g] if i % 3 else "")
    return WaybillData(
        order_id=100000 + i, platform="taobao" if i % 2 else "pdd",
        platform_order_id=f"{3719055060544802021 + i * 7919}", shop_name="示例旗舰店",
        parcel_id=200000 + i, parcel_seq=1 + i % 3, parcel_count=3,
        courier_code="ZTO", courier_name="中通快递",
        waybill_number=f"7{(59605746 + i * 104729) % 10**11:011d}",
        sort_code=f"{300 + i % 600}-{i % 97:02d} {city[:2]}{dist[:2]}",
        receiver_name=name, receiver_phone=f"13{(i * 7) % 10}{(40469442 + i * 37) % 10**8:08d}",
        province=prov, city=city, district=dist, town="",
        address_detail=f"{road}{i % 400 + 1}号{i % 30 + 1}幢{i % 20 + 1}单元{i % 1800 + 101}室",
        sender_name="示例旗舰店仓库", sender_phone="0571-88886666",
        sender_address="浙江省杭州市余杭区仓前街道文一西路1001号",
        items=(ItemLine(f"SKU-{i % 500:04d}", "纯棉短袖T恤 白色 XL", 1 + i % 2),
               ItemLine("GIFT-01", "赠品 帆布袋", 1)),
        buyer_message="请周末送货，谢谢！" if i % 4 == 0 else "",
        paid_at=None, weight_g=350 + i % 2000)
