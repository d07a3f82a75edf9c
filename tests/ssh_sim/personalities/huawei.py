"""Huawei VRP8: `<HOST>` user view, `system-view` into a candidate, `commit`, VRP errors.

Written from Huawei's published CLI reference for VRP8 switches: the prompt shows the view
(`[~HOST]`, `[~HOST-GigabitEthernet0/0/1]`) and turns `~` into `*` while the candidate holds
uncommitted changes; nothing reaches the running configuration before `commit`, and
`clear configuration candidate` drops what was not committed (so does a lost session).
Leaving system view with uncommitted changes asks whether to commit them. A refused line
answers a caret line under the offending word and "Error: ... found at '^' position.";
`save` asks "Are you sure to continue?[Y/N]". Keywords may be abbreviated (`dis cur`).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tests.ssh_sim.shell import Reply, Shell, render

if TYPE_CHECKING:
    from tests.ssh_sim.server import SimDevice
    from tests.ssh_sim.state import DeviceState, Interface

UNRECOGNIZED = "Unrecognized command"
WRONG = "Wrong parameter"
INCOMPLETE = "Incomplete command"
TOO_MANY = "Too many parameters"
# What `commit` copies from the candidate into the running configuration.
_COMMITTED = ("description", "admin_up", "access_vlan", "rate_in_bps", "rate_out_bps")
_DISPLAY = {
    ("display", "version"): "display_version",
    ("display", "esn"): "display_esn",
    ("display", "clock"): "display_clock",
    ("display", "interface", "brief"): "display_interface_brief",
    ("display", "current-configuration"): "display_current-configuration",
}
_UNCOMMITTED = ("Warning: Uncommitted configurations found. Are you sure to commit them "
                "before exiting? [Y(yes)/N(no)/C(cancel)]:")


def _match(words: list[str], keys: tuple[str, ...]) -> bool:
    """VRP accepts any unambiguous prefix of a keyword ("dis cur")."""
    return len(words) >= len(keys) and all(
        len(w) >= 2 and k.startswith(w.lower()) for w, k in zip(words, keys, strict=False))


def _address(prefix: str) -> str:
    """`10.0.0.1/24` as VRP writes it: `10.0.0.1 255.255.255.0`."""
    iface = ipaddress.ip_interface(prefix)
    return f"{iface.ip} {iface.network.netmask}"


class HuaweiShell(Shell):
    """A CE6850-like VRP8 switch in two-stage (commit) mode."""

    platform = "huawei_vrp"
    more_prompt = "  ---- More ----"

    def __init__(self, device: SimDevice) -> None:
        super().__init__(device)
        self.view = "user"  # user, system or interface
        self.current: str | None = None
        self.candidate: dict[str, Interface] = {}
        self.dirty = False  # the candidate differs from what was committed

    @classmethod
    def seed_rate(cls, state: DeviceState, port: str, bps: int) -> None:
        """A committed line rate both ways, as set_port_speed/change_plan write it."""
        with state.lock:
            iface = state.interface(port)
            iface.rate_in_bps = iface.rate_out_bps = bps

    def banner(self) -> str:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")
        return ("\nInfo: The max number of VTY users is 21, the number of current VTY users "
                "online is 1, and total number of terminal users online is 1.\n"
                f"      The current login time is {now}.\n")

    def prompt(self) -> str:
        name = self.state.hostname
        if self.view == "user":
            return f"<{name}>"
        where = f"-{self.current}" if self.view == "interface" else ""
        return f"[{'*' if self.dirty else '~'}{name}{where}]"

    def in_config(self) -> bool:
        return self.view != "user"

    def is_config_line(self, line: str) -> bool:
        return self.in_config() and not _match(line.split()[:1], ("display",))

    def is_error(self, output: str) -> bool:
        return bool(re.search(r"^Error: ", output, re.M))

    def rejected(self, line: str, column: int = 0, why: str = UNRECOGNIZED) -> Reply:
        caret = " " * (len(self.prompt()) + column) + "^"
        return Reply(f"{caret}\nError: {why} found at '^' position.\n")

    def refuse_word(self, line: str, word: str, why: str = WRONG) -> Reply:
        """The error with its caret under `word` of `line`."""
        return self.rejected(line, max(line.find(word), 0), why)

    def execute(self, line: str) -> Reply:
        command, bar, pipe = line.partition("|")
        words = command.split()
        if not words:
            return Reply()
        if _match(words, ("display",)):
            return self.display(line, words, pipe.split() if bar else [])
        if self.view == "user":
            return self.user(line, words)
        return self.config(line, words)

    # -- user view -----------------------------------------------------------------------
    def user(self, line: str, words: list[str]) -> Reply:
        if _match(words, ("screen-length",)):
            return self.screen_length(line, words)
        if _match(words, ("system-view",)) and len(words) == 1:
            self.view, self.current = "system", None
            self.candidate = {n: dataclasses.replace(i) for n, i in self.state.interfaces.items()}
            self.dirty = False
            return Reply("Enter system view, return user view with return command.\n")
        if _match(words, ("save",)) and len(words) == 1:
            return Reply("Warning: The current configuration will be written to the device.\n"
                         "Are you sure to continue?[Y/N]:", next=self.save, prompt="")
        if _match(words, ("quit",)) and len(words) == 1:
            return Reply(close=True)
        return self.rejected(line)

    def screen_length(self, line: str, words: list[str]) -> Reply:
        # netmiko sends `screen-length 0 temporary`; the full keyword is temporary-display.
        if len(words) != 3 or not words[1].isdigit():
            return self.refuse_word(line, words[-1], INCOMPLETE if len(words) < 3 else WRONG)
        if not (len(words[2]) >= 4 and "temporary-display".startswith(words[2].lower())):
            return self.refuse_word(line, words[2])
        self.paging = words[1] != "0"
        if self.paging:
            self.page_lines = int(words[1])
        return Reply("Info: The configuration takes effect on the current user terminal "
                     "interface only.\n")

    def save(self, answer: str) -> Reply:
        if answer.strip().lower() not in ("y", "yes"):
            return Reply()
        return Reply("Now saving the current configuration to the slot 1.\n"
                     "Info: Save the configuration successfully.\n")

    # -- display (any view) --------------------------------------------------------------
    def display(self, line: str, words: list[str], pipe: list[str]) -> Reply:
        for keys, template in _DISPLAY.items():
            if _match(words, keys):
                reply = self.display_one(line, template, words[len(keys):])
                return self.filtered(line, reply, pipe) if pipe else reply
        return self.refuse_word(line, words[1] if len(words) > 1 else words[0],
                                UNRECOGNIZED if len(words) > 1 else INCOMPLETE)

    def display_one(self, line: str, template: str, rest: list[str]) -> Reply:
        interfaces = list(self.state.interfaces.values())
        if rest and template == "display_current-configuration":
            name = self.resolve(" ".join(rest[1:])) if _match(rest[:1], ("interface",)) else None
            if name is None:
                return self.refuse_word(line, rest[-1])
            interfaces = [self.state.interfaces[name]]
            template += "_interface"
        elif rest:
            return self.refuse_word(line, rest[0], UNRECOGNIZED)
        return Reply(render(f"huawei_vrp/{template}.txt", s=self.state, interfaces=interfaces,
                            now=datetime.now(UTC), last_change=self.state.last_change,
                            address=_address))

    def filtered(self, line: str, reply: Reply, pipe: list[str]) -> Reply:
        """`| include|exclude|begin REGEX` on a display's output."""
        if len(pipe) < 2 or not any(_match(pipe[:1], (k,)) for k in
                                    ("include", "exclude", "begin")):
            return self.refuse_word(line, pipe[0] if pipe else "|", INCOMPLETE)
        regex, lines = re.compile(" ".join(pipe[1:])), reply.output.splitlines()
        if _match(pipe[:1], ("begin",)):
            start = next((n for n, x in enumerate(lines) if regex.search(x)), len(lines))
            kept = lines[start:]
        else:
            keep = _match(pipe[:1], ("include",))
            kept = [x for x in lines if bool(regex.search(x)) == keep]
        return Reply("".join(x + "\n" for x in kept))

    def resolve(self, text: str) -> str | None:
        """Full interface name for `GigabitEthernet0/0/1`, `gi0/0/1` or `Gig 0/0/1`."""
        match = re.fullmatch(r"([A-Za-z-]+)\s*(\d\S*)", text.strip())
        if match is None:
            return None
        kind, number = match.group(1).lower(), match.group(2)
        for name in self.state.interfaces:
            known = re.fullmatch(r"([A-Za-z-]+)(\S+)", name)
            if known and known.group(1).lower().startswith(kind) and known.group(2) == number:
                return name
        return None

    # -- system and interface views ------------------------------------------------------
    def config(self, line: str, words: list[str]) -> Reply:
        if _match(words, ("commit",)) and len(words) == 1:
            return self.commit()
        if _match(words, ("clear", "configuration", "candidate")) and len(words) == 3:
            self.discard()
            return Reply()
        if _match(words, ("return",)) and len(words) == 1:
            return self.leave()
        if _match(words, ("quit",)) and len(words) == 1:
            if self.view == "interface":
                self.view, self.current = "system", None
                return Reply()
            return self.leave()
        if _match(words, ("interface",)):
            name = self.resolve(" ".join(words[1:])) if len(words) > 1 else None
            if name is None:
                return self.refuse_word(line, words[-1], INCOMPLETE if len(words) == 1 else WRONG)
            self.view, self.current = "interface", name
            return Reply()
        if self.view == "interface":
            return self.interface_line(line, words)
        return self.rejected(line)

    def commit(self) -> Reply:
        for name, edited in self.candidate.items():
            running = self.state.interfaces[name]
            for attr in _COMMITTED:
                setattr(running, attr, getattr(edited, attr))
        self.dirty = False
        return Reply()

    def discard(self) -> None:
        self.candidate = {n: dataclasses.replace(i) for n, i in self.state.interfaces.items()}
        self.dirty = False

    def leave(self) -> Reply:
        if not self.dirty:
            self.view, self.current = "user", None
            return Reply()

        def answer(text: str) -> Reply:
            choice = text.strip().lower()[:1]
            if choice == "y":
                self.commit()
            elif choice == "n":
                self.discard()
            else:
                return Reply()
            self.view, self.current = "user", None
            return Reply()

        return Reply(_UNCOMMITTED, next=answer, prompt="")

    def interface_line(self, line: str, words: list[str]) -> Reply:
        assert self.current is not None
        iface = self.candidate[self.current]
        undo = words[0] == "undo"
        body = words[1:] if undo else words
        if not body:
            return self.refuse_word(line, words[0], INCOMPLETE)
        if body[0] == "shutdown":
            if len(body) > 1:
                return self.refuse_word(line, body[1], TOO_MANY)
            iface.admin_up = undo
        elif body[0] == "description":
            if undo:
                iface.description = ""
            elif len(body) == 1:
                return self.refuse_word(line, body[0], INCOMPLETE)
            else:
                iface.description = line.strip().split(None, 1)[1][:242]
        elif body[:2] == ["port", "link-type"] and (undo or body[2:] in (
                ["access"], ["trunk"], ["hybrid"])):
            pass  # customer ports stay access ports; the link type is not modelled
        elif body[:3] == ["port", "default", "vlan"]:
            return self.default_vlan(line, iface, body, undo)
        elif body[:2] == ["qos", "lr"]:
            return self.line_rate(line, iface, body, undo)
        else:
            return self.refuse_word(line, body[0], UNRECOGNIZED)
        self.dirty = True
        return Reply()

    def default_vlan(self, line: str, iface: Interface, body: list[str], undo: bool) -> Reply:
        if undo and len(body) == 3:
            iface.access_vlan = None
        elif len(body) == 4 and body[3].isdigit() and 1 <= int(body[3]) <= 4094:
            iface.access_vlan = None if undo else int(body[3])
        else:
            return self.refuse_word(line, body[-1], INCOMPLETE if len(body) == 3 else WRONG)
        self.dirty = True
        return Reply()

    def line_rate(self, line: str, iface: Interface, body: list[str], undo: bool) -> Reply:
        """`[undo] qos lr inbound|outbound [cir <kbps> [cbs <bytes>]]`."""
        direction = body[2] if len(body) > 2 else ""
        if direction not in ("inbound", "outbound"):
            return self.refuse_word(line, direction or body[-1], WRONG if direction else
                                    INCOMPLETE)
        attr = "rate_in_bps" if direction == "inbound" else "rate_out_bps"
        if undo and len(body) == 3:
            setattr(iface, attr, None)
        elif re.fullmatch(r"cir \d+( cbs \d+)?", " ".join(body[3:])) and \
                8 <= int(body[4]) <= 100_000_000:
            setattr(iface, attr, None if undo else int(body[4]) * 1000)
        else:
            return self.refuse_word(line, body[-1], INCOMPLETE if len(body) < 5 else WRONG)
        self.dirty = True
        return Reply()
