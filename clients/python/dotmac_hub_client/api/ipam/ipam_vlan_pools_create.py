from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.vlan_pool_create import VlanPoolCreate
from ...models.vlan_pool_public import VlanPoolPublic
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: VlanPoolCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/ipam/vlan-pools",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | VlanPoolPublic | None:
    if response.status_code == 201:
        response_201 = VlanPoolPublic.from_dict(response.json())

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
) -> Response[Problem | VlanPoolPublic]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: VlanPoolCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | VlanPoolPublic]:
    """Create Vlan Pool

     Add a single-tag or QinQ VLAN pool to a site.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (VlanPoolCreate): VLAN tags of a site: `single` tags first_tag..last_tag, or `qinq`
            pairs of an S-VLAN
            first_tag..last_tag and a C-VLAN inner_first..inner_last. `reserved` outer tags are never
            allocated.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VlanPoolPublic]
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
    body: VlanPoolCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | VlanPoolPublic | None:
    """Create Vlan Pool

     Add a single-tag or QinQ VLAN pool to a site.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (VlanPoolCreate): VLAN tags of a site: `single` tags first_tag..last_tag, or `qinq`
            pairs of an S-VLAN
            first_tag..last_tag and a C-VLAN inner_first..inner_last. `reserved` outer tags are never
            allocated.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VlanPoolPublic
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: VlanPoolCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | VlanPoolPublic]:
    """Create Vlan Pool

     Add a single-tag or QinQ VLAN pool to a site.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (VlanPoolCreate): VLAN tags of a site: `single` tags first_tag..last_tag, or `qinq`
            pairs of an S-VLAN
            first_tag..last_tag and a C-VLAN inner_first..inner_last. `reserved` outer tags are never
            allocated.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VlanPoolPublic]
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
    body: VlanPoolCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | VlanPoolPublic | None:
    """Create Vlan Pool

     Add a single-tag or QinQ VLAN pool to a site.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (VlanPoolCreate): VLAN tags of a site: `single` tags first_tag..last_tag, or `qinq`
            pairs of an S-VLAN
            first_tag..last_tag and a C-VLAN inner_first..inner_last. `reserved` outer tags are never
            allocated.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VlanPoolPublic
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
