"""Job errors are shown in the user's language; stored text is read, never evaluated."""

from __future__ import annotations

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.printing.transports import PrinterUnreachable
from ecerp_desktop.services.printing import INTERRUPTED
from ecerp_desktop.ui.print_jobs_model import error_text


def test_stored_coded_errors_come_back_translated(qapp) -> None:  # type: ignore[no-untyped-def]
    off = str(PrinterUnreachable("tcp://10.0.0.9:9100", "connection refused"))
    assert error_text(off).startswith("打印机 tcp://10.0.0.9:9100 未开机或无法连接")
    bad = str(DomainError(ErrorCode.NOT_FOUND, what="parcel", key="42"))
    assert error_text(bad) == "未找到：parcel 42"
    assert "标签可能已打印" in error_text(INTERRUPTED)


def test_hostile_stored_errors_are_shown_as_they_are(qapp) -> None:  # type: ignore[no-untyped-def]
    for text in ("print.printer_unreachable (printer=__import__('os').system('echo x'))",
                 "common.not_found (what='a', key=1+1)", "no.such_code (a='b')",
                 "<b>bold</b> ^XA^FDPWNED^FS", ""):
        assert error_text(text) == text
