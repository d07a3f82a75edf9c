from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.tenant_kind import TenantKind
from ...models.tenants_public import TenantsPublic
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    kind: None | TenantKind | Unset = UNSET,
    parent_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_kind: None | str | Unset
    if isinstance(kind, Unset):
        json_kind = UNSET
    elif isinstance(kind, TenantKind):
        json_kind = kind.value
    else:
        json_kind = kind
    params["kind"] = json_kind

    json_parent_id: None | str | Unset
    if isinstance(parent_id, Unset):
        json_parent_id = UNSET
    elif isinstance(parent_id, UUID):
        json_parent_id = str(parent_id)
    else:
        json_parent_id = parent_id
    params["parent_id"] = json_parent_id

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tenants",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TenantsPublic | None:
    if response.status_code == 200:
        response_200 = TenantsPublic.from_dict(response.json())

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
) -> Response[Problem | TenantsPublic]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    kind: None | TenantKind | Unset = UNSET,
    parent_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[Problem | TenantsPublic]:
    """List Tenants

     The tenants beneath yours (the platform: every ISP and reseller; an ISP: its
    resellers; a reseller: none).

    Args:
        kind (None | TenantKind | Unset): only tenants of this kind
        parent_id (None | Unset | UUID): only tenants directly under this one
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TenantsPublic]
    """

    kwargs = _get_kwargs(
        kind=kind,
        parent_id=parent_id,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    kind: None | TenantKind | Unset = UNSET,
    parent_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Problem | TenantsPublic | None:
    """List Tenants

     The tenants beneath yours (the platform: every ISP and reseller; an ISP: its
    resellers; a reseller: none).

    Args:
        kind (None | TenantKind | Unset): only tenants of this kind
        parent_id (None | Unset | UUID): only tenants directly under this one
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TenantsPublic
    """

    return sync_detailed(
        client=client,
        kind=kind,
        parent_id=parent_id,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    kind: None | TenantKind | Unset = UNSET,
    parent_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[Problem | TenantsPublic]:
    """List Tenants

     The tenants beneath yours (the platform: every ISP and reseller; an ISP: its
    resellers; a reseller: none).

    Args:
        kind (None | TenantKind | Unset): only tenants of this kind
        parent_id (None | Unset | UUID): only tenants directly under this one
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TenantsPublic]
    """

    kwargs = _get_kwargs(
        kind=kind,
        parent_id=parent_id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    kind: None | TenantKind | Unset = UNSET,
    parent_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Problem | TenantsPublic | None:
    """List Tenants

     The tenants beneath yours (the platform: every ISP and reseller; an ISP: its
    resellers; a reseller: none).

    Args:
        kind (None | TenantKind | Unset): only tenants of this kind
        parent_id (None | Unset | UUID): only tenants directly under this one
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TenantsPublic
    """

    return (
        await asyncio_detailed(
            client=client,
            kind=kind,
            parent_id=parent_id,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
