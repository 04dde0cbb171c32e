"""Demo mode: a realistic shop to click through, seeded in a few seconds.

``ensure_demo`` fills an empty database with the documented demo users (one per role), about
200 SKUs with valid EAN-13 barcodes and ten bundles (组合装), three warehouses with stock
posted through the ledger, five shops (Taobao, Tmall, JD, Pinduoduo, an own WooCommerce
shop) whose listings map to the SKUs (a few left unmapped for the mapping screen), five
couriers with rate tables per province, and 2,000 orders of the last 30 days that went in
through the shared ingest path and were then placed in their status (mostly shipped or
done, some new, in review or held).

Idempotent: a settings key marks the seed as done; a half-finished seed (the PC lost power)
is completed on the next run, since every step upserts by natural key and the stock and
status step commits together with the mark. Deterministic for a given day (fixed seed).
Any thread but the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from ecerp_desktop.domain.auth import Role
from ecerp_desktop.store import Store
from ecerp_desktop.store import settings as settings_store

DEMO_PASSWORD = "demo1234"
DEMO_USERS: list[tuple[str, str, str]] = [
    ("admin", DEMO_PASSWORD, Role.ADMIN.value),
    ("clerk", DEMO_PASSWORD, Role.CLERK.value),
    ("packer", DEMO_PASSWORD, Role.PACKER.value),
    ("warehouse", DEMO_PASSWORD, Role.WAREHOUSE.value),
    ("finance", DEMO_PASSWORD, Role.FINANCE.value),
]
SEEDED_KEY = "demo.seeded"
SEED = 2026
SKU_COUNT = 200
BUNDLE_COUNT = 10
ORDER_COUNT = 2_000
DAYS = 30

Progress = Callable[[int, int], None]


def is_seeded(store: Store) -> bool:
    with store.read() as s:
        return bool(settings_store.get(s, SEEDED_KEY))


def ensure_demo(store: Store, progress: Progress | None = None) -> None:
    """Seed the demo data unless it is already there (see the module docstring)."""
    if is_seeded(store):
        return
    # The seeding code is imported only when there is seeding to do: every --demo start
    # passes here, and it must stay quick.
    from ecerp_desktop.services.demo_seed import seed

    seed(store, progress)
