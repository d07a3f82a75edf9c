"""Pure construction of `protocol.DeviceFacts` (inventory) from what a poll read."""

from __future__ import annotations

import re
from collections.abc import Mapping

from edge_agent.profiles.mapping import Cell, Column, number, text
from edge_agent.profiles.model import InterfaceColumns, Profile, Source
from edge_agent.snmp import ber
from edge_agent.snmp.ber import Oid
from protocol import DeviceFacts, InterfaceFacts

SYS_DESCR = (1, 3, 6, 1, 2, 1, 1, 1, 0)
SYS_OBJECT_ID = (1, 3, 6, 1, 2, 1, 1, 2, 0)
SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3, 0)
SYS_NAME = (1, 3, 6, 1, 2, 1, 1, 5, 0)
SYSTEM_OIDS = (SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME)

ADMIN = {1: "up", 2: "down", 3: "testing"}
OPER = {1: "up", 2: "down", 3: "testing", 4: "unknown", 5: "dormant", 6: "notPresent",
        7: "lowerLayerDown"}


def source_oids(profile: Profile) -> tuple[list[Oid], list[Oid]]:
    """(instances to GET, columns to walk) that the profile's inventory needs."""
    gets: list[Oid] = []
    walks: list[Oid] = []
    inv = profile.inventory
    for source in (*inv.model, *inv.serial, *inv.version):
        if source.oid:
            gets.append(source.oid)
        if source.where:
            walks.append(source.where[0])  # the value column is then read with GETs
        elif source.walk:
            walks.append(source.walk)
    if inv.interfaces:
        walks.extend(o for o in vars(inv.interfaces).values() if o is not None)
    return gets, walks


def _matching_rows(source: Source, columns: Mapping[Oid, Column]) -> list[tuple[int, ...]]:
    assert source.where is not None
    oid, wanted = source.where
    rows = columns.get(oid, {})
    return [index for index in sorted(rows) if text(*rows[index]) == str(wanted)]


def instance_oids(profile: Profile, columns: Mapping[Oid, Column]) -> list[Oid]:
    """Second-phase GETs: value instances of `walk`+`where` sources (e.g. the chassis row)."""
    inv = profile.inventory
    out: list[Oid] = []
    for source in (*inv.model, *inv.serial, *inv.version):
        if source.walk and source.where:
            out += [source.walk + index for index in _matching_rows(source, columns)]
    return out


def _refine(value: str, regex: str | None) -> str | None:
    if not value:
        return None
    if regex is None:
        return value
    found = re.search(regex, value)
    if found is None:
        return None
    return (found.group(1) if found.groups() else found.group(0)).strip() or None


def _walked(
    source: Source, scalars: Mapping[Oid, Cell], columns: Mapping[Oid, Column]
) -> str | None:
    assert source.walk is not None
    if source.where is not None:
        cells = [scalars.get(source.walk + index) for index in _matching_rows(source, columns)]
    else:
        rows = columns.get(source.walk, {})
        cells = [rows[index] for index in sorted(rows)]
    for cell in cells:
        if cell is not None and cell[0] not in ber.EXCEPTIONS and text(*cell):
            return text(*cell)
    return None


def resolve(
    sources: tuple[Source, ...], scalars: Mapping[Oid, Cell], columns: Mapping[Oid, Column]
) -> str | None:
    """The first value any source yields (None when none does)."""
    descr = text(*scalars.get(SYS_DESCR, (ber.NULL, None)))
    for source in sources:
        if source.sys_descr is not None:
            value = _refine(descr, source.sys_descr)
        elif source.oid is not None:
            cell = scalars.get(source.oid)
            usable = cell is not None and cell[0] not in ber.EXCEPTIONS
            value = _refine(text(*cell), source.regex) if cell and usable else None
        else:
            value = _refine(_walked(source, scalars, columns) or "", source.regex)
        if value:
            return value[:256]
    return None


def _mac(cell: Cell | None) -> str | None:
    if cell is None or not isinstance(cell[1], bytes) or len(cell[1]) != 6:
        return None
    return ":".join(f"{b:02x}" for b in cell[1])


def _speed(
    cols: InterfaceColumns, columns: Mapping[Oid, Column], index: tuple[int, ...]
) -> int | None:
    high = columns.get(cols.speed_mbps, {}).get(index) if cols.speed_mbps else None
    mbps = number(*high) if high else None
    if mbps:
        return int(mbps) * 1_000_000
    low = columns.get(cols.speed_bps, {}).get(index) if cols.speed_bps else None
    bps = number(*low) if low else None
    return int(bps) if bps is not None and bps >= 0 else None


def _cell_text(oid: Oid | None, columns: Mapping[Oid, Column], index: tuple[int, ...]) -> str:
    cell = columns.get(oid, {}).get(index) if oid else None
    return text(*cell) if cell and cell[0] not in ber.EXCEPTIONS else ""


def interfaces(cols: InterfaceColumns, columns: Mapping[Oid, Column]) -> list[InterfaceFacts]:
    """IF-MIB interface facts, one per ifIndex seen in the oper-status column."""
    out: list[InterfaceFacts] = []
    for index in sorted(columns.get(cols.oper_status, {})):
        if len(index) != 1 or not 1 <= index[0] < 2**31:
            continue
        admin = number(*columns.get(cols.admin_status, {}).get(index, (ber.NULL, None)))
        oper = number(*columns[cols.oper_status][index])
        descr = _cell_text(cols.descr, columns, index)
        out.append(InterfaceFacts(
            if_index=index[0],
            name=_cell_text(cols.name, columns, index) or descr or str(index[0]),
            alias=_cell_text(cols.alias, columns, index),
            descr=descr,
            speed_bps=_speed(cols, columns, index),
            admin_status=ADMIN.get(int(admin or 0), "unknown"),  # type: ignore[arg-type]
            oper_status=OPER.get(int(oper or 0), "unknown"),  # type: ignore[arg-type]
            mac=_mac(columns.get(cols.mac, {}).get(index) if cols.mac else None),
        ))
    return out


def device_facts(
    device: str, address: str, profile: Profile,
    scalars: Mapping[Oid, Cell], columns: Mapping[Oid, Column],
) -> DeviceFacts:
    """Inventory of one device from the system group and the profile's sources."""

    def scalar(oid: Oid) -> str | None:
        cell = scalars.get(oid)
        return text(*cell) if cell and cell[0] not in ber.EXCEPTIONS else None

    uptime = scalars.get(SYS_UPTIME)
    ticks = number(*uptime) if uptime else None
    inv = profile.inventory
    return DeviceFacts(
        device=device,
        address=address,
        profile=profile.name,
        sys_name=(scalar(SYS_NAME) or None),
        sys_descr=(scalar(SYS_DESCR) or "")[:4096] or None,
        sys_object_id=scalar(SYS_OBJECT_ID) or None,
        vendor=profile.vendor,
        model=resolve(inv.model, scalars, columns),
        serial=resolve(inv.serial, scalars, columns),
        os_version=resolve(inv.version, scalars, columns),
        uptime_s=ticks / 100 if ticks is not None else None,
        interfaces=interfaces(inv.interfaces, columns) if inv.interfaces else [],
    )
