"""A deliberately small reader for the GraphQL documents the sandbox is sent.

It understands one operation per document (``query``/``mutation``, named or anonymous),
variables, fields with aliases and arguments, and inline fragments (``... on Type``). It
does not understand named fragments, directives or variable defaults; a document using them
is answered with an error, as a stricter server would. The sandbox uses it to find root
fields and their arguments, to estimate query cost, and to answer only the fields a query
selected (so a client that forgets to select a field notices in tests).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|\.\.\.|[{}()\[\]:!$=@]'
    r"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[_A-Za-z][_0-9A-Za-z]*"
)
IGNORED = re.compile(r"(?:[\s,]+|#[^\n]*)+")


class GraphQLSyntaxError(ValueError):
    """The document is outside what this reader (or GraphQL) accepts."""


@dataclass(frozen=True)
class Var:
    name: str


@dataclass
class Field:
    name: str
    alias: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    selections: list[Field | Fragment] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.alias or self.name


@dataclass
class Fragment:
    type_condition: str
    selections: list[Field | Fragment] = field(default_factory=list)


@dataclass
class Operation:
    kind: str  # "query" or "mutation"
    fields: list[Field]


def tokenize(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        skipped = IGNORED.match(text, pos)
        if skipped:
            pos = skipped.end()
            continue
        match = TOKEN.match(text, pos)
        if not match:
            raise GraphQLSyntaxError(f"Unexpected character {text[pos]!r} at {pos}")
        tokens.append(match.group())
        pos = match.end()
    return tokens


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise GraphQLSyntaxError(f"Expected {expected or 'more input'}, got {token!r}")
        self.pos += 1
        return token

    def operation(self) -> Operation:
        kind = "query"
        if self.peek() in ("query", "mutation", "subscription"):
            kind = self.take()
            if self.peek() not in ("{", "(", None):
                self.take()  # operation name
            if self.peek() == "(":
                self.skip_balanced("(", ")")
        fields = self.selection_set()
        if self.peek() is not None:
            raise GraphQLSyntaxError("Only one operation per document is supported")
        return Operation(kind=kind, fields=[f for f in fields if isinstance(f, Field)])

    def skip_balanced(self, opening: str, closing: str) -> None:
        depth = 0
        while True:
            token = self.take()
            depth += (token == opening) - (token == closing)
            if depth == 0:
                return

    def selection_set(self) -> list[Field | Fragment]:
        self.take("{")
        selections: list[Field | Fragment] = []
        while self.peek() != "}":
            selections.append(self.selection())
        self.take("}")
        return selections

    def selection(self) -> Field | Fragment:
        if self.peek() == "...":
            self.take()
            if self.peek() != "on":
                raise GraphQLSyntaxError("Named fragments are not supported")
            self.take("on")
            return Fragment(type_condition=self.take(), selections=self.selection_set())
        name, alias = self.take(), None
        if self.peek() == ":":
            self.take()
            alias, name = name, self.take()
        result = Field(name=name, alias=alias)
        if self.peek() == "(":
            result.args = self.arguments()
        if self.peek() == "@":
            raise GraphQLSyntaxError("Directives are not supported")
        if self.peek() == "{":
            result.selections = self.selection_set()
        return result

    def arguments(self) -> dict[str, Any]:
        self.take("(")
        args = {}
        while self.peek() != ")":
            name = self.take()
            self.take(":")
            args[name] = self.value()
        self.take(")")
        return args

    def value(self) -> Any:
        token = self.take()
        if token == "$":
            return Var(self.take())
        if token == "[":
            items = []
            while self.peek() != "]":
                items.append(self.value())
            self.take("]")
            return items
        if token == "{":
            obj = {}
            while self.peek() != "}":
                key = self.take()
                self.take(":")
                obj[key] = self.value()
            self.take("}")
            return obj
        return _literal(token)


def _literal(token: str) -> Any:
    if token.startswith('"""'):
        return token[3:-3]
    if token.startswith('"'):
        return json.loads(token)
    if token in ("true", "false"):
        return token == "true"
    if token == "null":
        return None
    if re.fullmatch(r"-?\d+", token):
        return int(token)
    if re.fullmatch(r"-?\d[\d.eE+-]*", token):
        return float(token)
    return token  # an enum value


def parse(text: str) -> Operation:
    """Read the single operation in ``text``."""
    return _Reader(text).operation()


def resolve_args(args: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    """Replace variable references with the request's variables."""

    def resolve(value: Any) -> Any:
        if isinstance(value, Var):
            return variables.get(value.name)
        if isinstance(value, list):
            return [resolve(item) for item in value]
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items()}
        return value

    return {key: resolve(value) for key, value in args.items()}


class UnknownField(LookupError):
    """A query selected a field the sandbox's object does not have."""

    def __init__(self, name: str, typename: str) -> None:
        super().__init__(f"Field '{name}' doesn't exist on type '{typename}'")
        self.name, self.typename = name, typename


class Connection:
    """A list served Relay-style: ``first``/``after`` pick a page, cursors are positions."""

    def __init__(self, items: list[Any], render: Callable[[Any], Any] | None = None) -> None:
        self.items = items
        # Renders an item when its page is served: a shop with 10 000 orders renders one
        # page per request, not every order.
        self.render = render

    def page(self, args: dict[str, Any], *, unbounded: bool = False) -> dict[str, Any]:
        """One page; ``unbounded`` (bulk operations) returns everything after ``after``."""
        start = int(args["after"]) + 1 if str(args.get("after") or "").isdigit() else 0
        size = args.get("first") or args.get("last")
        if unbounded and size is None:
            size = max(len(self.items), 1)
        elif size is None:
            raise ValueError("you must provide one of first or last")
        elif not 0 < size <= 250:
            raise ValueError("The 'first' argument must be between 1 and 250")
        window = list(enumerate(self.items[start : start + size], start=start))
        if self.render is not None:
            window = [(index, self.render(item)) for index, item in window]
        return {
            "nodes": [item for _, item in window],
            "edges": [{"cursor": str(index), "node": item} for index, item in window],
            "pageInfo": {
                "hasNextPage": start + size < len(self.items),
                "hasPreviousPage": start > 0,
                "startCursor": str(window[0][0]) if window else None,
                "endCursor": str(window[-1][0]) if window else None,
            },
        }


def select(
    value: Any,
    selections: list[Field | Fragment],
    variables: dict[str, Any],
    *,
    unbounded: bool = False,
) -> Any:
    """Keep only the selected fields of a full object (lists and None pass through).

    A ``Connection`` found under a field is paged with that field's arguments.
    """
    if value is None or not selections:
        return value
    if isinstance(value, list):
        return [select(item, selections, variables, unbounded=unbounded) for item in value]
    result: dict[str, Any] = {}
    for item in selections:
        if isinstance(item, Fragment):
            if value.get("__typename") == item.type_condition:
                result.update(select(value, item.selections, variables, unbounded=unbounded))
            continue
        if item.name not in value:
            raise UnknownField(item.name, value.get("__typename", "Object"))
        child = value[item.name]
        if isinstance(child, Connection):
            child = child.page(resolve_args(item.args, variables), unbounded=unbounded)
        result[item.key] = select(child, item.selections, variables, unbounded=unbounded)
    return result


def requested_cost(selections: list[Field | Fragment], variables: dict[str, Any]) -> int:
    """Shopify's cost model, roughly: an object costs 1, a connection 2 + first x its node.

    Lists that are not connections count once, like an object.
    """
    total = 0
    for item in selections:
        if isinstance(item, Fragment):
            total += requested_cost(item.selections, variables)
            continue
        if not item.selections:
            continue
        children = requested_cost(item.selections, variables)
        args = resolve_args(item.args, variables)
        size = args.get("first") or args.get("last")
        if isinstance(size, int):
            total += 2 + size * max(children, 1)
        else:
            total += 1 + children
    return total
