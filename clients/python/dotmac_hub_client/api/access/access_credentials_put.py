from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.credential_public import CredentialPublic
from ...models.credential_put import CredentialPut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    subscription_id: UUID,
    *,
    body: CredentialPut,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/access/subscriptions/{subscription_id}/credentials".format(
            subscription_id=quote(str(subscription_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CredentialPublic | Problem | None:
    if response.status_code == 200:
        response_200 = CredentialPublic.from_dict(response.json())

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
) -> Response[CredentialPublic | Problem]:
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
    body: CredentialPut,
) -> Response[CredentialPublic | Problem]:
    """Put Credentials

     Set or replace the subscription's PPPoE or IPoE login (username and MAC unique over
    the hub). Sessions already up keep running until they re-authenticate.

    Args:
        subscription_id (UUID):
        body (CredentialPut): How a subscription logs in: PPPoE `username` + `password`, or IPoE
            by `mac` and/or
            option 82 (`circuit_id`, optionally with `remote_id`). `username` is the RADIUS
            User-Name in every case (for IPoE: what the NAS sends, often the MAC).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CredentialPublic | Problem]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CredentialPut,
) -> CredentialPublic | Problem | None:
    """Put Credentials

     Set or replace the subscription's PPPoE or IPoE login (username and MAC unique over
    the hub). Sessions already up keep running until they re-authenticate.

    Args:
        subscription_id (UUID):
        body (CredentialPut): How a subscription logs in: PPPoE `username` + `password`, or IPoE
            by `mac` and/or
            option 82 (`circuit_id`, optionally with `remote_id`). `username` is the RADIUS
            User-Name in every case (for IPoE: what the NAS sends, often the MAC).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CredentialPublic | Problem
    """

    return sync_detailed(
        subscription_id=subscription_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    subscription_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CredentialPut,
) -> Response[CredentialPublic | Problem]:
    """Put Credentials

     Set or replace the subscription's PPPoE or IPoE login (username and MAC unique over
    the hub). Sessions already up keep running until they re-authenticate.

    Args:
        subscription_id (UUID):
        body (CredentialPut): How a subscription logs in: PPPoE `username` + `password`, or IPoE
            by `mac` and/or
            option 82 (`circuit_id`, optionally with `remote_id`). `username` is the RADIUS
            User-Name in every case (for IPoE: what the NAS sends, often the MAC).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CredentialPublic | Problem]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CredentialPut,
) -> CredentialPublic | Problem | None:
    """Put Credentials

     Set or replace the subscription's PPPoE or IPoE login (username and MAC unique over
    the hub). Sessions already up keep running until they re-authenticate.

    Args:
        subscription_id (UUID):
        body (CredentialPut): How a subscription logs in: PPPoE `username` + `password`, or IPoE
            by `mac` and/or
            option 82 (`circuit_id`, optionally with `remote_id`). `username` is the RADIUS
            User-Name in every case (for IPoE: what the NAS sends, often the MAC).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CredentialPublic | Problem
    """

    return (
        await asyncio_detailed(
            subscription_id=subscription_id,
            client=client,
            body=body,
        )
    ).parsed
