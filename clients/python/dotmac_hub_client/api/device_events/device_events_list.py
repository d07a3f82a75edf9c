import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.device_events_list_origin_type_0 import DeviceEventsListOriginType0
from ...models.device_events_list_severity_type_0 import DeviceEventsListSeverityType0
from ...models.device_events_public import DeviceEventsPublic
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    device_id: None | Unset | UUID = UNSET,
    site_id: None | Unset | UUID = UNSET,
    device_name: None | str | Unset = UNSET,
    event_type: None | str | Unset = UNSET,
    severity: DeviceEventsListSeverityType0 | None | Unset = UNSET,
    origin: DeviceEventsListOriginType0 | None | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_device_id: None | str | Unset
    if isinstance(device_id, Unset):
        json_device_id = UNSET
    elif isinstance(device_id, UUID):
        json_device_id = str(device_id)
    else:
        json_device_id = device_id
    params["device_id"] = json_device_id

    json_site_id: None | str | Unset
    if isinstance(site_id, Unset):
        json_site_id = UNSET
    elif isinstance(site_id, UUID):
        json_site_id = str(site_id)
    else:
        json_site_id = site_id
    params["site_id"] = json_site_id

    json_device_name: None | str | Unset
    if isinstance(device_name, Unset):
        json_device_name = UNSET
    else:
        json_device_name = device_name
    params["device_name"] = json_device_name

    json_event_type: None | str | Unset
    if isinstance(event_type, Unset):
        json_event_type = UNSET
    else:
        json_event_type = event_type
    params["event_type"] = json_event_type

    json_severity: None | str | Unset
    if isinstance(severity, Unset):
        json_severity = UNSET
    elif isinstance(severity, DeviceEventsListSeverityType0):
        json_severity = severity.value
    else:
        json_severity = severity
    params["severity"] = json_severity

    json_origin: None | str | Unset
    if isinstance(origin, Unset):
        json_origin = UNSET
    elif isinstance(origin, DeviceEventsListOriginType0):
        json_origin = origin.value
    else:
        json_origin = origin
    params["origin"] = json_origin

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    elif isinstance(since, datetime.datetime):
        json_since = since.isoformat()
    else:
        json_since = since
    params["since"] = json_since

    json_until: None | str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    elif isinstance(until, datetime.datetime):
        json_until = until.isoformat()
    else:
        json_until = until
    params["until"] = json_until

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/device-events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeviceEventsPublic | Problem | None:
    if response.status_code == 200:
        response_200 = DeviceEventsPublic.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DeviceEventsPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    device_id: None | Unset | UUID = UNSET,
    site_id: None | Unset | UUID = UNSET,
    device_name: None | str | Unset = UNSET,
    event_type: None | str | Unset = UNSET,
    severity: DeviceEventsListSeverityType0 | None | Unset = UNSET,
    origin: DeviceEventsListOriginType0 | None | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
) -> Response[DeviceEventsPublic | Problem]:
    """List device events (traps, syslog)

     Traps and syslog lines the agents received and the hub stored, newest first (of the
    caller's sites when it is bound to some), whether they raised an alarm or not.

    Args:
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        device_id (None | Unset | UUID):
        site_id (None | Unset | UUID):
        device_name (None | str | Unset):
        event_type (None | str | Unset):
        severity (DeviceEventsListSeverityType0 | None | Unset):
        origin (DeviceEventsListOriginType0 | None | Unset):
        since (datetime.datetime | None | Unset): received at or after (ISO 8601 with a time zone)
        until (datetime.datetime | None | Unset): received before

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeviceEventsPublic | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        device_id=device_id,
        site_id=site_id,
        device_name=device_name,
        event_type=event_type,
        severity=severity,
        origin=origin,
        since=since,
        until=until,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    device_id: None | Unset | UUID = UNSET,
    site_id: None | Unset | UUID = UNSET,
    device_name: None | str | Unset = UNSET,
    event_type: None | str | Unset = UNSET,
    severity: DeviceEventsListSeverityType0 | None | Unset = UNSET,
    origin: DeviceEventsListOriginType0 | None | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
) -> DeviceEventsPublic | Problem | None:
    """List device events (traps, syslog)

     Traps and syslog lines the agents received and the hub stored, newest first (of the
    caller's sites when it is bound to some), whether they raised an alarm or not.

    Args:
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        device_id (None | Unset | UUID):
        site_id (None | Unset | UUID):
        device_name (None | str | Unset):
        event_type (None | str | Unset):
        severity (DeviceEventsListSeverityType0 | None | Unset):
        origin (DeviceEventsListOriginType0 | None | Unset):
        since (datetime.datetime | None | Unset): received at or after (ISO 8601 with a time zone)
        until (datetime.datetime | None | Unset): received before

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeviceEventsPublic | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        device_id=device_id,
        site_id=site_id,
        device_name=device_name,
        event_type=event_type,
        severity=severity,
        origin=origin,
        since=since,
        until=until,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    device_id: None | Unset | UUID = UNSET,
    site_id: None | Unset | UUID = UNSET,
    device_name: None | str | Unset = UNSET,
    event_type: None | str | Unset = UNSET,
    severity: DeviceEventsListSeverityType0 | None | Unset = UNSET,
    origin: DeviceEventsListOriginType0 | None | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
) -> Response[DeviceEventsPublic | Problem]:
    """List device events (traps, syslog)

     Traps and syslog lines the agents received and the hub stored, newest first (of the
    caller's sites when it is bound to some), whether they raised an alarm or not.

    Args:
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        device_id (None | Unset | UUID):
        site_id (None | Unset | UUID):
        device_name (None | str | Unset):
        event_type (None | str | Unset):
        severity (DeviceEventsListSeverityType0 | None | Unset):
        origin (DeviceEventsListOriginType0 | None | Unset):
        since (datetime.datetime | None | Unset): received at or after (ISO 8601 with a time zone)
        until (datetime.datetime | None | Unset): received before

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeviceEventsPublic | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        device_id=device_id,
        site_id=site_id,
        device_name=device_name,
        event_type=event_type,
        severity=severity,
        origin=origin,
        since=since,
        until=until,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    device_id: None | Unset | UUID = UNSET,
    site_id: None | Unset | UUID = UNSET,
    device_name: None | str | Unset = UNSET,
    event_type: None | str | Unset = UNSET,
    severity: DeviceEventsListSeverityType0 | None | Unset = UNSET,
    origin: DeviceEventsListOriginType0 | None | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
) -> DeviceEventsPublic | Problem | None:
    """List device events (traps, syslog)

     Traps and syslog lines the agents received and the hub stored, newest first (of the
    caller's sites when it is bound to some), whether they raised an alarm or not.

    Args:
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        device_id (None | Unset | UUID):
        site_id (None | Unset | UUID):
        device_name (None | str | Unset):
        event_type (None | str | Unset):
        severity (DeviceEventsListSeverityType0 | None | Unset):
        origin (DeviceEventsListOriginType0 | None | Unset):
        since (datetime.datetime | None | Unset): received at or after (ISO 8601 with a time zone)
        until (datetime.datetime | None | Unset): received before

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeviceEventsPublic | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            device_id=device_id,
            site_id=site_id,
            device_name=device_name,
            event_type=event_type,
            severity=severity,
            origin=origin,
            since=since,
            until=until,
        )
    ).parsed
