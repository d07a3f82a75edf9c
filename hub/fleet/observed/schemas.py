"""The observed view of a device: what its agent last reported."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ObservedInterfacePublic(BaseModel):
    """An interface as the agent last saw it (IF-MIB)."""

    model_config = ConfigDict(from_attributes=True)
    if_index: int = Field(examples=[3])
    name: str = Field(examples=["ge-0/0/1"])
    alias: str = Field(examples=["cust-1042"])
    speed_bps: int | None = Field(examples=[1_000_000_000])
    admin_status: str = Field(examples=["up"])
    oper_status: str = Field(examples=["up"])


class ObservedPublic(BaseModel):
    """What the agent last reported about the device, and its availability."""

    reported_as: str = Field(description="The device key the agent used: the hub's device id "
                             "(a device pushed to the agent) or its name (a device of the "
                             "agent's own agent.yaml)")
    agent_id: uuid.UUID
    sys_name: str | None = Field(examples=["ams1-core-sw1.example.net"])
    sys_descr: str | None
    vendor: str | None = Field(examples=["Cisco"])
    model: str | None = Field(examples=["C9300-48P"])
    serial: str | None = Field(examples=["FOC1234X0AB"])
    os_version: str | None = Field(examples=["17.9.4"])
    profile: str | None = Field(examples=["cisco_ios"])
    address: str | None = Field(examples=["192.0.2.10"])
    status: Literal["up", "down", "unknown"]
    status_since: datetime | None
    last_seen_at: datetime | None
    interfaces: list[ObservedInterfacePublic]


class DeviceObservedPublic(BaseModel):
    """A hub device and what its agent last observed of it (null: nothing reported yet)."""

    device_id: uuid.UUID
    name: str
    observed: ObservedPublic | None
