from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.broker_access import BrokerAccess


T = TypeVar("T", bound="EnrollGranted")


@_attrs_define
class EnrollGranted:
    """The agent's identity and broker login.

    Attributes:
        agent_id (str): the protocol agent id: broker username and topic id
        agent_name (str):
        broker (BrokerAccess): Where and how the agent reaches the MQTT broker.
        site_id (UUID):
        topic_prefix (str):
    """

    agent_id: str
    agent_name: str
    broker: BrokerAccess
    site_id: UUID
    topic_prefix: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        agent_name = self.agent_name

        broker = self.broker.to_dict()

        site_id = str(self.site_id)

        topic_prefix = self.topic_prefix

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_id": agent_id,
                "agent_name": agent_name,
                "broker": broker,
                "site_id": site_id,
                "topic_prefix": topic_prefix,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.broker_access import BrokerAccess  # noqa: PLC0415

        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        agent_name = d.pop("agent_name")

        broker = BrokerAccess.from_dict(d.pop("broker"))

        site_id = UUID(d.pop("site_id"))

        topic_prefix = d.pop("topic_prefix")

        enroll_granted = cls(
            agent_id=agent_id,
            agent_name=agent_name,
            broker=broker,
            site_id=site_id,
            topic_prefix=topic_prefix,
        )

        enroll_granted.additional_properties = d
        return enroll_granted

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
