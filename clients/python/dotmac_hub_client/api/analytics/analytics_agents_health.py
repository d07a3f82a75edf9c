from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.agents_health import AgentsHealth
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    site_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_site_id: None | str | Unset
    if isinstance(site_id, Unset):
        json_site_id = UNSET
    elif isinstance(site_id, UUID):
        json_site_id = str(site_id)
    else:
        json_site_id = site_id
    params["site_id"] = json_site_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/analytics/agents/health",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AgentsHealth | Problem | None:
    if response.status_code == 200:
        response_200 = AgentsHealth.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[AgentsHealth | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    site_id: None | Unset | UUID = UNSET,
) -> Response[AgentsHealth | Problem]:
    """Agents Health

     Queue depth, lag, dropped samples and last seen of each agent.

    Args:
        site_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AgentsHealth | Problem]
    """

    kwargs = _get_kwargs(
        site_id=site_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    site_id: None | Unset | UUID = UNSET,
) -> AgentsHealth | Problem | None:
    """Agents Health

     Queue depth, lag, dropped samples and last seen of each agent.

    Args:
        site_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AgentsHealth | Problem
    """

    return sync_detailed(
        client=client,
        site_id=site_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    site_id: None | Unset | UUID = UNSET,
) -> Response[AgentsHealth | Problem]:
    """Agents Health

     Queue depth, lag, dropped samples and last seen of each agent.

    Args:
        site_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AgentsHealth | Problem]
    """

    kwargs = _get_kwargs(
        site_id=site_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    site_id: None | Unset | UUID = UNSET,
) -> AgentsHealth | Problem | None:
    """Agents Health

     Queue depth, lag, dropped samples and last seen of each agent.

    Args:
        site_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AgentsHealth | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            site_id=site_id,
        )
    ).parsed
