"""Enrollment request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from protocol.topics import AGENT_ID_PATTERN

AgentName = Field(None, min_length=1, max_length=63, pattern=AGENT_ID_PATTERN,
                  examples=["ams1-agent-01"],
                  description="lowercase letters, digits, '.', '_' or '-' (the protocol's "
                  "agent id rules); default: derived from the site name")


class EnrollmentTokenCreate(BaseModel):
    """A new one-time enrollment token for a site."""

    model_config = ConfigDict(extra="forbid")
    ttl_s: int | None = Field(None, ge=60, le=7 * 86400, examples=[3600],
                              description="lifetime in seconds (default "
                              "DOTMAC_HUB_ENROLL_TOKEN_TTL)")
    agent_name: str | None = AgentName


class EnrollmentTokenCreated(BaseModel):
    """An issued token. `token` is shown only in this response: hand it to the tech now."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    site_id: uuid.UUID
    agent_name: str | None
    expires_at: datetime
    created_at: datetime
    token: str = Field(examples=["dme_3q2...Xw"])


class EnrollRequest(BaseModel):
    """What `dotmac-agent enroll` sends: the token and, optionally, the name it wants."""

    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=200, examples=["dme_3q2...Xw"])
    # Checked by the service (after the token), so a hostile name is refused AND audited.
    agent_name: str | None = Field(None, max_length=200, examples=["ams1-agent-01"])


class BrokerAccess(BaseModel):
    """Where and how the agent reaches the MQTT broker."""

    host: str = Field(examples=["mqtt.example.net"])
    port: int = Field(examples=[8883])
    tls: bool = True
    urls: list[str] = Field(examples=[["mqtts://mqtt.example.net:8883"]])
    ca_pem: str | None = Field(description="PEM of the CA the broker's certificate chains "
                               "to (null: trust the system CA store)")
    username: str
    password: str = Field(description="shown once; the hub keeps no copy")


class EnrollGranted(BaseModel):
    """The agent's identity and broker login."""

    agent_id: str = Field(examples=["0195f3c2-8a1e-7c4d-9b1a-5e7f0a2b3c4d"],
                          description="the protocol agent id: broker username and topic id")
    agent_name: str
    site_id: uuid.UUID
    topic_prefix: str = Field(examples=["dm/v1/0195f3c2-8a1e-7c4d-9b1a-5e7f0a2b3c4d/"])
    broker: BrokerAccess
