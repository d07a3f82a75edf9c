"""The rule catalogue: the shipped YAML matches its schema (unknown keys refused), every
rule of the design ships, tenant overrides merge over the defaults."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms import rules
from hub.alarms.models import AlarmRuleOverride
from tests.hub.alarms.conftest import World

DESIGN_KEYS = {
    "event": {"event.link", "event.line_protocol", "event.bgp_neighbor", "event.ospf_neighbor",
              "event.power_supply", "event.fan", "event.temperature", "event.ups",
              "event.config_change", "event.login_failure", "event.cold_start",
              "event.generic",
              # Vendor events the profiles map (UPS, wireless, firewall clusters, hardware).
              "event.ups_on_battery", "event.ups_battery", "event.ups_overload",
              "event.ups_bypass", "event.ups_fault", "event.hardware", "event.ap",
              "event.ap_radio", "event.managed_switch", "event.ha_member", "event.ha_monitor",
              "event.ha_failure", "event.auth_server"},
    "telemetry": {"device.unreachable", "interface.down", "interface.errors", "device.cpu",
                  "device.memory", "device.temperature", "interface.optical_rx",
                  "ups.on_battery", "ups.battery"},
    "agent": {"agent.offline", "agent.queue_backlog", "agent.config_not_applied",
              "agent.events_dropped"},
    "hub": {"hub.ingest_lag", "hub.webhook_failing", "hub.schedule_failed", "ipam.pool_full"},
}


def shipped() -> dict[str, Any]:
    """The shipped YAML as data."""
    document: dict[str, Any] = yaml.safe_load(rules.DEFAULTS_FILE.read_text())
    return document


def test_every_rules_file_matches_the_schema() -> None:
    for path in sorted(Path(rules.HERE).glob("*.yaml")):
        rules.check_document(yaml.safe_load(path.read_text()), path.name)


@pytest.mark.parametrize(("path", "value", "where"), [
    (("rules", "event.link", "colour"), "red", "rules/event.link"),
    (("rules", "event.link", "params", "raise_on_typo"), ["x"], "rules/event.link/params"),
    (("rules", "device.cpu", "severity"), "urgent", "rules/device.cpu/severity"),
    (("rules", "device.cpu", "source"), "snmp", "rules/device.cpu/source"),
    (("defaults", "flap_transitions"), 1, "defaults/flap_transitions"),
])
def test_the_schema_refuses_unknown_keys_and_values(path: tuple[str, ...], value: Any,
                                                    where: str) -> None:
    document = copy.deepcopy(shipped())
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with pytest.raises(rules.RulesFileError, match=re.escape(f"defaults.yaml: {where}")):
        rules.check_document(document, "defaults.yaml")


def test_every_rule_of_the_design_ships() -> None:
    by_source: dict[str, set[str]] = {}
    for rule in rules.shipped_rules().values():
        by_source.setdefault(rule.source, set()).add(rule.key)
    assert by_source == DESIGN_KEYS
    assert not rules.shipped_rules()["event.generic"].enabled
    link = rules.shipped_rules()["event.link"]
    assert (link.severity, link.param("raise_on"), link.param("clear_on")) == (
        None, ["link_down"], ["link_up"])
    assert link.param("flap_transitions") == 4 and link.param("close_after_s") == 3600
    assert rules.shipped_rules()["event.cold_start"].param("clear_after_s") == 900


def test_every_event_type_a_rule_names_is_mapped_by_some_profile() -> None:
    """A rule waiting for an event type no firmware profile emits would never fire."""
    profiles = Path(rules.HERE).parents[1] / "firmware_profiles"
    emitted = {item["event"] for path in profiles.glob("*/events.yaml")
               for section in ("traps", "syslog")
               for item in (yaml.safe_load(path.read_text()) or {}).get(section) or []}
    named = {event for rule in rules.shipped_rules().values() if rule.source == "event"
             for key in ("raise_on", "clear_on") for event in rule.param(key, [])}
    assert named - {"*"} <= emitted


def test_check_override_names_the_problem() -> None:
    rules.check_override("event.link", "critical", {"open_ticket": True, "flap_window_s": 60})
    with pytest.raises(rules.RulesFileError, match="no such rule"):
        rules.check_override("event.nope", None, {})
    with pytest.raises(rules.RulesFileError, match="severity 'urgent'"):
        rules.check_override("event.link", "urgent", {})
    with pytest.raises(rules.RulesFileError, match=r"params/.*'bogus' was unexpected"):
        rules.check_override("event.link", None, {"bogus": 1})
    with pytest.raises(rules.RulesFileError, match="params/polls"):
        rules.check_override("device.unreachable", None, {"polls": 0})


async def test_overrides_merge_over_the_defaults(
        sessions: async_sessionmaker[AsyncSession], world: World) -> None:
    async with sessions() as session, session.begin():
        session.add_all([
            AlarmRuleOverride(tenant_id=world.tenant_id, rule="device.cpu", enabled=False,
                              severity="minor", params={"threshold": 95}, updated_by="noc"),
            AlarmRuleOverride(tenant_id=world.tenant_id, rule="event.link", enabled=None,
                              severity=None, params={"open_ticket": True},
                              updated_by="noc")])
    async with sessions() as session:
        effective = await rules.effective_rules(session, world.tenant_id)
        one = await rules.effective_rule(session, world.tenant_id, "event.link")
        custom = await rules.effective_rule(session, world.tenant_id, "custom.thing")
    cpu = effective["device.cpu"]
    assert (cpu.enabled, cpu.severity, cpu.param("threshold")) == (False, "minor", 95)
    link = effective["event.link"]
    assert (link.enabled, link.severity, link.param("open_ticket")) == (True, None, True)
    assert link.param("raise_on") == ["link_down"]  # untouched params stay
    assert one == link
    assert (custom.enabled, custom.param("flap_window_s")) == (False, 600)
    assert set(effective) == set(rules.shipped_rules())
