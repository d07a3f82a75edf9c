from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.allocations_public import AllocationsPublic
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    pool_id: None | Unset | UUID = UNSET,
    subscription_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_pool_id: None | str | Unset
    if isinstance(pool_id, Unset):
        json_pool_id = UNSET
    elif isinstance(pool_id, UUID):
        json_pool_id = str(pool_id)
    else:
        json_pool_id = pool_id
    params["pool_id"] = json_pool_id

    json_subscription_id: None | str | Unset
    if isinstance(subscription_id, Unset):
        json_subscription_id = UNSET
    elif isinstance(subscription_id, UUID):
        json_subscription_id = str(subscription_id)
    else:
        json_subscription_id = subscription_id
    params["subscription_id"] = json_subscription_id

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
        "url": "/ipam/allocations",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AllocationsPublic | Problem | None:
    if response.status_code == 200:
        response_200 = AllocationsPublic.from_dict(response.json())

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
) -> Response[AllocationsPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    pool_id: None | Unset | UUID = UNSET,
    subscription_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[AllocationsPublic | Problem]:
    """List Allocations

     Allocations (released ones included) of one pool and/or subscription.

    Args:
        pool_id (None | Unset | UUID):
        subscription_id (None | Unset | UUID):
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AllocationsPublic | Problem]
    """

    kwargs = _get_kwargs(
        pool_id=pool_id,
        subscription_id=subscription_id,
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
    pool_id: None | Unset | UUID = UNSET,
    subscription_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> AllocationsPublic | Problem | None:
    """List Allocations

     Allocations (released ones included) of one pool and/or subscription.

    Args:
        pool_id (None | Unset | UUID):
        subscription_id (None | Unset | UUID):
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AllocationsPublic | Problem
    """

    return sync_detailed(
        client=client,
        pool_id=pool_id,
        subscription_id=subscription_id,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    pool_id: None | Unset | UUID = UNSET,
    subscription_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[AllocationsPublic | Problem]:
    """List Allocations

     Allocations (released ones included) of one pool and/or subscription.

    Args:
        pool_id (None | Unset | UUID):
        subscription_id (None | Unset | UUID):
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AllocationsPublic | Problem]
    """

    kwargs = _get_kwargs(
        pool_id=pool_id,
        subscription_id=subscription_id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    pool_id: None | Unset | UUID = UNSET,
    subscription_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> AllocationsPublic | Problem | None:
    """List Allocations

     Allocations (released ones included) of one pool and/or subscription.

    Args:
        pool_id (None | Unset | UUID):
        subscription_id (None | Unset | UUID):
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AllocationsPublic | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            pool_id=pool_id,
            subscription_id=subscription_id,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
