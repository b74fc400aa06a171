"""Responses and errors of the Fortnox sandbox, shaped like the real API's.

Fortnox answers errors in two casings (see docs/sandboxes.md): 404s use ``Error/Message/Code``
and everything else ``error/message/code``, both inside ``ErrorInformation``. Codes marked
*sandbox* below are not documented by Fortnox; they sit in the 2099xxx range so a client can
never mistake them for a real code it handles specially.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Real codes (see the reference, section 4).
SYSTEM_ERROR = 1000003
BAD_ACCEPT = 1000030
BAD_CONTENT_TYPE = 1000031
CUSTOMER_NOT_FOUND = 2000433
ARTICLE_NOT_FOUND = 2000428
INVOICE_NOT_FOUND = 2000434
ORDER_NOT_FOUND = 2000439
UNIT_NOT_FOUND = 2000432
INVALID_FILTER = 2000587
INVALID_PARAMETER = 2000588
CUSTOMER_NUMBER_USED = 2000637
NOT_NUMERIC = 2000108
NOT_BOOLEAN = 2000134
CHARACTERS_NOT_ALLOWED = 2000359
ARTICLE_NUMBER_CHARACTERS = 2000166
INVALID_FIELD = 2001399
EMPTY_BODY = 2001392
JSON_SYNTAX = 2002115
ROW_NEEDS_ARTICLE_OR_TEXT = 2003977
NOT_AUTHORISED_FOR_SCOPE = 2000663
NO_LICENCE = 2001101
ACCOUNT_NOT_FOUND = 2000423
PREFERRED_ACCOUNT_MISSING = 2001304

# Sandbox codes: behaviour is documented, the number is not.
REQUIRED_FIELD = 2099001
TOO_LONG = 2099002
INVALID_VALUE = 2099003
VAT_NOT_FOUND = 2099004
CURRENCY_NOT_FOUND = 2099005
DOCUMENT_LOCKED = 2099006
ACTION_NOT_ALLOWED = 2099007
NUMBER_USED = 2099008
PAYMENT_NOT_FOUND = 2099009
UNKNOWN_RESOURCE = 2099010
PRICE_NOT_FOUND = 2099011
CURRENCY_CODE_NOT_FOUND = 2099012


@dataclass
class Response:
    """What the sandbox answers: status, headers and raw body bytes.

    ``fault`` is set when the transport must misbehave instead of answering: ``"timeout"``
    (no answer in time) or ``"crash"`` (the work was committed, the answer is lost).
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    fault: str | None = None

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with Fortnox's content type."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    return Response(status, {"Content-Type": "application/json", **(headers or {})}, body)


class ApiError(Exception):
    """A Fortnox ``ErrorInformation`` answer; raise it anywhere inside a handler."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> Response:
        """The error rendered in the casing Fortnox uses for this status."""
        if self.status == 404:
            info = {"Error": 1, "Message": self.message, "Code": self.code}
        else:
            info = {"error": 1, "message": self.message, "code": self.code}
        return json_response(self.status, {"ErrorInformation": info})


def bad_request(code: int, message: str) -> ApiError:
    """A 400 validation or business-rule error."""
    return ApiError(400, code, message)


def not_found(code: int, message: str) -> ApiError:
    """A 404 for a missing object."""
    return ApiError(404, code, message)


def unknown_field(name: str) -> ApiError:
    """Fortnox's answer to a field name it does not accept (also for read-only fields)."""
    return bad_request(INVALID_FIELD, f"Ogiltigt fältnamn: {name}")


def required(name: str) -> ApiError:
    """A required field is missing or empty."""
    return bad_request(REQUIRED_FIELD, f"Fältet {name} är obligatoriskt.")


def too_long(name: str, limit: int) -> ApiError:
    """A text field exceeds its length limit."""
    return bad_request(TOO_LONG, f"Fältet {name} får vara högst {limit} tecken.")


def invalid_value(name: str, value: Any) -> ApiError:
    """A value outside the allowed set for the field."""
    return bad_request(INVALID_VALUE, f"Ogiltigt värde för {name}: {value!r}")


def unauthorized() -> Response:
    """The API gateway's answer to a missing, unknown or expired token (not ErrorInformation)."""
    return json_response(401, {"message": "unauthorized"})
