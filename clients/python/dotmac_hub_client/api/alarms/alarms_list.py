from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.alarms_list_severity_type_0_item import AlarmsListSeverityType0Item
from ...models.alarms_list_state_type_0_item import AlarmsListStateType0Item
from ...models.alarms_public import AlarmsPublic
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    state: list[AlarmsListStateType0Item] | None | Unset = UNSET,
    severity: list[AlarmsListSeverityType0Item] | None | Unset = UNSET,
    site_id: None | Unset | UUID = UNSET,
    device_id: None | Unset | UUID = UNSET,
    device_name: None | str | Unset = UNSET,
    customer_id: None | Unset | UUID = UNSET,
    rule: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_state: list[str] | None | Unset
    if isinstance(state, Unset):
        json_state = UNSET
    elif isinstance(state, list):
        json_state = []
        for state_type_0_item_data in state:
            state_type_0_item = state_type_0_item_data.value
            json_state.append(state_type_0_item)

    else:
        json_state = state
    params["state"] = json_state

    json_severity: list[str] | None | Unset
    if isinstance(severity, Unset):
        json_severity = UNSET
    elif isinstance(severity, list):
        json_severity = []
        for severity_type_0_item_data in severity:
            severity_type_0_item = severity_type_0_item_data.value
            json_severity.append(severity_type_0_item)

    else:
        json_severity = severity
    params["severity"] = json_severity

    json_site_id: None | str | Unset
    if isinstance(site_id, Unset):
        json_site_id = UNSET
    elif isinstance(site_id, UUID):
        json_site_id = str(site_id)
    else:
        json_site_id = site_id
    params["site_id"] = json_site_id

    json_device_id: None | str | Unset
    if isinstance(device_id, Unset):
        json_device_id = UNSET
    elif isinstance(device_id, UUID):
        json_device_id = str(device_id)
    else:
        json_device_id = device_id
    params["device_id"] = json_device_id

    json_device_name: None | str | Unset
    if isinstance(device_name, Unset):
        json_device_name = UNSET
    else:
        json_device_name = device_name
    params["device_name"] = json_device_name

    json_customer_id: None | str | Unset
    if isinstance(customer_id, Unset):
        json_customer_id = UNSET
    elif isinstance(customer_id, UUID):
        json_customer_id = str(customer_id)
    else:
        json_customer_id = customer_id
    params["customer_id"] = json_customer_id

    json_rule: None | str | Unset
    if isinstance(rule, Unset):
        json_rule = UNSET
    else:
        json_rule = rule
    params["rule"] = json_rule

    json_active: bool | None | Unset
    if isinstance(active, Unset):
        json_active = UNSET
    else:
        json_active = active
    params["active"] = json_active

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/alarms",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AlarmsPublic | Problem | None:
    if response.status_code == 200:
        response_200 = AlarmsPublic.from_dict(response.json())

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
) -> Response[AlarmsPublic | Problem]:
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
    state: list[AlarmsListStateType0Item] | None | Unset = UNSET,
    severity: list[AlarmsListSeverityType0Item] | None | Unset = UNSET,
    site_id: None | Unset | UUID = UNSET,
    device_id: None | Unset | UUID = UNSET,
    device_name: None | str | Unset = UNSET,
    customer_id: None | Unset | UUID = UNSET,
    rule: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
) -> Response[AlarmsPublic | Problem]:
    """List alarms

     Alarms of the tenant (of the caller's sites when it is bound to some), newest first.

    `?active=true` is the NOC's worklist; `state` and `severity` may repeat
    (`?severity=critical&severity=major`).

    Args:
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        state (list[AlarmsListStateType0Item] | None | Unset): one or more states
        severity (list[AlarmsListSeverityType0Item] | None | Unset): one or more
        site_id (None | Unset | UUID):
        device_id (None | Unset | UUID):
        device_name (None | str | Unset):
        customer_id (None | Unset | UUID): alarms affecting this customer's subscriptions
        rule (None | str | Unset):
        active (bool | None | Unset): true: raised or acknowledged; false: cleared or closed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AlarmsPublic | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        state=state,
        severity=severity,
        site_id=site_id,
        device_id=device_id,
        device_name=device_name,
        customer_id=customer_id,
        rule=rule,
        active=active,
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
    state: list[AlarmsListStateType0Item] | None | Unset = UNSET,
    severity: list[AlarmsListSeverityType0Item] | None | Unset = UNSET,
    site_id: None | Unset | UUID = UNSET,
    device_id: None | Unset | UUID = UNSET,
    device_name: None | str | Unset = UNSET,
    customer_id: None | Unset | UUID = UNSET,
    rule: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
) -> AlarmsPublic | Problem | None:
    """List alarms

     Alarms of the tenant (of the caller's sites when it is bound to some), newest first.

    `?active=true` is the NOC's worklist; `state` and `severity` may repeat
    (`?severity=critical&severity=major`).

    Args:
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        state (list[AlarmsListStateType0Item] | None | Unset): one or more states
        severity (list[AlarmsListSeverityType0Item] | None | Unset): one or more
        site_id (None | Unset | UUID):
        device_id (None | Unset | UUID):
        device_name (None | str | Unset):
        customer_id (None | Unset | UUID): alarms affecting this customer's subscriptions
        rule (None | str | Unset):
        active (bool | None | Unset): true: raised or acknowledged; false: cleared or closed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AlarmsPublic | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        state=state,
        severity=severity,
        site_id=site_id,
        device_id=device_id,
        device_name=device_name,
        customer_id=customer_id,
        rule=rule,
        active=active,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    state: list[AlarmsListStateType0Item] | None | Unset = UNSET,
    severity: list[AlarmsListSeverityType0Item] | None | Unset = UNSET,
    site_id: None | Unset | UUID = UNSET,
    device_id: None | Unset | UUID = UNSET,
    device_name: None | str | Unset = UNSET,
    customer_id: None | Unset | UUID = UNSET,
    rule: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
) -> Response[AlarmsPublic | Problem]:
    """List alarms

     Alarms of the tenant (of the caller's sites when it is bound to some), newest first.

    `?active=true` is the NOC's worklist; `state` and `severity` may repeat
    (`?severity=critical&severity=major`).

    Args:
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        state (list[AlarmsListStateType0Item] | None | Unset): one or more states
        severity (list[AlarmsListSeverityType0Item] | None | Unset): one or more
        site_id (None | Unset | UUID):
        device_id (None | Unset | UUID):
        device_name (None | str | Unset):
        customer_id (None | Unset | UUID): alarms affecting this customer's subscriptions
        rule (None | str | Unset):
        active (bool | None | Unset): true: raised or acknowledged; false: cleared or closed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AlarmsPublic | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        state=state,
        severity=severity,
        site_id=site_id,
        device_id=device_id,
        device_name=device_name,
        customer_id=customer_id,
        rule=rule,
        active=active,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    state: list[AlarmsListStateType0Item] | None | Unset = UNSET,
    severity: list[AlarmsListSeverityType0Item] | None | Unset = UNSET,
    site_id: None | Unset | UUID = UNSET,
    device_id: None | Unset | UUID = UNSET,
    device_name: None | str | Unset = UNSET,
    customer_id: None | Unset | UUID = UNSET,
    rule: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
) -> AlarmsPublic | Problem | None:
    """List alarms

     Alarms of the tenant (of the caller's sites when it is bound to some), newest first.

    `?active=true` is the NOC's worklist; `state` and `severity` may repeat
    (`?severity=critical&severity=major`).

    Args:
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page
        state (list[AlarmsListStateType0Item] | None | Unset): one or more states
        severity (list[AlarmsListSeverityType0Item] | None | Unset): one or more
        site_id (None | Unset | UUID):
        device_id (None | Unset | UUID):
        device_name (None | str | Unset):
        customer_id (None | Unset | UUID): alarms affecting this customer's subscriptions
        rule (None | str | Unset):
        active (bool | None | Unset): true: raised or acknowledged; false: cleared or closed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AlarmsPublic | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            state=state,
            severity=severity,
            site_id=site_id,
            device_id=device_id,
            device_name=device_name,
            customer_id=customer_id,
            rule=rule,
            active=active,
        )
    ).parsed
