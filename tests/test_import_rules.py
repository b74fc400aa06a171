"""The rooms import downwards only: config -> sources -> syncs -> fortnox -> integrations.

Read from the source files (every import, also those inside functions or under
TYPE_CHECKING), so a shortcut across rooms fails here instead of in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"shopify_app", "hubspot_app"}
# What each room may not import.
FORBIDDEN = {
    "integrations": {"syncs", "fortnox", "config", *SOURCES},
    "fortnox": {"syncs", "config", *SOURCES},
    "syncs": {"config", *SOURCES},
    "shopify_app": {"fortnox", "config", "hubspot_app"},
    "hubspot_app": {"fortnox", "config", "shopify_app"},
}


def imported_packages(path: Path) -> set[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add((node.lineno, node.module.split(".")[0]))
    return found


def violations(room: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {package}"
        for path in sorted((ROOT / room).rglob("*.py"))
        for line, package in sorted(imported_packages(path))
        if package in FORBIDDEN[room]
    ]


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_room_imports_only_the_rooms_below_it(room):
    assert violations(room) == []


def test_the_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "shortcut.py"
    module.write_text("def f():\n    from fortnox.client import FortnoxClient\n")

    assert imported_packages(module) == {(2, "fortnox")}
