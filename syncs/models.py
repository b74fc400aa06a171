from __future__ import annotations

import contextlib

import psycopg
from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integrations.models import Connection, Provider


class Integration(models.Model):
    """One source (a Shopify shop or a HubSpot portal) linked to one Fortnox tenant, with
    the settings that decide what its sales become in Fortnox."""

    class DocumentType(models.TextChoices):
        INVOICE = "invoice", _("Draft invoice")
        ORDER = "order", _("Draft order")

    class AfterCreate(models.TextChoices):
        NOTHING = "nothing", _("Nothing (leave it as a draft)")
        BOOKKEEP = "bookkeep", _("Bookkeep the invoice")
        EMAIL = "email", _("E-mail the invoice to the customer")

    class CustomerMatch(models.TextChoices):
        EMAIL = "email", _("E-mail address")
        ORGANISATION_NUMBER = "organisation_number", _("Organisation number")
        CUSTOMER_NUMBER = "customer_number", _("Customer number from a source field")

    class CustomerNumbering(models.TextChoices):
        FORTNOX = "fortnox", _("Fortnox numbers new customers")
        SOURCE = "source", _("Take the number from a source field")

    class ArticleMatch(models.TextChoices):
        SKU = "sku", _("SKU = article number")
        NAME = "name", _("Product name = article description")
        LINKS = "links", _("Only the table of direct links")

    class MissingArticle(models.TextChoices):
        HALT = "halt", _("Halt the sync for review")
        PLACEHOLDER = "placeholder", _("Use the placeholder article")
        CREATE = "create", _("Create the article in Fortnox")

    class GuestCustomers(models.TextChoices):
        PER_ORDER = "per_order", _("A new customer for each order")
        NAMED = "named", _("One guest customer chosen by the operator")

    class Shipping(models.TextChoices):
        ROW = "row", _("A row with the shipping article")
        FREIGHT = "freight", _("Fortnox's Freight field")

    class PricesIncludeVat(models.TextChoices):
        SOURCE = "source", _("Follow the source")
        INCLUDE = "include", _("Always including VAT")
        EXCLUDE = "exclude", _("Always excluding VAT")

    name = models.CharField(max_length=200, blank=True)
    source = models.OneToOneField(
        Connection,
        on_delete=models.CASCADE,
        related_name="integration",
        limit_choices_to=~Q(provider=Provider.FORTNOX),
    )
    fortnox = models.ForeignKey(
        Connection,
        on_delete=models.PROTECT,
        related_name="fortnox_integrations",
        null=True,
        blank=True,
        limit_choices_to={"provider": Provider.FORTNOX},
        help_text="The one Fortnox account this source books into. To switch accounts,"
        " disconnect this one first.",
    )
    enabled = models.BooleanField(default=True)

    document_type = models.CharField(max_length=10, choices=DocumentType.choices, default="invoice")
    after_create = models.CharField(max_length=10, choices=AfterCreate.choices, default="nothing")

    customer_match = models.CharField(max_length=30, choices=CustomerMatch.choices, default="email")
    customer_numbering = models.CharField(
        max_length=10, choices=CustomerNumbering.choices, default="fortnox"
    )
    customer_number_path = models.CharField(
        max_length=200,
        blank=True,
        help_text="Source field with the customer number, e.g. customer.id.",
    )
    write_back_customer_number = models.BooleanField(
        default=False, help_text="Store the Fortnox customer number on the source's customer."
    )
    guest_customers = models.CharField(
        max_length=10,
        choices=GuestCustomers.choices,
        default=GuestCustomers.PER_ORDER,
        help_text="Buyers without an e-mail address (or the match field) are never matched"
        " to each other: each order gets its own customer, or all go to one guest customer.",
    )
    guest_customer_number = models.CharField(
        max_length=50, blank=True, help_text="The Fortnox customer number for guests."
    )
    default_terms_of_payment = models.CharField(max_length=20, blank=True)
    default_currency = models.CharField(max_length=3, blank=True)
    default_price_list = models.CharField(max_length=20, blank=True)
    default_way_of_delivery = models.CharField(max_length=20, blank=True)
    default_terms_of_delivery = models.CharField(max_length=20, blank=True)
    default_language = models.CharField(
        max_length=2, blank=True, choices=[("SV", "Swedish"), ("EN", "English")]
    )
    vat_type_overrides = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per country: {"NO": "EXPORT", "DE": "EUVAT"}.',
    )

    article_match = models.CharField(max_length=10, choices=ArticleMatch.choices, default="sku")
    missing_article = models.CharField(
        max_length=15, choices=MissingArticle.choices, default="halt"
    )
    placeholder_article = models.CharField(max_length=50, blank=True)

    shipping = models.CharField(max_length=10, choices=Shipping.choices, default="row")
    shipping_article = models.CharField(max_length=50, blank=True)
    gift_card_account = models.PositiveIntegerField(
        default=2420, help_text="Account for sold gift cards (a liability, no VAT)."
    )
    duty_account = models.PositiveIntegerField(
        default=3530,
        help_text="Account for duties collected from the buyer (an outlay passed through,"
        " no VAT). BAS: 3530.",
    )
    tip_account = models.PositiveIntegerField(
        default=3990, help_text="Account for tips (no VAT, no article). BAS: 3990."
    )
    sales_account_25 = models.PositiveIntegerField(
        default=3001, help_text="Sales account of new articles at 25 % VAT. BAS: 3001."
    )
    sales_account_12 = models.PositiveIntegerField(
        default=3002, help_text="Sales account of new articles at 12 % VAT. BAS: 3002."
    )
    sales_account_6 = models.PositiveIntegerField(
        default=3003, help_text="Sales account of new articles at 6 % VAT. BAS: 3003."
    )
    eu_goods_account = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=3108,
        help_text="Rows of goods to EU businesses (reverse charge). BAS: 3108. Blank: the"
        " article's account.",
    )
    eu_services_account = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=3308,
        help_text="Rows of services to EU businesses (reverse charge). BAS: 3308. Blank:"
        " the article's account.",
    )
    export_account = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=3105,
        help_text="Rows of sales outside the EU. BAS: 3105. Blank: the article's account.",
    )
    article_unit = models.CharField(
        max_length=10, blank=True, default="st", help_text="Unit of new articles (e.g. st)."
    )
    prices_include_vat = models.CharField(
        max_length=10, choices=PricesIncludeVat.choices, default="source"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name or str(self.source)

    def clean(self) -> None:
        from syncs.validation import validate_integration

        validate_integration(self)


class FieldMapping(models.Model):
    """A value for a Fortnox field, taken from the source: a dotted path, a constant or a
    template such as ``Shopify {order.name}``."""

    class Kind(models.TextChoices):
        PATH = "path", _("Dotted path")
        CONSTANT = "constant", _("Constant")
        TEMPLATE = "template", _("Template")

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="mappings")
    target = models.CharField(max_length=80, help_text="e.g. invoice.YourReference")
    kind = models.CharField(max_length=10, choices=Kind.choices, default="path")
    expression = models.CharField(max_length=1024)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "target"], name="uniq_mapping_target")
        ]

    def __str__(self) -> str:
        return f"{self.target} <- {self.expression}"

    def clean(self) -> None:
        from syncs.validation import validate_mapping

        validate_mapping(target=self.target, kind=self.kind, expression=self.expression)


class ExternalLink(models.Model):
    """A source object and the Fortnox record made or found for it. The unique key makes
    creation idempotent and saves a lookup next time."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        ARTICLE = "article", _("Article")
        INVOICE = "invoice", _("Invoice")
        ORDER = "order", _("Order")
        CREDIT = "credit", _("Credit invoice")

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.CharField(max_length=255)
    fortnox_number = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "kind", "source_id"], name="uniq_external_link"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id} -> {self.fortnox_number}"


class UsageMonth(models.Model):
    """Documents created per integration and month; only successes are counted."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="usage")
    month = models.DateField(help_text="First day of the month.")
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "month"], name="uniq_usage_month")
        ]
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.integration} {self.month:%Y-%m}: {self.documents}"


_INSERT_STATEMENTS: dict[tuple[str, str], tuple[list, str]] = {}


@contextlib.contextmanager
def _insert_cursor(connection):
    """Django's cursor, except on PostgreSQL: one that binds on the server and prepares the
    statement, so it is parsed and planned once per connection, and its 15 values are not
    quoted into the text in Python. Planning this INSERT was half of PostgreSQL's work per
    webhook. Django leaves prepared statements off (``prepare_threshold`` None); they are
    on only while this statement runs, so no other query is counted or prepared.
    ``DATABASE_PREPARED_STATEMENTS=false`` turns it off, for a pooler that cannot keep
    prepared statements (PgBouncer before 1.21 in transaction mode)."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw = connection.connection
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    threshold, raw.prepare_threshold = raw.prepare_threshold, 0
    try:
        with wrap(psycopg.Cursor(raw)) as cursor:
            yield cursor
    finally:
        raw.prepare_threshold = threshold


class InboundEventManager(models.Manager):
    def insert_new(self, **values) -> int | None:
        """Store a delivery with one statement: ``INSERT ... ON CONFLICT (provider,
        delivery_id) DO NOTHING RETURNING id``. Returns the new row's id, or None when the
        delivery is stored already. Fields not given take their defaults.

        The webhook receivers' one write. ``create()`` spent as much CPU building the model
        and compiling the INSERT as the statement itself took, and its IntegrityError on a
        repeat needs a savepoint inside a transaction; this needs neither."""
        connection = connections[self.db]
        fields, sql = self._insert_statement(connection)
        now = timezone.now()
        params = []
        for field in fields:
            if field.attname in values:
                value = values.pop(field.attname)
            elif getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            params.append(field.get_db_prep_save(value, connection))
        if values:
            raise TypeError(f"InboundEvent has no field(s) {', '.join(sorted(values))}")
        with _insert_cursor(connection) as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row else None

    def _insert_statement(self, connection) -> tuple[list, str]:
        """The fields and the statement, built once per database vendor."""
        key = (self.model._meta.label, connection.vendor)
        if key not in _INSERT_STATEMENTS:
            _INSERT_STATEMENTS[key] = self._build_insert_statement(connection)
        return _INSERT_STATEMENTS[key]

    def _build_insert_statement(self, connection) -> tuple[list, str]:
        fields = [field for field in self.model._meta.concrete_fields if not field.primary_key]
        quote = connection.ops.quote_name
        # Only the model's own quoted names are formatted in; every value is bound.
        sql = (
            f"INSERT INTO {quote(self.model._meta.db_table)}"  # noqa: S608
            f" ({', '.join(quote(field.column) for field in fields)})"
            f" VALUES ({', '.join(['%s'] * len(fields))})"
            f" ON CONFLICT ({quote('provider')}, {quote('delivery_id')}) DO NOTHING"
            f" RETURNING {quote(self.model._meta.pk.column)}"
        )
        return fields, sql


class InboundEvent(models.Model):
    """A webhook delivery exactly as received, recorded before any work is done.

    Receivers only store it (``queued_at`` empty); the relay (``syncs.outbox``) hands it
    to the queue, so a webhook costs one INSERT."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSING = "processing", _("Processing")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    provider = models.CharField(max_length=20, choices=Provider.choices)
    delivery_id = models.CharField(max_length=255)
    topic = models.CharField(max_length=100)
    account_id = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    headers = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When its processing was handed to the queue."
    )
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker started processing it."
    )
    # Whom the delivery is about, as its source reads the body: indexed, so a privacy
    # request finds a customer's events without reading every stored body.
    order_ref = models.CharField(max_length=64, blank=True)
    customer_ref = models.CharField(max_length=64, blank=True)
    email = models.CharField(max_length=254, blank=True)

    objects = InboundEventManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "delivery_id"], name="uniq_inbound_delivery"
            )
        ]
        # Every index is written by each webhook's INSERT, so there is none the queries do
        # not use: no LIKE twins of the text ones (what db_index=True makes on PostgreSQL),
        # and the claim time only once claimed.
        indexes = [
            models.Index(fields=["state", "received_at"], name="event_state_received"),
            # What the relay looks for many times a second: small, as rows leave it once
            # they are queued.
            models.Index(
                fields=["id"],
                condition=Q(state="received", queued_at__isnull=True),
                name="event_to_relay",
            ),
            models.Index(fields=["account_id", "received_at"], name="event_account"),
            models.Index(
                fields=["claimed_at"], condition=Q(claimed_at__isnull=False), name="event_claimed"
            ),
            models.Index(fields=["order_ref"], name="event_order_ref"),
            models.Index(fields=["customer_ref"], name="event_customer_ref"),
            models.Index(fields=["email"], name="event_email"),
        ]
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.topic} {self.delivery_id}"


class SyncRun(models.Model):
    """One piece of sync work on one source object, with its outcome and step log.

    Unique per (integration, operation, source object): however many events arrive for a
    sale, there is one run, and so at most one Fortnox document."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        SUCCEEDED_WITH_WARNING = "succeeded_with_warning", _("Succeeded with warning")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Report(models.TextChoices):
        NONE = "", _("Nothing to write back")
        PENDING = "pending", _("Pending")
        DONE = "done", _("Written back")
        GAVE_UP = "gave_up", _("Gave up")

    DONE = (Status.SUCCEEDED, Status.SUCCEEDED_WITH_WARNING)

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="runs", null=True, blank=True
    )
    provider = models.CharField(max_length=20, choices=Provider.choices)
    operation = models.CharField(max_length=50)
    source_id = models.CharField(max_length=255)
    source_label = models.CharField(max_length=100, blank=True, help_text="e.g. #1001")
    status = models.CharField(
        max_length=30, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    document_type = models.CharField(max_length=10, blank=True)
    document_number = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When the run was last handed to the queue."
    )
    customer_number = models.CharField(max_length=50, blank=True)
    total = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Fortnox's total."
    )
    currency = models.CharField(max_length=3, blank=True)
    report_status = models.CharField(
        "written back", max_length=10, choices=Report.choices, blank=True, default=Report.NONE
    )
    report_attempts = models.PositiveIntegerField(default=0)
    report_error = models.TextField(blank=True)
    report_next_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "operation", "source_id"], name="uniq_run_per_object"
            )
        ]

    def __str__(self) -> str:
        label = self.source_label or self.source_id
        return f"{self.operation} {self.provider}:{label} ({self.status})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class SyncRunLog(models.Model):
    """A step of a run; excerpts are sanitised before they are stored."""

    class Level(models.TextChoices):
        INFO = "info", _("Info")
        WARNING = "warning", _("Warning")
        ERROR = "error", _("Error")

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    step = models.CharField(max_length=50)
    message = models.TextField()
    excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.step}: {self.message}"
