"""``/fortnox/``: connecting a tenant (the engine's onboarding) and disconnecting one."""

from django.urls import path

from fortnox import views
from syncs import onboarding

app_name = "fortnox"
urlpatterns = [
    path("connect/", onboarding.fortnox_connect, name="connect"),
    path("callback/", onboarding.fortnox_callback, name="callback"),
    path("disconnect/<int:connection_id>/", views.disconnect, name="disconnect"),
]
