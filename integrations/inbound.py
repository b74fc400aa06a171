"""Checks every inbound door (a webhook receiver, an action or card endpoint) makes before
it stores anything, so that malformed input is a 4xx with a sentence and never a 5xx.

A receiver calls ``check_length`` before reading the body, verifies the provider's
signature on the raw bytes, then ``parse_json`` to get a payload that can be stored and
parsed again later without surprises.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

# Deeper JSON than this is no provider's resource; refusing it keeps every later
# json.loads of the stored body far from Python's recursion limit.
MAX_DEPTH = 64


class Refused(Exception):
    """The request is refused as it stands; ``status`` is the 4xx to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def check_length(request) -> None:
    """Refuse an oversized body before it is read (Content-Length is what Django reads),
    and a body that turns out longer than declared."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refused("Content-Length is not a number.") from None
    if length < 0:
        raise Refused("Content-Length is not a number.")
    if length > settings.WEBHOOK_MAX_BYTES or len(request.body) > settings.WEBHOOK_MAX_BYTES:
        raise Refused("The body is too large.", 413)


def check_header(name: str, value: str | None, *, max_length: int = 255) -> None:
    """A header value we store must be printable ASCII and fit its column."""
    if value is None:
        return
    if not (value.isascii() and value.isprintable()):
        raise Refused(f"{name} holds characters a header cannot have.")
    if len(value.strip()) > max_length:
        raise Refused(f"{name} is too long.")


def parse_json(body: bytes, *, expect: type = dict) -> Any:
    """The body as JSON of the ``expect``-ed type (dict or list), storable in a database
    and no deeper than MAX_DEPTH; Refused otherwise."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refused("The body is not valid JSON.") from None
    # Text a column cannot hold (NUL, a lone surrogate) can only come from a \u escape,
    # as JSON allows no raw control characters; most bodies have none to look at.
    if not storable(payload, check_text=b"\\u" in body):
        raise Refused("The body is not valid JSON.")
    if not isinstance(payload, expect):
        kind = "object" if expect is dict else "array"
        raise Refused(f"The body is not a JSON {kind}.")
    return payload


def storable(payload: Any, *, check_text: bool = True) -> bool:
    """No deeper than MAX_DEPTH, and (``check_text``) no text a database column cannot
    hold (NUL, lone surrogates from ``\\ud800`` escapes). Iterative: the depth is what is
    being checked."""
    pending = [(payload, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if not _text_ok(value):
                return False
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return False
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            pending.extend(
                (item, depth + 1)
                for item in items
                if isinstance(item, dict | list) or (check_text and isinstance(item, str))
            )
    return True


def _text_ok(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
