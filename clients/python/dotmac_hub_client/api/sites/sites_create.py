from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.site_create import SiteCreate
from ...models.site_public import SitePublic
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: SiteCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/sites",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SitePublic | None:
    if response.status_code == 201:
        response_201 = SitePublic.from_dict(response.json())

        return response_201

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
) -> Response[Problem | SitePublic]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SiteCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | SitePublic]:
    """Create Site

     Add a site (POP).

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (SiteCreate): A new site.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SitePublic]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SiteCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | SitePublic | None:
    """Create Site

     Add a site (POP).

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (SiteCreate): A new site.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SitePublic
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SiteCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | SitePublic]:
    """Create Site

     Add a site (POP).

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (SiteCreate): A new site.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SitePublic]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SiteCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | SitePublic | None:
    """Create Site

     Add a site (POP).

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (SiteCreate): A new site.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SitePublic
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
