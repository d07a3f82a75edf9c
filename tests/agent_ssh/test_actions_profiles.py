"""Every actions.yaml is valid; hostile parameters are refused before anything renders."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

import edge_agent.executor
import firmware_profiles
from firmware_profiles.actions import (
    ActionError,
    ParamError,
    load_actions,
    load_all_actions,
    render,
)

ROOT = firmware_profiles.root()
FILES = sorted(ROOT.glob("*/actions.yaml"))
REQUIRED = {"get_facts", "backup_config", "run_show"}
PROVISIONING = {"set_port_speed", "suspend_customer", "resume_customer", "change_plan",
                "bounce_port"}
PROVISIONING_PLATFORMS = ("cisco_ios", "juniper_junos", "mikrotik_routeros", "arista_eos",
                          "cisco_nxos", "huawei_vrp", "ubiquiti_edgeos")
# Platforms whose suspend_customer/resume_customer also come as walled_garden_vlan variants.
WALLED_GARDEN = ("cisco_ios", "arista_eos", "cisco_nxos", "huawei_vrp")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.parent.name)
def test_every_actions_file_matches_the_schema(path: Path) -> None:
    schema = json.loads((ROOT / "actions.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(path.read_text()))
    platform = load_actions(path.parent.name)
    assert set(platform.actions) >= REQUIRED
    assert platform.backup is not None


def test_provisioning_platforms_have_every_action() -> None:
    loaded = load_all_actions()
    assert len(FILES) >= 7  # ios, junos, routeros, nxos, eos, vrp, edgeos
    for name in PROVISIONING_PLATFORMS:
        assert set(loaded[name].actions) >= PROVISIONING, name
        for action in PROVISIONING:
            spec = loaded[name].action(action)
            assert spec.verify is not None and spec.rollback is not None


@pytest.mark.parametrize("name", WALLED_GARDEN)
def test_walled_garden_variants_verify_and_roll_back(name: str, tmp_path: Path) -> None:
    folder = tmp_path / name
    folder.mkdir()
    doc = yaml.safe_load((ROOT / name / "actions.yaml").read_text())
    doc["suspend_mode"] = "walled_garden_vlan"
    doc.pop("cli_metrics", None)  # its TextFSM files stay in the real folder
    (folder / "actions.yaml").write_text(yaml.safe_dump(doc))
    platform = load_actions(name, tmp_path)
    for action in ("suspend_customer", "resume_customer"):
        spec = platform.action(action)
        assert spec.verify is not None and spec.rollback is not None
        assert any("vlan 999" in line for line in render(spec, {"interface": "Et1",
                                                                "vlan": 999}))


HOSTILE = ["Gi0/1\nreload", "Gi0/1\r\nwrite erase", "Gi0/1; reload", "Gi0/1 | include x",
           "{{ config }}", "{% for x in y %}", "Gi0/1`id`", "G" + "i" * 300]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_interface_is_refused_before_rendering(value: str) -> None:
    action = load_actions("cisco_ios").action("suspend_customer")
    with pytest.raises(ParamError) as caught:
        render(action, {"interface": value})
    assert "interface" in str(caught.value)
    assert value not in str(caught.value), "a hostile value is never echoed back"


@pytest.mark.parametrize("params", [
    {"interface": "Gi0/1", "rate_kbps": 10, "plan": "gold"},           # below minimum
    {"interface": "Gi0/1", "rate_kbps": 10**12, "plan": "gold"},       # above maximum
    {"interface": "Gi0/1", "rate_kbps": "1000", "plan": "gold"},       # not an integer
    {"interface": "Gi0/1", "rate_kbps": 1000, "plan": "gold plan"},    # pattern
    {"interface": "Gi0/1", "rate_kbps": 1000},                         # missing
    {"interface": "Gi0/1", "rate_kbps": 1000, "plan": "g", "x": "y"},  # unknown key
])
def test_schema_bounds_are_enforced(params: dict[str, object]) -> None:
    with pytest.raises(ParamError):
        render(load_actions("cisco_ios").action("change_plan"), params)


def test_a_loose_parameter_type_is_refused_at_load(tmp_path: Path) -> None:
    folder = tmp_path / "cisco_ios"
    folder.mkdir()
    doc = yaml.safe_load((ROOT / "cisco_ios" / "actions.yaml").read_text())
    doc["actions"]["bounce_port"]["params"]["interface"] = {"type": "string"}
    (folder / "actions.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(ActionError, match="not strictly bounded"):
        load_actions("cisco_ios", tmp_path)


def test_an_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    folder = tmp_path / "juniper_junos"
    folder.mkdir()
    doc = yaml.safe_load((ROOT / "juniper_junos" / "actions.yaml").read_text())
    doc["actions"]["get_facts"]["templte"] = "show version"
    (folder / "actions.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(ActionError, match=r"actions.yaml: actions.get_facts"):
        load_actions("juniper_junos", tmp_path)


def test_prompts_are_checked_at_load(tmp_path: Path) -> None:
    # `prompts` replaces netmiko's wait-for-silence mode checks (2 s each) on VRP8 and EdgeOS;
    # a broken regex would hang every job until its timeout, so it is refused at load.
    assert load_actions("huawei_vrp").prompts is not None
    assert load_actions("ubiquiti_edgeos").prompts.leave == "exit"  # type: ignore[union-attr]
    folder = tmp_path / "huawei_vrp"
    folder.mkdir()
    doc = yaml.safe_load((ROOT / "huawei_vrp" / "actions.yaml").read_text())
    doc["prompts"]["config"] = "^[~*"
    (folder / "actions.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(ActionError, match=r"prompts\.config"):
        load_actions("huawei_vrp", tmp_path)


def test_render_is_pure_and_strict() -> None:
    action = load_actions("mikrotik_routeros").action("set_port_speed")
    params = {"interface": "ether2", "rate_kbps": 25_000}
    assert render(action, params) == render(action, params) == [
        '/queue simple remove [find name="dm-ether2"]',
        '/queue simple add name="dm-ether2" target=ether2 max-limit=25000k/25000k',
    ]


def test_the_agent_executor_re_exports_the_shared_catalogue() -> None:
    """The catalogue moved to `firmware_profiles.actions` (the hub imports it there); agent
    code written against `edge_agent.executor` keeps working with the very same objects."""
    assert edge_agent.executor.load_actions is load_actions
    assert edge_agent.executor.ActionError is ActionError
    assert edge_agent.executor.ParamError is ParamError
