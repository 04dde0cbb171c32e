"""Set-up in one command on a fresh machine with only Python 3.11+ (the README's promise).

    python3 -m ecerp_desktop.bootstrap demo    # make .venv, install, start the demo app
    python3 -m ecerp_desktop.bootstrap test    # make .venv, install, run the whole test suite

Run from the repository root. Standard library only: nothing else is installed yet.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".ecerp-installed"


def _bin(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / folder / f"{name}{suffix}"


def ensure_venv() -> Path:
    """Create .venv and install ecerp with its test extras when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file is what an old Python runs first
        sys.exit("ecerp needs Python 3.11 or newer")
    python = _bin("python")
    if not python.exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pyproject = ROOT / "pyproject.toml"
    if not STAMP.exists() or STAMP.stat().st_mtime < pyproject.stat().st_mtime:
        print("installing ecerp and its dependencies into .venv …", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"],
                       check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"],
                       check=True)
        STAMP.touch()
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "install"}:
        print(__doc__)
        return 2
    python = ensure_venv()
    what, rest = argv[0], argv[1:]
    if what == "install":
        return 0
    if what == "demo":
        cmd = [str(python), "-m", "ecerp_desktop", "--demo", *rest]
    else:
        env_has_display = os.environ.get("DISPLAY") or os.name == "nt"
        if not env_has_display:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        cmd = [str(python), "-m", "pytest", *rest]
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
