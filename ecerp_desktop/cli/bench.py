"""``ecerp bench NAME [args…]`` and ``ecerp bench --list``: run a benchmark from bench/.

Each benchmark is a module ``bench/<name>.py`` in the repository (``-`` in NAME becomes
``_``) with ``run(argv) -> int``; it prints each figure as a line ``BENCH <name> <value>``
and takes a size option for quick runs. Modules are imported by file path, so bench/ needs
no package of its own and is never installed with the application; what several of them
share (peak memory, waiting for a screen, seeding in a child process, printing the figures)
is here, under "Utilities for the benchmarks", for them to import.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import ecerp_desktop
from ecerp_desktop.domain.errors import DomainError, ErrorCode


def bench_dir() -> Path:
    return Path(ecerp_desktop.__file__).resolve().parent.parent / "bench"


def available() -> list[str]:
    folder = bench_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem.replace("_", "-") for p in folder.glob("*.py")
                  if not p.name.startswith("_"))


def load(name: str) -> ModuleType:
    """The benchmark module *name*, or DomainError(UNKNOWN_BENCHMARK)."""
    stem = name.replace("-", "_")
    path = bench_dir() / f"{stem}.py"
    known = available()
    if not stem.isidentifier() or stem.startswith("_") or not path.is_file():
        raise DomainError(ErrorCode.UNKNOWN_BENCHMARK, name=name,
                          available=", ".join(known) or "none")
    spec = importlib.util.spec_from_file_location(f"ecerp_bench_{stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise DomainError(ErrorCode.UNKNOWN_BENCHMARK, name=name,
                          available=", ".join(known) or "none")
    return module


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="run a benchmark from bench/ (prints BENCH lines)",
                       description="Run bench/NAME.py; arguments after NAME go to it "
                                   "(e.g. ecerp bench startup --runs 3).")
    p.add_argument("--list", action="store_true", help="list the benchmarks")
    p.add_argument("name", nargs="?", help="benchmark name, e.g. startup")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the benchmark")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.list or not args.name:
        for name in available():
            print(name)
        return 0
    module = load(args.name)
    return int(module.run(list(args.args)) or 0)


# --- Utilities for the benchmarks ----------------------------------------------------------

def peak_rss_mb() -> float:
    """This process's peak resident memory in MiB (``ru_maxrss`` is in KiB on Linux)."""
    import resource  # Unix only: imported when a benchmark asks, never by the CLI itself

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def wait_until(cond: Callable[[], object], tick: Callable[[], object],
               timeout: float = 60.0) -> None:
    """Call *tick* (e.g. ``app.processEvents``) until *cond()* holds; RuntimeError after
    *timeout* seconds."""
    end = time.perf_counter() + timeout
    while not cond():
        tick()
        if time.perf_counter() > end:
            raise RuntimeError("timed out")
        time.sleep(0.0005)


def seed_in_child(script: str, args: list[str]) -> float | None:
    """Run ``python script --seed-only *args`` (seeding in its own process keeps its memory
    out of the measured one): the last line it printed as a number (its seconds), or None
    when it failed (its error output printed)."""
    proc = subprocess.run([sys.executable, script, "--seed-only", *args],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
        return None
    return float(proc.stdout.strip().splitlines()[-1])


def print_figures(figures: Mapping[str, float]) -> None:
    """Each figure as ``BENCH name value`` (whole numbers from 10 up, else 2 decimals)."""
    for name, value in figures.items():
        print(f"BENCH {name} {value:.0f}" if value >= 10 else f"BENCH {name} {value:.2f}")


def pg_admin_url() -> str:
    """The PostgreSQL server benchmarks use (``--pg-url``'s default): ECERP_TEST_PG_URL,
    else a local server's ``postgres`` database."""
    return os.environ.get("ECERP_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


class PostgresUnavailable(Exception):
    """The PostgreSQL server could not be reached (the benchmark skips its PostgreSQL part)."""


@contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str]:
    """A new, empty database on *admin_url*'s server for one benchmark: yields its URL and
    drops it afterwards (connections still open are closed). Raises PostgresUnavailable
    when the server cannot be reached or psycopg is missing."""
    try:
        import psycopg

        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except Exception as exc:  # any failure to connect: the caller reports and skips
        raise PostgresUnavailable(str(exc)) from exc
    name = f"ecerp_bench_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
