from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.views import home
from integrations.views import healthz

# The run list needs the room at 1280 px; the breadcrumbs still lead everywhere.
admin.site.enable_nav_sidebar = False

# The sources first, their webhook receivers first within them: the busiest URLs are
# matched in the fewest tries.
urlpatterns = [
    path("shopify/", include("shopify_app.urls")),
    path("hubspot/", include("hubspot_app.urls")),
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("fortnox/", include("syncs.fortnox_urls")),
    path("syncs/", include("syncs.urls")),
    path("app/", include("syncs.merchant_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("config.sandbox_urls")))
