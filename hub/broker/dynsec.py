"""Mosquitto dynamic-security administration over MQTT (`$CONTROL/dynamic-security/v1`).

Each agent gets a client (username = agent id) bound to its client id (the agent id too)
and a role of its own holding LITERAL topics: Mosquitto 2.0.11's dynsec ACLs do not
substitute `%c`/`%u`. The binding matters as much as the ACLs: without it the login may
connect with any client id, and connecting with another client's id takes that client's
session over (the hub's ingest backlog, another agent's queued commands). The explicit
low-priority denies matter: without them dynsec defers unmatched subscriptions and
deliveries to the rest of the chain (the broker's `acl_file`, default allow for reads),
and an agent could subscribe to `#` and read other agents' commands, or join the hub's
shared ingest subscription and swallow its share of everyone's telemetry.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import ssl
from typing import Any

import aiomqtt

from hub.broker.base import BrokerError
from protocol import TOPIC_ROOT, Direction, validate_agent_id

REQUEST_TOPIC = "$CONTROL/dynamic-security/v1"
RESPONSE_TOPIC = "$CONTROL/dynamic-security/v1/response"
ALLOW_PRIORITY, DENY_PRIORITY = 10, 0  # higher priority is checked first
# Errors that mean "already gone": revocation is idempotent.
ABSENT = ("Client not found", "Role not found")
# The hub's own client ids start with this (dotmac-ingest-HOST, dotmac-jobs-HOST-..., the
# dynsec administrator's); no agent login is ever granted an id that does.
HUB_CLIENT_ID_PREFIX = "dotmac-"
log = logging.getLogger("dotmac.hub.broker")


def role_name(agent_id: str) -> str:
    """The dynsec role that holds one agent's ACLs."""
    return f"dotmac-agent-{validate_agent_id(agent_id)}"


def agent_acls(agent_id: str) -> list[dict[str, Any]]:
    """The ACL entries of an agent's role: its own up/ and cmd/ topics, nothing else."""
    prefix = f"{TOPIC_ROOT}/{validate_agent_id(agent_id)}"
    up, cmd = f"{prefix}/{Direction.UP.value}/#", f"{prefix}/{Direction.CMD.value}/#"
    allow = [("publishClientSend", up), ("subscribePattern", cmd),
             ("publishClientReceive", cmd)]
    deny = [("publishClientSend", "#"), ("subscribePattern", "#"),
            ("publishClientReceive", "#")]
    return ([{"acltype": t, "topic": topic, "allow": True, "priority": ALLOW_PRIORITY}
             for t, topic in allow]
            + [{"acltype": t, "topic": topic, "allow": False, "priority": DENY_PRIORITY}
               for t, topic in deny])


def agent_client_id(agent_id: str) -> str:
    """The only client id an agent's login may connect with: its agent id.

    Refuses ids in the hub's reserved form, so no agent login can ever be bound to (or
    connect as) one of the hub's own sessions."""
    validate_agent_id(agent_id)
    if agent_id.startswith(HUB_CLIENT_ID_PREFIX):
        raise BrokerError(f"agent id {agent_id!r}: starts with {HUB_CLIENT_ID_PREFIX!r}, "
                          "which is reserved for the hub's own client ids; enroll the agent "
                          "(its id is then the hub's UUID for it)")
    return agent_id


def grant_commands(agent_id: str, password: str) -> list[dict[str, Any]]:
    """createRole, addRoleACL x n, createClient (bound to its client id), addClientRole."""
    role, client_id = role_name(agent_id), agent_client_id(agent_id)
    return [{"command": "createRole", "rolename": role,
             "textdescription": f"dotmac edge agent {agent_id}"},
            *({"command": "addRoleACL", "rolename": role, **acl} for acl in agent_acls(agent_id)),
            {"command": "createClient", "username": agent_id, "password": password,
             "clientid": client_id},
            {"command": "addClientRole", "username": agent_id, "rolename": role}]


def bind_commands(agent_id: str) -> list[dict[str, Any]]:
    """setClientId for a login granted before logins were bound to their client id."""
    return [{"command": "setClientId", "username": agent_id,
             "clientid": agent_client_id(agent_id)}]


def revoke_commands(agent_id: str) -> list[dict[str, Any]]:
    """disableClient (kicks it), deleteClient, deleteRole for one agent."""
    return [{"command": "disableClient", "username": agent_id},
            {"command": "deleteClient", "username": agent_id},
            {"command": "deleteRole", "rolename": role_name(agent_id)}]


class DynsecAdmin:
    """Talks to Mosquitto's dynamic-security plugin with the dynsec admin login.

    One short connection per operation: enrollments and revocations are rare, and no
    connection state has to survive hub restarts or be shared between hub processes.
    """

    def __init__(self, host: str, port: int, username: str, password: str,
                 timeout_s: float = 10.0, tls: ssl.SSLContext | None = None) -> None:
        self.host, self.port = host, port
        self._username, self._password = username, password
        self.timeout_s, self._tls = timeout_s, tls

    async def grant_agent(self, agent_id: str, password: str) -> None:
        """Create the agent's role and login; BrokerError if any command fails."""
        failed = _failures(await self.run(grant_commands(agent_id, password)))
        if failed:
            raise BrokerError(f"dynsec refused granting agent {agent_id}: {failed}")
        log.info("event=broker_grant agent=%s", agent_id)

    async def bind_agent(self, agent_id: str) -> bool:
        """Bind an existing login to its client id (idempotent); False when the broker has
        no such login (revoked, or never granted)."""
        failed = _failures(await self.run(bind_commands(agent_id)))
        if any(f.split(": ", 1)[-1] in ABSENT for f in failed):
            return False
        if failed:
            raise BrokerError(f"dynsec refused binding agent {agent_id}: {failed}")
        log.info("event=broker_bind agent=%s", agent_id)
        return True

    async def revoke_agent(self, agent_id: str) -> None:
        """Disable (which disconnects) and delete the agent's login and role."""
        results = await self.run(revoke_commands(agent_id))
        failed = [f for f in _failures(results) if f.split(": ", 1)[-1] not in ABSENT]
        if failed:
            raise BrokerError(f"dynsec refused revoking agent {agent_id}: {failed}")
        log.info("event=broker_revoke agent=%s", agent_id)

    async def run(self, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send one batch of commands and return the broker's responses, in order."""
        tag = secrets.token_hex(8)
        payload = {"commands": [{**c, "correlationData": f"{tag}:{i}"}
                                for i, c in enumerate(commands)]}
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self._exchange(payload, tag)
        except (aiomqtt.MqttError, OSError, TimeoutError) as exc:
            raise BrokerError(f"broker {self.host}:{self.port}: {type(exc).__name__}: "
                              f"{exc or 'no answer'}; check DOTMAC_HUB_BROKER_HOST/PORT "
                              "(TLS_PORT and CA_FILE with DOTMAC_HUB_BROKER_TLS) and the "
                              "DYNSEC credentials") from exc

    async def _exchange(self, payload: dict[str, Any], tag: str) -> list[dict[str, Any]]:
        async with aiomqtt.Client(
                self.host, self.port, username=self._username, password=self._password,
                identifier=f"dotmac-hub-dynsec-{tag}", tls_context=self._tls,
                protocol=aiomqtt.ProtocolVersion.V5) as client:
            await client.subscribe(RESPONSE_TOPIC, qos=1)
            await client.publish(REQUEST_TOPIC, json.dumps(payload), qos=1)
            async for message in client.messages:
                responses = _responses(message.payload)
                if responses and str(responses[0].get("correlationData", "")).startswith(tag):
                    return responses
        raise BrokerError("broker closed the connection before answering")


def _responses(payload: Any) -> list[dict[str, Any]]:
    try:
        data = json.loads(payload)
    except (TypeError, ValueError):
        return []
    found = data.get("responses") if isinstance(data, dict) else None
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def _failures(responses: list[dict[str, Any]]) -> list[str]:
    return [f"{r.get('command')}: {r['error']}" for r in responses if r.get("error")]
