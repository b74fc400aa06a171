from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from syncs.models import SyncRun
from syncs.replay import run_from_token, run_replay

MAX_TOKEN_LENGTH = 200  # a real token is a run id, a timestamp and a signature: about 50


@require_http_methods(["GET", "POST"])
def replay(request, token: str):
    """The replay link written into a source's notes. GET shows the run and a button;
    POST replays it (links are followed by previews and crawlers, so GET changes nothing),
    then redirects back to GET, so reloading the page does not post again.

    Any token that is not a live link is a 404 (410 when it expired), never an error."""
    if len(token) > MAX_TOKEN_LENGTH:
        return _page(request, None, _("This replay link is not valid."), 404)
    try:
        run = run_from_token(token)
    except signing.SignatureExpired:
        return _page(request, None, _("This replay link has expired; ask an operator."), 410)
    except (signing.BadSignature, ValueError, SyncRun.DoesNotExist):
        return _page(request, None, _("This replay link is not valid."), 404)
    if request.method == "POST":
        if run_replay(run=run):
            messages.success(request, _("The sync was started again."))
        else:
            messages.info(request, _("This sync is not failed, so there is nothing to replay."))
        return redirect(request.path)
    return _page(request, run, "", 200)


def _page(request, run, message: str, status: int):
    return render(request, "syncs/replay.html", {"run": run, "message": message}, status=status)
