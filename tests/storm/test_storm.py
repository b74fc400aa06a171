"""A small storm in the suite: real workers on PostgreSQL, faults everywhere, one killed.

The full one (500 orders, about 2,000 deliveries) is ``make soak``.
"""

from __future__ import annotations

import pytest

from tests.storm.driver import StormConfig, run_storm

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_storm_makes_one_document_per_paid_order_and_writes_each_outcome_back_once():
    report = run_storm(StormConfig(orders=20, shops=2, kills=1, timeout=240))
    print(report.table())

    assert report.settled, report.table()
    assert report.kills == 1
    assert report.faults_injected > 0 and report.fortnox_faults.get("crash", 0) > 0
    assert report.refused == 0
    assert report.lost == []
    assert report.duplicated == []
    assert report.unexpected == []
    assert report.runs_not_succeeded == []
    assert report.writebacks_missing == []
    assert report.writebacks_repeated == []
    assert report.documents == sum(1 for e in report.expected if e.document)
