"""Fill the indexed subjects (order, customer, e-mail) of Shopify events stored before
they were recorded on receipt, so customers/redact finds them without a scan."""

import json

from django.db import migrations


def backfill(apps, schema_editor):
    from shopify_app.webhooks import subjects

    InboundEvent = apps.get_model("syncs", "InboundEvent")
    events = InboundEvent.objects.filter(
        provider="shopify", order_ref="", customer_ref="", email=""
    )
    for event in events.only("pk", "body").iterator(chunk_size=500):
        try:
            payload = json.loads(event.body)
        except ValueError:
            continue
        if isinstance(payload, dict):
            found = {key: value[:254] for key, value in subjects(payload).items() if value}
            if found:
                InboundEvent.objects.filter(pk=event.pk).update(**found)


class Migration(migrations.Migration):
    dependencies = [
        ("shopify_app", "0003_catalog_settings_data_requests"),
        ("syncs", "0008_inbound_event_subjects"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
