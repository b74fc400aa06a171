"""Request-body parsing and field validation shared by the resource handlers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from fortnox.sandbox import errors
from fortnox.sandbox.totals import round2

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_body(body: bytes, envelope: str) -> dict[str, Any]:
    """The object inside ``{envelope: {...}}``; 2001392 when empty, 2002115 when not JSON."""
    if not body or not body.strip():
        raise errors.bad_request(errors.EMPTY_BODY, "Felaktigt eller tomt innehåll i anropet.")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise errors.bad_request(errors.JSON_SYNTAX, "Felaktig JSON-syntax.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get(envelope), dict):
        raise errors.bad_request(errors.EMPTY_BODY, f"Anropet saknar objektet {envelope}.")
    for key in payload:
        if key != envelope:
            raise errors.unknown_field(key)
    return payload[envelope]


def check_names(data: dict[str, Any], allowed: Iterable[str]) -> None:
    """Reject the first field name that is unknown or read-only (2001399)."""
    allowed = set(allowed)
    for name in data:
        if name not in allowed:
            raise errors.unknown_field(name)


def check_lengths(data: dict[str, Any], limits: dict[str, int]) -> None:
    """Reject text longer than Fortnox stores."""
    for name, limit in limits.items():
        value = data.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise errors.too_long(name, limit)


def as_text(value: Any, name: str) -> str:
    """A text field; numbers are accepted the way Fortnox coerces them."""
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        raise errors.invalid_value(name, value)
    return str(value)


def as_decimal(value: Any, name: str) -> Decimal:
    """A number given as JSON number or numeric string (2000108 otherwise)."""
    if isinstance(value, bool) or value is None or value == "":
        if value is None or value == "":
            return Decimal("0")
        raise errors.bad_request(errors.NOT_NUMERIC, f"{name} måste vara numeriskt.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise errors.bad_request(errors.NOT_NUMERIC, f"{name} måste vara numeriskt.") from None
    if not number.is_finite():
        raise errors.bad_request(errors.NOT_NUMERIC, f"{name} måste vara numeriskt.")
    return number


def as_bool(value: Any, name: str) -> bool:
    """A boolean given as JSON boolean or "true"/"false" (2000134 otherwise)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise errors.bad_request(errors.NOT_BOOLEAN, f"{name} måste vara true eller false.")


def as_choice(value: Any, name: str, allowed: Iterable[str]) -> str:
    """A value from a fixed set (compared case-insensitively, returned as Fortnox spells it)."""
    for option in allowed:
        if isinstance(value, str) and value.upper() == option.upper():
            return option
    raise errors.invalid_value(name, value)


def as_email(value: Any, name: str) -> str:
    """An e-mail address, or empty."""
    text = as_text(value, name)
    if text and not EMAIL.match(text):
        raise errors.bad_request(errors.INVALID_VALUE, f"Ogiltig e-postadress i {name}.")
    return text


def as_date(value: Any, name: str) -> str:
    """A ``YYYY-MM-DD`` date."""
    text = as_text(value, name)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise errors.bad_request(errors.INVALID_VALUE, f"Ogiltigt datum i {name}: {text!r}")
    return text


def money(value: Decimal) -> float:
    """An amount as the JSON number Fortnox sends."""
    return float(round2(value))


def quantity_text(value: Decimal) -> str:
    """A quantity as the string Fortnox sends ("1", "1.13")."""
    text = format(round2(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


Cleaner = Any  # a callable (value, field name) -> cleaned value


def text(limit: int = 1024) -> Cleaner:
    """A text field of at most ``limit`` characters."""

    def clean(value: Any, name: str) -> str:
        result = as_text(value, name)
        if len(result) > limit:
            raise errors.too_long(name, limit)
        return result

    return clean


def choice(*options: str) -> Cleaner:
    """One of ``options``."""
    return lambda value, name: as_choice(value, name, options)


def email(value: Any, name: str) -> str:
    """An e-mail address field."""
    return as_email(value, name)


def boolean(value: Any, name: str) -> bool:
    """A boolean field."""
    return as_bool(value, name)


def amount(value: Any, name: str) -> float:
    """A money field, rounded to two decimals."""
    return money(as_decimal(value, name))


def date(value: Any, name: str) -> str | None:
    """A date field; empty clears it."""
    return as_date(value, name) if value not in (None, "") else None


def country(value: Any, name: str) -> str:
    """An ISO 3166-1 alpha-2 code, exactly two letters (or empty)."""
    from fortnox.sandbox.state import COUNTRY_CODES

    code = as_text(value, name)
    if code and (len(code) != 2 or code.upper() not in COUNTRY_CODES):
        raise errors.invalid_value(name, value)
    return code.upper()


def clean(data: dict[str, Any], schema: dict[str, Cleaner]) -> dict[str, Any]:
    """Validate every given field against ``schema``; unknown names give 2001399."""
    check_names(data, schema)
    return {name: schema[name](value, name) for name, value in data.items()}
