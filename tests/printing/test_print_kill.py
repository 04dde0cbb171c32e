"""A worker killed with SIGKILL in the middle of sending: the job is never sent again by
itself. The printer is a pty that stops reading (a serial printer out of paper), so the
worker blocks inside the write with the job claimed, and is killed there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tty

from ecerp_desktop.domain.auth import Role, actor_for
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.printing.profiles import get_profile
from ecerp_desktop.services import printing
from printing_support import make_order

WORKER = """
import sys
from ecerp_desktop.services import printing
from ecerp_desktop.store import Store
store = Store(sys.argv[1])
printing.run_jobs(store, [int(i) for i in sys.argv[2].split(",")])
"""


def test_sigkill_while_sending_leaves_a_maybe_printed_job(sqlite_store) -> None:
    make_order(sqlite_store, parcels=12)  # ~30 kB of ZPL: more than a pty buffers (~14 kB)
    master, slave = os.openpty()
    tty.setraw(master)
    try:
        printer = printing.Printer("serial", get_profile("zebra-zd421"),
                                   f"serial:{os.ttyname(slave)}?baud=9600")
        packer = actor_for(None, "p", Role.PACKER)
        batch = printing.enqueue_waybills(sqlite_store, packer, printer, order_refs=["1"])
        ids = batch.job_ids
        job = ids[0]
        proc = subprocess.Popen([sys.executable, "-c", WORKER, sqlite_store.url,
                                 ",".join(map(str, ids))])
        try:
            deadline = time.monotonic() + 30
            while printing.jobs(sqlite_store, [job])[0].state != "sending":
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.05)
            got = os.read(master, 64)  # the printer received the start of the job …
            assert got.startswith(b"^XA")
            time.sleep(0.2)
            proc.send_signal(signal.SIGKILL)  # … and the station lost power
        finally:
            proc.wait(10)
        assert {j.state for j in printing.jobs(sqlite_store, ids)} == {"sending"}
        assert printing.recover(sqlite_store) == ids
        assert all(j.state == "failed" and j.maybe_printed
                   for j in printing.jobs(sqlite_store, ids))
        assert printing.run_queue(sqlite_store).sent == []
        try:
            printing.retry(sqlite_store, packer, job)
        except DomainError as e:
            assert e.code is ErrorCode.PRINT_ALREADY_SENT
        else:
            raise AssertionError("a maybe-printed job was retried")
    finally:
        os.close(master)
        os.close(slave)
