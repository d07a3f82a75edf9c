"""Device CSV endpoints: export the tenant's devices, import (or dry-run) a file of them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from hub.api.deps import RequirePermission, SessionDep
from hub.errors import PROBLEM_MEDIA_TYPE, error_docs, problem_response
from hub.fleet.bulk.schemas import COLUMNS, MAX_BODY_BYTES, MAX_ROWS, ImportReport
from hub.fleet.bulk.service import DeviceCsv, ImportRefusedError, PayloadTooLargeError
from hub.principal import Principal

router = APIRouter(prefix="/inventory", tags=["devices"])

DevicesRead = Annotated[Principal, RequirePermission("devices:read")]
DevicesWrite = Annotated[Principal, RequirePermission("devices:write")]

CSV_MEDIA_TYPE = "text/csv"
_CSV_DOC: dict[int | str, dict[str, Any]] = {200: {
    "description": "The devices, one per row, header " + ",".join(COLUMNS),
    "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}}}}
_TOO_LARGE: dict[int | str, dict[str, Any]] = {413: {
    "description": f"The file is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB",
    "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
IMPORT_DOC = f"""Create or update devices from a CSV file sent as the body (`text/csv`,
UTF-8, at most {MAX_BODY_BYTES // (1024 * 1024)} MB and {MAX_ROWS} rows; see
docs/device-import.md). The header names the columns ({", ".join(COLUMNS)}); `name`, `site`
and `management_address` are required, the rest optional. A row whose name is a device of
the tenant updates it, any other row creates one; devices the file does not name are left
alone. Every row is checked first: any error answers 422 with every error as
`errors: [{{row, column, message}}]` (row = line of the file, the header is line 1) and
nothing is written. `dry_run=true` checks and counts without writing."""


async def _body(request: Request) -> bytes:
    """The request body, refused (413) as soon as it passes the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise PayloadTooLargeError()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise PayloadTooLargeError()
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/devices.csv", operation_id="devices_export_csv", response_class=Response,
            responses={**_CSV_DOC, **error_docs(401, 403, 429)})
async def export_devices(session: SessionDep, principal: DevicesRead) -> Response:
    """Every device of the caller's tenant as CSV: site, agent and credential sets by name
    (ids are not exported, so the file moves between tenants and hubs), never a secret."""
    text = await DeviceCsv(session, principal).export()
    return Response(text, media_type=CSV_MEDIA_TYPE, headers={
        "Content-Disposition": 'attachment; filename="devices.csv"'})


@router.post("/devices.csv", operation_id="devices_import_csv", response_model=ImportReport,
             description=IMPORT_DOC, responses={**_TOO_LARGE, **error_docs(401, 403, 409, 422,
                                                                           429)})
async def import_devices(request: Request, session: SessionDep, principal: DevicesWrite,
                         dry_run: Annotated[bool, Query()] = False) -> ImportReport | JSONResponse:
    """Import devices from CSV (all or nothing)."""
    body = await _body(request)
    try:
        return await DeviceCsv(session, principal).import_(body, dry_run)
    except ImportRefusedError as exc:
        return problem_response(request, exc.status, exc.slug, exc.title, exc.detail,
                                errors=[error.model_dump() for error in exc.errors])
