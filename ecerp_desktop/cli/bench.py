"""``ecerp bench NAME [args…]`` and ``ecerp bench --list``: run a benchmark from bench/.

Each benchmark is a module ``bench/<name>.py`` in the repository (``-`` in NAME becomes
``_``) with ``run(argv) -> int``; it prints each figure as a line ``BENCH <name> <value>``
and takes a size option for quick runs. Modules are imported by file path, so bench/ needs
no package of its own and is never installed with the application.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
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
