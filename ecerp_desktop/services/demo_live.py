"""The live demo: the demo shops connected to in-process simulators that keep taking orders.

``ecerp-desktop --demo`` starts one simulator per demo shop on a loopback port, repoints the
shop at it and lets the sync engine pull from it, so a newcomer sees orders arrive, get
reviewed and wait for printing. The simulators' keys live in a keyring held in this
process only: a demo never writes to the user's real credential store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

import keyring
from keyring.backend import KeyringBackend

from ecerp_desktop.services import sync as sync_service
from ecerp_desktop.services.shops import KEYRING_SERVICE, SECRET_SUFFIX, SESSION_SUFFIX
from ecerp_desktop.sim.serve import credentials, make_sim, stop_all
from ecerp_desktop.sim.server import SimServer
from ecerp_desktop.store import Store
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import shops as shop_store
from ecerp_desktop.sync.engine import SyncEngine, SyncSettings
from ecerp_desktop.sync.pull import PullSettings

log = logging.getLogger(__name__)

# The simulators share this PC's clock: no skew margin is needed, and a short interval lets
# a newcomer watch orders arrive within seconds.
DEMO_SYNC = SyncSettings(pull=PullSettings(skew=timedelta(seconds=2),
                                           overlap=timedelta(seconds=30)),
                         interval=8.0)


class ProcessKeyring(KeyringBackend):
    """A keyring that forgets everything when the process ends (demo credentials only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._items.pop((service, username), None)


@dataclass(slots=True)
class DemoFeeds:
    sims: list[SimServer] = field(default_factory=list)

    def stop(self) -> None:
        stop_all(self.sims)
        self.sims.clear()


def start_demo_feeds(store: Store, orders_per_minute: float = 6.0) -> DemoFeeds:
    """Start a simulator for every demo shop and point the shop at it. Any thread but the
    GUI thread; call :meth:`DemoFeeds.stop` on the way out."""
    keyring.set_keyring(ProcessKeyring())
    with store.read() as s:
        shops = [sh for sh in shop_store.all_shops(s, active_only=True)
                 if sh.settings.get("demo")]
        skus = [k for k in cat.skus(s) if k.active and not k.is_gift]
    plain = [k.code for k in skus if not k.is_bundle]
    bundles = [k.code for k in skus if k.is_bundle]
    feeds = DemoFeeds()
    try:
        for shop in shops:
            sim = make_sim(shop.platform, seed=shop.id, sku_codes=plain,
                           bundle_codes=bundles)
            sim.start()
            feeds.sims.append(sim)
            book = getattr(sim, "book", None)
            if book is not None:
                book.start_feed(orders_per_minute)
            _list_sim_catalog(store, shop.id, sim, skus)
            creds = credentials(sim)
            ref = f"demo-shop-{shop.id}"
            keyring.set_password(KEYRING_SERVICE, ref + SECRET_SUFFIX, creds["app_secret"])
            keyring.set_password(KEYRING_SERVICE, ref + SESSION_SUFFIX, creds["session"])
            with store.write() as s:
                shop_store.update(s, shop.id, endpoint=creds["endpoint"],
                                  app_key=creds["app_key"], credential_ref=ref,
                                  backfill_days=1)
    except BaseException:
        feeds.stop()
        raise
    log.info("demo: %d shops fed by simulators", len(feeds.sims))
    return feeds


def _list_sim_catalog(store: Store, shop_id: int, sim: SimServer,
                      skus: list[cat.SkuRecord]) -> None:
    """The demo shop's listings become the simulator's items, mapped to our SKUs by
    merchant code, so stock pushes name items the simulated platform knows."""
    catalog = getattr(getattr(sim, "generator", None), "catalog", None)
    if not catalog:
        return
    ids = {k.code: k.id for k in skus}
    with store.write() as s:
        cat.replace_listings(s, shop_id, [
            cat.ListingInput(c.item_id, c.sku_id, c.code, c.title, ids.get(c.code))
            for c in catalog])


def demo_engine(store: Store) -> SyncEngine:
    """The sync engine for the demo (with the order flow after every pull)."""
    return sync_service.make_engine(store, settings=DEMO_SYNC)
