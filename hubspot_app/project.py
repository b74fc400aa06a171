"""The HubSpot project this service is (``hubspot_project/``: ``hs project upload`` it),
with every URL built from one placeholder for the public base URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent / "hubspot_project"
PLACEHOLDER = "${PUBLIC_BASE_URL}"
SKIPPED = {"node_modules", "dist"}


def project_files(base_url: str | None = None) -> dict[str, str]:
    """Relative path -> text of every project file; with ``base_url``, the placeholder
    replaced by it (no trailing slash)."""
    files = {}
    for path in sorted(PROJECT_DIR.rglob("*")):
        if path.is_file() and not SKIPPED & set(path.parts):
            text = path.read_text(encoding="utf-8")
            if base_url is not None:
                text = text.replace(PLACEHOLDER, base_url.rstrip("/"))
            files[str(path.relative_to(PROJECT_DIR))] = text
    return files


def base_url_problem(base_url: str) -> str:
    """Why HubSpot would refuse this base URL ("" when it would not): ``hubspot.fetch``
    calls only HTTPS URLs, and never localhost (hubspot.md §6)."""
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.hostname:
        return f"{base_url!r} is not an https URL; HubSpot calls the app over HTTPS only."
    if parts.hostname in {"localhost", "127.0.0.1", "::1"}:
        return f"{base_url!r} is local; HubSpot must reach it from the internet (a tunnel)."
    if parts.query or parts.fragment:
        return f"{base_url!r} has a query or fragment; give the base URL only."
    return ""
