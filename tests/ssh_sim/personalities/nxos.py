"""Cisco NX-OS: login lands in `#` (no enable), `(config-if)#`, QoS policy-maps, NX-OS errors.

Modelled on the transcripts in Cisco's Nexus 9000 configuration guides: `terminal width`
and `terminal length 0` answer nothing, `show interface` is singular, running-config
indents by two spaces and prints `no shutdown` on enabled ports, a refused line answers
a caret line and `% Invalid command at '^' marker.`, and `copy running-config
startup-config` draws a progress bar.
"""

from __future__ import annotations

import re
from typing import ClassVar

from tests.ssh_sim.personalities.eos import EosShell
from tests.ssh_sim.personalities.ios import _match
from tests.ssh_sim.shell import Reply


class NxosShell(EosShell):
    """A Nexus 9000-like switch."""

    platform = "cisco_nxos"
    folder = "cisco_nxos"
    more_prompt = " --More-- "
    pmap_keyword = "qos"
    police = re.compile(r"^police cir (\d+) kbps bc \d+ ms conform transmit violate drop$")
    save_reply = ("[########################################] 100%\n"
                  "Copy complete, now saving to disk (please wait)...\nCopy complete.\n")
    shows: ClassVar[dict[tuple[str, ...], str]] = {
        ("show", "interface", "status"): "show_interface_status",
        ("show", "interface", "brief"): "show_interface_brief",
        ("show", "running-config"): "show_running-config",
        ("show", "version"): "show_version",
        ("show", "clock"): "show_clock",
    }

    def __init__(self, device: object) -> None:
        super().__init__(device)
        self.mode = "priv"  # NX-OS roles decide privileges: there is no enable step

    def prompt(self) -> str:
        name = self.state.hostname
        return {"priv": f"{name}#", "config": f"{name}(config)#",
                "config-if": f"{name}(config-if)#", "config-pmap": f"{name}(config-pmap-qos)#",
                "config-pmap-c": f"{name}(config-pmap-c-qos)#"}.get(self.mode, f"{name}#")

    @staticmethod
    def short(name: str) -> str:
        """NX-OS abbreviates Ethernet1/1 to Eth1/1 in tables."""
        return name.replace("Ethernet", "Eth")

    def is_error(self, output: str) -> bool:
        return output.lstrip().startswith(("%", "^"))

    def rejected(self, line: str, column: int = 0) -> Reply:
        caret = " " * (len(self.prompt()) + column) + "^"
        return Reply(f"{caret}\n% Invalid command at '^' marker.\n")

    def terminal(self, words: list[str]) -> Reply:
        if len(words) == 3 and _match(words[1:2], ("length",)) and words[2].isdigit():
            self.paging = words[2] != "0"
            return Reply()
        if len(words) == 3 and _match(words[1:2], ("width",)) and words[2].isdigit():
            return Reply()
        return self.rejected(" ".join(words), len(words[0]) + 1)
