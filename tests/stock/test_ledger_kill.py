"""A station killed (SIGKILL) in the middle of posting stock: after restart the ledger still
explains every balance, nothing half-written, and the SQLite file passes integrity_check."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import stock as st
from sqlalchemy import text

WRITER = r"""
import random, sys
from ecerp_desktop.domain.stock import MoveKind
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store
from ecerp_desktop.store import stock as st
store = Store(sys.argv[1])
wh, skus = int(sys.argv[2]), [int(x) for x in sys.argv[3].split(",")]
rng = random.Random(int(sys.argv[4]))
print("ready", flush=True)
n = 0
while True:
    n += 1
    with store.write() as s:
        # a big document: many moves, then reservations, all in one transaction
        st.post_moves(s, [st.Move(wh, k, MoveKind.RECEIPT, "receipt", f"R{sys.argv[4]}-{n}",
                                  d_on_hand=rng.randint(1, 5)) for k in skus * 10], utcnow())
        for k in skus:
            st.reserve(s, wh, k, 1, doc_type="order", doc_id=f"O{n}", now=utcnow())
    if n == 1:
        print("committed", flush=True)
"""


def _setup(store: Store) -> tuple[int, list[int]]:
    with store.write() as s:
        wh = cat.upsert_warehouse(s, code="HZ", name="杭州仓").id
        ids = cat.upsert_skus(s, [cat.SkuInput(f"K-{i}", "x", 1, Decimal("1"))
                                  for i in range(30)], utcnow())
        st.post_moves(s, [st.Move(wh, k, MoveKind.OPENING, "o", "1", d_on_hand=10)
                          for k in ids.values()], utcnow())
    return wh, sorted(ids.values())


def test_kill_mid_post_leaves_ledger_and_balances_consistent(store: Store) -> None:
    wh, skus = _setup(store)
    for seed, delay in enumerate((0.05, 0.3)):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, store.url, str(wh),
                                 ",".join(map(str, skus)), str(seed)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        assert proc.stdout.readline().strip() == b"committed"
        time.sleep(delay)  # now somewhere inside a later document
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        with store.read() as s:
            assert st.rebuild_from_ledger(s) == []
            moves = st.moves(s, limit=100_000)
            if store.is_sqlite:
                assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # each document is all there or not at all
        per_doc: dict[str, int] = {}
        for m in moves:
            if m.doc_type == "receipt":
                per_doc[m.doc_id] = per_doc.get(m.doc_id, 0) + 1
        assert per_doc and all(n == len(skus) * 10 for n in per_doc.values())
    # and work goes on after the kills
    with store.write() as s:
        assert st.reserve(s, wh, skus[0], 1, doc_type="order", doc_id="after", now=utcnow())
