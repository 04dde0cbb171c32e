"""Per (warehouse, SKU) flows over a period, summed from the ledger in two grouped queries.

Closing stock is today's on hand minus every move since the period ended; opening stock is
closing minus the moves inside the period; sold is shipments net of buyer returns. No
snapshot table is needed, so the figures are exactly what the ledger says.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.stock_metrics import StockFlow
from ecerp_desktop.store.schema import StockBalanceRow as B
from ecerp_desktop.store.schema import StockMoveRow as M

_SOLD = case((M.kind == MoveKind.SHIPMENT.value, -M.d_on_hand),
             (M.kind == MoveKind.RETURN.value, -M.d_on_hand), else_=0)


def flows(s: Session, since: datetime, until: datetime, *, warehouse_id: int | None = None,
          sku_ids: Sequence[int] | None = None) -> list[StockFlow]:
    """One :class:`StockFlow` per (warehouse, SKU) that has a balance, ordered by both."""
    if until <= since:
        raise ValueError("the period must end after it starts")
    days = max(math.ceil((until - since).total_seconds() / 86400), 1)

    def scoped(q: Any) -> Any:  # a Select over either table
        table = q.columns_clause_froms[0]
        if warehouse_id is not None:
            q = q.where(table.c.warehouse_id == warehouse_id)
        if sku_ids is not None:
            q = q.where(table.c.sku_id.in_(list(sku_ids)))
        return q

    inside = func.sum(case((M.at < until, M.d_on_hand), else_=0))
    after = func.sum(case((M.at >= until, M.d_on_hand), else_=0))
    sold = func.sum(case((M.at < until, _SOLD), else_=0))
    moved = {(w, k): (int(i or 0), int(a or 0), int(x or 0)) for w, k, i, a, x in s.execute(
        scoped(select(M.warehouse_id, M.sku_id, inside, after, sold)
               .where(M.at >= since).group_by(M.warehouse_id, M.sku_id)))}
    out = []
    for w, k, on_hand in s.execute(scoped(select(B.warehouse_id, B.sku_id, B.on_hand))
                                   .order_by(B.warehouse_id, B.sku_id)):
        d_inside, d_after, n_sold = moved.get((w, k), (0, 0, 0))
        closing = on_hand - d_after
        out.append(StockFlow(w, k, closing - d_inside, closing, n_sold, days))
    return out
