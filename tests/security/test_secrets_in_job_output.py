"""Device secrets never reach a role that may only read jobs (issue #16, High 3).

`jobs:read` (support has it) shows `provisioning_jobs.output`. Before the fix, `run_show`
allowed configuration dumps (IOS `show running-config`, EdgeOS `show configuration
commands`), outputs went out and were stored raw, a backup job's output carried the whole
configuration, and the backup scrubber missed BGP/OSPF/IS-IS/NTP/IKE keys, `snmp-server host`
communities and TACACS+/RADIUS keys. Now: no profile offers a configuration dump as a show;
the agent scrubs every output before publishing, the hub again before storing, a backup's
configuration is stored only as a config version; `firmware_profiles/secrets.yaml` removes
every secret of the corpus below (tests/security/secrets_corpus.yaml).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import firmware_profiles
from firmware_profiles.actions import ParamError, load_all_actions, render
from firmware_profiles.scrub import REMOVED, scrubber

CORPUS_FILE = Path(__file__).with_name("secrets_corpus.yaml")
CORPUS: dict[str, list[dict[str, str]]] = yaml.safe_load(CORPUS_FILE.read_text())
ENTRIES = [(platform, entry) for platform, entries in CORPUS.items() for entry in entries]
# Commands that print a whole configuration, on any platform we ship.
CONFIG_DUMP = re.compile(r"running-config|startup-config|current-configuration|"
                         r"saved-configuration|^show configuration|^/export|^show config\b")


def _scrubbed_line(platform: str | None, entry: dict[str, str]) -> tuple[str, str]:
    context = entry.get("context")
    text = f"{context}\n{entry['line']}" if context else entry["line"]
    whole = scrubber(platform).scrub(text)
    return whole, whole.split("\n")[-1]


def _words_before(entry: dict[str, str]) -> list[str]:
    line, secret = entry["line"], entry["secret"]
    return line[: line.index(secret)].rstrip("'\"").split()


@pytest.mark.parametrize(("platform", "entry"), ENTRIES,
                         ids=[f"{p}:{e['secret']}" for p, e in ENTRIES])
def test_every_secret_of_the_corpus_is_scrubbed(platform: str, entry: dict[str, str]) -> None:
    whole, line = _scrubbed_line(platform, entry)
    assert entry["secret"] not in whole, f"{platform}: secret left in {line!r}"
    assert REMOVED in line
    # The command and the keyword naming the secret stay readable.
    words = _words_before(entry)
    assert line.split()[0] == words[0], line
    assert re.search(re.escape(words[-1]) + r"\s*['\"]?" + re.escape(REMOVED), line), line


@pytest.mark.parametrize(("platform", "entry"), ENTRIES,
                         ids=[f"{p}:{e['secret']}" for p, e in ENTRIES])
def test_a_platform_nobody_named_is_scrubbed_with_every_platforms_rules(
        platform: str, entry: dict[str, str]) -> None:
    whole, _ = _scrubbed_line(None, entry)
    assert entry["secret"] not in whole


def test_the_corpus_covers_every_platform_with_actions() -> None:
    assert set(load_all_actions()) <= set(CORPUS)


def test_lines_without_secrets_are_left_alone() -> None:
    text = ("interface GigabitEthernet0/2\n description plan:100M\n ip ospf authentication "
            "message-digest\nservice password-encryption\nsecurity passwords min-length 8\n"
            "set system login password minimum-length 8\nkey chain OSPF\n"
            "set interfaces ge-0/0/2 unit 0 family inet address 192.0.2.1/24")
    for platform in [None, *CORPUS]:
        assert scrubber(platform).scrub(text) == text, platform


def test_scrubbing_is_idempotent_and_splits_lines_only_on_newline() -> None:
    text = "neighbor 192.0.2.1 password Bgp-1\r\nsnmp-server community C1 RO\x0bx"
    once = scrubber("cisco_ios").scrub(text)
    assert "Bgp-1" not in once and "C1" not in once
    assert scrubber("cisco_ios").scrub(once) == once
    assert once.count("\n") == 1 and "\r\n" in once and "\x0b" in once


def test_a_json_output_has_every_string_inside_scrubbed() -> None:
    raw = json.dumps({"facts": {"hostname": "r1"},
                      "output": "hostname r1\n neighbor 192.0.2.1 password 7 104D000A0618"})
    clean = json.loads(scrubber("cisco_ios").scrub_output(raw))
    assert "104D000A0618" not in clean["output"]
    assert clean["facts"] == {"hostname": "r1"}


def test_a_json_output_cut_at_the_size_limit_is_still_scrubbed() -> None:
    raw = json.dumps({"kind": "config_backup",
                      "config": "hostname r1\nsnmp-server community Cut-Comm RO\nend\n"})
    assert "Cut-Comm" not in scrubber("cisco_ios").scrub_output(raw[:-10])


# -- config dumps are backups, not shows --------------------------------------------------

def _show_values(platform: Any) -> list[str]:
    action = platform.actions.get("run_show")
    if action is None:
        return []
    return list(action.schema["properties"]["command"].get("enum", []))


@pytest.mark.parametrize("os_name", sorted(load_all_actions()))
def test_no_profile_offers_a_configuration_dump_as_a_show(os_name: str) -> None:
    platform = load_all_actions()[os_name]
    dumps = [value for value in _show_values(platform) if CONFIG_DUMP.search(value)]
    assert dumps == [], f"{os_name}: run_show offers {dumps}; configs are read as backups"


@pytest.mark.parametrize(("os_name", "command"), [
    ("cisco_ios", "show running-config"), ("ubiquiti_edgeos", "show configuration commands"),
    ("juniper_junos", "show configuration | display set")])
def test_asking_for_a_configuration_dump_is_refused(os_name: str, command: str) -> None:
    action = load_all_actions()[os_name].action("run_show")
    with pytest.raises(ParamError):
        render(action, {"command": command})


def test_every_secrets_rule_file_matches_its_schema() -> None:
    root = firmware_profiles.root()
    scrubber.cache_clear()
    assert scrubber(None, root).groups  # loads, validates and compiles every rule
