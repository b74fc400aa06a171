"""Deal pipelines and stages (hubspot.md §3 "Pipelines").

A new portal gets HubSpot's default sales pipeline (id ``default``, its seven stages) and a
second, custom pipeline whose stage ids are numeric, as custom stages are (§3, §9.7).
"""

from __future__ import annotations

from hubspot_app.sandbox import errors
from hubspot_app.sandbox.state import Portal, Request, Response, iso_ms

DEFAULT_STAGES = [
    ("appointmentscheduled", "Appointment scheduled", "0.2"),
    ("qualifiedtobuy", "Qualified to buy", "0.4"),
    ("presentationscheduled", "Presentation scheduled", "0.6"),
    ("decisionmakerboughtin", "Decision maker bought-in", "0.8"),
    ("contractsent", "Contract sent", "0.9"),
    ("closedwon", "Closed won", "1.0"),
    ("closedlost", "Closed lost", "0.0"),
]
CUSTOM_STAGES = [
    ("1001", "Offert skickad", "0.5"),
    ("1002", "Fakturera", "1.0"),
    ("1003", "Förlorad", "0.0"),
]


def _pipeline(pipeline_id: str, label: str, order: int, stages: list, now: float) -> dict:
    stamp = iso_ms(now)
    return {
        "id": pipeline_id,
        "label": label,
        "displayOrder": order,
        "archived": False,
        "createdAt": stamp,
        "updatedAt": stamp,
        "stages": [
            {
                "id": stage_id,
                "label": stage_label,
                "displayOrder": index,
                "archived": False,
                "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
                "createdAt": stamp,
                "updatedAt": stamp,
                "metadata": {
                    "isClosed": "true" if probability in ("1.0", "0.0") else "false",
                    "probability": probability,
                },
            }
            for index, (stage_id, stage_label, probability) in enumerate(stages)
        ],
    }


def default_pipelines(now: float) -> list[dict]:
    return [
        _pipeline("default", "Sales Pipeline", 0, DEFAULT_STAGES, now),
        _pipeline("2001", "Fakturering", 1, CUSTOM_STAGES, now),
    ]


def stage_ids(portal: Portal) -> dict[str, list[str]]:
    """pipeline id -> its stage ids."""
    return {p["id"]: [s["id"] for s in p["stages"]] for p in portal.pipelines}


def stage(portal: Portal, pipeline_id: str | None, stage_id: str | None) -> dict | None:
    for pipeline in portal.pipelines:
        if pipeline_id in (None, pipeline["id"]):
            for candidate in pipeline["stages"]:
                if candidate["id"] == stage_id:
                    return candidate
    return None


def _object_type(req: Request) -> None:
    if req.match["object_type"] not in ("deals", "0-3"):
        raise errors.not_found()  # the sandbox models deal pipelines only


def _find(portal: Portal, pipeline_id: str) -> dict:
    for pipeline in portal.pipelines:
        if pipeline["id"] == pipeline_id:
            return pipeline
    raise errors.not_found(f"Unable to find pipeline {pipeline_id}")


def list_pipelines(req: Request) -> Response:
    """GET /crm/v3/pipelines/deals"""
    _object_type(req)
    return Response.json(200, {"results": req.portal.pipelines})


def get_pipeline(req: Request) -> Response:
    """GET /crm/v3/pipelines/deals/{pipelineId}"""
    _object_type(req)
    return Response.json(200, _find(req.portal, req.match["pipeline_id"]))


def list_stages(req: Request) -> Response:
    """GET /crm/v3/pipelines/deals/{pipelineId}/stages"""
    _object_type(req)
    return Response.json(200, {"results": _find(req.portal, req.match["pipeline_id"])["stages"]})
