"""Every adjustment names its reason, in the ledger move and in the audit row."""

from __future__ import annotations

import pytest
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.services import stock as stock_service
from ecerp_desktop.store import audit
from ecerp_desktop.store import stock as st

from .conftest import KEEPER, DocWorld


def test_adjust_and_set_keep_their_reason(world: DocWorld) -> None:
    b = stock_service.adjust(world.store, KEEPER, "HZ", "TEA-1", -2, "damaged: 受潮")
    assert (b.on_hand, b.available) == (48, 48)
    assert stock_service.set_quantity(world.store, KEEPER, "HZ", "6920000000011", 45,
                                      "count_loss: 月底盘点") == -5
    for blank in ("", "   "):
        with pytest.raises(DomainError) as err:
            stock_service.set_quantity(world.store, KEEPER, "HZ", "TEA-1", 1, blank)
        assert err.value.code is ErrorCode.REQUIRED
    with world.store.read() as s:
        notes = {m.sku_id: m.note for m in st.moves(s, doc_type=None, limit=2)}
        rows = [(e.action, e.detail.get("reason")) for e in audit.recent(s)
                if e.action.startswith("stock.")]
    assert notes == {world.sku("TEA-1"): "damaged: 受潮", world.sku("CUP-1"): "count_loss: 月底盘点"}
    assert sorted(rows) == [("stock.adjust", "damaged: 受潮"), ("stock.set", "count_loss: 月底盘点")]
    assert world.bal(world.hz, "TEA-1") == (48, 0, 0)
    world.ledger_ok()
