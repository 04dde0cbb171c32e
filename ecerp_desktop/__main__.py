"""``python -m ecerp_desktop`` and ``ecerp-desktop``: the desktop application."""

from __future__ import annotations

import sys


def _import_core_before_qt(argv: list[str]) -> None:
    """Import the database and service layers before PySide6 is imported.

    Once imported, PySide6 hooks every later import and reads that module's source to see
    whether it uses Qt (for its ``__feature__`` switches): for SQLAlchemy and Alembic that
    is a few hundred source files read for nothing, a noticeable share of start-up time.
    """
    if any(a in ("-h", "--help") for a in argv):
        return
    import ecerp_desktop.services.auth
    import ecerp_desktop.services.setup

    if "--demo" in argv or "--smoke" in argv:
        try:
            import ecerp_desktop.services.demo  # noqa: F401
        except ImportError:  # reported properly by the app
            pass


def main() -> int:
    _import_core_before_qt(sys.argv[1:])
    from ecerp_desktop.ui.app import run  # Qt is imported only when the GUI starts

    return run(sys.argv)


if __name__ == "__main__":
    sys.exit(main())
