import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.resellers_totals import ResellersTotals
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    on: datetime.date | None | Unset = UNSET,
    start: datetime.date | None | Unset = UNSET,
    end: datetime.date | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_on: None | str | Unset
    if isinstance(on, Unset):
        json_on = UNSET
    elif isinstance(on, datetime.date):
        json_on = on.isoformat()
    else:
        json_on = on
    params["on"] = json_on

    json_start: None | str | Unset
    if isinstance(start, Unset):
        json_start = UNSET
    elif isinstance(start, datetime.date):
        json_start = start.isoformat()
    else:
        json_start = start
    params["start"] = json_start

    json_end: None | str | Unset
    if isinstance(end, Unset):
        json_end = UNSET
    elif isinstance(end, datetime.date):
        json_end = end.isoformat()
    else:
        json_end = end
    params["end"] = json_end

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/billing/analytics/resellers",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ResellersTotals | None:
    if response.status_code == 200:
        response_200 = ResellersTotals.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[Problem | ResellersTotals]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    on: datetime.date | None | Unset = UNSET,
    start: datetime.date | None | Unset = UNSET,
    end: datetime.date | None | Unset = UNSET,
) -> Response[Problem | ResellersTotals]:
    """Resellers

     Totals of each reseller under your ISP: customers, active subscriptions, MRR on a
    day, and invoiced, paid, credited and outstanding amounts of invoices issued in
    [start, end) (default: the current month). Never a reseller's customers themselves.

    Args:
        on (datetime.date | None | Unset): the day measured (default: today, UTC)
        start (datetime.date | None | Unset): first day (default: first day of the current month,
            UTC)
        end (datetime.date | None | Unset): day after the last (exclusive; default: first day of
            the month after start)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ResellersTotals]
    """

    kwargs = _get_kwargs(
        on=on,
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
    on: datetime.date | None | Unset = UNSET,
    start: datetime.date | None | Unset = UNSET,
    end: datetime.date | None | Unset = UNSET,
) -> Problem | ResellersTotals | None:
    """Resellers

     Totals of each reseller under your ISP: customers, active subscriptions, MRR on a
    day, and invoiced, paid, credited and outstanding amounts of invoices issued in
    [start, end) (default: the current month). Never a reseller's customers themselves.

    Args:
        on (datetime.date | None | Unset): the day measured (default: today, UTC)
        start (datetime.date | None | Unset): first day (default: first day of the current month,
            UTC)
        end (datetime.date | None | Unset): day after the last (exclusive; default: first day of
            the month after start)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ResellersTotals
    """

    return sync_detailed(
        client=client,
        on=on,
        start=start,
        end=end,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    on: datetime.date | None | Unset = UNSET,
    start: datetime.date | None | Unset = UNSET,
    end: datetime.date | None | Unset = UNSET,
) -> Response[Problem | ResellersTotals]:
    """Resellers

     Totals of each reseller under your ISP: customers, active subscriptions, MRR on a
    day, and invoiced, paid, credited and outstanding amounts of invoices issued in
    [start, end) (default: the current month). Never a reseller's customers themselves.

    Args:
        on (datetime.date | None | Unset): the day measured (default: today, UTC)
        start (datetime.date | None | Unset): first day (default: first day of the current month,
            UTC)
        end (datetime.date | None | Unset): day after the last (exclusive; default: first day of
            the month after start)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ResellersTotals]
    """

    kwargs = _get_kwargs(
        on=on,
        start=start,
        end=end,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    on: datetime.date | None | Unset = UNSET,
    start: datetime.date | None | Unset = UNSET,
    end: datetime.date | None | Unset = UNSET,
) -> Problem | ResellersTotals | None:
    """Resellers

     Totals of each reseller under your ISP: customers, active subscriptions, MRR on a
    day, and invoiced, paid, credited and outstanding amounts of invoices issued in
    [start, end) (default: the current month). Never a reseller's customers themselves.

    Args:
        on (datetime.date | None | Unset): the day measured (default: today, UTC)
        start (datetime.date | None | Unset): first day (default: first day of the current month,
            UTC)
        end (datetime.date | None | Unset): day after the last (exclusive; default: first day of
            the month after start)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ResellersTotals
    """

    return (
        await asyncio_detailed(
            client=client,
            on=on,
            start=start,
            end=end,
        )
    ).parsed
