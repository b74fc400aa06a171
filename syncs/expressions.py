"""Field-mapping expressions: a dotted path, a constant, or a template with {paths}.

Paths walk dicts by key and lists by index: ``order.line_items.0.sku``.
"""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PATH = re.compile(r"^[A-Za-z_][\w-]*(\.[\w-]+)*$")


class MissingValue(LookupError):
    """The path does not exist in this source object."""


def resolve_path(context: dict[str, Any], path: str) -> Any:
    value: Any = context
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise MissingValue(path)
    if value is None:
        raise MissingValue(path)
    return value


def render_template(template: str, context: dict[str, Any]) -> str:
    return PLACEHOLDER.sub(lambda m: str(resolve_path(context, m.group(1).strip())), template)


def evaluate(kind: str, expression: str, context: dict[str, Any]) -> Any:
    if kind == "constant":
        return expression
    if kind == "template":
        return render_template(expression, context)
    return resolve_path(context, expression)


def template_paths(template: str) -> list[str]:
    return [m.strip() for m in PLACEHOLDER.findall(template)]


def static_length(template: str) -> int:
    """Characters of a template that are there whatever the values."""
    return len(PLACEHOLDER.sub("", template))


def is_path(text: str) -> bool:
    return bool(PATH.match(text))
