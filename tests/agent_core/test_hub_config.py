"""The pushed config on the agent side: every refusal, the conversion, precedence, the store."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import stat
import zlib
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from edge_agent.config import DeviceConfig, PollingSection, SnmpV2cConfig, SnmpV3Config
from edge_agent.hub_config import (
    AppliedConfig,
    HubConfigError,
    HubConfigStore,
    log_shadowed,
    merge_devices,
    to_devices,
    validate_push,
)
from edge_agent.runtime import AgentRuntime
from protocol import ConfigPush
from protocol.edge_config import (
    ConfigErrorCode,
    DiscoveryRequest,
    EdgeConfig,
    PushedDevice,
    SnmpV2cCredential,
    SnmpV3Credential,
    SshCredential,
    content_hash,
    pack,
)

AGENT = "pop-1"
PROFILES = {"cisco_ios", "linux", "arista_eos"}
V2C = SnmpV2cCredential(id=UUID(int=1), community="s3cret-community")
V3 = SnmpV3Credential(id=UUID(int=2), user="poller", auth_proto="SHA", auth_key="authpass1",
                      priv_proto="AES", priv_key="privpass1")
SSH = SshCredential(id=UUID(int=3), username="ops", password="ssh-pass", enable_secret="en")
DEVICE_ID = UUID(int=100)


def device(**overrides: object) -> PushedDevice:
    data: dict[str, object] = {"id": DEVICE_ID, "name": "core-1", "host": "10.0.0.1",
                               "snmp_credential": V2C.id}
    return PushedDevice.model_validate({**data, **overrides})


def push(config: EdgeConfig, version: int = 2, agent_id: str = AGENT,
         digest: str | None = None) -> ConfigPush:
    blob, real = pack(config)
    return ConfigPush(agent_id=agent_id, seq=1, ts=datetime.now(UTC), config_version=version,
                      content_hash=digest or real, document=blob)


def config(*devices: PushedDevice, credentials: tuple[object, ...] = (V2C, V3, SSH),
           discoveries: tuple[DiscoveryRequest, ...] = ()) -> EdgeConfig:
    return EdgeConfig.model_validate({"devices": list(devices), "credentials": list(credentials),
                                      "discoveries": list(discoveries)})


def refusal(message: ConfigPush, applied: int = 1) -> HubConfigError:
    with pytest.raises(HubConfigError) as caught:
        validate_push(message, AGENT, applied, PROFILES)
    return caught.value


def test_a_valid_push_gives_its_document() -> None:
    document = config(device())
    assert validate_push(push(document), AGENT, 1, PROFILES) == document


def test_push_for_another_agent_is_wrong_agent() -> None:
    assert refusal(push(config(device()), agent_id="pop-2")).code == ConfigErrorCode.WRONG_AGENT


@pytest.mark.parametrize(("version", "applied"), [(1, 1), (3, 5)])
def test_version_not_newer_is_stale(version: int, applied: int) -> None:
    error = refusal(push(config(device()), version=version), applied=applied)
    assert error.code == ConfigErrorCode.STALE_VERSION


def test_hash_mismatch_and_garbage_are_bad_document() -> None:
    assert refusal(push(config(device()), digest="0" * 64)).code == ConfigErrorCode.BAD_DOCUMENT
    forged = push(config(device())).model_copy(update={"document": "!!not base64!!"})
    assert refusal(forged).code == ConfigErrorCode.BAD_DOCUMENT


def test_zlib_bomb_is_oversize() -> None:
    """17 MB of zeros deflates to ~17 KB; the agent stops inflating at its limit."""
    raw = b"0" * (17 * 1024 * 1024)
    blob = base64.b64encode(zlib.compress(raw, 9)).decode()
    bomb = ConfigPush(agent_id=AGENT, seq=1, ts=datetime.now(UTC), config_version=2,
                      content_hash="a" * 64, document=blob)
    assert refusal(bomb).code == ConfigErrorCode.OVERSIZE


def test_schema_violation_is_invalid() -> None:
    raw = json.dumps({"devices": [{"id": str(DEVICE_ID), "name": "x", "host": "h",
                                   "telemetry": "telnet"}]}).encode()
    blob = base64.b64encode(zlib.compress(raw)).decode()
    message = ConfigPush(agent_id=AGENT, seq=1, ts=datetime.now(UTC), config_version=2,
                         content_hash=hashlib.sha256(raw).hexdigest(), document=blob)
    error = refusal(message)
    assert error.code == ConfigErrorCode.INVALID and "telemetry" in error.detail


def test_unknown_profile() -> None:
    error = refusal(push(config(device(profile="vendor_x"))))
    assert error.code == ConfigErrorCode.UNKNOWN_PROFILE and "vendor_x" in error.detail


@pytest.mark.parametrize("overrides", [
    {"snmp_credential": UUID(int=99)},  # not in the push
    {"snmp_credential": SSH.id},  # wrong kind
    {"ssh_credential": V2C.id, "telemetry": "both", "profile": "cisco_ios"},
])
def test_credential_not_in_push_or_wrong_kind(overrides: dict[str, object]) -> None:
    assert refusal(push(config(device(**overrides)))).code == ConfigErrorCode.UNKNOWN_CREDENTIAL


def test_discovery_with_unknown_credential() -> None:
    sweep = DiscoveryRequest(id=uuid4(), cidrs=["10.0.0.0/30"], credentials=[UUID(int=77)])
    error = refusal(push(config(device(), discoveries=(sweep,))))
    assert error.code == ConfigErrorCode.UNKNOWN_CREDENTIAL


@pytest.mark.parametrize(("overrides", "credentials"), [
    ({"telemetry": "ssh", "profile": "cisco_ios", "snmp_credential": None}, (V2C,)),
    ({"snmp_credential": None}, (V2C,)),
])
def test_missing_credentials_without_a_local_block_are_invalid(
        overrides: dict[str, object], credentials: tuple[object, ...],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Accepted by the document check (an agent.yaml twin may hold them), refused when the
    devices are built and nothing is found, naming the device."""
    monkeypatch.delenv("DOTMAC_AGENT_COMMUNITY", raising=False)
    monkeypatch.delenv("DOTMAC_AGENT_SSH_PASSWORD", raising=False)
    document = config(device(**overrides), credentials=credentials)
    validate_push(push(document), AGENT, 1, PROFILES)
    with pytest.raises(HubConfigError) as caught:
        to_devices(document, PollingSection(), [])
    assert caught.value.code == ConfigErrorCode.INVALID
    assert str(DEVICE_ID) in caught.value.detail


def test_key_only_ssh_sets_log_in_with_the_key() -> None:
    key_only = SshCredential(id=UUID(int=4), username="ops", private_key="-----BEGIN KEY")
    document = config(device(telemetry="both", profile="cisco_ios", ssh_credential=key_only.id),
                      credentials=(V2C, key_only))
    validate_push(push(document), AGENT, 1, PROFILES)
    (converted,) = to_devices(document, PollingSection(), [])
    assert converted.ssh is not None and converted.ssh.password is None
    assert converted.ssh.private_key is not None
    assert converted.ssh.private_key.get_secret_value() == "-----BEGIN KEY"
    assert "BEGIN" not in repr(converted)


def test_duplicate_device_ids_are_invalid() -> None:
    assert refusal(push(config(device(), device(name="again")))).code == ConfigErrorCode.INVALID


def test_conversion_names_by_id_and_keeps_credentials() -> None:
    pushed = [device(snmp_port=1161, interval_s=30, retries=3),
              device(id=UUID(int=101), name="edge-2", host="10.0.0.2", snmp_credential=V3.id,
                     ssh_credential=SSH.id, ssh_port=2222, telemetry="both",
                     profile="cisco_ios")]
    first, second = to_devices(config(*pushed), PollingSection(max_repetitions=10))
    assert (first.name, first.label, first.host, first.port) == (str(DEVICE_ID), "core-1",
                                                                 "10.0.0.1", 1161)
    assert (first.interval_s, first.retries, first.max_repetitions) == (30, 3, 10)
    assert isinstance(first.snmp, SnmpV2cConfig)
    assert first.snmp.community.get_secret_value() == "s3cret-community"
    assert isinstance(second.snmp, SnmpV3Config) and second.snmp.priv_proto == "AES"
    assert second.ssh is not None and second.ssh.port == 2222
    assert second.ssh.password is not None and second.ssh.password.get_secret_value() == "ssh-pass"
    # Built deterministically: an unchanged device compares equal (keeps its schedule).
    assert to_devices(config(*pushed), PollingSection(max_repetitions=10)) == [first, second]
    assert "s3cret" not in repr(first)


def test_pushed_env_reference_is_not_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_SECRET", "leaked")
    cred = SnmpV2cCredential(id=V2C.id, community="${AGENT_SECRET}")
    (converted,) = to_devices(config(device(), credentials=(cred,)), PollingSection())
    assert isinstance(converted.snmp, SnmpV2cConfig)
    assert converted.snmp.community.get_secret_value() == "${AGENT_SECRET}"


def test_short_v3_key_is_invalid_without_the_secret_in_detail() -> None:
    weak = SnmpV3Credential(id=V3.id, user="u", auth_proto="SHA", auth_key="short")
    with pytest.raises(HubConfigError) as caught:
        to_devices(config(device(snmp_credential=V3.id), credentials=(weak,)), PollingSection())
    assert caught.value.code == ConfigErrorCode.INVALID and "short" not in caught.value.detail


def local(name: str, host: str = "192.0.2.1", port: int = 161) -> DeviceConfig:
    return DeviceConfig.model_validate({"name": name, "host": host, "port": port,
                                        "snmp": {"community": "c"}})


def test_hub_devices_shadow_local_ones(caplog: pytest.LogCaptureFixture) -> None:
    hub = to_devices(config(device()), PollingSection())
    kept_local = local("lab-switch")
    same_address, same_label, same_id = (local("old-core", "10.0.0.1"), local("core-1"),
                                         local(str(DEVICE_ID)))
    merged, shadowed = merge_devices([same_address, kept_local, same_label, same_id], hub)
    assert merged == [*hub, kept_local]
    assert {s.device for s in shadowed} == {"old-core", "core-1", str(DEVICE_ID)}
    assert {s.by for s in shadowed} == {str(DEVICE_ID)}
    with caplog.at_level(logging.WARNING):
        log_shadowed(shadowed)
    assert f"config.local_shadowed device=old-core by={DEVICE_ID}" in caplog.text
    # Another port on the same host is another device.
    assert merge_devices([local("snmp2", "10.0.0.1", 1161)], hub)[1] == []


def test_without_hub_config_local_devices_are_polled() -> None:
    devices = [local("a"), local("b", "192.0.2.2")]
    assert merge_devices(devices, []) == (devices, [])


def test_store_round_trip_is_private(tmp_path: Path) -> None:
    store = HubConfigStore(tmp_path / "state")
    assert store.load() is None
    document = config(device())
    applied = AppliedConfig(7, content_hash(document), document)
    store.save(applied)
    assert store.load() == applied
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert not store.path.with_suffix(".tmp").exists()


@pytest.mark.parametrize("body", [b"{not json", b'{"version": 1}',
                                  b'{"version": 1, "content_hash": "00", "config": {}}'])
def test_corrupt_store_is_a_value_error(tmp_path: Path, body: bytes) -> None:
    store = HubConfigStore(tmp_path)
    store.path.write_bytes(body)
    with pytest.raises(ValueError, match=r"hub-config\.json"):
        store.load()


# ---- the runtime: start with a stored config, apply, refuse, store failures --------------

def agent_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "agent.yaml"
    path.write_text(f"agent:\n  id: {AGENT}\n  state_dir: {tmp_path / 'state'}\n"
                    "broker:\n  host: 127.0.0.1\n  password: x\n"
                    "devices:\n  - name: old-core\n    host: 10.0.0.1\n"
                    "    snmp: {community: public}\n"
                    "  - name: lab\n    host: 192.0.2.9\n    snmp: {community: public}\n")
    return path


def test_runtime_starts_with_the_stored_config_merged(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    document = config(device())
    HubConfigStore(tmp_path / "state").save(AppliedConfig(4, content_hash(document), document))
    with caplog.at_level(logging.INFO):
        runtime = AgentRuntime(agent_yaml(tmp_path))
    assert [d.name for d in runtime.config.devices] == [str(DEVICE_ID), "lab"]
    assert runtime.hub.version == 4 and runtime.hub.devices == 1
    assert f"config.local_shadowed device=old-core by={DEVICE_ID}" in caplog.text


def test_runtime_with_a_corrupt_store_polls_local_devices(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "hub-config.json").write_text("{truncated")
    runtime = AgentRuntime(agent_yaml(tmp_path))
    assert [d.name for d in runtime.config.devices] == ["old-core", "lab"]
    assert runtime.hub.version == 0
    assert "hub-config.json" in str(runtime.hub.snapshot()["load_error"])


async def test_apply_push_keeps_unchanged_devices_equal(tmp_path: Path) -> None:
    runtime = AgentRuntime(agent_yaml(tmp_path))
    first = await runtime.apply_push(push(config(device()), version=1))
    assert (first.status, first.applied_version, first.devices) == ("applied", 1, 1)
    before = runtime.config.devices[0]
    second = config(device(), device(id=UUID(int=101), name="edge-2", host="10.0.0.2"))
    assert (await runtime.apply_push(push(second, version=2))).status == "applied"
    assert runtime.config.devices[0] == before  # same schedule and counters in the scheduler
    assert [d.name for d in runtime.config.devices] == [str(DEVICE_ID), str(UUID(int=101)),
                                                          "lab"]
    assert HubConfigStore(tmp_path / "state").load() == runtime.hub.applied


async def test_refused_or_unstorable_push_changes_nothing(tmp_path: Path) -> None:
    runtime = AgentRuntime(agent_yaml(tmp_path))
    await runtime.apply_push(push(config(device()), version=1))
    running = runtime.config.devices
    stale = await runtime.apply_push(push(config(), version=1))
    assert (stale.status, stale.error_code, stale.applied_version) == (
        "rejected", "stale_version", 1)
    runtime.hub_store.path.with_suffix(".tmp").mkdir()  # the write fails, even as root
    failed = await runtime.apply_push(push(config(), version=2))
    assert (failed.status, failed.error_code) == ("rejected", "store_failed")
    assert runtime.config.devices == running and runtime.hub.version == 1
    assert runtime.hub.snapshot()["rejected"] == {"stale_version": 1, "store_failed": 1}


def test_jobs_find_pushed_devices_by_id_and_local_ones_by_name(tmp_path: Path) -> None:
    from edge_agent.executor import Executor
    from protocol import JobRequest

    runtime = AgentRuntime(agent_yaml(tmp_path))
    runtime._set_devices(to_devices(config(device()), PollingSection()))
    executor = Executor(runtime.config, state_dir=tmp_path)

    def job(device_id: str, name: str | None) -> JobRequest:
        return JobRequest(agent_id=AGENT, seq=1, ts=datetime.now(UTC), job_id=uuid4(),
                          device=device_id, device_name=name, action="get_facts",
                          idempotency_key="k", deadline=datetime.now(UTC))

    try:
        assert executor.device_of(job(str(DEVICE_ID), "core-1")).label == "core-1"
        assert executor.device_of(job(str(uuid4()), "lab")).name == "lab"
        with pytest.raises(KeyError):  # a pushed device is never found by its label
            executor.device_of(job(str(uuid4()), "core-1"))
    finally:
        executor.pool.shutdown()
        executor.store.close()


def test_credentials_may_stay_on_the_pop(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pushed device without credential sets takes the shadowed agent.yaml device's snmp
    and ssh blocks (the hub manages the list, the secrets never leave the box)."""
    monkeypatch.delenv("DOTMAC_AGENT_COMMUNITY", raising=False)
    twin = DeviceConfig.model_validate({
        "name": "core-1", "host": "192.0.2.9", "snmp": {"community": "local-only"},
        "ssh": {"username": "tech", "password": "local-pass", "port": 2222}})
    (converted,) = to_devices(config(device(snmp_credential=None)), PollingSection(), [twin])
    assert converted.snmp is not None and converted.snmp == twin.snmp
    assert converted.ssh is not None and converted.ssh.port == 2222  # the local block's own
    assert converted.name == str(DEVICE_ID) and converted.host == "10.0.0.1"  # hub's fields
    # A hub credential set still wins over the local block.
    (hub_creds,) = to_devices(config(device()), PollingSection(), [twin])
    assert isinstance(hub_creds.snmp, SnmpV2cConfig)
    assert hub_creds.snmp.community.get_secret_value() == "s3cret-community"


def test_no_credentials_anywhere_names_the_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOTMAC_AGENT_COMMUNITY", raising=False)
    with pytest.raises(HubConfigError) as caught:
        to_devices(config(device(snmp_credential=None)), PollingSection(), [])
    assert caught.value.code == ConfigErrorCode.INVALID
    assert "core-1" in caught.value.detail and "credential set" in caught.value.detail


def test_field_commands_see_the_pushed_devices_by_hub_name(tmp_path: Path) -> None:
    """`dotmac-agent job run core-1 ...` on a hub-managed box: the stored push is merged in
    and the device is found by its hub label as well as its id."""
    from edge_agent.config import AgentConfig
    from edge_agent.hub_config import with_hub_devices

    base = AgentConfig.model_validate({
        "agent": {"id": AGENT, "state_dir": str(tmp_path / "state")},
        "broker": {"host": "127.0.0.1", "password": "x"},
        "devices": [{"name": "lab", "host": "192.0.2.50", "snmp": {"community": "c"}}]})
    assert with_hub_devices(base) == base  # nothing pushed yet
    document = config(device())
    HubConfigStore(tmp_path / "state").save(AppliedConfig(3, content_hash(document), document))
    merged = with_hub_devices(base)
    assert merged.device("core-1") is merged.device(str(DEVICE_ID))
    assert merged.device("lab").host == "192.0.2.50"


async def test_the_same_push_again_is_acknowledged_not_refused(tmp_path: Path) -> None:
    """A hub resend after a lost ack (or a broker redelivery) of the version that runs is
    answered 'applied'; an older version is still stale."""
    runtime = AgentRuntime(agent_yaml(tmp_path))
    message = push(config(device()), version=3)
    assert (await runtime.apply_push(message)).status == "applied"
    again = await runtime.apply_push(message)
    assert (again.status, again.config_version, again.error_code) == ("applied", 3, None)
    older = await runtime.apply_push(push(config(device()), version=2))
    assert (older.status, older.error_code) == ("rejected", ConfigErrorCode.STALE_VERSION)
