from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections

from fortnox.client import FortnoxClient
from syncs.models import Integration, SyncRun, UsageMonth
from syncs.pipeline import run_execute
from syncs.replay import SALT, replay_url
from syncs.runs import run_get_or_create
from tests.syncs.conftest import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def halted_run(integration, fake_source, fortnox_sandbox):
    """A run that failed because the T-shirt article did not exist in Fortnox."""
    integration.missing_article = Integration.MissingArticle.HALT
    integration.save()
    fake_source.documents["1001"] = make_document()
    run = run_get_or_create(integration=integration, operation="document", source_id="1001")
    run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    return run


def _fix(integration):
    client = FortnoxClient(connection=integration.fortnox)
    for number, name in (("TS-BLUE-M", "T-shirt Blå M"), ("BOOK-1", "Kokbok")):
        client.create_article(article={"ArticleNumber": number, "Description": name})


def test_replay_sync_failed_turns_a_fixed_failure_into_one_success(
    halted_run, integration, fortnox_sandbox, capsys
):
    assert not UsageMonth.objects.exists()  # the failure counted nothing
    _fix(integration)

    call_command("replay_sync", "--failed")

    halted_run.refresh_from_db()
    assert halted_run.status == SyncRun.Status.SUCCEEDED
    assert halted_run.attempts == 2
    assert len(fortnox_sandbox.tenant("1234567").invoices) == 1
    assert UsageMonth.objects.get().documents == 1
    assert (
        capsys.readouterr()
        .out.strip()
        .endswith("replayed 1 of 1 run(s), 1 succeeded, 0 still failing")
    )


def test_replay_sync_dry_run_changes_nothing(halted_run, capsys):
    call_command("replay_sync", "--failed", "--dry-run")

    halted_run.refresh_from_db()
    assert halted_run.status == SyncRun.Status.FAILED
    assert halted_run.attempts == 1
    assert capsys.readouterr().out.strip().endswith("would replay 1 of 1 run(s)")


def test_replay_sync_by_id_and_filters(halted_run, integration, capsys):
    _fix(integration)

    call_command("replay_sync", str(halted_run.pk), "--integration", str(integration.pk))

    halted_run.refresh_from_db()
    assert halted_run.status == SyncRun.Status.SUCCEEDED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Give run ids or --failed: one of the two."),
        (("5", "--failed"), "Give run ids or --failed: one of the two."),
        (("424242",), "No run with id 424242"),
        (("--failed", "--since", "yesterday"), "--since takes a date as YYYY-MM-DD"),
    ],
)
def test_replay_sync_refuses_bad_input(db, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("replay_sync", *args)


def test_replay_sync_refuses_an_unknown_integration(db):
    with pytest.raises(CommandError, match=r"^No integration 999$"):
        call_command("replay_sync", "--failed", "--integration", "999")


def test_replay_sync_says_why_a_succeeded_run_is_not_replayed(halted_run, integration):
    _fix(integration)
    call_command("replay_sync", str(halted_run.pk))
    halted_run.refresh_from_db()

    with pytest.raises(CommandError) as refused:
        call_command("replay_sync", str(halted_run.pk))

    assert str(refused.value) == (
        f"Nothing replayed: run {halted_run.pk} already succeeded."
        " Only failed or skipped runs are replayed."
    )
    halted_run.refresh_from_db()
    assert (halted_run.status, halted_run.attempts) == (SyncRun.Status.SUCCEEDED, 2)


def test_replay_sync_exits_1_with_one_line_on_bad_input(capsys, monkeypatch):
    # The command line closes the connections at the end; keep the test's transaction open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    argv = ["manage.py", "replay_sync", "--skip-checks"]
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(argv).execute()
    assert exited.value.code == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "CommandError: Give run ids or --failed: one of the two."
    ]


def test_replay_link_shows_the_run_and_replays_on_post(
    halted_run, integration, client, django_capture_on_commit_callbacks
):
    _fix(integration)
    path = replay_url(halted_run).removeprefix("http://testserver")

    shown = client.get(path)
    with django_capture_on_commit_callbacks(execute=True):
        replayed = client.post(path)
    after = client.get(replayed["Location"])

    assert shown.status_code == 200
    assert b"No Fortnox article matches SKU" in shown.content
    assert b"Replay now" in shown.content
    # Post/Redirect/Get: the POST answers with a redirect to the page, which tells the outcome.
    assert (replayed.status_code, replayed["Location"]) == (302, path)
    assert after.status_code == 200
    assert b"The sync was started again." in after.content
    assert b"Replay now" not in after.content
    halted_run.refresh_from_db()
    assert halted_run.status == SyncRun.Status.SUCCEEDED


def test_replaying_a_succeeded_run_from_the_link_says_there_is_nothing_to_do(
    halted_run, integration, client, django_capture_on_commit_callbacks
):
    _fix(integration)
    path = replay_url(halted_run).removeprefix("http://testserver")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    client.get(path)  # the first outcome is shown once

    again = client.post(path, follow=True)

    assert again.redirect_chain == [(path, 302)]
    assert b"This sync is not failed, so there is nothing to replay." in again.content
    halted_run.refresh_from_db()
    assert (halted_run.status, halted_run.attempts) == (SyncRun.Status.SUCCEEDED, 2)


def test_tampered_or_expired_replay_links_are_refused(halted_run, client, settings):
    token = signing.TimestampSigner(salt=SALT).sign(str(halted_run.pk))

    assert client.get(f"/syncs/replay/{token[:-2]}xx/").status_code == 404
    assert client.get(f"/syncs/replay/{halted_run.pk}/").status_code == 404
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("syncs.replay.LINK_MAX_AGE", -1)
        assert client.get(f"/syncs/replay/{token}/").status_code == 410


def test_admin_replay_action_replays_failed_runs(
    halted_run, integration, client, django_capture_on_commit_callbacks
):
    _fix(integration)
    client.force_login(User.objects.create_superuser("admin", password="pw"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/syncs/syncrun/",
            {"action": "replay", "_selected_action": [str(halted_run.pk)]},
            follow=True,
        )

    assert response.status_code == 200
    assert b"1 run(s) queued again." in response.content
    halted_run.refresh_from_db()
    assert halted_run.status == SyncRun.Status.SUCCEEDED
