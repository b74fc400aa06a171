"""Admin actions start work, so they need the change permission; stuck runs and the
write-back show in the run list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from syncs.models import SyncRun
from tests.factories import SyncRunFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/syncs/syncrun/"


def _staff(client, *codenames: str) -> User:
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def test_view_only_staff_sees_runs_but_no_replay_action(client):
    SyncRunFactory(status=SyncRun.Status.FAILED)
    _staff(client, "view_syncrun")

    page = client.get(CHANGELIST)

    assert page.status_code == 200
    assert b'value="replay"' not in page.content
    assert b'value="write_back"' not in page.content


def test_view_only_staff_cannot_replay_by_posting_the_action(client):
    run = SyncRunFactory(status=SyncRun.Status.FAILED)
    _staff(client, "view_syncrun")

    client.post(CHANGELIST, {"action": "replay", "_selected_action": [run.pk]})

    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED


def test_staff_with_change_permission_replays(client, django_capture_on_commit_callbacks):
    run = SyncRunFactory(status=SyncRun.Status.FAILED, error_message="No article")
    _staff(client, "view_syncrun", "change_syncrun")

    page = client.get(CHANGELIST)
    response = client.post(CHANGELIST, {"action": "replay", "_selected_action": [run.pk]})

    assert b'value="replay"' in page.content
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.error_message) == (SyncRun.Status.PENDING, "")


def test_read_only_lists_offer_no_delete(client):
    run = SyncRunFactory()
    _staff(client, "view_syncrun", "change_syncrun", "delete_syncrun")

    page = client.get(CHANGELIST)
    delete = client.get(f"{CHANGELIST}{run.pk}/delete/")

    assert b'value="delete_selected"' not in page.content
    assert delete.status_code == 403


def test_stuck_filter_lists_runs_running_past_their_lease(client):
    long_ago = timezone.now() - timedelta(seconds=settings.SYNC_LEASE_SECONDS + 60)
    stuck = SyncRunFactory(status=SyncRun.Status.RUNNING, started_at=long_ago)
    busy = SyncRunFactory(status=SyncRun.Status.RUNNING, started_at=timezone.now())
    _staff(client, "view_syncrun")

    page = client.get(f"{CHANGELIST}?stuck=yes")

    assert stuck.source_label.encode() in page.content
    assert busy.source_label.encode() not in page.content


def test_run_list_shows_whether_the_outcome_was_written_back(client):
    SyncRunFactory(status=SyncRun.Status.SUCCEEDED, report_status=SyncRun.Report.GAVE_UP)
    _staff(client, "view_syncrun")

    page = client.get(f"{CHANGELIST}?report_status__exact=gave_up")

    assert b"Gave up" in page.content
