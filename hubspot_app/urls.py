from django.urls import path

from hubspot_app import views, webhooks

app_name = "hubspot"
urlpatterns = [
    path("connect/", views.connect, name="connect"),
    path("callback/", views.callback, name="callback"),
    path("setup/", views.setup, name="setup"),
    path("webhooks/", webhooks.receive, name="webhooks"),
]
