"""The doors HubSpot calls besides webhooks: the workflow action (``/hubspot/actions/``)
and the app card's back end (``/hubspot/cards/...``). Short views: verify, check the input
with a serializer, call a service, answer.

* The action is signed v3 (v2 where v3 is absent, §0a) and answered at once with BLOCK;
  its work runs in a task that completes it through the callback API
  (``hubspot_app.workflow``). Its portal is ``origin.portalId`` of the signed body.
* The card's ``hubspot.fetch`` is signed v3 only and can send no credentials (§0a, §6): the
  signature is the authentication, and the portal is the ``portalId`` HubSpot appends to the
  signed URL, never a value the card chose. A GET answers from the link table and the
  cache (no HubSpot call); a POST asks Fortnox (``refresh``) or updates the customer.
"""

from __future__ import annotations

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from hubspot_app.client import PROVIDER
from hubspot_app.customers import SINGULAR, customer_update, record_customer_number
from hubspot_app.serializers import CardQuerySerializer, ExecutionSerializer
from hubspot_app.webhooks import signed_body
from hubspot_app.workflow import ERROR_FIELD, STATE, execution_answer, execution_record
from integrations.errors import ConnectorError
from integrations.inbound import Refused, parse_json
from syncs.financials import customer_financials
from syncs.models import Integration, SyncRun

NOT_CONNECTED = (
    "This HubSpot portal is not connected to Fortnox; install the app and connect Fortnox."
)
UPDATE_CUSTOMER = {"id": "update_customer", "label": "Update customer in Fortnox"}


def _problem(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _invalid(serializer) -> JsonResponse:
    return _problem(f"Bad execution request: {_errors(serializer)}", 400, fields=serializer.errors)


def portal_integration(portal_id: int) -> Integration | None:
    return (
        Integration.objects.filter(source__provider=PROVIDER, source__account_id=str(portal_id))
        .select_related("source", "fortnox")
        .first()
    )


@csrf_exempt
@require_POST
def action(request):
    """An execution of the app's workflow action: BLOCK now, completed by a task."""
    try:
        payload = parse_json(signed_body(request, allow_v2=True))
    except Refused as exc:
        return _problem(str(exc), exc.status)
    serializer = ExecutionSerializer(data=payload)
    if not serializer.is_valid():
        return _invalid(serializer)
    data = serializer.validated_data
    integration = portal_integration(data.pop("portal_id"))
    if integration is None:
        return JsonResponse({"outputFields": {ERROR_FIELD: NOT_CONNECTED, STATE: "FAIL_CONTINUE"}})
    with transaction.atomic():
        execution, _ = execution_record(integration=integration, **data)
    return JsonResponse({"outputFields": execution_answer(execution)})


def _card_request(request) -> tuple[Integration, dict]:
    """The card request's integration and record, or Refused (401/403/400). The record is
    in the query of a GET and the JSON body of a POST; the portal always comes from the
    signed URL."""
    raw = signed_body(request)
    values = request.GET.dict() if request.method == "GET" else parse_json(raw or b"{}")
    query = CardQuerySerializer(data={**values, "portalId": request.GET.get("portalId", "")})
    if not query.is_valid():
        raise Refused(f"Bad card request: {_errors(query)}", 400)
    data = query.validated_data
    integration = portal_integration(data["portalId"])
    if integration is None:
        raise Refused("This HubSpot portal has no integration here.", 403)
    return integration, data


def _errors(serializer) -> str:
    return "; ".join(
        f"{field}: {' '.join(map(str, problems))}" for field, problems in serializer.errors.items()
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def financials(request):
    """GET: the record's Fortnox customer and invoices (cached). POST ("Perform sync"):
    the same, read from Fortnox again."""
    try:
        integration, data = _card_request(request)
    except Refused as exc:
        return _problem(str(exc), exc.status)
    kind, object_id = data["objectType"], data["objectId"]
    number = record_customer_number(integration=integration, object_type=kind, object_id=object_id)
    if not number:
        return JsonResponse(
            {
                "customer_number": None,
                "message": f"This {SINGULAR[kind]} has no Fortnox customer yet.",
                "actions": [UPDATE_CUSTOMER],
            }
        )
    try:
        summary = customer_financials(
            integration=integration, customer_number=number, refresh=request.method == "POST"
        )
    except ConnectorError as error:
        return _problem(error.message, 503, customer_number=number)
    return JsonResponse(summary)


@csrf_exempt
@require_POST
def customer(request):
    """ "Update customer in Fortnox" from the card: create it once, update it later."""
    try:
        integration, data = _card_request(request)
    except Refused as exc:
        return _problem(str(exc), exc.status)
    run = customer_update(
        integration=integration, object_type=data["objectType"], object_id=data["objectId"]
    )
    if run.status not in SyncRun.DONE:
        return _problem(run.error_message or "The customer update is already running.", 422)
    return JsonResponse(
        {"customer_number": run.customer_number, "message": run.error_message or "Updated."}
    )
