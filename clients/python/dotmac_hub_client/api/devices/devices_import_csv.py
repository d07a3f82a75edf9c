from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.import_report import ImportReport
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/inventory/devices.csv",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ImportReport | Problem | None:
    if response.status_code == 200:
        response_200 = ImportReport.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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
) -> Response[ImportReport | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ImportReport | Problem]:
    """Import Devices

     Create or update devices from a CSV file sent as the body (`text/csv`,
    UTF-8, at most 5 MB and 10000 rows; see
    docs/device-import.md). The header names the columns (name, site, agent, management_address,
    profile, telemetry, snmp_port, ssh_port, interval_s, timeout_s, retries, enabled, maintenance,
    snmp_credential, ssh_credential, event_sources); `name`, `site`
    and `management_address` are required, the rest optional. A row whose name is a device of
    the tenant updates it, any other row creates one; devices the file does not name are left
    alone. Every row is checked first: any error answers 422 with every error as
    `errors: [{row, column, message}]` (row = line of the file, the header is line 1) and
    nothing is written. `dry_run=true` checks and counts without writing.

    Args:
        dry_run (bool | Unset):  Default: False.
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportReport | Problem]
    """

    kwargs = _get_kwargs(
        dry_run=dry_run,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
) -> ImportReport | Problem | None:
    """Import Devices

     Create or update devices from a CSV file sent as the body (`text/csv`,
    UTF-8, at most 5 MB and 10000 rows; see
    docs/device-import.md). The header names the columns (name, site, agent, management_address,
    profile, telemetry, snmp_port, ssh_port, interval_s, timeout_s, retries, enabled, maintenance,
    snmp_credential, ssh_credential, event_sources); `name`, `site`
    and `management_address` are required, the rest optional. A row whose name is a device of
    the tenant updates it, any other row creates one; devices the file does not name are left
    alone. Every row is checked first: any error answers 422 with every error as
    `errors: [{row, column, message}]` (row = line of the file, the header is line 1) and
    nothing is written. `dry_run=true` checks and counts without writing.

    Args:
        dry_run (bool | Unset):  Default: False.
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportReport | Problem
    """

    return sync_detailed(
        client=client,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ImportReport | Problem]:
    """Import Devices

     Create or update devices from a CSV file sent as the body (`text/csv`,
    UTF-8, at most 5 MB and 10000 rows; see
    docs/device-import.md). The header names the columns (name, site, agent, management_address,
    profile, telemetry, snmp_port, ssh_port, interval_s, timeout_s, retries, enabled, maintenance,
    snmp_credential, ssh_credential, event_sources); `name`, `site`
    and `management_address` are required, the rest optional. A row whose name is a device of
    the tenant updates it, any other row creates one; devices the file does not name are left
    alone. Every row is checked first: any error answers 422 with every error as
    `errors: [{row, column, message}]` (row = line of the file, the header is line 1) and
    nothing is written. `dry_run=true` checks and counts without writing.

    Args:
        dry_run (bool | Unset):  Default: False.
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportReport | Problem]
    """

    kwargs = _get_kwargs(
        dry_run=dry_run,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
) -> ImportReport | Problem | None:
    """Import Devices

     Create or update devices from a CSV file sent as the body (`text/csv`,
    UTF-8, at most 5 MB and 10000 rows; see
    docs/device-import.md). The header names the columns (name, site, agent, management_address,
    profile, telemetry, snmp_port, ssh_port, interval_s, timeout_s, retries, enabled, maintenance,
    snmp_credential, ssh_credential, event_sources); `name`, `site`
    and `management_address` are required, the rest optional. A row whose name is a device of
    the tenant updates it, any other row creates one; devices the file does not name are left
    alone. Every row is checked first: any error answers 422 with every error as
    `errors: [{row, column, message}]` (row = line of the file, the header is line 1) and
    nothing is written. `dry_run=true` checks and counts without writing.

    Args:
        dry_run (bool | Unset):  Default: False.
        idempotency_key (None | str | Unset): Makes the request safe to retry (docs/api.md,
            Idempotent requests): the same key with the same request answers the first response again
            (header `Idempotent-Replayed: true`) for 24 hours; the same key with another request is a
            422. 1 to 255 printable ASCII characters, unique per request, e.g. a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportReport | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            dry_run=dry_run,
            idempotency_key=idempotency_key,
        )
    ).parsed
