"""``HubSpotSandbox``: a stateful, thread-safe fake of the parts of HubSpot this service uses.

Drive it directly in tests (``add_portal``, ``create_deal``, ``move_deal``...), send it HTTP
requests through ``handle`` (the Django views and ``testing.install`` both do), and build the
signed requests HubSpot makes to the app: webhook deliveries (``webhook_deliveries``),
workflow-action executions (``workflow_action_request``) and app-card fetches
(``card_fetch_request``).
"""

from __future__ import annotations

import threading

from django.conf import settings

from hubspot_app.sandbox import actions, bundles, pipelines, records, router, tokens
from hubspot_app.sandbox import webhooks as hooks
from hubspot_app.sandbox.limits import Faults, Limits
from hubspot_app.sandbox.state import Ids, Portal, Request, Response
from integrations.sandboxes import Clock

LOG_LIMIT = 1000  # newest request-log entries kept
FIRST_PORTAL_ID = 24_680_001
# Custom company properties every sandbox portal has: HubSpot has no standard organisation
# or VAT number property, so portals make their own (hubspot.md §0a); the names are settings.
CUSTOM_COMPANY_PROPERTIES = ("org_number", "vat_number")


class HubSpotSandbox:
    """The fake HubSpot. Public methods take the lock, so threads may share one."""

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        app_id: int | None = None,
        api_url: str | None = None,
        redirect_urls: list[str] | None = None,
        required_scopes: list[str] | None = None,
        optional_scopes: list[str] | None = None,
        conditional_scopes: list[str] | None = None,
        now: float | None = None,
    ) -> None:
        self.client_id = client_id or settings.HUBSPOT_CLIENT_ID or settings.SANDBOX_CLIENT_ID
        self.client_secret = (
            client_secret or settings.HUBSPOT_CLIENT_SECRET or settings.SANDBOX_CLIENT_SECRET
        )
        self.app_id = int(app_id or settings.HUBSPOT_APP_ID or 1)
        self.api_url = (api_url or settings.HUBSPOT_API_URL).rstrip("/")
        self.redirect_urls = redirect_urls or [f"{settings.PUBLIC_BASE_URL}/hubspot/callback/"]
        self.required_scopes = list(required_scopes or settings.HUBSPOT_SCOPES)
        self.optional_scopes = list(optional_scopes or [])
        self.conditional_scopes = list(conditional_scopes or [])
        self.lock = threading.RLock()
        self.clock = Clock(frozen=now)
        self.ids = Ids()
        self.portals: dict[int, Portal] = {}
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.refresh_tokens: dict[str, dict] = {}
        self.subscriptions = hooks.default_subscriptions()
        self.outbox: list[dict] = []  # webhook events recorded, not yet taken for delivery
        self.next_event_id = 1
        self.request_log: list[dict] = []
        self.limits, self.faults = Limits(), Faults()
        self.search_lag = 0.0

    # --- clock -------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's time on (token expiry, rate windows, search lag)."""
        with self.lock:
            self.clock.advance(seconds)

    # --- portals and tokens ------------------------------------------------------------
    def add_portal(
        self,
        *,
        portal_id: int | None = None,
        currency: str = "SEK",
        additional_currencies: list[str] | None = None,
        timezone: str = "Europe/Stockholm",
    ) -> Portal:
        """A HubSpot account with the default pipelines and the custom company properties."""
        with self.lock:
            portal_id = portal_id or max([FIRST_PORTAL_ID - 1, *self.portals]) + 1
            if portal_id not in self.portals:
                portal = Portal(portal_id, currency=currency, timezone=timezone)
                portal.user_id = 9_000_000 + portal_id % 1_000_000
                if additional_currencies is not None:
                    portal.additional_currencies = list(additional_currencies)
                portal.pipelines = pipelines.default_pipelines(self.now())
                portal.custom_properties["companies"] = {
                    name: {"name": name, "type": "string", "fieldType": "text"}
                    for name in CUSTOM_COMPANY_PROPERTIES
                }
                self.portals[portal_id] = portal
            return self.portals[portal_id]

    def portal(self, portal_id: int | None = None) -> Portal:
        """A portal by id (the first one when None); KeyError when there is none."""
        if portal_id is None:
            return next(iter(self.portals.values()))
        return self.portals[int(portal_id)]

    def create_code(self, portal_id: int, scopes: list[str], redirect_uri: str) -> str:
        return tokens.create_code(self, portal_id, scopes, redirect_uri)

    def authorize(self, *, portal_id: int | None = None, scopes: list[str] | None = None) -> str:
        """The user approves the install: a code for the token endpoint, without the page
        (for the first redirect URL)."""
        with self.lock:
            portal = self.portal(portal_id)
            scopes = scopes or self.required_scopes
            return self.create_code(portal.portal_id, scopes, self.redirect_urls[0])

    def issue_tokens(
        self, *, portal_id: int | None = None, scopes: list[str] | None = None
    ) -> dict:
        """A v3 token answer, without the OAuth dance."""
        with self.lock:
            portal = self.portal(portal_id)
            return tokens.issue(self, portal.portal_id, scopes or self.required_scopes)

    def token_info(self, token: str, record: dict, *, kind: str) -> dict:
        return tokens.info(self, token, record, kind=kind)

    def uninstall(self, *, portal_id: int) -> None:
        """The app is removed from the portal: every token stops working."""
        with self.lock:
            self.portal(portal_id).installed = False
            tokens.revoke_portal(self, portal_id)

    # --- CRM records as a user in HubSpot's UI changes them ----------------------------
    def _ui(self, portal: Portal) -> tuple[str, str]:
        return ("CRM_UI", f"userId:{portal.user_id}")

    def create_object(
        self,
        *,
        object_type: str,
        properties: dict,
        associations: list | None = None,
        portal_id: int | None = None,
    ) -> dict:
        with self.lock:
            portal = self.portal(portal_id)
            source = self._ui(portal)
            return records.create(
                self, portal, object_type, properties, associations, source=source
            )

    def update_object(
        self, *, object_type: str, object_id: str, properties: dict, portal_id: int | None = None
    ) -> dict:
        with self.lock:
            portal, object_id = self.portal(portal_id), str(object_id)
            source = self._ui(portal)
            return records.update(self, portal, object_type, object_id, properties, source=source)

    def create_deal(self, bundle: dict | str, *, portal_id: int | None = None) -> dict:
        """A deal with company, contact and line items (a bundle dict or a scenario name)."""
        with self.lock:
            portal = self.portal(portal_id)
            data = bundles.load_scenario(bundle) if isinstance(bundle, str) else bundle
            return bundles.create_bundle(self, portal, data, source=self._ui(portal))

    def move_deal(self, deal_id: str, stage: str, *, portal_id: int | None = None) -> dict:
        """Drag the deal to another stage: queues a ``deal.propertyChange`` event."""
        return self.update_object(
            object_type="deals",
            object_id=deal_id,
            properties={"dealstage": stage},
            portal_id=portal_id,
        )

    def notes(self, deal_id: str, *, portal_id: int | None = None) -> list[dict]:
        """The deal's notes, each with ``attachments`` (the files' records)."""
        with self.lock:
            return records.notes_of(self.portal(portal_id), str(deal_id))

    # --- webhooks ----------------------------------------------------------------------
    def record_change(
        self,
        portal: Portal,
        object_type: str,
        object_id: str,
        changes: dict,
        *,
        created: bool,
        source: tuple[str, str],
    ) -> None:
        hooks.queue(self, portal, object_type, object_id, changes, created=created, source=source)

    def webhook_deliveries(
        self,
        url: str,
        *,
        duplicate: int = 0,
        reorder: bool = False,
        batch_size: int = hooks.BATCH_SIZE,
        secret: str | None = None,
        keep: bool = False,
    ) -> list[hooks.Delivery]:
        """Signed deliveries of the queued events to ``url`` (the queue empties unless
        ``keep``); ``secret`` signs with another secret, to test rejection."""
        with self.lock:
            events = list(self.outbox)
            if not keep:
                self.outbox.clear()
            batches = hooks.arrange(
                events, batch_size=batch_size, duplicate=duplicate, reorder=reorder
            )
            secret = secret or self.client_secret
            stamp = self.now_ms()
            return [
                hooks.build_delivery(url=url, events=b, client_secret=secret, timestamp_ms=stamp)
                for b in batches
            ]

    def deliver(
        self, url: str, *, sender: hooks.WebhookSender | None = None, **options
    ) -> list[int]:
        """Build deliveries (``webhook_deliveries`` options) and POST them; their statuses."""
        return (sender or hooks.WebhookSender()).send(self.webhook_deliveries(url, **options))

    # --- workflow actions and app cards ------------------------------------------------
    def workflow_action_request(
        self, url: str, *, portal_id: int | None = None, **options
    ) -> hooks.Delivery:
        """A signed execution request for a new enrollment (``object_id``, ``input_fields``,
        ``object_type``, ``properties``); its callback id is recorded."""
        with self.lock:
            return actions.start(self, self.portal(portal_id), url, **options)

    def execute_action(
        self, url: str, *, session=None, portal_id: int | None = None, **options
    ) -> tuple[hooks.Delivery, int]:
        """POST an execution request and record the app's answer: SUCCESS/FAIL_CONTINUE
        complete the callback, BLOCK leaves it open for the completion API."""
        delivery = self.workflow_action_request(url, portal_id=portal_id, **options)
        status, body = actions.send(delivery, session)
        with self.lock:
            portal, callback_id = self.portal(portal_id), delivery.events["callbackId"]
            actions.record_answer(portal, callback_id, status, body, self.now())
        return delivery, status

    def card_fetch_request(
        self, url: str, *, method: str = "GET", body: object = None, portal_id: int | None = None
    ) -> hooks.Delivery:
        """What an app card's ``hubspot.fetch`` sends (signed v3, portalId etc. appended)."""
        return actions.card_fetch(self, self.portal(portal_id), url, method=method, body=body)

    def completions(self, *, portal_id: int | None = None) -> list[dict]:
        """Completed executions: by the completion API (``via: callback``) or by answer."""
        return list(self.portal(portal_id).completions)

    # --- HTTP --------------------------------------------------------------------------
    def fail_next(
        self, *, status: int | str = 503, times: int = 1, retry_after: float | None = None
    ) -> None:
        """Answer the next ``times`` API requests with ``status`` (or ``"timeout"``)."""
        with self.lock:
            self.faults.add(status, times, retry_after)

    def handle(
        self, method: str, path: str, query: dict | list | str | None, headers: dict, body: bytes
    ) -> Response:
        """Answer one HTTP request; ``path`` is relative to the sandbox root."""
        req = Request.build(method, path, query, headers, body)
        with self.lock:
            answer = router.dispatch(self, req)
            entry = {"at": self.now(), "method": req.method, "path": path, "status": answer.status}
            self.request_log.append(entry)
            del self.request_log[:-LOG_LIMIT]
            return answer
