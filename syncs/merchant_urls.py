"""``/app/``: the merchant's onboarding and status pages (``syncs.merchant``)."""

from django.urls import path

from syncs import merchant

app_name = "merchant"
urlpatterns = [
    path("", merchant.home, name="home"),
    path("<int:integration_id>/", merchant.status_page, name="status"),
    path("<int:integration_id>/setup/", merchant.onboarding, name="onboarding"),
    path("<int:integration_id>/setup/fortnox/", merchant.fortnox, name="fortnox"),
    path(
        "<int:integration_id>/setup/fortnox/disconnect/",
        merchant.fortnox_disconnect,
        name="fortnox-disconnect",
    ),
    path("<int:integration_id>/setup/settings/", merchant.settings, name="settings"),
    path("<int:integration_id>/setup/check/", merchant.check, name="check"),
    path("<int:integration_id>/setup/done/", merchant.done, name="done"),
    path("<int:integration_id>/registers/", merchant.registers_sync, name="registers"),
    path(
        "<int:integration_id>/runs/<int:run_id>/replay/",
        merchant.run_replay_view,
        name="replay",
    ),
]
