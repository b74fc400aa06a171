"""django-q2 tasks of the HubSpot connector. Thin: they take ids and call services."""

from __future__ import annotations


def execution_task(execution_id: int) -> None:
    from hubspot_app.workflow import execution_run

    execution_run(execution_id=execution_id)
