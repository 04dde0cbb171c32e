"""Benchmark: process start to the main window shown, demo database with 2,000 orders.

Seeds a demo database once in a temporary data folder (not timed), then starts
``python -m ecerp_desktop --demo --exit-when-shown`` offscreen N times and measures the wall
time from spawning the process to the ``MAIN_WINDOW_SHOWN`` line on its stdout.

    ecerp bench startup [--runs N] [--timeout S]

prints ``BENCH demo_seed_ms <v>``, ``BENCH startup_ms <median>`` and
``BENCH startup_max_ms <v>``. Goal (issue 2): startup_ms < 1,500 on the reference machine.
"""

from __future__ import annotations

import argparse
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time

MARKER = b"MAIN_WINDOW_SHOWN"


def _env(data_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"ECERP_DATA_DIR": data_dir, "QT_QPA_PLATFORM": "offscreen",
                "PYTHONDONTWRITEBYTECODE": "1"})
    env.pop("ECERP_DATABASE_URL", None)
    return env


def seed(data_dir: str) -> float:
    """Seed the demo database the app will open; returns milliseconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ecerp_desktop.cli.main", "demo", "seed"],
                   env=_env(data_dir), check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def one_start(data_dir: str, timeout: float) -> float:
    """Milliseconds from spawn to the marker line; raises if it never comes."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ecerp_desktop", "--demo",
                             "--exit-when-shown"], env=_env(data_dir),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buf = b""
    try:
        while time.perf_counter() - started < timeout:
            if not sel.select(timeout=0.05):
                if proc.poll() is not None:
                    break
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            if MARKER in buf:
                took = (time.perf_counter() - started) * 1000
                proc.wait(timeout=timeout)
                return took
        err = proc.stderr.read().decode(errors="replace")[-500:] if proc.poll() is not None \
            else ""
        raise RuntimeError(f"the main window was not shown (exit {proc.poll()}): {err}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        sel.close()


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="ecerp bench startup")
    ap.add_argument("--runs", type=int, default=5, help="starts to time (default 5)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per start")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ecerp-bench-") as tmp:
        try:
            seed_ms = seed(tmp)
            print(f"BENCH demo_seed_ms {seed_ms:.0f}", flush=True)
            one_start(tmp, args.timeout)  # warm the OS file cache; not counted
            times = [one_start(tmp, args.timeout) for _ in range(max(args.runs, 1))]
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"ecerp bench startup: error: {exc}", file=sys.stderr)
            return 1
    print(f"BENCH startup_ms {statistics.median(times):.0f}")
    print(f"BENCH startup_max_ms {max(times):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
