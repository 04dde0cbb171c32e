"""``ecerp couriers add|list`` and ``ecerp waybills assign|show|cancel-stopped`` through the
real command line entry point."""

from __future__ import annotations

import keyring
import pytest
from ecerp_desktop.cli.main import main
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import pipeline
from ecerp_desktop.sim.cainiao import CainiaoSim
from ecerp_desktop.store import catalog as cat
from ecerp_desktop.store import waybills as ws
from sqlalchemy import text

from .conftest import D, WbWorld


def _run(wb: WbWorld, *argv: str) -> int:
    return main(["--db", wb.store.url, *argv])


def test_range_courier_from_the_command_line(swb: WbWorld,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    wb = swb
    assert _run(wb, "couriers", "add", "--code", "yto", "--name", "圆通",
                "--range", "YT100-YT102") == 0
    assert "courier YTO" in capsys.readouterr().out
    # one courier, no rules, no rate given: every approved parcel gets it
    orders = wb.orders(4)
    assert all(wb.status(o) == "approved" for o in orders)
    assert _run(wb, "waybills", "assign", "--order", str(orders[0]), "--quiet") == 0
    out = capsys.readouterr().out
    assert "YT100" in out and "orders now waybilled 1" in out
    # two numbers left for three parcels: the rest fails with a clear message, exit 1
    assert _run(wb, "waybills", "assign", "--all-approved", "--quiet") == 1
    out = capsys.readouterr().out
    assert "YT101" in out and "YT102" in out and "failed (range exhausted)" in out
    assert _run(wb, "waybills", "assign", "--all-approved", "--quiet") == 2
    err = capsys.readouterr().err
    assert "courier YTO has no waybill numbers left" in err
    assert _run(wb, "couriers", "list") == 0
    assert "0 numbers left in 1 block(s)" in capsys.readouterr().out
    assert _run(wb, "waybills", "show", "--order", str(orders[0])) == 0
    assert "YT100 issued" in capsys.readouterr().out
    assert _run(wb, "couriers", "add", "--code", "YTO", "--name", "圆通",
                "--range", "7") == 2
    assert "FIRST-LAST" in capsys.readouterr().err
    assert _run(wb, "couriers", "add", "--code", "YTO", "--name", "圆通",
                "--range", "YT200-YT300", "--rate", "abc") == 2
    assert "--rate needs" in capsys.readouterr().err


def test_cainiao_courier_keeps_secrets_in_the_keyring(swb: WbWorld, sim: CainiaoSim,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    wb = swb
    assert _run(wb, "couriers", "add", "--code", "ZTO", "--name", "中通", "--cainiao",
                "--endpoint", sim.endpoint, "--app-key", sim.app_key,
                "--app-secret", sim.app_secret, "--session", sim.session,
                "--sign-method", "hmac-sha256", "--rate", "6.5,2") == 0
    with wb.store.read() as s:
        c = ws.courier_by_code(s, "ZTO")
        assert c is not None
        [rate] = cat.rates(s, c.id)
        assert (rate.province, rate.first_price, rate.step_price) == ("*", D("6.50"), D("2"))
    with wb.store.read() as s:
        dump = " ".join(str(r) for r in s.execute(text("SELECT * FROM couriers")))
        ref = ws.courier_by_code(s, "ZTO").settings["credential_ref"]  # type: ignore[union-attr]
    assert sim.app_secret not in dump and sim.session not in dump
    assert keyring.get_password("ecerp", ref + ":app_secret") == sim.app_secret
    orders = wb.orders(3)
    capsys.readouterr()
    assert _run(wb, "waybills", "assign", "--all-approved") == 0
    out = capsys.readouterr().out
    assert "assigned 3" in out and len(sim.issued) == 3
    assert all(wb.status(o) == "waybilled" for o in orders)
    pipeline.intercept(wb.store, orders[0], "refund", actor=SYSTEM)
    # the intercept queued its own cancel: the sweep finds nothing more
    assert _run(wb, "waybills", "cancel-stopped") == 0
    assert "waybill cancels queued: 0" in capsys.readouterr().out
    # missing credentials are refused before anything is stored
    assert _run(wb, "couriers", "add", "--code", "SF", "--name", "顺丰", "--cainiao",
                "--endpoint", sim.endpoint) == 2
    assert "app key is required" in capsys.readouterr().err
