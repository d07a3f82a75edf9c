from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.alarm_detail import AlarmDetail
from ...models.alarm_note import AlarmNote
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    alarm_id: UUID,
    *,
    body: AlarmNote | None | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/alarms/{alarm_id}/unack".format(
            alarm_id=quote(str(alarm_id), safe=""),
        ),
    }

    if isinstance(body, AlarmNote):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AlarmDetail | Problem | None:
    if response.status_code == 200:
        response_200 = AlarmDetail.from_dict(response.json())

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
) -> Response[AlarmDetail | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    alarm_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AlarmNote | None | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[AlarmDetail | Problem]:
    """Take back an acknowledgement

     The alarm is raised again and nobody is on it (escalation resumes).

    Args:
        alarm_id (UUID): an alarm id
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (AlarmNote | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AlarmDetail | Problem]
    """

    kwargs = _get_kwargs(
        alarm_id=alarm_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    alarm_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AlarmNote | None | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> AlarmDetail | Problem | None:
    """Take back an acknowledgement

     The alarm is raised again and nobody is on it (escalation resumes).

    Args:
        alarm_id (UUID): an alarm id
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (AlarmNote | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AlarmDetail | Problem
    """

    return sync_detailed(
        alarm_id=alarm_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    alarm_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AlarmNote | None | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[AlarmDetail | Problem]:
    """Take back an acknowledgement

     The alarm is raised again and nobody is on it (escalation resumes).

    Args:
        alarm_id (UUID): an alarm id
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (AlarmNote | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AlarmDetail | Problem]
    """

    kwargs = _get_kwargs(
        alarm_id=alarm_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    alarm_id: UUID,
    *,
    client: AuthenticatedClient,
    body: AlarmNote | None | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> AlarmDetail | Problem | None:
    """Take back an acknowledgement

     The alarm is raised again and nobody is on it (escalation resumes).

    Args:
        alarm_id (UUID): an alarm id
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.
        body (AlarmNote | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AlarmDetail | Problem
    """

    return (
        await asyncio_detailed(
            alarm_id=alarm_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
