"""Files API: multipart upload, file details and a signed download URL (hubspot.md §4).

``POST /files/v3/files`` (or ``/files/2026-03/files``), ``multipart/form-data`` with ``file``
(required), ``folderPath`` or ``folderId`` (one of them), ``fileName``, ``charsetHunch`` and
``options``: a JSON string whose ``access`` is required and one of PUBLIC_INDEXABLE,
PUBLIC_NOT_INDEXABLE, HIDDEN_INDEXABLE, HIDDEN_NOT_INDEXABLE, HIDDEN_PRIVATE, PRIVATE,
SENSITIVE -> 201 File. The file id goes into a note's ``hs_attachment_ids``.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import hashlib
import hmac
import json
from typing import TYPE_CHECKING

from hubspot_app.sandbox import errors
from hubspot_app.sandbox.state import Request, Response, iso_ms

if TYPE_CHECKING:
    from hubspot_app.sandbox.sandbox import HubSpotSandbox

ACCESS = {"PUBLIC_INDEXABLE", "PUBLIC_NOT_INDEXABLE", "HIDDEN_INDEXABLE", "HIDDEN_NOT_INDEXABLE",
          "HIDDEN_PRIVATE", "PRIVATE", "SENSITIVE"}  # fmt: skip
TYPES = {"pdf": "DOCUMENT", "txt": "DOCUMENT", "csv": "DOCUMENT", "png": "IMG", "jpg": "IMG"}
SIGNED_URL_SECONDS = 3600


def parse_multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """Form fields by name: (filename or None, raw bytes)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return {}
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[str(name)] = (part.get_filename(), part.get_payload(decode=True) or b"")
    return fields


def _options(raw: bytes | None) -> dict:
    try:
        options = json.loads(raw or b"")
    except ValueError:
        raise errors.validation("options must be a JSON string with an access level") from None
    if not isinstance(options, dict) or options.get("access") not in ACCESS:
        raise errors.validation(f"options.access is required, one of {sorted(ACCESS)}")
    return options


def upload(sb: HubSpotSandbox, req: Request) -> Response:
    """POST /files/v3/files -> 201 File."""
    content_type = req.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise errors.fail(415, "Content type must be multipart/form-data", "VALIDATION_ERROR")
    fields = parse_multipart(content_type, req.body)
    if "file" not in fields:
        raise errors.validation("file is required")
    folder_path = fields.get("folderPath", (None, b""))[1].decode()
    folder_id = fields.get("folderId", (None, b""))[1].decode()
    if not folder_path and not folder_id:
        raise errors.validation("One of folderPath or folderId is required")
    options = _options(fields.get("options", (None, None))[1])
    filename, content = fields["file"]
    name = fields.get("fileName", (None, b""))[1].decode() or filename or "file"
    stem, _, extension = name.rpartition(".") if "." in name else (name, "", "")
    file_id, stamp = sb.ids.take(), iso_ms(sb.now())
    parent = folder_id or str(int(hashlib.sha256(folder_path.encode()).hexdigest()[:8], 16))
    path = f"{folder_path.rstrip('/')}/{name}" if folder_path else f"/{name}"
    record = {
        "id": file_id,
        "name": stem,
        "extension": extension.lower(),
        "path": path,
        "parentFolderId": parent,
        "size": len(content),
        "type": TYPES.get(extension.lower(), "OTHER"),
        "access": options["access"],
        "url": f"{sb.api_url}/_sandbox/files/{file_id}/{name}",
        "defaultHostingUrl": f"{sb.api_url}/_sandbox/files/{file_id}/{name}",
        "createdAt": stamp,
        "updatedAt": stamp,
        "archived": False,
        "_content": base64.b64encode(content).decode(),
    }
    req.portal.files[file_id] = record
    return Response.json(201, public(record))


def public(record: dict) -> dict:
    return {key: value for key, value in record.items() if not key.startswith("_")}


def _find(req: Request) -> dict:
    record = req.portal.files.get(req.match["file_id"])
    if record is None:
        raise errors.not_found()
    return record


def get_file(sb: HubSpotSandbox, req: Request) -> Response:
    """GET /files/v3/files/{fileId}"""
    return Response.json(200, public(_find(req)))


def _signature(sb: HubSpotSandbox, file_id: str, expires: int) -> str:
    return hmac.new(
        sb.client_secret.encode(), f"{file_id}:{expires}".encode(), "sha256"
    ).hexdigest()


def signed_url(sb: HubSpotSandbox, req: Request) -> Response:
    """GET /files/v3/files/{fileId}/signed-url: a URL to download a private file."""
    record = _find(req)
    expires = int(sb.now()) + SIGNED_URL_SECONDS
    url = f"{record['url']}?expires={expires}&signature={_signature(sb, record['id'], expires)}"
    return Response.json(200, {
        "url": url, "expiresAt": iso_ms(expires), "name": record["name"],
        "extension": record["extension"], "type": record["type"], "size": record["size"],
    })  # fmt: skip


def download(sb: HubSpotSandbox, req: Request) -> Response:
    """GET /_sandbox/files/{fileId}/{name}: the bytes (private files need a signed URL)."""
    for portal in sb.portals.values():
        record = portal.files.get(req.match["file_id"])
        if record is None:
            continue
        expires = int(req.param("expires", "0") or 0)
        good = hmac.compare_digest(
            req.param("signature", "") or "", _signature(sb, record["id"], expires)
        )
        if record["access"].startswith("PUBLIC") or (good and expires > sb.now()):
            return Response(200, {"Content-Type": "application/octet-stream"},
                            base64.b64decode(record["_content"]))  # fmt: skip
        return Response.json(403, errors.body("Forbidden", "FORBIDDEN"))
    raise errors.not_found()
