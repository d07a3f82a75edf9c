import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.top_interfaces import TopInterfaces
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 10,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_start: None | str | Unset
    if isinstance(start, Unset):
        json_start = UNSET
    elif isinstance(start, datetime.datetime):
        json_start = start.isoformat()
    else:
        json_start = start
    params["start"] = json_start

    json_end: None | str | Unset
    if isinstance(end, Unset):
        json_end = UNSET
    elif isinstance(end, datetime.datetime):
        json_end = end.isoformat()
    else:
        json_end = end
    params["end"] = json_end

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/analytics/interfaces/top",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TopInterfaces | None:
    if response.status_code == 200:
        response_200 = TopInterfaces.from_dict(response.json())

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
) -> Response[Problem | TopInterfaces]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
) -> Response[Problem | TopInterfaces]:
    """Top Interfaces

     The busiest interfaces by average utilisation over the period.

    Args:
        limit (int | Unset):  Default: 10.
        start (datetime.datetime | None | Unset): UTC, 5-minute aligned; default end - 24 h
        end (datetime.datetime | None | Unset): UTC, 5-minute aligned, exclusive; default the
            current bucket's start

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TopInterfaces]
    """

    kwargs = _get_kwargs(
        limit=limit,
        start=start,
        end=end,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
) -> Problem | TopInterfaces | None:
    """Top Interfaces

     The busiest interfaces by average utilisation over the period.

    Args:
        limit (int | Unset):  Default: 10.
        start (datetime.datetime | None | Unset): UTC, 5-minute aligned; default end - 24 h
        end (datetime.datetime | None | Unset): UTC, 5-minute aligned, exclusive; default the
            current bucket's start

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TopInterfaces
    """

    return sync_detailed(
        client=client,
        limit=limit,
        start=start,
        end=end,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
) -> Response[Problem | TopInterfaces]:
    """Top Interfaces

     The busiest interfaces by average utilisation over the period.

    Args:
        limit (int | Unset):  Default: 10.
        start (datetime.datetime | None | Unset): UTC, 5-minute aligned; default end - 24 h
        end (datetime.datetime | None | Unset): UTC, 5-minute aligned, exclusive; default the
            current bucket's start

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TopInterfaces]
    """

    kwargs = _get_kwargs(
        limit=limit,
        start=start,
        end=end,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
) -> Problem | TopInterfaces | None:
    """Top Interfaces

     The busiest interfaces by average utilisation over the period.

    Args:
        limit (int | Unset):  Default: 10.
        start (datetime.datetime | None | Unset): UTC, 5-minute aligned; default end - 24 h
        end (datetime.datetime | None | Unset): UTC, 5-minute aligned, exclusive; default the
            current bucket's start

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TopInterfaces
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            start=start,
            end=end,
        )
    ).parsed
