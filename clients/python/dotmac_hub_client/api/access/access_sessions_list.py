from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_session_public import PageSessionPublic
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    online: bool | None | Unset = UNSET,
    subscription_id: None | Unset | UUID = UNSET,
    nas_id: None | Unset | UUID = UNSET,
    site_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_online: bool | None | Unset
    if isinstance(online, Unset):
        json_online = UNSET
    else:
        json_online = online
    params["online"] = json_online

    json_subscription_id: None | str | Unset
    if isinstance(subscription_id, Unset):
        json_subscription_id = UNSET
    elif isinstance(subscription_id, UUID):
        json_subscription_id = str(subscription_id)
    else:
        json_subscription_id = subscription_id
    params["subscription_id"] = json_subscription_id

    json_nas_id: None | str | Unset
    if isinstance(nas_id, Unset):
        json_nas_id = UNSET
    elif isinstance(nas_id, UUID):
        json_nas_id = str(nas_id)
    else:
        json_nas_id = nas_id
    params["nas_id"] = json_nas_id

    json_site_id: None | str | Unset
    if isinstance(site_id, Unset):
        json_site_id = UNSET
    elif isinstance(site_id, UUID):
        json_site_id = str(site_id)
    else:
        json_site_id = site_id
    params["site_id"] = json_site_id

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
        "url": "/access/sessions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageSessionPublic | Problem | None:
    if response.status_code == 200:
        response_200 = PageSessionPublic.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[PageSessionPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    online: bool | None | Unset = UNSET,
    subscription_id: None | Unset | UUID = UNSET,
    nas_id: None | Unset | UUID = UNSET,
    site_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[PageSessionPublic | Problem]:
    """List Sessions

     Sessions of the tenant, oldest first; filter by online state, subscription, NAS or
    site.

    Args:
        online (bool | None | Unset): true: online now; false: ended
        subscription_id (None | Unset | UUID):
        nas_id (None | Unset | UUID):
        site_id (None | Unset | UUID):
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageSessionPublic | Problem]
    """

    kwargs = _get_kwargs(
        online=online,
        subscription_id=subscription_id,
        nas_id=nas_id,
        site_id=site_id,
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
    online: bool | None | Unset = UNSET,
    subscription_id: None | Unset | UUID = UNSET,
    nas_id: None | Unset | UUID = UNSET,
    site_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> PageSessionPublic | Problem | None:
    """List Sessions

     Sessions of the tenant, oldest first; filter by online state, subscription, NAS or
    site.

    Args:
        online (bool | None | Unset): true: online now; false: ended
        subscription_id (None | Unset | UUID):
        nas_id (None | Unset | UUID):
        site_id (None | Unset | UUID):
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageSessionPublic | Problem
    """

    return sync_detailed(
        client=client,
        online=online,
        subscription_id=subscription_id,
        nas_id=nas_id,
        site_id=site_id,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    online: bool | None | Unset = UNSET,
    subscription_id: None | Unset | UUID = UNSET,
    nas_id: None | Unset | UUID = UNSET,
    site_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[PageSessionPublic | Problem]:
    """List Sessions

     Sessions of the tenant, oldest first; filter by online state, subscription, NAS or
    site.

    Args:
        online (bool | None | Unset): true: online now; false: ended
        subscription_id (None | Unset | UUID):
        nas_id (None | Unset | UUID):
        site_id (None | Unset | UUID):
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageSessionPublic | Problem]
    """

    kwargs = _get_kwargs(
        online=online,
        subscription_id=subscription_id,
        nas_id=nas_id,
        site_id=site_id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    online: bool | None | Unset = UNSET,
    subscription_id: None | Unset | UUID = UNSET,
    nas_id: None | Unset | UUID = UNSET,
    site_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> PageSessionPublic | Problem | None:
    """List Sessions

     Sessions of the tenant, oldest first; filter by online state, subscription, NAS or
    site.

    Args:
        online (bool | None | Unset): true: online now; false: ended
        subscription_id (None | Unset | UUID):
        nas_id (None | Unset | UUID):
        site_id (None | Unset | UUID):
        limit (int | Unset): rows per page Default: 50.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageSessionPublic | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            online=online,
            subscription_id=subscription_id,
            nas_id=nas_id,
            site_id=site_id,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
