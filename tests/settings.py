"""Test settings: development defaults, real provider hosts (answered in-process by the
sandboxes through ``responses``), and a fast password hasher."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SANDBOX_ENABLED", "true")
os.environ.setdefault("PUBLIC_BASE_URL", "http://testserver")
os.environ.setdefault("FORTNOX_API_URL", "https://api.fortnox.se")
os.environ.setdefault("FORTNOX_AUTH_URL", "https://apps.fortnox.se/oauth-v1")
os.environ.setdefault("SHOPIFY_SHOP_URL", "https://{shop}")
os.environ.setdefault("HUBSPOT_API_URL", "https://api.hubapi.com")
os.environ.setdefault("HUBSPOT_AUTH_URL", "https://app.hubspot.com/oauth/authorize")
os.environ.setdefault("ENV_FILE", os.devnull)

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
Q_CLUSTER["sync"] = True  # noqa: F405 - enqueued tasks run inline, in the test's transaction
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: threads beside the test (the browser tests' live server and
    # relay) then each have their own connection, as processes do in production; a shared
    # in-memory database would refuse them with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}  # noqa: F405
