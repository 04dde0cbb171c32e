"""The composition root of the desktop app: arguments → Qt → database → log-in → main window.

Only this module knows which concrete store and services the windows get. It keeps start-up
lean (the benchmark ``ecerp bench startup`` measures it): pages are built on first visit and
heavy modules are imported when needed.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMessageBox,
    QProgressDialog,
    QTabWidget,
)

from ecerp_desktop.domain.auth import Actor
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.paths import data_dir
from ecerp_desktop.ui import appconfig, i18n
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.fonts import missing_scripts, register_bundled_font
from ecerp_desktop.ui.ops import ProgressRelay, lane, run_and_wait, run_op, wait_all
from ecerp_desktop.ui.scanner_filter import ScannerFilter, installed_filter

log = logging.getLogger("ecerp_desktop.ui")

SHOWN_MARKER = "MAIN_WINDOW_SHOWN"
# A Qt warning that means a file, resource or font is missing fails --smoke.
_MISSING = re.compile(r"cannot (open|find|load|read)|could ?n[o']t (open|find|load|read)|"
                      r"unable to (open|find|load|read)|failed to (open|find|load|read)|"
                      r"no such file|not found|does not exist|missing|font", re.IGNORECASE)

# Said by the offscreen platform for every top-level window; nothing is wrong.
_NOISE = frozenset({"This plugin does not support propagateSizeHints()"})


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="ecerp-desktop",
                                     description="ecerp, the desktop e-commerce ERP (电商ERP)")
    parser.add_argument("--demo", action="store_true",
                        help="use the separate demo database (seeded on first use)")
    parser.add_argument("--smoke", action="store_true",
                        help="demo mode: log in as the demo admin, open every area, exit")
    parser.add_argument("--db", metavar="URL", help="database URL (beats ECERP_DATABASE_URL)")
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help="language of this run")
    parser.add_argument("--exit-when-shown", action="store_true",
                        help=f"print {SHOWN_MARKER} when the main window is shown, then exit "
                             "(with --demo the demo admin logs in automatically)")
    parser.add_argument("--area", metavar="KEY", help="open this area first (e.g. settings)")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="save a picture of the main window, then exit (for the docs)")
    return parser.parse_known_args(argv)


@dataclass
class QtWarnings:
    """Qt's own warnings of this run; the ones about missing files fail --smoke."""

    all: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def handler(self, mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if mode in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) or message in _NOISE:
            return
        self.all.append(message)
        if _MISSING.search(message):
            self.missing.append(message)
        print(f"Qt: {message}", file=sys.stderr, flush=True)


def _preload_main_window() -> None:
    """Import the main window and its first page while the database work (Argon2 mostly,
    which releases the GIL) runs in the background."""
    import ecerp_desktop.ui.main_window  # noqa: F401
    from ecerp_desktop.ui.areas import AREAS

    try:
        next(iter(AREAS.values())).resolve_factory()
    except Exception:  # the main window reports a broken page when it builds it
        pass


def _preload_dialogs() -> None:
    """Import the log-in dialogs and the main window while the database opens."""
    import ecerp_desktop.ui.login_dialog  # noqa: F401

    _preload_main_window()


def _unreachable_as_domain_error(open_store: Callable[[str | None], Any],
                                 url: str | None) -> Any:
    """The driver's own exceptions (server down, bad URL) become DATABASE_UNREACHABLE."""
    try:
        return open_store(url)
    except DomainError:
        raise
    except Exception as exc:
        from ecerp_desktop.store import resolve_url

        log.debug("cannot open the database", exc_info=True)
        bare, password = appconfig.split_password(resolve_url(url))
        text = str(exc).strip()
        if password:  # a driver may echo its connection string
            text = text.replace(password, "***")
        raise DomainError(ErrorCode.DATABASE_UNREACHABLE, url=bare,
                          error=text.splitlines()[0] if text else type(exc).__name__) from exc


def demo_url() -> str:
    return "sqlite:///" + str(data_dir() / "demo.sqlite3")


def database_url(args: argparse.Namespace) -> str | None:
    """--db, else ECERP_DATABASE_URL, else config.json, else None (the default SQLite file)."""
    return args.db or os.environ.get("ECERP_DATABASE_URL") or appconfig.saved_database_url()


class App:
    """One run of the desktop application."""

    def __init__(self, args: argparse.Namespace, qt_args: list[str]) -> None:
        self.args = args
        self.demo = bool(args.demo or args.smoke)
        # Nobody watches a smoke run, a benchmark or a screenshot: no modal dialogs then.
        self.headless = bool(args.smoke or args.exit_when_shown or args.screenshot)
        self.unattended = self.headless and self.demo
        self.warnings = QtWarnings()
        self.exit_code = 0
        qInstallMessageHandler(self.warnings.handler)
        existing = QApplication.instance()
        self.qapp: QApplication = existing if isinstance(existing, QApplication) else \
            QApplication(qt_args)
        self.qapp.setApplicationName("ecerp")
        self.qapp.setOrganizationName("ecerp")
        if register_bundled_font(self.qapp) is None:
            self.warnings.missing.append("bundled CJK font missing")
        for script in missing_scripts(self.qapp.font()):
            self.warnings.missing.append(
                f"no font can draw {script} text (it would show as boxes): install a font "
                "or add one to resources/fonts")
            log.error(self.warnings.missing[-1])
        config = appconfig.load()
        language = args.lang or config.language or i18n.DEFAULT_LANGUAGE
        if not i18n.install(language):
            self.warnings.missing.append(f"translation {language} missing")
        self.store: Any = None
        self.window: Any = None
        self.engine: Any = None  # the sync engine, once started
        self._stoppers: list[Callable[[], object]] = []

    # -- messages ---------------------------------------------------------------------
    def fatal(self, text: str) -> int:
        """Tell the user why ecerp cannot go on; no modal box when nobody is watching."""
        print(text, file=sys.stderr, flush=True)
        if not self.headless:
            QMessageBox.critical(None, QCoreApplication.translate("App", "ecerp"), text)
        return 1

    # -- steps ------------------------------------------------------------------------
    def open_store(self) -> tuple[Any, Actor | None]:
        """Open (and upgrade) the database off the GUI thread; in demo mode seed it.

        An unattended demo run logs the demo admin in within the same background step.
        Returns the store and that actor (None when a person logs in).
        """
        from ecerp_desktop.services.setup import open_store

        if not self.demo:
            url = database_url(self.args)
            return run_and_wait(lambda: _unreachable_as_domain_error(open_store, url),
                                meanwhile=_preload_dialogs), None
        try:
            from ecerp_desktop.services import demo
        except ImportError as exc:
            raise RuntimeError(QCoreApplication.translate(
                "App", "Demo mode is not available in this build.")) from exc
        from ecerp_desktop.services import auth

        url = demo_url()
        unattended = self.unattended
        progress = ProgressRelay()
        dialog = QProgressDialog(QCoreApplication.translate(
            "App", "Preparing the demo database…"), "", 0, 0)
        dialog.setCancelButton(None)
        dialog.setMinimumDuration(600)
        dialog.setWindowTitle(QCoreApplication.translate("App", "ecerp"))

        def show_progress(done: int, total: int) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)

        progress.changed.connect(show_progress)

        def work() -> tuple[Any, Actor | None]:
            store = _unreachable_as_domain_error(open_store, url)
            demo.ensure_demo(store, progress=progress.report)
            if not unattended:
                return store, None
            name, password, _role = demo.DEMO_USERS[0]
            return store, auth.login(store, name, password)

        try:
            return run_and_wait(work, meanwhile=_preload_main_window if unattended
                                else _preload_dialogs)
        finally:
            dialog.reset()
            dialog.deleteLater()

    def log_in(self) -> Actor | None:
        from ecerp_desktop.services import auth
        from ecerp_desktop.ui.login_dialog import FirstAdminDialog, LoginDialog

        demo_users: list[tuple[str, str, str]] | None = None
        if self.demo:
            from ecerp_desktop.services.demo import DEMO_USERS

            demo_users = list(DEMO_USERS)
        if not run_and_wait(lambda: auth.has_users(self.store)):
            if self.headless:
                raise RuntimeError(QCoreApplication.translate(
                    "App", "No user exists yet: start ecerp normally to create the "
                           "administrator."))
            first = FirstAdminDialog(self.store)
            if first.exec() != QDialog.DialogCode.Accepted:
                return None
            return first.actor
        if self.headless:
            raise RuntimeError(QCoreApplication.translate(
                "App", "Only demo mode logs in by itself: add --demo to --smoke, "
                       "--exit-when-shown or --screenshot."))
        dialog = LoginDialog(self.store, demo_users=demo_users)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.actor

    def show_main_window(self, actor: Actor) -> None:
        from ecerp_desktop.ui.main_window import MainWindow

        self.window = MainWindow(self.store, actor, demo=self.demo,
                                 sync_engine=lambda: self.engine)
        if self.args.area in self.window.visible_keys():
            self.window.open_area(self.args.area)
        if self.args.screenshot:
            self.window.first_shown.connect(self._screenshot_then_quit)
        elif self.args.exit_when_shown:
            self.window.first_shown.connect(self._shown_then_quit)
        elif self.args.smoke:
            self.window.first_shown.connect(self.smoke)
        self.window.show()

    def install_scanner_filter(self) -> None:
        """One application-wide wedge-scanner filter, so a scan reaches the page that wants
        it whichever widget has focus; this station's scanner profile is read off the GUI
        thread and applied when it arrives. Headless runs leave it off: nobody scans there,
        and held-back keys would delay typed test input."""
        if self.headless or installed_filter() is not None:
            return
        scanner = ScannerFilter(parent=self.qapp).install(self.qapp)
        self._stoppers.append(scanner.uninstall)
        store = self.store

        def profile() -> Any:
            from ecerp_desktop.devices.profiles import load_profiles
            from ecerp_desktop.services.devices import default_station_name, load_station_devices
            choice = load_station_devices(store, default_station_name())
            found = load_profiles().scanners.get(choice.scanner_profile)
            return found.wedge if found is not None else None

        def apply(settings: Any) -> None:
            if settings is not None:
                scanner.set_settings(settings)

        run_op(profile, owner=scanner, on_success=apply,
               on_failure=lambda e: log.warning("scanner profile not applied: %s", e))

    def start_background(self) -> None:
        """Sync (fed by the simulators in the demo) and the print queue, off the GUI thread.
        Runs nobody watches (smoke, benchmarks, screenshots) leave them off."""
        if self.headless:
            return
        from ecerp_desktop.ui import system_print

        system_print.install()
        store, demo = self.store, self.demo

        def work() -> tuple[Any, list[Callable[[], object]]]:
            from ecerp_desktop.services import printing

            stoppers: list[Callable[[], object]] = []
            if demo:
                from ecerp_desktop.services import demo_live

                feeds = demo_live.start_demo_feeds(store)
                stoppers.append(feeds.stop)
                engine = demo_live.demo_engine(store)
            else:
                from ecerp_desktop.services import sync as sync_service

                engine = sync_service.make_engine(store)
            engine.start()
            stoppers.insert(0, engine.stop)
            printing.recover(store)
            worker = printing.QueueWorker(store).start()
            stoppers.insert(0, worker.stop)
            return engine, stoppers

        def started(result: tuple[Any, list[Callable[[], object]]]) -> None:
            self.engine, self._stoppers = result

        def failed(error: BaseException) -> None:
            log.error("background services did not start: %s", error, exc_info=error)

        run_op(work, pool=lane("background"), on_success=started, on_failure=failed)

    def _shown_then_quit(self) -> None:
        print(SHOWN_MARKER, flush=True)
        self.qapp.exit(0)  # not quit(): that closes windows and posts a late Quit event

    def _screenshot_then_quit(self) -> None:
        wait_all(5000)  # let the pages' background loads finish and paint their rows
        for _ in range(3):
            QCoreApplication.processEvents()
        if not self.window.grab().save(self.args.screenshot):
            self.exit_code = 1
        self.qapp.exit(0)  # not quit(): that closes windows and posts a late Quit event

    def smoke(self) -> None:
        """Open every area once, let each page really paint, then quit (1 on trouble)."""
        window = self.window
        for key in window.visible_keys():
            page = window.open_area(key)
            for _ in range(3):
                QCoreApplication.processEvents()
            page.grab()  # forces a full paint of the page
            if isinstance(page, QTabWidget):  # every tab is part of the area
                for index in range(page.count()):
                    page.setCurrentIndex(index)
                    QCoreApplication.processEvents()
                    page.currentWidget().grab()
                for tab, error in getattr(page, "tab_errors", {}).items():
                    window.page_errors[f"{key}/{tab}"] = error
                page.setCurrentIndex(0)
            state = "failed" if any(k.split("/")[0] == key for k in window.page_errors) \
                else "ok"
            print(f"SMOKE area {key} {state}", flush=True)
        QCoreApplication.processEvents()
        failed = bool(window.page_errors or self.warnings.missing)
        for key, error in window.page_errors.items():
            print(f"SMOKE area {key} failed: {error}", file=sys.stderr, flush=True)
        for message in self.warnings.missing:
            print(f"SMOKE Qt warning: {message}", file=sys.stderr, flush=True)
        self.exit_code = 1 if failed else 0
        self.qapp.exit(0)  # not quit(): that closes windows and posts a late Quit event

    def run(self) -> int:
        if self.warnings.missing and self.args.smoke:
            return self.fatal("; ".join(self.warnings.missing))
        try:
            self.store, actor = self.open_store()
            if actor is None:
                actor = self.log_in()
        except DomainError as exc:
            return self.fatal(describe(exc))
        except RuntimeError as exc:
            return self.fatal(str(exc))
        except Exception as exc:  # a bug: keep the traceback for the report, tell the user
            log.error("start-up failed", exc_info=True)
            return self.fatal(describe(exc))
        if actor is None:  # the user cancelled the log-in
            return 0
        self.install_scanner_filter()
        self.show_main_window(actor)
        self.start_background()
        code = self.qapp.exec()
        return code or self.exit_code

    def close(self) -> None:
        wait_all()
        for stop in self._stoppers:  # print worker, sync engine, then the demo simulators
            try:
                stop()
            except Exception:  # closing: report, and go on closing the rest
                log.exception("stopping a background service failed")
        if self.window is not None:
            # hide, not close: closing the last window posts a Quit event that would end
            # the next event loop of this process before it starts (tests run several apps)
            self.window.hide()
            self.window.deleteLater()
        if self.store is not None:
            self.store.dispose()


def run(argv: list[str]) -> int:
    """Run the desktop app; *argv* as in sys.argv. Returns the process exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args, qt_args = parse_args(argv[1:])
    app = App(args, [argv[0] if argv else "ecerp-desktop", *qt_args])
    try:
        return app.run()
    finally:
        app.close()
