"""``python -m ecerp_desktop`` and ``ecerp-desktop``: the desktop application."""

from __future__ import annotations

import sys


def main() -> int:
    from ecerp_desktop.ui.app import run  # Qt is imported only when the GUI starts

    return run(sys.argv)


if __name__ == "__main__":
    sys.exit(main())
