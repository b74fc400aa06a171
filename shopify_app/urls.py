from django.urls import path

from shopify_app import views, webhooks

app_name = "shopify"
urlpatterns = [
    path("install/", views.install, name="install"),
    path("callback/", views.callback, name="callback"),
    path("setup/", views.setup, name="setup"),
    path("webhooks/", webhooks.receive, name="webhooks"),
]
