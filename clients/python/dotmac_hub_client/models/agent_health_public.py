from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AgentHealthPublic")


@_attrs_define
class AgentHealthPublic:
    """The newest health report and online state of an agent.

    Attributes:
        agent_id (UUID):
        agent_name (str):
        devices_failing (int | None):
        devices_total (int | None):
        dropped_samples (int | None):
        health_ts (datetime.datetime | None):
        lag_s (float | None): receive time minus report time, seconds
        last_seen_at (datetime.datetime | None):
        oldest_queued_age_s (float | None):
        poll_p95_s (float | None):
        queue_bytes (int | None):
        queue_depth (int | None):
        site_id (UUID):
        state (str): online | offline | unknown
        state_since (datetime.datetime | None):
    """

    agent_id: UUID
    agent_name: str
    devices_failing: int | None
    devices_total: int | None
    dropped_samples: int | None
    health_ts: datetime.datetime | None
    lag_s: float | None
    last_seen_at: datetime.datetime | None
    oldest_queued_age_s: float | None
    poll_p95_s: float | None
    queue_bytes: int | None
    queue_depth: int | None
    site_id: UUID
    state: str
    state_since: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_id = str(self.agent_id)

        agent_name = self.agent_name

        devices_failing: int | None
        devices_failing = self.devices_failing

        devices_total: int | None
        devices_total = self.devices_total

        dropped_samples: int | None
        dropped_samples = self.dropped_samples

        health_ts: None | str
        if isinstance(self.health_ts, datetime.datetime):
            health_ts = self.health_ts.isoformat()
        else:
            health_ts = self.health_ts

        lag_s: float | None
        lag_s = self.lag_s

        last_seen_at: None | str
        if isinstance(self.last_seen_at, datetime.datetime):
            last_seen_at = self.last_seen_at.isoformat()
        else:
            last_seen_at = self.last_seen_at

        oldest_queued_age_s: float | None
        oldest_queued_age_s = self.oldest_queued_age_s

        poll_p95_s: float | None
        poll_p95_s = self.poll_p95_s

        queue_bytes: int | None
        queue_bytes = self.queue_bytes

        queue_depth: int | None
        queue_depth = self.queue_depth

        site_id = str(self.site_id)

        state = self.state

        state_since: None | str
        if isinstance(self.state_since, datetime.datetime):
            state_since = self.state_since.isoformat()
        else:
            state_since = self.state_since

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_id": agent_id,
                "agent_name": agent_name,
                "devices_failing": devices_failing,
                "devices_total": devices_total,
                "dropped_samples": dropped_samples,
                "health_ts": health_ts,
                "lag_s": lag_s,
                "last_seen_at": last_seen_at,
                "oldest_queued_age_s": oldest_queued_age_s,
                "poll_p95_s": poll_p95_s,
                "queue_bytes": queue_bytes,
                "queue_depth": queue_depth,
                "site_id": site_id,
                "state": state,
                "state_since": state_since,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = UUID(d.pop("agent_id"))

        agent_name = d.pop("agent_name")

        def _parse_devices_failing(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        devices_failing = _parse_devices_failing(d.pop("devices_failing"))

        def _parse_devices_total(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        devices_total = _parse_devices_total(d.pop("devices_total"))

        def _parse_dropped_samples(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        dropped_samples = _parse_dropped_samples(d.pop("dropped_samples"))

        def _parse_health_ts(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                health_ts_type_0 = datetime.datetime.fromisoformat(data)

                return health_ts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        health_ts = _parse_health_ts(d.pop("health_ts"))

        def _parse_lag_s(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        lag_s = _parse_lag_s(d.pop("lag_s"))

        def _parse_last_seen_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_seen_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_seen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_seen_at = _parse_last_seen_at(d.pop("last_seen_at"))

        def _parse_oldest_queued_age_s(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        oldest_queued_age_s = _parse_oldest_queued_age_s(d.pop("oldest_queued_age_s"))

        def _parse_poll_p95_s(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        poll_p95_s = _parse_poll_p95_s(d.pop("poll_p95_s"))

        def _parse_queue_bytes(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        queue_bytes = _parse_queue_bytes(d.pop("queue_bytes"))

        def _parse_queue_depth(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        queue_depth = _parse_queue_depth(d.pop("queue_depth"))

        site_id = UUID(d.pop("site_id"))

        state = d.pop("state")

        def _parse_state_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                state_since_type_0 = datetime.datetime.fromisoformat(data)

                return state_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        state_since = _parse_state_since(d.pop("state_since"))

        agent_health_public = cls(
            agent_id=agent_id,
            agent_name=agent_name,
            devices_failing=devices_failing,
            devices_total=devices_total,
            dropped_samples=dropped_samples,
            health_ts=health_ts,
            lag_s=lag_s,
            last_seen_at=last_seen_at,
            oldest_queued_age_s=oldest_queued_age_s,
            poll_p95_s=poll_p95_s,
            queue_bytes=queue_bytes,
            queue_depth=queue_depth,
            site_id=site_id,
            state=state,
            state_since=state_since,
        )

        agent_health_public.additional_properties = d
        return agent_health_public

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
