"""Chinese regions: province names as platforms write them, remote regions (偏远地区), and
whether an address is complete enough to ship to.

Platforms spell provinces three ways ("浙江省", "浙江", "新疆维吾尔自治区"); everything here
compares the short form, so a rate table row "新疆" matches an order to "新疆维吾尔自治区".
Pure functions; buyer text is only compared, never interpreted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# The 34 provincial-level divisions by short name, with the big region each belongs to
# (used to rank warehouses when no explicit province → warehouse priority is set).
PROVINCE_AREA: dict[str, str] = {
    "北京": "华北", "天津": "华北", "河北": "华北", "山西": "华北", "内蒙古": "华北",
    "辽宁": "东北", "吉林": "东北", "黑龙江": "东北",
    "上海": "华东", "江苏": "华东", "浙江": "华东", "安徽": "华东", "福建": "华东",
    "江西": "华东", "山东": "华东", "台湾": "华东",
    "河南": "华中", "湖北": "华中", "湖南": "华中",
    "广东": "华南", "广西": "华南", "海南": "华南", "香港": "华南", "澳门": "华南",
    "重庆": "西南", "四川": "西南", "贵州": "西南", "云南": "西南", "西藏": "西南",
    "陕西": "西北", "甘肃": "西北", "青海": "西北", "宁夏": "西北", "新疆": "西北",
}

# Areas next to each other, for a "nearest" guess when no area warehouse exists.
AREA_NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "华北": ("东北", "华东", "华中", "西北"), "东北": ("华北", "华东"),
    "华东": ("华中", "华北", "华南"), "华中": ("华东", "华南", "华北", "西南", "西北"),
    "华南": ("华中", "西南", "华东"), "西南": ("华中", "华南", "西北"),
    "西北": ("华北", "西南", "华中"),
}

# Built in; the user edits the stored list (store/schema_rules.py seeds it from this).
DEFAULT_REMOTE_REGIONS: tuple[str, ...] = ("新疆", "西藏", "青海", "内蒙古", "宁夏", "甘肃")

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("自治州", "地区", "盟", "市")


@lru_cache(maxsize=4096)
def province_short(name: str) -> str:
    """'浙江省' → '浙江', '新疆维吾尔自治区' → '新疆', '*' and unknown names kept trimmed."""
    s = name.strip()
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    return s


@lru_cache(maxsize=16384)
def city_short(name: str) -> str:
    s = name.strip()
    for suffix in _CITY_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            return s[: -len(suffix)]
    return s


def area_of(province: str) -> str:
    return PROVINCE_AREA.get(province_short(province), "")


@dataclass(frozen=True, slots=True)
class RegionPattern:
    """'新疆', '四川/甘孜' or '四川/甘孜/理塘': a province, optionally narrowed to a city and a
    district. Matching is by short names, so '四川省/甘孜藏族自治州' works too."""

    province: str
    city: str = ""
    district: str = ""

    @classmethod
    def parse(cls, text: str) -> RegionPattern:
        parts = [p.strip() for p in re.split(r"[/>|]", text) if p.strip()]
        parts += [""] * (3 - len(parts))
        return cls(province_short(parts[0]), city_short(parts[1]), parts[2])

    def matches(self, province: str, city: str = "", district: str = "") -> bool:
        if self.province != province_short(province):
            return False
        # Prefixes, so "甘孜" covers "甘孜藏族自治州" and "西湖" covers "西湖区".
        if self.city and not city_short(city).startswith(self.city):
            return False
        return not self.district or district.strip().startswith(self.district)

    def __str__(self) -> str:
        return "/".join(p for p in (self.province, self.city, self.district) if p)


def match_region(patterns: Iterable[RegionPattern], province: str, city: str = "",
                 district: str = "") -> RegionPattern | None:
    """The first pattern that covers the address, or None."""
    for p in patterns:
        if p.matches(province, city, district):
            return p
    return None


MIN_DETAIL_CHARS = 5
# Addresses that cannot be delivered to: test text, only digits or punctuation, a "same as
# before" note instead of an address.
_SUSPICIOUS = re.compile(r"^[\d\W_]+$|测试|test|同上|不详|未知|自提", re.IGNORECASE)


def address_problems(province: str, city: str, district: str, detail: str,
                     min_detail_chars: int = MIN_DETAIL_CHARS) -> list[str]:
    """What is missing or odd about an address, as short English tags (empty: looks fine)."""
    problems: list[str] = []
    if not province.strip():
        problems.append("no province")
    if not city.strip():
        problems.append("no city")
    if not district.strip():
        problems.append("no district")
    d = detail.strip()
    if len(d) < min_detail_chars:
        problems.append(f"street address shorter than {min_detail_chars} characters")
    elif _SUSPICIOUS.search(d):
        problems.append("street address looks like a placeholder")
    return problems
