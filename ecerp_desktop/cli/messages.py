"""English words for the domain's error codes, for the command line.

The GUI translates the same codes through Qt (ui/errors.py) into Chinese or English.
"""

from __future__ import annotations

from ecerp_desktop.domain.errors import DomainError, ErrorCode

TEXT: dict[ErrorCode, str] = {
    ErrorCode.WRONG_PASSWORD: "wrong user name or password",
    ErrorCode.USER_DISABLED: "user {username} is disabled",
    ErrorCode.USER_EXISTS: "user {username} already exists",
    ErrorCode.PASSWORD_TOO_SHORT: "the password must have at least {minimum} characters",
    ErrorCode.PERMISSION_DENIED: "{user} may not do this (needs permission {permission})",
    ErrorCode.UNKNOWN_ROLE: "unknown role (use admin, clerk, packer, warehouse or finance)",
    ErrorCode.NETWORK_SHARE_REFUSED: (
        "the database {path} is on a network share, where SQLite corrupts data; "
        "keep it on this PC or use PostgreSQL (ECERP_DATABASE_URL=postgresql://...)"),
    ErrorCode.DATABASE_UNREACHABLE: "cannot reach the database {url}: {error}",
    ErrorCode.SCHEMA_TOO_NEW: (
        "the database was written by a newer ecerp (schema {revision}); update ecerp"),
    ErrorCode.INVALID_MONEY: "not an amount of money: {value}",
    ErrorCode.INVALID_TIME: "not a time: {value}",
    ErrorCode.LABEL_NOT_EAN13: (
        "SKU {sku} has no valid EAN-13 barcode: print its label as Code 128"),
    ErrorCode.ILLEGAL_TRANSITION: "an order cannot go from {current} to {target}",
    ErrorCode.NOT_FOUND: "no {what} {key}",
    ErrorCode.ALREADY_EXISTS: "{what} {key} already exists",
    ErrorCode.IMPORT_BAD_FILE: "cannot read {path}: {error}",
    ErrorCode.IMPORT_MISSING_COLUMN: "{path}: the header row lacks the column {column}",
    ErrorCode.IMPORT_BAD_VALUE: "{path} row {row}, column {column}: {error}",
    ErrorCode.INSUFFICIENT_STOCK: "not enough stock of {sku} in {warehouse}",
    ErrorCode.UNKNOWN_BENCHMARK: "no benchmark {name} (available: {available})",
    ErrorCode.RULES_INVALID: "rules: {where}: {error}",
    ErrorCode.ORDER_NOT_INTERCEPTABLE: "order {order} cannot be intercepted: it is {status}",
    ErrorCode.SPLIT_INVALID: "order {order} cannot be split so: {error}",
    ErrorCode.SORT_KEY_NOT_ALLOWED: "cannot sort by {key} (allowed: {allowed})",
    ErrorCode.INVALID_BARCODE: (
        "not a valid EAN-13 barcode: {value} (13 digits, the last one a check digit)"),
    ErrorCode.BARCODE_TAKEN: "barcode {barcode} already belongs to SKU {sku}",
    ErrorCode.INVALID_QUANTITY: "not a valid quantity: {value}",
    ErrorCode.IMPORT_TOO_BIG: "{path} is too big to import ({what}, limit {limit})",
    ErrorCode.TEXT_TOO_LONG: "{what} is longer than {limit} characters",
    ErrorCode.BARCODE_INVALID: "cannot print {value!r} as {symbology}: {reason}",
    ErrorCode.TEMPLATE_INVALID: "label template {template}: {error}",
    ErrorCode.PRINTER_PROFILE_INVALID: "printer profile {path}: {error}",
    ErrorCode.PRINTER_UNREACHABLE: (
        "printer {printer} is off or unreachable ({error}); the job stays queued, "
        "retry when the printer is on"),
    ErrorCode.PRINT_SEND_INTERRUPTED: (
        "sending to printer {printer} broke off ({error}); the label may be partly "
        "printed: check it and reprint if needed"),
    ErrorCode.PRINT_LANGUAGE_UNSUPPORTED: "{what} cannot be printed in {language}",
    ErrorCode.PRINT_ALREADY_SENT: (
        "print job {job} was already sent to the printer; ask for a reprint (with a reason) "
        "to print it again"),
    ErrorCode.PRINT_REASON_REQUIRED: "a reprint needs a reason",
    ErrorCode.CREDENTIAL_STORE: (
        "the OS credential store is not available ({error}); on a headless machine set "
        "PYTHON_KEYRING_BACKEND, e.g. keyrings.alt.file.PlaintextKeyring"),
    ErrorCode.SYNC_FAILED: "sync of shop {shop} failed: {error}",
    ErrorCode.REQUIRED: "{what} is required",
    ErrorCode.TRANSFER_ILLEGAL_TRANSITION: "transfer {number} is {status}: it cannot be {action}",
    ErrorCode.TRANSFER_OVER_RECEIPT: (
        "transfer {number}: {qty} of {sku} received but only {limit} is still in transit"),
    ErrorCode.RETURN_OVER_SHIPPED: (
        "{sku}: {qty} returned but only {limit} can come back (shipped minus already "
        "returned)"),
    ErrorCode.PO_ILLEGAL_TRANSITION: "purchase order {number} is {status}: it cannot be {action}",
    ErrorCode.RECEIPT_ALREADY_POSTED: "receiving session {number} is already {status}",
    ErrorCode.RECEIPT_CONFLICT: (
        "another station received {sku} of {number} meanwhile: check the session and post "
        "again"),
    ErrorCode.WAYBILL_RANGE_EXHAUSTED: (
        "courier {courier} has no waybill numbers left in its ranges; add a new block with "
        "ecerp couriers add --code {courier} --range FIRST-LAST"),
    ErrorCode.WAYBILL_SERVICE_FAILED: "the waybill service of courier {courier} failed: {error}",
    ErrorCode.COUNT_NOT_OPEN: "count {number} is {status}: it can no longer be changed",
    ErrorCode.COUNT_BELOW_RESERVED: (
        "posting would leave {count} SKU(s) below the quantity reserved for orders: {skus}; "
        "recount them, or release or ship their orders first"),
    ErrorCode.SKU_INACTIVE: "SKU {sku} is inactive: orders cannot be mapped to it",
}


def describe(error: DomainError) -> str:
    template = TEXT.get(error.code, error.code.value)
    try:
        return template.format(**error.params)
    except (KeyError, IndexError):
        return f"{template} {error.params}"
