"""Device import and export as CSV: validated, all or nothing, one config change announced."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from hub import domain_events
from hub.audit.service import AuditTrail
from hub.errors import ConflictError, InvalidRequestError, ProblemError
from hub.fleet.bulk import csvfile
from hub.fleet.bulk.planning import Plan, Tenant, changed_owners, plan, read_rows, source_errors
from hub.fleet.bulk.repository import DeviceBulkRepository
from hub.fleet.bulk.schemas import (
    COLUMNS,
    EVENT_SOURCES_SEPARATOR,
    MAX_BODY_BYTES,
    MAX_ERRORS,
    ImportReport,
    RowError,
)
from hub.inventory.events import EdgeConfigChanged
from hub.inventory.models import Device
from hub.inventory.repository import source_owners
from hub.principal import Principal
from hub.repository import commit_or_conflict

log = logging.getLogger("dotmac.hub.fleet.bulk")


class PayloadTooLargeError(ProblemError):
    """The uploaded file is larger than the import accepts."""

    status, slug, title = 413, "payload-too-large", "Payload too large"

    def __init__(self) -> None:
        super().__init__(f"the file is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB; "
                         "split it and import the parts one by one")


class ImportRefusedError(InvalidRequestError):
    """The file has errors: nothing was written; `errors` says where and why."""

    def __init__(self, errors: list[RowError]) -> None:
        lines = len({e.row for e in errors})
        super().__init__(f"{len(errors)} error(s) on {lines} line(s); nothing was written: "
                         "fix them and import the whole file again")
        self.errors = _shown(errors)


def _shown(errors: list[RowError]) -> list[RowError]:
    if len(errors) <= MAX_ERRORS:
        return errors
    more = len(errors) - MAX_ERRORS
    return [*errors[:MAX_ERRORS], RowError(row=None, column=None, message=(
        f"{more} more error(s) not shown; fix these and import again to see them"))]


def _cell(value: object) -> str:
    """A value as the file writes it: booleans as true/false, whole floats without `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        return EVENT_SOURCES_SEPARATOR.join(map(str, value))
    return str(value)


class DeviceCsv:
    """The caller's tenant's devices, out to and in from a CSV file."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.principal = principal
        self.repo = DeviceBulkRepository(session, principal.tenant_id)

    async def export(self) -> str:
        """Every device as a row of the CSV (names, never ids or secrets)."""
        rows = await self.repo.export_rows()
        return csvfile.render([_cell(row[column]) for column in COLUMNS] for row in rows)

    async def import_(self, body: bytes, dry_run: bool) -> ImportReport:
        """Validate the file and, unless `dry_run`, apply it in one transaction. Any error
        raises ImportRefusedError with every error found and nothing written."""
        parsed = csvfile.parse(body)
        if parsed.errors:
            raise ImportRefusedError(parsed.errors)
        rows, errors = read_rows(parsed.records)
        names = sorted({row.name for _, row in rows})
        tenant = Tenant.of(await self.repo.sites(), await self.repo.agents(),
                           await self.repo.credential_sets(), await self.repo.devices_named(names))
        changes = plan(rows, tenant)
        changes.errors += await self._source_errors(changes)
        errors = sorted(parsed.misshapen + errors + changes.errors,
                        key=lambda e: (e.row or 0, e.column or ""))
        if errors:
            log.info("event=device_import_refused tenant=%s errors=%d dry_run=%s",
                     self.principal.tenant_id, len(errors), dry_run)
            raise ImportRefusedError(errors)
        if not dry_run:
            await self._apply(changes)
        return ImportReport(dry_run=dry_run, created=len(changes.creates),
                            updated=len(changes.updates), unchanged=changes.unchanged)

    async def _source_errors(self, changes: Plan) -> list[RowError]:
        """Sender-address clashes of the file with the tenant's devices (of the agents the
        file's devices are polled by)."""
        changed = [owner for _, owner in changed_owners(changes)]
        agents = {o.agent_id for o in changed if o.agent_id is not None}
        addresses = {a for o in changed for a in (*o.event_sources, o.management_address)}
        stored = await source_owners(self.session, self.principal.tenant_id, agents, addresses)
        return source_errors(changes, stored)

    async def _apply(self, changes: Plan) -> None:
        for change in changes.creates:
            self.repo.add(Device(name=change.name, **change.values))
        for change in changes.updates:
            for column, value in change.values.items():
                setattr(change.device, column, value)
        AuditTrail(self.session, self.principal).record(
            "device.import", "device", None, created=len(changes.creates),
            updated=len(changes.updates), unchanged=changes.unchanged)
        what = "devices: a device of the file was changed meanwhile; import again"
        await commit_or_conflict(self.session, what, flush_only=True)
        if changes.agents:
            await domain_events.publish(self.session, EdgeConfigChanged(
                self.principal.tenant_id, frozenset(changes.agents), "device.import"))
        # Again now the agents' config states are locked: a device API change that committed
        # since the check above cannot slip a clash in.
        clashes = await self._source_errors(changes)
        if clashes:
            await self.session.rollback()
            raise ConflictError(f"{what} ({clashes[0].message})")
        await commit_or_conflict(self.session, what)
        log.info("event=device_import tenant=%s created=%d updated=%d unchanged=%d agents=%d",
                 self.principal.tenant_id, len(changes.creates), len(changes.updates),
                 changes.unchanged, len(changes.agents))
