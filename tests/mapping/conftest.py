"""The pipeline's shop world (tests/pipeline/conftest.py) with orders whose lines map to
nothing: they are held "unmapped SKU" until the mapping screen maps them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.platform_order import PlatformOrderLine
from ecerp_desktop.services import pipeline
from ecerp_desktop.store import Store
from ecerp_desktop.store.schema import ParcelLineRow, ParcelRow
from sqlalchemy import select

from pipeline.conftest import World, build_world  # the pipeline tests' package

__all__ = ["World", "line", "parcel_skus", "run"]

D = Decimal


def line(item: str, psku: str = "", code: str = "", title: str = "", qty: int = 1,
         key: str | None = None) -> PlatformOrderLine:
    """A platform line that maps to no SKU of the world (unless *code* is one)."""
    return PlatformOrderLine(key or f"{item}-{psku}-{code}", qty, D("10.00"), D("10.00") * qty,
                             item, psku, code, title)


@pytest.fixture
def world(store: Store) -> World:
    return build_world(store)


def parcel_skus(world: World, order_id: int) -> list[int]:
    """The SKU ids in the parcels of *order_id*, sorted."""
    with world.store.read() as s:
        return sorted(s.scalars(select(ParcelLineRow.sku_id).join(
            ParcelRow, ParcelRow.id == ParcelLineRow.parcel_id).where(
            ParcelRow.order_id == order_id)))


def run(world: World) -> None:
    pipeline.process_pending(world.store, SYSTEM)
