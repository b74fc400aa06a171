from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from integrations.models import Connection, ConnectionStatus, Provider


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    provider = Provider.FORTNOX
    account_id = factory.Sequence(lambda n: f"{100000 + n}")
    display_name = factory.Sequence(lambda n: f"Bolaget {n} AB")
    status = ConnectionStatus.ACTIVE
    access_token = factory.Sequence(lambda n: f"access-token-{n}")
    refresh_token = factory.Sequence(lambda n: f"refresh-token-{n}")
    token_expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
