"""A lane for webhook deliveries past the page middleware.

A webhook is a signed POST from Shopify or HubSpot: it has no session, user, language,
CSRF token or message to show, and its receiver is the one URL that sees hundreds of
requests a second. ``ReceiverLaneMiddleware`` sits after ``SecurityMiddleware`` and hands
a POST to a receiver's URL straight to the receiver's view; every other request goes on
through the rest of ``MIDDLEWARE``. The receivers check everything they need themselves
(size, headers, signature, body) and answer 4xx with a sentence when something is wrong.
"""

from __future__ import annotations

from django.urls import resolve, reverse
from django.utils.functional import cached_property

RECEIVERS = ("shopify:webhooks", "hubspot:webhooks")


class ReceiverLaneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def receivers(self) -> dict:
        """Path -> view, resolved on first use (the URLconf imports the views)."""
        return {reverse(name): resolve(reverse(name)).func for name in RECEIVERS}

    def __call__(self, request):
        view = self.receivers.get(request.path_info) if request.method == "POST" else None
        if view is None:
            return self.get_response(request)
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it: 400 if not
        return view(request)
