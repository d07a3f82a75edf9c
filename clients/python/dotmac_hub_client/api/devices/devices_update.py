from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.device_public import DevicePublic
from ...models.device_update import DeviceUpdate
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    device_id: UUID,
    *,
    body: DeviceUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/devices/{device_id}".format(
            device_id=quote(str(device_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DevicePublic | Problem | None:
    if response.status_code == 200:
        response_200 = DevicePublic.from_dict(response.json())

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
) -> Response[DevicePublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    device_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DeviceUpdate,
) -> Response[DevicePublic | Problem]:
    """Update Device

     Change a device; the site/agent pairing is checked again.

    Args:
        device_id (UUID):
        body (DeviceUpdate): Changes to a device (agent_id, snmp_credential_id or
            ssh_credential_id null detaches
            it from its agent or credential set).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DevicePublic | Problem]
    """

    kwargs = _get_kwargs(
        device_id=device_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    device_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DeviceUpdate,
) -> DevicePublic | Problem | None:
    """Update Device

     Change a device; the site/agent pairing is checked again.

    Args:
        device_id (UUID):
        body (DeviceUpdate): Changes to a device (agent_id, snmp_credential_id or
            ssh_credential_id null detaches
            it from its agent or credential set).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DevicePublic | Problem
    """

    return sync_detailed(
        device_id=device_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    device_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DeviceUpdate,
) -> Response[DevicePublic | Problem]:
    """Update Device

     Change a device; the site/agent pairing is checked again.

    Args:
        device_id (UUID):
        body (DeviceUpdate): Changes to a device (agent_id, snmp_credential_id or
            ssh_credential_id null detaches
            it from its agent or credential set).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DevicePublic | Problem]
    """

    kwargs = _get_kwargs(
        device_id=device_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    device_id: UUID,
    *,
    client: AuthenticatedClient,
    body: DeviceUpdate,
) -> DevicePublic | Problem | None:
    """Update Device

     Change a device; the site/agent pairing is checked again.

    Args:
        device_id (UUID):
        body (DeviceUpdate): Changes to a device (agent_id, snmp_credential_id or
            ssh_credential_id null detaches
            it from its agent or credential set).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DevicePublic | Problem
    """

    return (
        await asyncio_detailed(
            device_id=device_id,
            client=client,
            body=body,
        )
    ).parsed
