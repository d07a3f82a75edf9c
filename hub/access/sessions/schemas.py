"""Request and response bodies of subscriber sessions and their CoA / Disconnect requests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hub.pagination import Page


class SessionPublic(BaseModel):
    """A subscriber session as accounting reported it (octets are 64-bit totals)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    nas_id: uuid.UUID
    subscription_id: uuid.UUID | None = Field(description="null when the username matches "
                                              "no subscriber credential")
    username: str
    acct_session_id: str
    framed_ip_address: str | None
    framed_ipv6_prefix: str | None
    delegated_ipv6_prefix: str | None
    calling_station_id: str | None = Field(description="the subscriber's MAC, as the NAS "
                                           "reports it")
    nas_port_id: str | None
    started_at: datetime
    last_update_at: datetime
    stopped_at: datetime | None = Field(description="null while online")
    terminate_cause: str | None = Field(examples=["User-Request", "stale", "NAS-Reboot"])
    session_time_s: int
    input_octets: int = Field(description="from the subscriber (upload)")
    output_octets: int = Field(description="to the subscriber (download)")
    input_packets: int
    output_packets: int
    counter_resets: int = Field(description="times the NAS's counters went backwards")


SessionsPublic = Page[SessionPublic]


class RadiusActionEventPublic(BaseModel):
    """One step of a CoA / Disconnect request: an attempt, the answer, who moved it."""

    model_config = ConfigDict(from_attributes=True)
    at: datetime
    from_status: str | None
    to_status: str
    actor: str
    detail: str


class RadiusActionPublic(BaseModel):
    """A CoA-Request or Disconnect-Request and the NAS's answer."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    request_id: uuid.UUID
    kind: str = Field(examples=["disconnect"])
    action: str = Field(examples=["support_disconnect", "suspend"])
    session_id: uuid.UUID | None
    subscription_id: uuid.UUID | None
    nas_id: uuid.UUID | None
    requested_by: str = Field(examples=["user:0192..."])
    reason: str
    attributes: dict[str, Any]
    status: str = Field(examples=["requested", "sending", "acked", "nak", "timeout",
                                  "failed"])
    attempts: int
    error_cause: int | None = Field(description="RFC 5176 Error-Cause of a NAK",
                                    examples=[506])
    detail: str
    created_at: datetime
    completed_at: datetime | None
    history: list[RadiusActionEventPublic] = []


class SessionDetail(SessionPublic):
    """A session with every CoA / Disconnect the hub sent for it."""

    actions: list[RadiusActionPublic]


class DisconnectRequest(BaseModel):
    """Why support ends the session (kept in the request's history)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field("", max_length=300, examples=["customer reports a stuck session"])
