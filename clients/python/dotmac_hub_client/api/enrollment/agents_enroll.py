from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.enroll_granted import EnrollGranted
from ...models.enroll_request import EnrollRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: EnrollRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/enroll",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EnrollGranted | Problem | None:
    if response.status_code == 201:
        response_201 = EnrollGranted.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EnrollGranted | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: EnrollRequest,
) -> Response[EnrollGranted | Problem]:
    """Enroll

     Exchange an enrollment token for an agent id, broker URLs, the broker CA and a
    broker password (shown once; the hub keeps no copy). Used by `dotmac-agent enroll`.

    401: unknown or expired token. 409: token already used. 422: refused agent name (the
    token stays valid). 503: broker unreachable (the token stays valid).

    Args:
        body (EnrollRequest): What `dotmac-agent enroll` sends: the token and, optionally, the
            name it wants.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnrollGranted | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: EnrollRequest,
) -> EnrollGranted | Problem | None:
    """Enroll

     Exchange an enrollment token for an agent id, broker URLs, the broker CA and a
    broker password (shown once; the hub keeps no copy). Used by `dotmac-agent enroll`.

    401: unknown or expired token. 409: token already used. 422: refused agent name (the
    token stays valid). 503: broker unreachable (the token stays valid).

    Args:
        body (EnrollRequest): What `dotmac-agent enroll` sends: the token and, optionally, the
            name it wants.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnrollGranted | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: EnrollRequest,
) -> Response[EnrollGranted | Problem]:
    """Enroll

     Exchange an enrollment token for an agent id, broker URLs, the broker CA and a
    broker password (shown once; the hub keeps no copy). Used by `dotmac-agent enroll`.

    401: unknown or expired token. 409: token already used. 422: refused agent name (the
    token stays valid). 503: broker unreachable (the token stays valid).

    Args:
        body (EnrollRequest): What `dotmac-agent enroll` sends: the token and, optionally, the
            name it wants.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EnrollGranted | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: EnrollRequest,
) -> EnrollGranted | Problem | None:
    """Enroll

     Exchange an enrollment token for an agent id, broker URLs, the broker CA and a
    broker password (shown once; the hub keeps no copy). Used by `dotmac-agent enroll`.

    401: unknown or expired token. 409: token already used. 422: refused agent name (the
    token stays valid). 503: broker unreachable (the token stays valid).

    Args:
        body (EnrollRequest): What `dotmac-agent enroll` sends: the token and, optionally, the
            name it wants.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EnrollGranted | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
