"""Pages to look at the served sandbox in a browser (``/sandbox/fortnox/ui/``): each
company's invoices and orders with their rows, totals and PDF. The API under ``/3/`` wants
a token, so a browser gets 401 there; these pages need none (the sandbox is local only)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fortnox.sandbox.invoices import render_document_pdf
from fortnox.sandbox.views import default_sandbox

REGISTERS = {"invoices": ("InvoiceRows", "Faktura"), "orders": ("OrderRows", "Order")}


def _number(document: dict) -> int:
    number = str(document["DocumentNumber"])
    return int(number) if number.isdigit() else 0


def _shown(doc: dict, register: str) -> dict:
    """The document with what the template shows whichever register it is in."""
    rows = [
        {**row, "quantity": row.get("DeliveredQuantity") or row.get("OrderedQuantity", "")}
        for row in doc.get(REGISTERS[register][0], [])
    ]
    date = doc.get("InvoiceDate") or doc.get("OrderDate", "")
    return {**doc, "rows": rows, "register": register, "date": date}


def _documents(tenant, register: str) -> list[dict]:
    documents = getattr(tenant, register).values()
    return [_shown(doc, register) for doc in sorted(documents, key=_number, reverse=True)]


@require_GET
def index(request):
    sandbox = default_sandbox()
    companies = [
        {
            "tenant": tenant,
            "invoices": _documents(tenant, "invoices"),
            "orders": _documents(tenant, "orders"),
        }
        for tenant in sandbox.tenants.values()
    ]
    return render(request, "sandbox/fortnox_documents.html", {"companies": companies})


def _document(tenant_id: str, register: str, number: str) -> tuple[object, dict]:
    sandbox = default_sandbox()
    tenant = sandbox.tenants.get(tenant_id)
    if tenant is None or register not in REGISTERS:
        raise Http404("No such company or register in the sandbox.")
    document = getattr(tenant, register).get(number)
    if document is None:
        raise Http404("No such document in the sandbox.")
    return tenant, document


@require_GET
def document(request, tenant: str, register: str, number: str):
    company, doc = _document(tenant, register, number)
    context = {"tenant": company, "doc": _shown(doc, register)}
    return render(request, "sandbox/fortnox_document.html", context)


@require_GET
def pdf(request, tenant: str, register: str, number: str):
    _company, doc = _document(tenant, register, number)
    answer = render_document_pdf(REGISTERS[register][1], doc)
    response = HttpResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
