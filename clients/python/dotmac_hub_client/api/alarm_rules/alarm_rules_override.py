from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.alarm_rule_override import AlarmRuleOverride
from ...models.alarm_rule_public import AlarmRulePublic
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    rule_key: str,
    *,
    body: AlarmRuleOverride,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/alarm-rules/{rule_key}".format(
            rule_key=quote(str(rule_key), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AlarmRulePublic | Problem | None:
    if response.status_code == 200:
        response_200 = AlarmRulePublic.from_dict(response.json())

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
) -> Response[AlarmRulePublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    rule_key: str,
    *,
    client: AuthenticatedClient,
    body: AlarmRuleOverride,
) -> Response[AlarmRulePublic | Problem]:
    """Override a rule

     Turn a rule on or off, fix its severity, change some of its parameters (only those
    the rule has, with values of their type); replaces an earlier override.

    Args:
        rule_key (str):
        body (AlarmRuleOverride): A tenant's change to a rule; null fields keep the shipped value.
            `params` names only
            the parameters to change, each one the rule has, with a value of the shipped type.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AlarmRulePublic | Problem]
    """

    kwargs = _get_kwargs(
        rule_key=rule_key,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    rule_key: str,
    *,
    client: AuthenticatedClient,
    body: AlarmRuleOverride,
) -> AlarmRulePublic | Problem | None:
    """Override a rule

     Turn a rule on or off, fix its severity, change some of its parameters (only those
    the rule has, with values of their type); replaces an earlier override.

    Args:
        rule_key (str):
        body (AlarmRuleOverride): A tenant's change to a rule; null fields keep the shipped value.
            `params` names only
            the parameters to change, each one the rule has, with a value of the shipped type.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AlarmRulePublic | Problem
    """

    return sync_detailed(
        rule_key=rule_key,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    rule_key: str,
    *,
    client: AuthenticatedClient,
    body: AlarmRuleOverride,
) -> Response[AlarmRulePublic | Problem]:
    """Override a rule

     Turn a rule on or off, fix its severity, change some of its parameters (only those
    the rule has, with values of their type); replaces an earlier override.

    Args:
        rule_key (str):
        body (AlarmRuleOverride): A tenant's change to a rule; null fields keep the shipped value.
            `params` names only
            the parameters to change, each one the rule has, with a value of the shipped type.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AlarmRulePublic | Problem]
    """

    kwargs = _get_kwargs(
        rule_key=rule_key,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    rule_key: str,
    *,
    client: AuthenticatedClient,
    body: AlarmRuleOverride,
) -> AlarmRulePublic | Problem | None:
    """Override a rule

     Turn a rule on or off, fix its severity, change some of its parameters (only those
    the rule has, with values of their type); replaces an earlier override.

    Args:
        rule_key (str):
        body (AlarmRuleOverride): A tenant's change to a rule; null fields keep the shipped value.
            `params` names only
            the parameters to change, each one the rule has, with a value of the shipped type.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AlarmRulePublic | Problem
    """

    return (
        await asyncio_detailed(
            rule_key=rule_key,
            client=client,
            body=body,
        )
    ).parsed
