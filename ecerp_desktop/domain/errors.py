"""Coded domain errors.

The domain never raises sentences: it raises a code and parameters, and each front end
(the Qt UI through tr(), the CLI through its English catalogue) turns them into words.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every failure a user may see. The value is stable: it is stored and translated."""

    WRONG_PASSWORD = "auth.wrong_password"
    USER_DISABLED = "auth.user_disabled"
    USER_EXISTS = "auth.user_exists"
    PASSWORD_TOO_SHORT = "auth.password_too_short"
    PERMISSION_DENIED = "auth.permission_denied"
    UNKNOWN_ROLE = "auth.unknown_role"
    NETWORK_SHARE_REFUSED = "store.network_share"
    DATABASE_UNREACHABLE = "store.unreachable"
    SCHEMA_TOO_NEW = "store.schema_too_new"
    INVALID_MONEY = "money.invalid"
    INVALID_TIME = "time.invalid"
    ILLEGAL_TRANSITION = "order.illegal_transition"
    NOT_FOUND = "common.not_found"
    ALREADY_EXISTS = "common.already_exists"
    IMPORT_BAD_FILE = "import.bad_file"
    IMPORT_MISSING_COLUMN = "import.missing_column"
    IMPORT_BAD_VALUE = "import.bad_value"
    INSUFFICIENT_STOCK = "stock.insufficient"
    UNKNOWN_BENCHMARK = "bench.unknown"
    RULES_INVALID = "rules.invalid"
    ORDER_NOT_INTERCEPTABLE = "order.not_interceptable"
    SPLIT_INVALID = "order.split_invalid"
    INVALID_BARCODE = "barcode.invalid"
    BARCODE_TAKEN = "barcode.taken"
    INVALID_QUANTITY = "common.invalid_quantity"
    IMPORT_TOO_BIG = "import.too_big"
    TEXT_TOO_LONG = "common.text_too_long"
    BARCODE_INVALID = "print.barcode_invalid"
    TEMPLATE_INVALID = "print.template_invalid"
    PRINTER_PROFILE_INVALID = "print.profile_invalid"
    PRINTER_UNREACHABLE = "print.printer_unreachable"
    PRINT_SEND_INTERRUPTED = "print.send_interrupted"
    PRINT_LANGUAGE_UNSUPPORTED = "print.language_unsupported"
    PRINT_ALREADY_SENT = "print.already_sent"
    PRINT_REASON_REQUIRED = "print.reason_required"
    CREDENTIAL_STORE = "sync.credential_store"
    SYNC_FAILED = "sync.failed"
    REQUIRED = "common.required"
    WAYBILL_RANGE_EXHAUSTED = "waybill.range_exhausted"
    WAYBILL_SERVICE_FAILED = "waybill.service_failed"
    SORT_KEY_NOT_ALLOWED = "query.sort_key_not_allowed"
    TRANSFER_ILLEGAL_TRANSITION = "transfer.illegal_transition"
    TRANSFER_OVER_RECEIPT = "transfer.over_receipt"
    RETURN_OVER_SHIPPED = "return.over_shipped"
    PO_ILLEGAL_TRANSITION = "purchase.illegal_transition"
    RECEIPT_ALREADY_POSTED = "purchase.receipt_posted"
    RECEIPT_CONFLICT = "purchase.receipt_conflict"
    COUNT_NOT_OPEN = "stocktake.not_open"
    COUNT_BELOW_RESERVED = "stocktake.below_reserved"
    LABEL_NOT_EAN13 = "stock.label_not_ean13"
    SKU_INACTIVE = "mapping.sku_inactive"


class DomainError(Exception):
    """A failure with a stable code and the parameters its message needs."""

    def __init__(self, code: ErrorCode, **params: Any) -> None:
        super().__init__(code.value, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:  # for logs and tracebacks; users see a translated text
        if not self.params:
            return self.code.value
        details = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code.value} ({details})"


class PermissionDenied(DomainError):
    def __init__(self, permission: str, user: str) -> None:
        super().__init__(ErrorCode.PERMISSION_DENIED, permission=permission, user=user)
