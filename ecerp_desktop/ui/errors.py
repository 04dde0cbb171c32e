"""DomainError codes turned into words in the user's language (Qt translations).

The domain raises codes with parameters; this table holds the English source text of every
code (context ``Errors`` in the .ts file) with ``{name}`` placeholders for its parameters.
The CLI has its own English catalogue in cli/messages.py.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ecerp_desktop.domain.errors import DomainError, ErrorCode

log = logging.getLogger(__name__)

TEXT: dict[ErrorCode, str] = {
    ErrorCode.WRONG_PASSWORD: QT_TRANSLATE_NOOP("Errors", "Wrong user name or password."),
    ErrorCode.USER_DISABLED: QT_TRANSLATE_NOOP("Errors", "The user {username} is disabled."),
    ErrorCode.USER_EXISTS: QT_TRANSLATE_NOOP("Errors", "The user {username} already exists."),
    ErrorCode.PASSWORD_TOO_SHORT: QT_TRANSLATE_NOOP(
        "Errors", "The password must have at least {minimum} characters."),
    ErrorCode.PERMISSION_DENIED: QT_TRANSLATE_NOOP(
        "Errors", "{user} may not do this (it needs the permission to {permission})."),
    ErrorCode.UNKNOWN_ROLE: QT_TRANSLATE_NOOP(
        "Errors", "Unknown role: choose admin, clerk, packer, warehouse or finance."),
    ErrorCode.NETWORK_SHARE_REFUSED: QT_TRANSLATE_NOOP(
        "Errors", "The database {path} is on a network share, where SQLite corrupts data. "
                  "Keep it on this PC, or let several stations share a PostgreSQL database."),
    ErrorCode.DATABASE_UNREACHABLE: QT_TRANSLATE_NOOP(
        "Errors", "Cannot reach the database {url}: {error}"),
    ErrorCode.SCHEMA_TOO_NEW: QT_TRANSLATE_NOOP(
        "Errors", "The database was written by a newer version of ecerp (schema {revision}). "
                  "Please update ecerp."),
    ErrorCode.INVALID_MONEY: QT_TRANSLATE_NOOP("Errors", "Not an amount of money: {value}"),
    ErrorCode.INVALID_TIME: QT_TRANSLATE_NOOP("Errors", "Not a time: {value}"),
    ErrorCode.LABEL_NOT_EAN13: QT_TRANSLATE_NOOP(
        "Errors", "SKU {sku} has no valid EAN-13 barcode: print its label as Code 128."),
    ErrorCode.ILLEGAL_TRANSITION: QT_TRANSLATE_NOOP(
        "Errors", "An order cannot go from {current} to {target}."),
    ErrorCode.NOT_FOUND: QT_TRANSLATE_NOOP("Errors", "Not found: {what} {key}"),
    ErrorCode.ALREADY_EXISTS: QT_TRANSLATE_NOOP("Errors", "{what} {key} already exists."),
    ErrorCode.IMPORT_BAD_FILE: QT_TRANSLATE_NOOP("Errors", "Cannot read {path}: {error}"),
    ErrorCode.IMPORT_MISSING_COLUMN: QT_TRANSLATE_NOOP(
        "Errors", "{path}: the header row lacks the column {column}."),
    ErrorCode.IMPORT_BAD_VALUE: QT_TRANSLATE_NOOP(
        "Errors", "{path}, row {row}, column {column}: {error}"),
    ErrorCode.INSUFFICIENT_STOCK: QT_TRANSLATE_NOOP(
        "Errors", "Not enough stock of {sku} in {warehouse}."),
    ErrorCode.UNKNOWN_BENCHMARK: QT_TRANSLATE_NOOP(
        "Errors", "No benchmark {name} (available: {available})."),
    ErrorCode.RULES_INVALID: QT_TRANSLATE_NOOP("Errors", "Rules: {where}: {error}"),
    ErrorCode.ORDER_NOT_INTERCEPTABLE: QT_TRANSLATE_NOOP(
        "Errors", "Order {order} cannot be intercepted: it is {status}."),
    ErrorCode.INVALID_BARCODE: QT_TRANSLATE_NOOP(
        "Errors", "Not a valid EAN-13 barcode: {value} (13 digits, the last one a check "
                  "digit)."),
    ErrorCode.BARCODE_TAKEN: QT_TRANSLATE_NOOP(
        "Errors", "The barcode {barcode} already belongs to SKU {sku}."),
    ErrorCode.INVALID_QUANTITY: QT_TRANSLATE_NOOP("Errors", "Not a valid quantity: {value}"),
    ErrorCode.IMPORT_TOO_BIG: QT_TRANSLATE_NOOP(
        "Errors", "{path} is too big to import ({what}, limit {limit})."),
    ErrorCode.BARCODE_INVALID: QT_TRANSLATE_NOOP(
        "Errors", "Cannot print {value} as {symbology}: {reason}"),
    ErrorCode.TEMPLATE_INVALID: QT_TRANSLATE_NOOP("Errors", "Label template {template}: {error}"),
    ErrorCode.PRINTER_PROFILE_INVALID: QT_TRANSLATE_NOOP(
        "Errors", "Printer profile {path}: {error}"),
    ErrorCode.PRINTER_UNREACHABLE: QT_TRANSLATE_NOOP(
        "Errors", "The printer {printer} is off or unreachable ({error}). The job stays "
                  "queued: retry when the printer is on."),
    ErrorCode.PRINT_SEND_INTERRUPTED: QT_TRANSLATE_NOOP(
        "Errors", "Sending to the printer {printer} broke off ({error}). The label may be "
                  "partly printed: check it and reprint if needed."),
    ErrorCode.PRINT_LANGUAGE_UNSUPPORTED: QT_TRANSLATE_NOOP(
        "Errors", "{what} cannot be printed in {language}."),
    ErrorCode.PRINT_ALREADY_SENT: QT_TRANSLATE_NOOP(
        "Errors", "Print job {job} was already sent to the printer. Ask for a reprint (with "
                  "a reason) to print it again."),
    ErrorCode.PRINT_REASON_REQUIRED: QT_TRANSLATE_NOOP("Errors", "A reprint needs a reason."),
    ErrorCode.CREDENTIAL_STORE: QT_TRANSLATE_NOOP(
        "Errors", "The system's credential store is not available ({error})."),
    ErrorCode.SYNC_FAILED: QT_TRANSLATE_NOOP("Errors", "Sync of shop {shop} failed: {error}"),
    ErrorCode.REQUIRED: QT_TRANSLATE_NOOP("Errors", "{what} is required."),
    ErrorCode.TRANSFER_ILLEGAL_TRANSITION: QT_TRANSLATE_NOOP(
        "Errors", "Transfer {number} is {status}: it cannot be {action}."),
    ErrorCode.TRANSFER_OVER_RECEIPT: QT_TRANSLATE_NOOP(
        "Errors", "Transfer {number}: {qty} of {sku} received but only {limit} is still in "
                  "transit."),
    ErrorCode.RETURN_OVER_SHIPPED: QT_TRANSLATE_NOOP(
        "Errors", "{sku}: {qty} returned but only {limit} can come back (shipped minus "
                  "already returned)."),
    ErrorCode.PO_ILLEGAL_TRANSITION: QT_TRANSLATE_NOOP(
        "Errors", "Purchase order {number} is {status}: it cannot be {action}."),
    ErrorCode.RECEIPT_ALREADY_POSTED: QT_TRANSLATE_NOOP(
        "Errors", "Receiving session {number} is already {status}."),
    ErrorCode.RECEIPT_CONFLICT: QT_TRANSLATE_NOOP(
        "Errors", "Another station received {sku} of {number} meanwhile: check the session "
                  "and post again."),
    ErrorCode.TEXT_TOO_LONG: QT_TRANSLATE_NOOP(
        "Errors", "{what} is longer than {limit} characters."),
    ErrorCode.SPLIT_INVALID: QT_TRANSLATE_NOOP(
        "Errors", "Order {order} cannot be split this way: {error}"),
    ErrorCode.SORT_KEY_NOT_ALLOWED: QT_TRANSLATE_NOOP(
        "Errors", "Cannot sort by {key} (allowed: {allowed})."),
    ErrorCode.WAYBILL_RANGE_EXHAUSTED: QT_TRANSLATE_NOOP(
        "Errors", "Courier {courier} has no waybill numbers left. Add a new block of numbers "
                  "for {courier}."),
    ErrorCode.WAYBILL_SERVICE_FAILED: QT_TRANSLATE_NOOP(
        "Errors", "The waybill service of courier {courier} failed: {error}"),
    ErrorCode.COUNT_NOT_OPEN: QT_TRANSLATE_NOOP(
        "Errors", "Count {number} is {status}: it can no longer be changed."),
    ErrorCode.COUNT_BELOW_RESERVED: QT_TRANSLATE_NOOP(
        "Errors", "Posting would leave {count} SKU(s) below the quantity reserved for orders: "
                  "{skus}. Recount them, or release or ship their orders first."),
    ErrorCode.SKU_INACTIVE: QT_TRANSLATE_NOOP(
        "Errors", "SKU {sku} is inactive: orders cannot be mapped to it."),
}


def describe(error: BaseException) -> str:
    """The user's sentence for *error*: a DomainError translated, anything else as a bug."""
    if not isinstance(error, DomainError):
        return QCoreApplication.translate(
            "Errors", "Unexpected error: {error}").format(error=f"{type(error).__name__}: {error}")
    source = TEXT.get(error.code)
    if source is None:  # a code added after this table: still say something useful
        log.warning("no UI text for error code %s", error.code.value)
        return str(error)
    text = QCoreApplication.translate("Errors", source)
    params = dict(error.params)
    if error.code is ErrorCode.PERMISSION_DENIED and "permission" in params:
        from ecerp_desktop.ui.labels import permission_title

        params["permission"] = permission_title(params["permission"])
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return f"{text} {error.params}"
