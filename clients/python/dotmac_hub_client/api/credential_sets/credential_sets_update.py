from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.credential_set_public import CredentialSetPublic
from ...models.credential_set_update import CredentialSetUpdate
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    set_id: UUID,
    *,
    body: CredentialSetUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/credential-sets/{set_id}".format(
            set_id=quote(str(set_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CredentialSetPublic | Problem | None:
    if response.status_code == 200:
        response_200 = CredentialSetPublic.from_dict(response.json())

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
) -> Response[CredentialSetPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    set_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CredentialSetUpdate,
) -> Response[CredentialSetPublic | Problem]:
    """Update Credential Set

     Rename, re-bind or change a set; a secret field given replaces that secret
    (rotation). The agents whose devices use the set receive it with their next config.

    Args:
        set_id (UUID):
        body (CredentialSetUpdate): Changes to a set. A secret field given replaces that secret
            (rotation); a field sent
            as null is removed (e.g. `priv_proto` and `priv_key` to drop privacy). `kind` cannot
            change: create a new set and point the devices at it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CredentialSetPublic | Problem]
    """

    kwargs = _get_kwargs(
        set_id=set_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    set_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CredentialSetUpdate,
) -> CredentialSetPublic | Problem | None:
    """Update Credential Set

     Rename, re-bind or change a set; a secret field given replaces that secret
    (rotation). The agents whose devices use the set receive it with their next config.

    Args:
        set_id (UUID):
        body (CredentialSetUpdate): Changes to a set. A secret field given replaces that secret
            (rotation); a field sent
            as null is removed (e.g. `priv_proto` and `priv_key` to drop privacy). `kind` cannot
            change: create a new set and point the devices at it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CredentialSetPublic | Problem
    """

    return sync_detailed(
        set_id=set_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    set_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CredentialSetUpdate,
) -> Response[CredentialSetPublic | Problem]:
    """Update Credential Set

     Rename, re-bind or change a set; a secret field given replaces that secret
    (rotation). The agents whose devices use the set receive it with their next config.

    Args:
        set_id (UUID):
        body (CredentialSetUpdate): Changes to a set. A secret field given replaces that secret
            (rotation); a field sent
            as null is removed (e.g. `priv_proto` and `priv_key` to drop privacy). `kind` cannot
            change: create a new set and point the devices at it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CredentialSetPublic | Problem]
    """

    kwargs = _get_kwargs(
        set_id=set_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    set_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CredentialSetUpdate,
) -> CredentialSetPublic | Problem | None:
    """Update Credential Set

     Rename, re-bind or change a set; a secret field given replaces that secret
    (rotation). The agents whose devices use the set receive it with their next config.

    Args:
        set_id (UUID):
        body (CredentialSetUpdate): Changes to a set. A secret field given replaces that secret
            (rotation); a field sent
            as null is removed (e.g. `priv_proto` and `priv_key` to drop privacy). `kind` cannot
            change: create a new set and point the devices at it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CredentialSetPublic | Problem
    """

    return (
        await asyncio_detailed(
            set_id=set_id,
            client=client,
            body=body,
        )
    ).parsed
