"""The bodies and queries HubSpot sends to the app's action and card endpoints, checked
with Django REST framework serializers: a clear 400 naming the field on bad input."""

from __future__ import annotations

from rest_framework import serializers

from hubspot_app.customers import record_type
from hubspot_app.models import WorkflowExecution

Action = WorkflowExecution.Action
DIGITS = r"^[0-9]{1,30}$"
# What each action works on, and the action taken when the input field is left out.
ACTION_OBJECTS = {
    Action.INVOICE: {"DEAL"},
    Action.ORDER: {"DEAL"},
    Action.CUSTOMER: {"CONTACT", "COMPANY"},
}
DEFAULT_ACTION = {"DEAL": Action.INVOICE, "CONTACT": Action.CUSTOMER, "COMPANY": Action.CUSTOMER}


class _Origin(serializers.Serializer):
    portalId = serializers.IntegerField(min_value=1)


class _Object(serializers.Serializer):
    objectId = serializers.RegexField(DIGITS)
    objectType = serializers.ChoiceField(choices=sorted(DEFAULT_ACTION))

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get("objectId"), int):
            data = {**data, "objectId": str(data["objectId"])}
        if isinstance(data, dict) and isinstance(data.get("objectType"), str):
            data = {**data, "objectType": data["objectType"].upper()}
        return super().to_internal_value(data)


class ExecutionSerializer(serializers.Serializer):
    """A workflow action execution request (hubspot.md §5)."""

    callbackId = serializers.RegexField(r"^[A-Za-z0-9_.:-]{1,200}$")
    origin = _Origin()
    object = _Object()
    inputFields = serializers.DictField(required=False, default=dict)

    def validate(self, data):
        object_type = data["object"]["objectType"]
        action = str(data["inputFields"].get("action") or DEFAULT_ACTION[object_type])
        if action not in ACTION_OBJECTS:
            raise serializers.ValidationError(
                {"inputFields": f"action must be one of {', '.join(ACTION_OBJECTS)}."}
            )
        if object_type not in ACTION_OBJECTS[action]:
            raise serializers.ValidationError(
                {"object": f"The {action} action does not work on a {object_type.lower()}."}
            )
        return {
            "callback_id": data["callbackId"],
            "portal_id": data["origin"]["portalId"],
            "object_type": object_type,
            "object_id": data["object"]["objectId"],
            "action": action,
        }


class _RecordField(serializers.CharField):
    def to_internal_value(self, data):
        name = record_type(super().to_internal_value(data))
        if name is None:
            raise serializers.ValidationError("A contact or a company (0-1, 0-2).")
        return name


class CardQuerySerializer(serializers.Serializer):
    """What ``hubspot.fetch`` appends (``portalId``) and what the card asks about."""

    portalId = serializers.IntegerField(min_value=1)
    objectId = serializers.RegexField(DIGITS)
    objectType = _RecordField(max_length=20)
