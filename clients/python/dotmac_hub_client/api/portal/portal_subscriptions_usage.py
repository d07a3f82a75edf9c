import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.usage_public import UsagePublic
from ...types import UNSET, Response, Unset


def _get_kwargs(
    subscription_id: UUID,
    *,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.date):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.date):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/portal/subscriptions/{subscription_id}/usage".format(
            subscription_id=quote(str(subscription_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | UsagePublic | None:
    if response.status_code == 200:
        response_200 = UsagePublic.from_dict(response.json())

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
) -> Response[Problem | UsagePublic]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    subscription_id: UUID,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
) -> Response[Problem | UsagePublic]:
    """My Usage

     Daily GB in and out of one of the caller's subscriptions over [from, to) (at most 93
    days), with the cap and what is used for GB-cap plans and the 95th percentile for plans
    billed by it, computed as billing rates them. Staff holding billing:read may read any
    of the tenant's subscriptions.

    Args:
        subscription_id (UUID):
        from_ (datetime.date | None | Unset): first day (UTC); default: the first of the current
            month
        to (datetime.date | None | Unset): the day after the last (UTC, exclusive); default:
            tomorrow

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UsagePublic]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        from_=from_,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription_id: UUID,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
) -> Problem | UsagePublic | None:
    """My Usage

     Daily GB in and out of one of the caller's subscriptions over [from, to) (at most 93
    days), with the cap and what is used for GB-cap plans and the 95th percentile for plans
    billed by it, computed as billing rates them. Staff holding billing:read may read any
    of the tenant's subscriptions.

    Args:
        subscription_id (UUID):
        from_ (datetime.date | None | Unset): first day (UTC); default: the first of the current
            month
        to (datetime.date | None | Unset): the day after the last (UTC, exclusive); default:
            tomorrow

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UsagePublic
    """

    return sync_detailed(
        subscription_id=subscription_id,
        client=client,
        from_=from_,
        to=to,
    ).parsed


async def asyncio_detailed(
    subscription_id: UUID,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
) -> Response[Problem | UsagePublic]:
    """My Usage

     Daily GB in and out of one of the caller's subscriptions over [from, to) (at most 93
    days), with the cap and what is used for GB-cap plans and the 95th percentile for plans
    billed by it, computed as billing rates them. Staff holding billing:read may read any
    of the tenant's subscriptions.

    Args:
        subscription_id (UUID):
        from_ (datetime.date | None | Unset): first day (UTC); default: the first of the current
            month
        to (datetime.date | None | Unset): the day after the last (UTC, exclusive); default:
            tomorrow

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UsagePublic]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        from_=from_,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription_id: UUID,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
) -> Problem | UsagePublic | None:
    """My Usage

     Daily GB in and out of one of the caller's subscriptions over [from, to) (at most 93
    days), with the cap and what is used for GB-cap plans and the 95th percentile for plans
    billed by it, computed as billing rates them. Staff holding billing:read may read any
    of the tenant's subscriptions.

    Args:
        subscription_id (UUID):
        from_ (datetime.date | None | Unset): first day (UTC); default: the first of the current
            month
        to (datetime.date | None | Unset): the day after the last (UTC, exclusive); default:
            tomorrow

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UsagePublic
    """

    return (
        await asyncio_detailed(
            subscription_id=subscription_id,
            client=client,
            from_=from_,
            to=to,
        )
    ).parsed
