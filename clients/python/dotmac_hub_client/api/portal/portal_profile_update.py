from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.profile_public import ProfilePublic
from ...models.profile_update import ProfileUpdate
from ...types import Response


def _get_kwargs(
    *,
    body: ProfileUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/portal/profile",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ProfilePublic | None:
    if response.status_code == 200:
        response_200 = ProfilePublic.from_dict(response.json())

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
) -> Response[Problem | ProfilePublic]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ProfileUpdate,
) -> Response[Problem | ProfilePublic]:
    """Update My Profile

     Change the caller's e-mail, phone or contacts (audited as portal.profile_update).
    Name, account number, currency, tax jurisdiction and service address are 422: the
    provider's staff change them.

    Args:
        body (ProfileUpdate): What a customer changes itself (absent: unchanged): how to reach it.
            Name, account
            number, currency, tax jurisdiction and service address are the ISP's to change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProfilePublic]
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
    client: AuthenticatedClient,
    body: ProfileUpdate,
) -> Problem | ProfilePublic | None:
    """Update My Profile

     Change the caller's e-mail, phone or contacts (audited as portal.profile_update).
    Name, account number, currency, tax jurisdiction and service address are 422: the
    provider's staff change them.

    Args:
        body (ProfileUpdate): What a customer changes itself (absent: unchanged): how to reach it.
            Name, account
            number, currency, tax jurisdiction and service address are the ISP's to change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProfilePublic
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ProfileUpdate,
) -> Response[Problem | ProfilePublic]:
    """Update My Profile

     Change the caller's e-mail, phone or contacts (audited as portal.profile_update).
    Name, account number, currency, tax jurisdiction and service address are 422: the
    provider's staff change them.

    Args:
        body (ProfileUpdate): What a customer changes itself (absent: unchanged): how to reach it.
            Name, account
            number, currency, tax jurisdiction and service address are the ISP's to change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProfilePublic]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ProfileUpdate,
) -> Problem | ProfilePublic | None:
    """Update My Profile

     Change the caller's e-mail, phone or contacts (audited as portal.profile_update).
    Name, account number, currency, tax jurisdiction and service address are 422: the
    provider's staff change them.

    Args:
        body (ProfileUpdate): What a customer changes itself (absent: unchanged): how to reach it.
            Name, account
            number, currency, tax jurisdiction and service address are the ISP's to change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProfilePublic
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
