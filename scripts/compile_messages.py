"""Compile locale/*/LC_MESSAGES/*.po to .mo without GNU gettext (`make messages`).

Django's compilemessages needs msgfmt, which a fresh machine may lack; the catalogues here
use no plurals or contexts, so a few lines of Python write the same GNU .mo format. The
compiled files are committed, and a test checks they match their .po files.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr of the translated, non-fuzzy entries (and the header)."""
    messages: dict[str, str] = {}
    msgid = msgstr = None
    target = None
    fuzzy = False

    def flush() -> None:
        if msgid is not None and msgstr and not fuzzy:
            messages[msgid] = msgstr

    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
            msgid = msgstr = target = None
            fuzzy = False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            msgid, target = ast.literal_eval(line[6:]), "id"
        elif line.startswith("msgstr "):
            msgstr, target = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"'):
            if target == "id":
                msgid += ast.literal_eval(line)
            elif target == "str":
                msgstr += ast.literal_eval(line)
    return messages


def mo_bytes(messages: dict[str, str]) -> bytes:
    """The GNU .mo file for ``messages`` (keys sorted, no hash table)."""
    keys = sorted(messages)
    ids = [k.encode() for k in keys]
    strs = [messages[k].encode() for k in keys]
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    offsets, data = [], b""
    for group in (ids, strs):
        for item in group:
            offsets.append((len(item), len(data)))
            data += item + b"\0"
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 28, 28 + 8 * count, 0, key_start)
    table = b"".join(struct.pack("ii", length, key_start + at) for length, at in offsets)
    return header + table + data


def compile_all(root: Path = ROOT) -> list[Path]:
    written = []
    for po in sorted((root / "locale").glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(mo_bytes(parse_po(po.read_text(encoding="utf-8"))))
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path.relative_to(ROOT)}")
    sys.exit(0)
