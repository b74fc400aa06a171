"""HubSpot's error bodies (hubspot.md §8) and the 429 shapes (§7).

Every error is ``{"status":"error","message","correlationId","category",...}``; categories
used here: VALIDATION_ERROR, OBJECT_NOT_FOUND, CONFLICT, MISSING_SCOPES, RATE_LIMITS (§8).
INVALID_AUTHENTICATION / EXPIRED_AUTHENTICATION for 401 are remembered from HubSpot's
answers, not from the reference (which only says "401 token").
"""

from __future__ import annotations

import json
import uuid

from hubspot_app.sandbox.state import ApiError, Response


def body(message: str, category: str, **extra: object) -> dict:
    return {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
        **extra,
    }


def error(status: int, message: str, category: str, **extra: object) -> Response:
    return Response.json(status, body(message, category, **extra))


def fail(status: int, message: str, category: str, **extra: object) -> ApiError:
    """An exception a handler raises to answer with this error."""
    return ApiError(error(status, message, category, **extra))


def not_found(message: str = "Resource not found") -> ApiError:
    """§8: 404 ``"message":"Resource not found","category":"OBJECT_NOT_FOUND"``."""
    return fail(404, message, "OBJECT_NOT_FOUND")


def validation(message: str, **extra: object) -> ApiError:
    return fail(400, message, "VALIDATION_ERROR", **extra)


def invalid_json() -> Response:
    return error(400, "Invalid input JSON on line 1", "VALIDATION_ERROR")


def property_errors(problems: list[dict]) -> ApiError:
    """400 for bad property values; the list is embedded as JSON text, as HubSpot does."""
    return validation(f"Property values were not valid: {json.dumps(problems)}")


def property_problem(name: str, code: str, message: str) -> dict:
    return {
        "isValid": False,
        "message": message,
        "error": code,
        "name": name,
        "localizedErrorMessage": message,
    }


def unauthorized(expired: bool = False) -> Response:
    if expired:
        return error(
            401, "The OAuth token used to make this call expired.", "EXPIRED_AUTHENTICATION"
        )
    return error(
        401,
        "Authentication credentials not found. This API supports OAuth 2.0 authentication.",
        "INVALID_AUTHENTICATION",
    )


def missing_scopes(scopes: list[str]) -> Response:
    """403 when the token lacks every scope that would grant the call (§8 MISSING_SCOPES)."""
    return error(
        403,
        "This app hasn't been granted all required scopes to make this call.",
        "MISSING_SCOPES",
        errors=[
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": scopes},
            }
        ],
    )


def rate_limited(*, search: bool, headers: dict[str, str]) -> Response:
    """§7: the 429 body (hubspot-api-python issue #117); search has its own per-second policy."""
    if search:
        message, policy = "You have reached your secondly limit.", "SECONDLY"
    else:
        message, policy = (
            "You have reached your ten_secondly_rolling limit.",
            "TEN_SECONDLY_ROLLING",
        )
    data = {
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "correlationId": str(uuid.uuid4()),
        "policyName": policy,
        "groupName": "publicapi:sandbox-app",
    }
    return Response.json(429, data, headers)
