"""Waybill idempotency under SIGKILL (RELIABILITY: "kill between 'courier returned a
waybill number' and 'saved'"): ``ecerp waybills assign`` runs in a subprocess against the
Cainiao simulator, which holds its answer back after issuing; the process is killed with
SIGKILL right then, several times. On each restart the numbers already issued are looked
up by their request keys and reused: the simulator never issues two numbers for a parcel.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from ecerp_desktop.sim.cainiao import CainiaoSim
from ecerp_desktop.store import waybills as ws

from .conftest import WbWorld


def _assign(url: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "ecerp_desktop.cli.main", "--db", url,
                             "waybills", "assign", "--all-approved", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ))


def test_sigkill_between_issued_and_saved_never_yields_two_numbers(
        wb: WbWorld, sim: CainiaoSim) -> None:
    wb.courier_cainiao("ZTO", sim)
    orders = wb.orders(25)  # three batches of at most 10
    parcels = [p for o in orders for p in wb.parcels(o)]
    assert len(parcels) == 25
    sim.after_issue_delay = 30.0  # the answer never arrives before the kill
    kills = 0
    for _ in range(3):
        sim.issued_event.clear()
        proc = _assign(wb.store.url)
        issued = sim.issued_event.wait(60)
        proc.send_signal(signal.SIGKILL)  # the station loses power
        _, err = proc.communicate(timeout=10)
        assert issued, err
        kills += 1
        assert proc.returncode == -signal.SIGKILL
    # each run got one batch further: 10, 20, then the last 5 issued and never saved
    assert len(sim.issued) == 25
    with wb.store.read() as s:
        assert len(ws.waybills_of_parcels(s, parcels)) == 20
        assert len(ws.in_flight(s)) == 5
    sim.after_issue_delay = 0.0
    proc = _assign(wb.store.url)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert kills == 3
    # never two numbers for one parcel, and the saved number is the one issued
    with wb.store.read() as s:
        saved = ws.waybills_of_parcels(s, parcels)
        assert ws.in_flight(s) == []
    assert sorted(saved) == sorted(parcels)
    for pid in parcels:
        numbers = sim.numbers_for(f"parcel:{pid}:1")
        assert numbers == [saved[pid].number], (pid, numbers)
    assert len(sim.issued) == 25 and sim.cancelled == []
    assert sim.lookup_calls >= 10  # the unsaved ones were looked up, not asked for again
    assert "recovered after an interruption" in out
    assert all(wb.status(o) == "waybilled" for o in orders)
