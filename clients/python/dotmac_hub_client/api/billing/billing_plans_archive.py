from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.plan_public import PlanPublic
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: UUID,
    *,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/billing/plans/{plan_id}/archive".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PlanPublic | Problem | None:
    if response.status_code == 200:
        response_200 = PlanPublic.from_dict(response.json())

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
) -> Response[PlanPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    plan_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[PlanPublic | Problem]:
    """Archive Plan

     Archive a plan (all versions): no new subscriptions or changes to it; subscriptions on
    it keep running.

    Args:
        plan_id (UUID):
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanPublic | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,
) -> PlanPublic | Problem | None:
    """Archive Plan

     Archive a plan (all versions): no new subscriptions or changes to it; subscriptions on
    it keep running.

    Args:
        plan_id (UUID):
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanPublic | Problem
    """

    return sync_detailed(
        plan_id=plan_id,
        client=client,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    plan_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[PlanPublic | Problem]:
    """Archive Plan

     Archive a plan (all versions): no new subscriptions or changes to it; subscriptions on
    it keep running.

    Args:
        plan_id (UUID):
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanPublic | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: None | str | Unset = UNSET,
) -> PlanPublic | Problem | None:
    """Archive Plan

     Archive a plan (all versions): no new subscriptions or changes to it; subscriptions on
    it keep running.

    Args:
        plan_id (UUID):
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanPublic | Problem
    """

    return (
        await asyncio_detailed(
            plan_id=plan_id,
            client=client,
            idempotency_key=idempotency_key,
        )
    ).parsed
