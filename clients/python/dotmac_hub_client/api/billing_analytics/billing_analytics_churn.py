import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.churn_report import ChurnReport
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    start: datetime.date | None | Unset = UNSET,
    end: datetime.date | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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
        "url": "/billing/analytics/churn",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ChurnReport | Problem | None:
    if response.status_code == 200:
        response_200 = ChurnReport.from_dict(response.json())

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
) -> Response[ChurnReport | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    start: datetime.date | None | Unset = UNSET,
    end: datetime.date | None | Unset = UNSET,
) -> Response[ChurnReport | Problem]:
    """Churn

     Logo, subscription and MRR churn over [start, end), per currency.

    Args:
        start (datetime.date | None | Unset): first day (default: first day of the current month,
            UTC)
        end (datetime.date | None | Unset): day after the last (exclusive; default: first day of
            the month after start)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChurnReport | Problem]
    """

    kwargs = _get_kwargs(
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
    start: datetime.date | None | Unset = UNSET,
    end: datetime.date | None | Unset = UNSET,
) -> ChurnReport | Problem | None:
    """Churn

     Logo, subscription and MRR churn over [start, end), per currency.

    Args:
        start (datetime.date | None | Unset): first day (default: first day of the current month,
            UTC)
        end (datetime.date | None | Unset): day after the last (exclusive; default: first day of
            the month after start)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChurnReport | Problem
    """

    return sync_detailed(
        client=client,
        start=start,
        end=end,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    start: datetime.date | None | Unset = UNSET,
    end: datetime.date | None | Unset = UNSET,
) -> Response[ChurnReport | Problem]:
    """Churn

     Logo, subscription and MRR churn over [start, end), per currency.

    Args:
        start (datetime.date | None | Unset): first day (default: first day of the current month,
            UTC)
        end (datetime.date | None | Unset): day after the last (exclusive; default: first day of
            the month after start)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChurnReport | Problem]
    """

    kwargs = _get_kwargs(
        start=start,
        end=end,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    start: datetime.date | None | Unset = UNSET,
    end: datetime.date | None | Unset = UNSET,
) -> ChurnReport | Problem | None:
    """Churn

     Logo, subscription and MRR churn over [start, end), per currency.

    Args:
        start (datetime.date | None | Unset): first day (default: first day of the current month,
            UTC)
        end (datetime.date | None | Unset): day after the last (exclusive; default: first day of
            the month after start)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChurnReport | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            start=start,
            end=end,
        )
    ).parsed
