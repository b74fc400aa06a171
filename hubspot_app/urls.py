from django.urls import path

from hubspot_app import endpoints, views, webhooks

app_name = "hubspot"
urlpatterns = [
    path("webhooks/", webhooks.receive, name="webhooks"),
    path("connect/", views.connect, name="connect"),
    path("callback/", views.callback, name="callback"),
    path("setup/", views.setup, name="setup"),
    path("actions/", endpoints.action, name="actions"),
    path("cards/financials/", endpoints.financials, name="card-financials"),
    path("cards/customer/", endpoints.customer, name="card-customer"),
]
