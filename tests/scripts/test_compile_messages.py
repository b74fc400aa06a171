"""The committed .mo catalogues are the compiled .po files, and every message is translated."""

from __future__ import annotations

import pytest

from scripts.compile_messages import ROOT, mo_bytes, parse_po

CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_swedish_catalogue():
    assert [po.parts[-3] for po in CATALOGUES] == ["sv"]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-3])
def test_the_committed_mo_is_the_compiled_po(po):
    expected = mo_bytes(parse_po(po.read_text(encoding="utf-8")))

    assert po.with_suffix(".mo").read_bytes() == expected, "run `make messages`"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-3])
def test_every_message_is_translated(po):
    text = po.read_text(encoding="utf-8")
    entries = sum(1 for line in text.splitlines() if line.startswith("msgid "))
    assert len(parse_po(text)) == entries  # the header is an entry too
    assert "#, fuzzy" not in text
