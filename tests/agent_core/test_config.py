"""Agent config: loading, inheritance, secrets, and errors that name file, line, key, fix."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import pytest
import yaml

from edge_agent.config import (
    AgentConfig,
    ConfigError,
    DeviceConfig,
    SnmpV2cConfig,
    SnmpV3Config,
    load_config,
    save_devices,
)
from edge_agent.snmp.target import SnmpTarget, SnmpV2c, SnmpV3

EXAMPLE = Path(__file__).resolve().parents[2] / "edge_agent" / "example-config.yaml"
SECRETS = {
    "DOTMAC_AGENT_BROKER_PASSWORD": "broker-pw-s3cret",
    "DOTMAC_AGENT_COMMUNITY": "community-s3cret",
    "AMS1_RTR_AUTH_KEY": "auth-key-s3cret",
    "AMS1_RTR_PRIV_KEY": "priv-key-s3cret",
}
HEAD = """\
agent:
  id: pop-test-01
broker:
  host: 127.0.0.1
  password: broker-pw-s3cret
"""


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DOTMAC_AGENT_COMMUNITY", "DOTMAC_AGENT_BROKER_PASSWORD",
                 "DOTMAC_AGENT_SNMP_AUTH_KEY", "DOTMAC_AGENT_SNMP_PRIV_KEY"):
        monkeypatch.delenv(name, raising=False)


def write(tmp_path: Path, body: str, name: str = "devices.yaml") -> Path:
    path = tmp_path / name
    head = HEAD if body.startswith(HEAD) else ""
    path.write_text(head + textwrap.dedent(body.removeprefix(head)))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def test_example_config_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    cfg = load_config(EXAMPLE)
    assert cfg.agent.id == "pop-ams1-01" and cfg.broker.username == "pop-ams1-01"
    core, rtr, radio = cfg.devices
    assert core.snmp == SnmpV2cConfig.model_validate({"community": "community-s3cret"})
    assert (core.interval_s, rtr.interval_s, radio.timeout_s, radio.retries) == (60, 30, 5, 2)
    assert cfg.snmp_target(rtr) == SnmpTarget(
        "10.20.0.1", 161, credentials=SnmpV3("dotmac", "SHA-256", "auth-key-s3cret", "AES",
                                             "priv-key-s3cret"),
        timeout=2.0, retries=1, max_repetitions=25, bulk=True)
    assert cfg.snmp_target(radio) == SnmpTarget(
        "10.20.0.30", 1161, credentials=SnmpV2c("community-s3cret"), timeout=5, retries=2,
        max_repetitions=25, bulk=False)


def test_missing_community_names_file_line_key_and_env(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + """\
        devices:
          - name: sw0
            host: 10.0.0.1
            snmp: {community: c0mm}
          - name: sw1
            host: 10.0.0.2
            snmp: {community: c0mm}
          - name: sw2
            host: 10.0.0.3
        """)
    assert problems(path) == [
        f"{path}:13 devices[2].snmp.community: missing; set it or DOTMAC_AGENT_COMMUNITY"
    ]


def test_omitted_secrets_come_from_documented_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOTMAC_AGENT_COMMUNITY", "from-env-1")
    monkeypatch.setenv("DOTMAC_AGENT_BROKER_PASSWORD", "from-env-2")
    monkeypatch.setenv("DOTMAC_AGENT_SNMP_AUTH_KEY", "from-env-3")
    monkeypatch.setenv("DOTMAC_AGENT_SNMP_PRIV_KEY", "from-env-4")
    path = write(tmp_path, """\
        agent: {id: pop-test-01}
        broker: {host: 127.0.0.1}
        devices:
          - {name: a, host: 10.0.0.1}
          - {name: b, host: 10.0.0.2, snmp: {version: v3, user: u, auth_proto: sha256,
             priv_proto: aes256}}
        """)
    cfg = load_config(path)
    assert cfg.broker.password.get_secret_value() == "from-env-2"
    assert cfg.snmp_target(cfg.devices[0]).credentials == SnmpV2c("from-env-1")
    assert cfg.snmp_target(cfg.devices[1]).credentials == SnmpV3(
        "u", "SHA-256", "from-env-3", "AES-256", "from-env-4")


def test_env_reference_is_expanded_and_an_unset_one_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = HEAD + "defaults:\n  snmp: {community: '${POP_COMMUNITY}'}\n" \
        "devices:\n  - {name: a, host: 10.0.0.1}\n  - {name: b, host: 10.0.0.2}\n"
    path = write(tmp_path, body)
    # Inherited by two devices, reported once, at the line where it is written.
    assert problems(path) == [f"{path}:7 defaults.snmp.community: environment variable "
                              "POP_COMMUNITY is not set; export it or write the value here"]
    monkeypatch.setenv("POP_COMMUNITY", "expanded-s3cret")
    cfg = load_config(path)
    assert cfg.devices[1].snmp == SnmpV2cConfig.model_validate({"community": "expanded-s3cret"})


def test_unknown_keys_are_rejected_with_the_closest_valid_one(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + """\
        polling:
          intervall_s: 30
        devices:
          - name: a
            hots: 10.0.0.1
            host: 10.0.0.1
            snmp: {version: "3", user: u, auth_protocol: SHA, auth_key: abcdefgh}
        colour: blue
        """)
    assert problems(path) == [
        f"{path}:7 polling.intervall_s: unknown key; did you mean 'interval_s'?",
        f"{path}:10 devices[0].hots: unknown key; did you mean 'host'?",
        f"{path}:12 devices[0].snmp.auth_protocol: unknown key; did you mean 'auth_proto'?",
        f"{path}:13 colour: unknown key; valid keys here: agent, broker, polling, queue, "
        "health_interval_s, defaults, devices, events",
    ]


def test_value_errors_name_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        agent: {id: POP_Upper}
        broker: {host: 127.0.0.1, password: x, port: 0}
        devices:
          - {name: a, host: 10.0.0.1, snmp: {version: 4, community: c}}
          - {name: b, host: 10.0.0.2, profile: Cisco IOS, snmp: {version: 3, user: u,
             auth_proto: SHA, auth_key: short}}
        """)
    found = problems(path)
    assert found[0].startswith(f"{path}:1 agent.id: invalid agent id 'POP_Upper'")
    assert found[0].endswith("use lowercase letters, digits, '.', '_' or '-'")
    assert found[1] == f"{path}:2 broker.port: Input should be greater than or equal to 1"
    assert found[2] == (f"{path}:4 devices[0].snmp: unknown SNMP version; "
                        'use version: "2c" or version: "3"')
    assert found[3].startswith(f"{path}:5 devices[1].profile: String should match pattern")
    assert found[4] == (f"{path}:5 devices[1].snmp: auth_key: must be at least 8 characters "
                        "(SNMPv3 USM pass phrase)")


def test_yaml_syntax_error_duplicate_key_and_duplicate_name(tmp_path: Path) -> None:
    broken = write(tmp_path, HEAD + "devices:\n  - name: a\n   host: x\n", "broken.yaml")
    assert problems(broken)[0].startswith(f"{broken}:8 YAML syntax error:")
    dup_key = write(tmp_path, HEAD + "devices:\n  - name: a\n    host: x\n    host: y\n", "k.yaml")
    assert problems(dup_key) == [
        f"{dup_key}:9 devices[0].host: duplicate key (first at line 8); keep only one"]
    dup_name = write(tmp_path, HEAD + "defaults: {snmp: {community: c}}\ndevices:\n"
                     "  - {name: a, host: x}\n  - {name: a, host: y}\n", "n.yaml")
    assert problems(dup_name) == [f"{dup_name}:7 devices: devices[0] and devices[1] are both "
                                  "named 'a'; device names must be unique"]
    missing = tmp_path / "nope.yaml"
    assert problems(missing) == [f"{missing}: file not found; create it from "
                                 "edge_agent/example-config.yaml or pass the right path"]


def test_device_inherits_polling_and_same_version_snmp_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + """\
        polling: {interval_s: 300, timeout_s: 4, retries: 3, max_repetitions: 10}
        defaults:
          snmp: {version: "3", user: noc, auth_proto: SHA-512, auth_key: team-auth-key}
        devices:
          - {name: a, host: 10.0.0.1}
          - {name: b, host: 10.0.0.2, interval_s: 15, snmp: {auth_key: own-auth-key}}
          - {name: c, host: 10.0.0.3, snmp: {version: 2c, community: other}}
        """)
    cfg = load_config(path)
    a, b, c = (cfg.snmp_target(d) for d in cfg.devices)
    assert (a.timeout, a.retries, a.max_repetitions, cfg.devices[0].interval_s) == (4, 3, 10, 300)
    assert a.credentials == SnmpV3("noc", "SHA-512", "team-auth-key")
    assert b.credentials == SnmpV3("noc", "SHA-512", "own-auth-key")
    assert cfg.devices[1].interval_s == 15
    assert c.credentials == SnmpV2c("other")  # another version inherits no v3 keys


def test_secrets_never_in_repr_dump_errors_or_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.DEBUG)
    cfg = load_config(EXAMPLE)
    logging.getLogger("dotmac.test").info("config=%s device=%r", cfg, cfg.devices[1])
    rendered = [repr(cfg), str(cfg), cfg.model_dump_json(), str(cfg.model_dump(mode="json")),
                repr(cfg.snmp_target(cfg.devices[1])), caplog.text]
    bad = write(tmp_path, HEAD.replace("broker-pw-s3cret", "${UNSET_PW_VAR}") +
                "devices:\n  - {name: a, host: x, snmp: {version: 3, user: u, auth_proto: SHA,"
                " auth_key: s3cret-but-bad, priv_key: priv-key-s3cret}}\n")
    rendered += problems(bad)
    for text in rendered:
        for secret in [*SECRETS.values(), "s3cret-but-bad"]:
            assert secret not in text
    assert "**********" in cfg.model_dump_json()


def test_v3_key_without_protocol_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "devices:\n  - {name: a, host: x, snmp: {version: 3, user: u,"
                 " auth_key: abcdefgh}}\n")
    assert problems(path) == [f"{path}:7 devices[0].snmp: auth_key is set but its protocol "
                              "is not; add auth_proto"]


def test_python_callers_get_the_same_rules() -> None:
    cfg = AgentConfig.model_validate({
        "agent": {"id": "pop-x"}, "broker": {"host": "h", "password": "p"},
        "defaults": {"snmp": {"community": "c"}},
        "devices": [{"name": "a", "host": "10.0.0.1"}],
    })
    assert cfg.device("a").snmp == SnmpV2cConfig.model_validate({"community": "c"})
    assert isinstance(DeviceConfig(name="b", host="h", snmp=SnmpV3Config(version="3", user="u")
                                   ).snmp, SnmpV3Config)
    with pytest.raises(KeyError, match="no device named 'zz'"):
        cfg.device("zz")


def test_save_devices_adds_updates_and_keeps_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROKER_PW", "from-env")
    path = write(tmp_path, HEAD + """\
        defaults:
          snmp: {community: site-community}
        devices:
          - name: a
            host: 10.0.0.1
            interval_s: 30   # a comment that will be lost
        """)
    path.write_text(path.read_text().replace("broker-pw-s3cret", "${BROKER_PW}"))
    path.chmod(0o600)
    found = [DeviceConfig(name="a", host="10.0.0.9", profile="cisco_ios",
                          snmp={"community": "site-community"}),
             DeviceConfig(name="b", host="10.0.0.2", port=1161, profile="linux",
                          snmp=SnmpV2cConfig.model_validate({"community": "b-only"}))]
    save_devices(path, found)
    data = yaml.safe_load(path.read_text())
    assert data["broker"]["password"] == "${BROKER_PW}"
    assert data["devices"] == [
        {"name": "a", "host": "10.0.0.9", "interval_s": 30, "profile": "cisco_ios"},
        {"name": "b", "host": "10.0.0.2", "port": 1161, "profile": "linux"},
    ]
    assert path.stat().st_mode & 0o777 == 0o600
    assert "a comment" in (tmp_path / "devices.yaml.bak").read_text()
    save_devices(path, found[1:], write_credentials=True)
    assert yaml.safe_load(path.read_text())["devices"][1]["snmp"] == {
        "version": "2c", "community": "b-only"}


def test_save_devices_refuses_a_result_that_does_not_validate(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "devices: []\n")
    before = path.read_text()
    with pytest.raises(ConfigError) as info:
        # Credentials are not written and the file has no defaults.snmp to inherit.
        save_devices(path, [DeviceConfig(name="a", host="10.0.0.1", snmp={"community": "x"})])
    assert info.value.problems == [
        f"{path}:7 devices[0].snmp.community: missing; set it or DOTMAC_AGENT_COMMUNITY"]
    assert path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["devices.yaml"]
