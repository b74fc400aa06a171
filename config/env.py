"""Strict environment helpers for settings.

Every problem found while reading the environment is raised as ``ConfigurationError``
whose message names the variable, so start-up can print one line instead of a traceback.
"""

from __future__ import annotations

import environ
from django.core.exceptions import ImproperlyConfigured


class ConfigurationError(ImproperlyConfigured):
    """A setting is missing or malformed; the message names the variable to fix."""


env = environ.Env()


def read_dotenv(path) -> None:
    """Load ``.env`` when present; real environment variables win."""
    if path.exists():
        environ.Env.read_env(str(path), overwrite=False)


def text(name: str, default: str = "") -> str:
    return env.str(name, default=default).strip()


def flag(name: str, default: bool) -> bool:
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, got {raw!r}")


def csv(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in text(name, default).split(",") if item.strip()]


def database(name: str, default: str) -> dict:
    raw = text(name, default)
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise ConfigurationError(f"{name} is not a valid database URL ({exc})") from None
    if not config.get("ENGINE"):
        raise ConfigurationError(f"{name} has an unsupported scheme: {raw.split(':', 1)[0]!r}")
    if config["ENGINE"] != "django.db.backends.sqlite3" and not config.get("NAME"):
        raise ConfigurationError(f"{name} must name a database, e.g. postgres://user@host/db")
    return config


def url(name: str, default: str = "") -> str:
    raw = text(name, default).rstrip("/")
    if raw and not raw.startswith(("http://", "https://")):
        raise ConfigurationError(f"{name} must start with http:// or https://, got {raw!r}")
    return raw


def require(problems: list[str]) -> None:
    """Stop start-up naming the first variable to set."""
    if problems:
        raise ConfigurationError(problems[0])


def integer(name: str, default: int) -> int:
    raw = text(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from None


def number(name: str, default: float) -> float:
    raw = text(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from None


def proxy_header(name: str, default: str) -> tuple[str, str] | None:
    """A ``Header-Name=value`` pair as Django's SECURE_PROXY_SSL_HEADER wants it
    (``("HTTP_HEADER_NAME", "value")``), or None for ``none``. Empty means the default."""
    raw = text(name) or default
    if raw.lower() in {"", "none", "off"}:
        return None
    header, _, value = raw.partition("=")
    header, value = header.strip(), value.strip()
    if not header or not value or not header.replace("-", "").isalnum() or not header.isascii():
        raise ConfigurationError(
            f"{name} must be Header-Name=value (e.g. X-Forwarded-Proto=https) or none, got {raw!r}"
        )
    return "HTTP_" + header.upper().replace("-", "_"), value
