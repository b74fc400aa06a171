from django.urls import path

from shopify_app import admin_link, views, webhooks

app_name = "shopify"
urlpatterns = [
    path("webhooks/", webhooks.receive, name="webhooks"),
    path("install/", views.install, name="install"),
    path("callback/", views.callback, name="callback"),
    path("setup/", views.setup, name="setup"),
    path("replay/", admin_link.replay_order, name="replay"),
]
