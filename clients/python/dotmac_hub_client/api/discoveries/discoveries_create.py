from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.discovery_create import DiscoveryCreate
from ...models.discovery_public import DiscoveryPublic
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    site_id: UUID,
    *,
    body: DiscoveryCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/sites/{site_id}/discoveries".format(
            site_id=quote(str(site_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DiscoveryPublic | Problem | None:
    if response.status_code == 202:
        response_202 = DiscoveryPublic.from_dict(response.json())

        return response_202

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
) -> Response[DiscoveryPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    site_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DiscoveryCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[DiscoveryPublic | Problem]:
    """Create Discovery

     Sweep a site's networks for SNMP devices. The site's agent (or `agent_id`) receives
    the discovery in its next config push and reports progress and candidates.

    Args:
        site_id (UUID):
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (DiscoveryCreate): A sweep of a site's networks for SNMP devices, run by one of its
            agents.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DiscoveryPublic | Problem]
    """

    kwargs = _get_kwargs(
        site_id=site_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    site_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DiscoveryCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> DiscoveryPublic | Problem | None:
    """Create Discovery

     Sweep a site's networks for SNMP devices. The site's agent (or `agent_id`) receives
    the discovery in its next config push and reports progress and candidates.

    Args:
        site_id (UUID):
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (DiscoveryCreate): A sweep of a site's networks for SNMP devices, run by one of its
            agents.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DiscoveryPublic | Problem
    """

    return sync_detailed(
        site_id=site_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    site_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DiscoveryCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[DiscoveryPublic | Problem]:
    """Create Discovery

     Sweep a site's networks for SNMP devices. The site's agent (or `agent_id`) receives
    the discovery in its next config push and reports progress and candidates.

    Args:
        site_id (UUID):
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (DiscoveryCreate): A sweep of a site's networks for SNMP devices, run by one of its
            agents.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DiscoveryPublic | Problem]
    """

    kwargs = _get_kwargs(
        site_id=site_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    site_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DiscoveryCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> DiscoveryPublic | Problem | None:
    """Create Discovery

     Sweep a site's networks for SNMP devices. The site's agent (or `agent_id`) receives
    the discovery in its next config push and reports progress and candidates.

    Args:
        site_id (UUID):
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (DiscoveryCreate): A sweep of a site's networks for SNMP devices, run by one of its
            agents.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DiscoveryPublic | Problem
    """

    return (
        await asyncio_detailed(
            site_id=site_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
