import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.traffic_series import TrafficSeries
from ...types import UNSET, Response, Unset


def _get_kwargs(
    device: str,
    if_index: int,
    *,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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
        "url": "/analytics/devices/{device}/interfaces/{if_index}/traffic".format(
            device=quote(str(device), safe=""),
            if_index=quote(str(if_index), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TrafficSeries | None:
    if response.status_code == 200:
        response_200 = TrafficSeries.from_dict(response.json())

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
) -> Response[Problem | TrafficSeries]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    device: str,
    if_index: int,
    *,
    client: AuthenticatedClient,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
) -> Response[Problem | TrafficSeries]:
    """Traffic

     Bits/s in/out, errors and utilisation of one interface per 5-minute bucket.

    Args:
        device (str):
        if_index (int):
        start (datetime.datetime | None | Unset): UTC, 5-minute aligned; default end - 24 h
        end (datetime.datetime | None | Unset): UTC, 5-minute aligned, exclusive; default the
            current bucket's start

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TrafficSeries]
    """

    kwargs = _get_kwargs(
        device=device,
        if_index=if_index,
        start=start,
        end=end,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    device: str,
    if_index: int,
    *,
    client: AuthenticatedClient,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
) -> Problem | TrafficSeries | None:
    """Traffic

     Bits/s in/out, errors and utilisation of one interface per 5-minute bucket.

    Args:
        device (str):
        if_index (int):
        start (datetime.datetime | None | Unset): UTC, 5-minute aligned; default end - 24 h
        end (datetime.datetime | None | Unset): UTC, 5-minute aligned, exclusive; default the
            current bucket's start

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TrafficSeries
    """

    return sync_detailed(
        device=device,
        if_index=if_index,
        client=client,
        start=start,
        end=end,
    ).parsed


async def asyncio_detailed(
    device: str,
    if_index: int,
    *,
    client: AuthenticatedClient,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
) -> Response[Problem | TrafficSeries]:
    """Traffic

     Bits/s in/out, errors and utilisation of one interface per 5-minute bucket.

    Args:
        device (str):
        if_index (int):
        start (datetime.datetime | None | Unset): UTC, 5-minute aligned; default end - 24 h
        end (datetime.datetime | None | Unset): UTC, 5-minute aligned, exclusive; default the
            current bucket's start

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TrafficSeries]
    """

    kwargs = _get_kwargs(
        device=device,
        if_index=if_index,
        start=start,
        end=end,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    device: str,
    if_index: int,
    *,
    client: AuthenticatedClient,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
) -> Problem | TrafficSeries | None:
    """Traffic

     Bits/s in/out, errors and utilisation of one interface per 5-minute bucket.

    Args:
        device (str):
        if_index (int):
        start (datetime.datetime | None | Unset): UTC, 5-minute aligned; default end - 24 h
        end (datetime.datetime | None | Unset): UTC, 5-minute aligned, exclusive; default the
            current bucket's start

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TrafficSeries
    """

    return (
        await asyncio_detailed(
            device=device,
            if_index=if_index,
            client=client,
            start=start,
            end=end,
        )
    ).parsed
