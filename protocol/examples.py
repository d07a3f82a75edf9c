"""One realistic, deterministic example per message type.

Used to generate ``protocol/schema/*.example.json`` and reused by tests, so the
documented examples are guaranteed to validate. The scenario: agent ``pop-lagos-01``
polls a Cisco ASR 1001-X core router ``lag-core-01``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from uuid import UUID

from protocol.edge_config import EdgeConfig, PushedDevice, SnmpV2cCredential, pack
from protocol.messages import (
    AgentHealth,
    AgentState,
    ConfigAck,
    ConfigPush,
    DeviceEventBatch,
    DeviceFacts,
    DiscoveryCandidate,
    DiscoveryReport,
    Envelope,
    EventCounters,
    EventRecord,
    InterfaceFacts,
    Inventory,
    JobErrorCode,
    JobProgress,
    JobRequest,
    JobResult,
    Sample,
    TelemetryBatch,
)

__all__ = ["EXAMPLES"]

_AGENT = "pop-lagos-01"
_DEVICE = "lag-core-01"
_STARTED = datetime(2025, 3, 1, 6, 0, 0, tzinfo=UTC)
_NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
_POLLED = datetime(2025, 3, 1, 11, 59, 58, 250000, tzinfo=UTC)
_JOB_ID = UUID("6f1c2a0e-3b7d-4c1e-9a52-0d8e4f7b9c31")

_DEVICE_ID = UUID("0b7e6a52-91c4-4d0e-8f3a-6c2d1e9b4a70")
_SNMP_SET = UUID("5d2f8c1a-7e34-4b9d-a6c0-3f1e2d9b8a45")
_DISCOVERY_ID = UUID("c41e9a7d-2b5f-4e83-9d16-a0f3b7c2e584")
_CONFIG_BLOB, _CONFIG_HASH = pack(EdgeConfig(
    devices=[PushedDevice(id=_DEVICE_ID, name=_DEVICE, host="10.20.0.1", profile="cisco_iosxe",
                          snmp_credential=_SNMP_SET)],
    credentials=[SnmpV2cCredential(id=_SNMP_SET, community="example-community")],
))

_EVENT_LINK = UUID("9a3e5c71-0f42-4d8b-b6e1-27c4d58f0a93")
_EVENT_BGP = UUID("e2b07d14-6c9a-4f35-8d20-b1f3a6c95e47")
_IF_LABELS = {"ifIndex": "1", "ifName": "Gi0/0/0", "ifAlias": "UPLINK-TO-IXP"}

EXAMPLES: Mapping[str, Envelope] = {
    "state": AgentState(
        agent_id=_AGENT,
        seq=0,
        ts=_STARTED,
        state="online",
        agent_version="0.4.2",
        started_at=_STARTED,
        reason="startup",
    ),
    "health": AgentHealth(
        agent_id=_AGENT,
        seq=2160,
        ts=_NOW,
        queue_depth=3,
        queue_bytes=48213,
        oldest_queued_age_s=12.5,
        dropped_samples=0,
        poll_duration_p50_s=0.84,
        poll_duration_p95_s=2.31,
        devices_total=14,
        devices_failing=1,
        device_errors={"lag-acc-07": "timeout"},
        uptime_s=21600.0,
        events=EventCounters(received=1843, accepted=1790, folded=41, dropped=0, refused=12),
    ),
    "telemetry": TelemetryBatch(
        agent_id=_AGENT,
        seq=43170,
        ts=_NOW,
        samples=[
            Sample(
                device=_DEVICE,
                metric="if_hc_in_octets",
                labels=_IF_LABELS,
                value=18446744073709551615,  # a 64-bit counter right at wrap
                kind="counter",
                ts=_POLLED,
                unit="bytes",
            ),
            Sample(
                device=_DEVICE,
                metric="if_hc_out_octets",
                labels=_IF_LABELS,
                value=918273645501,
                kind="counter",
                ts=_POLLED,
                unit="bytes",
            ),
            Sample(
                device=_DEVICE,
                metric="cpu_utilisation_5min",
                labels={"cpmCPUTotalIndex": "7"},
                value=23.5,
                kind="gauge",
                ts=_POLLED,
                unit="percent",
            ),
        ],
    ),
    "inventory": Inventory(
        agent_id=_AGENT,
        seq=7,
        ts=_NOW,
        devices=[
            DeviceFacts(
                device=_DEVICE,
                address="10.20.0.1",
                profile="cisco_iosxe",
                sys_name="lag-core-01.dotmac.ng",
                sys_descr="Cisco IOS XE Software, Version 17.06.05",
                sys_object_id="1.3.6.1.4.1.9.1.1861",
                vendor="Cisco",
                model="ASR1001-X",
                serial="FXS2144Q1AB",
                os_version="17.06.05",
                uptime_s=8640000.0,
                interfaces=[
                    InterfaceFacts(
                        if_index=1,
                        name="GigabitEthernet0/0/0",
                        alias="UPLINK-TO-IXP",
                        descr="GigabitEthernet0/0/0",
                        speed_bps=1_000_000_000,
                        admin_status="up",
                        oper_status="up",
                        mac="00:1e:49:aa:10:01",
                    ),
                    InterfaceFacts(
                        if_index=2,
                        name="GigabitEthernet0/0/1",
                        descr="GigabitEthernet0/0/1",
                        speed_bps=1_000_000_000,
                        admin_status="down",
                        oper_status="down",
                    ),
                ],
            )
        ],
    ),
    "job_request": JobRequest(
        agent_id=_AGENT,
        seq=512,
        ts=_NOW,
        job_id=_JOB_ID,
        device=_DEVICE,
        action="set_interface_description",
        params={"interface": "GigabitEthernet0/0/1", "description": "CUST-ACME-10G"},
        idempotency_key="ticket-88123-desc",
        deadline=datetime(2025, 3, 1, 12, 5, 0, tzinfo=UTC),
    ),
    "job_progress": JobProgress(
        agent_id=_AGENT,
        seq=43171,
        ts=datetime(2025, 3, 1, 12, 0, 2, tzinfo=UTC),
        job_id=_JOB_ID,
        state="running",
        step="apply",
        message="entering configuration mode",
        percent=40.0,
    ),
    "job_result": JobResult(
        agent_id=_AGENT,
        seq=43172,
        ts=datetime(2025, 3, 1, 12, 0, 5, tzinfo=UTC),
        job_id=_JOB_ID,
        outcome="failed",
        error_code=JobErrorCode.VERIFY_FAILED,
        output="interface GigabitEthernet0/0/1\n description CUST-ACME-10G\n% verify: "
        "description not present in running-config",
        started_at=datetime(2025, 3, 1, 12, 0, 1, tzinfo=UTC),
        finished_at=datetime(2025, 3, 1, 12, 0, 5, tzinfo=UTC),
    ),
    "config_push": ConfigPush(
        agent_id=_AGENT,
        seq=513,
        ts=_NOW,
        config_version=42,
        content_hash=_CONFIG_HASH,
        document=_CONFIG_BLOB,
    ),
    "config_ack": ConfigAck(
        agent_id=_AGENT,
        seq=43171,
        ts=_NOW,
        status="applied",
        config_version=42,
        content_hash=_CONFIG_HASH,
        applied_version=42,
        devices=1,
    ),
    "discovery_report": DiscoveryReport(
        agent_id=_AGENT,
        seq=43172,
        ts=_NOW,
        discovery_id=_DISCOVERY_ID,
        scanned=254,
        total=254,
        done=True,
        candidates=[
            DiscoveryCandidate(
                address="10.20.0.7",
                credential=_SNMP_SET,
                sys_name="lag-acc-07",
                sys_object_id="1.3.6.1.4.1.9.1.2504",
                profile="cisco_ios",
                reason="sysObjectID under 1.3.6.1.4.1.9.1",
                vendor="Cisco",
                model="C9300-48P",
            ),
        ],
    ),
    "device_events": DeviceEventBatch(
        agent_id=_AGENT,
        seq=43173,
        ts=_NOW,
        events=[
            EventRecord(
                event_id=_EVENT_LINK,
                event_type="link_down",
                severity="major",
                origin="snmp_trap",
                source="10.20.0.1",
                device_id=str(_DEVICE_ID),
                device_name=_DEVICE,
                labels={"ifIndex": "2", "ifName": "Gi0/0/1", "ifDescr": "GigabitEthernet0/0/1",
                        "ifAdminStatus": "up"},
                raw="1.3.6.1.6.3.1.1.5.3 ifIndex.2=2 ifAdminStatus.2=1 ifOperStatus.2=2",
                rule="generic.link_down",
                received_at=datetime(2025, 3, 1, 11, 59, 41, 120000, tzinfo=UTC),
                device_time=datetime(2025, 3, 1, 11, 59, 41, tzinfo=UTC),
            ),
            EventRecord(
                event_id=_EVENT_BGP,
                event_type="bgp_neighbor_down",
                severity="critical",
                origin="syslog",
                source="10.20.0.1",
                device_id=str(_DEVICE_ID),
                device_name=_DEVICE,
                labels={"neighbor": "196.223.14.1"},
                raw="<187>Mar  1 11:59:43 lag-core-01: %BGP-5-ADJCHANGE: neighbor "
                "196.223.14.1 Down BGP Notification sent",
                rule="cisco_iosxe.bgp_adjchange_down",
                count=3,
                received_at=datetime(2025, 3, 1, 11, 59, 43, 500000, tzinfo=UTC),
                device_time=datetime(2025, 3, 1, 11, 59, 43, tzinfo=UTC),
                last_received_at=datetime(2025, 3, 1, 11, 59, 55, 10000, tzinfo=UTC),
            ),
        ],
    ),
}
