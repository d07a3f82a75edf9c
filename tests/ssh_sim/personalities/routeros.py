"""MikroTik RouterOS: `[admin@MikroTik] >`, `/path verb args`, `[find ...]`, RouterOS errors."""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING

from tests.ssh_sim.shell import Reply, Shell, render
from tests.ssh_sim.state import SimpleQueue

if TYPE_CHECKING:
    from tests.ssh_sim.state import DeviceState, Interface

_VERBS = ("print", "add", "set", "remove", "enable", "disable", "export")
_CHANGES = ("add", "set", "remove", "enable", "disable")
_PATHS = ("interface", "interface ethernet", "queue simple", "ip firewall address-list",
          "system resource", "system identity", "system routerboard", "")


def _split(text: str) -> list[str]:
    """Words, keeping `[ find ... ]` and quoted values together."""
    text = re.sub(r"\[\s*(find[^\]]*)\]", lambda m: "'[" + m.group(1).strip() + "]'", text)
    return shlex.split(text)


def _pairs(words: list[str]) -> dict[str, str]:
    return dict(w.split("=", 1) for w in words if "=" in w)


class RouterOsShell(Shell):
    """A RouterBOARD with ethernet ports, simple queues and firewall address lists."""

    platform = "mikrotik_routeros"

    @classmethod
    def seed_rate(cls, state: DeviceState, port: str, bps: int) -> None:
        """A simple queue named as set_port_speed/change_plan name it, targeting `port`."""
        limit = f"{bps // 1000}k/{bps // 1000}k"
        with state.lock:
            state.queues[f"dm-{port}"] = SimpleQueue(f"dm-{port}", port, limit)
            sync_rates(state)

    def banner(self) -> str:
        return render("mikrotik_routeros/banner.txt")

    def prompt(self) -> str:
        return f"[{self.device.username}@{self.state.hostname}] > "

    def is_config_line(self, line: str) -> bool:
        return any(f" {verb}" in f" {line} " for verb in _CHANGES)

    def is_error(self, output: str) -> bool:
        return bool(re.match(r"(bad command name|syntax error|failure:|no such item|expected )",
                             output.strip()))

    def rejected(self, line: str) -> Reply:
        return Reply("failure: command refused by device policy (line 1 column 1)\n")

    def execute(self, line: str) -> Reply:
        text = line.strip()
        if not text:
            return Reply()
        if text in ("/quit", "quit"):
            return Reply(close=True)
        try:
            words = _split(text.lstrip("/"))
        except ValueError:
            return Reply(f"syntax error (line 1 column {len(text)})\n")
        verbs = [i for i, w in enumerate(words) if w in _VERBS]
        if not verbs:
            return Reply(f"bad command name {words[0]} (line 1 column 2)\n")
        at = verbs[0]
        path, verb, args = " ".join(words[:at]), words[at], words[at + 1:]
        handler = getattr(self, f"do_{path.replace(' ', '_').replace('-', '_')}_{verb}", None)
        if path not in _PATHS or handler is None:
            return Reply(f"bad command name {(words[:at] or [verb])[-1]} (line 1 column 2)\n")
        return handler(args)  # type: ignore[no-any-return]

    # -- selection ---------------------------------------------------------------------
    def _select(self, items: dict[str, object], target: str) -> list[str] | None:
        """Names chosen by a plain name or a `[find key=value]` (None: no such item)."""
        if target.startswith("[find"):
            wanted = _pairs(target[1:-1].split()[1:])
            return [n for n, item in items.items()
                    if all(str(getattr(item, k.replace("-", "_"), "")).strip('"') == v.strip('"')
                           for k, v in wanted.items())]
        return [target] if target in items else None

    def _where(self, args: list[str]) -> dict[str, str]:
        return _pairs(args[args.index("where") + 1:]) if "where" in args else {}

    # -- interfaces --------------------------------------------------------------------
    def _enable(self, args: list[str], up: bool) -> Reply:
        if not args:
            return Reply("expected end of command (line 1 column 1)\n")
        names = self._select(self.state.interfaces, args[0])  # type: ignore[arg-type]
        if names is None:
            return Reply("no such item\n")
        for name in names:
            self.state.interfaces[name].admin_up = up
        return Reply()

    def do_interface_ethernet_disable(self, args: list[str]) -> Reply:
        return self._enable(args, False)

    def do_interface_ethernet_enable(self, args: list[str]) -> Reply:
        return self._enable(args, True)

    do_interface_disable = do_interface_ethernet_disable
    do_interface_enable = do_interface_ethernet_enable

    def do_interface_ethernet_set(self, args: list[str]) -> Reply:
        names = self._select(self.state.interfaces, args[0]) if args else None  # type: ignore[arg-type]
        if names is None:
            return Reply("no such item\n")
        values = _pairs(args[1:])
        for name in names:
            iface = self.state.interfaces[name]
            if "comment" in values:
                iface.description = values["comment"]
            if "disabled" in values:
                iface.admin_up = values["disabled"] != "yes"
        return Reply()

    def do_interface_ethernet_print(self, args: list[str]) -> Reply:
        if "stats-detail" in args:  # counters move on every print, like live traffic
            for iface in self.state.interfaces.values():
                iface.counters.tick(3)
            return Reply(render("mikrotik_routeros/interface_print_stats_detail.txt",
                                interfaces=list(self.state.interfaces.values())))
        where = self._where(args)
        chosen = [i for i in self.state.interfaces.values()
                  if all(getattr(i, k, None) == v for k, v in where.items())]
        return Reply(render("mikrotik_routeros/interface_ethernet_print.txt", interfaces=chosen,
                            detail="detail" in args))

    do_interface_print = do_interface_ethernet_print

    # -- queues ------------------------------------------------------------------------
    def do_queue_simple_add(self, args: list[str]) -> Reply:
        values = _pairs(args)
        name = values.get("name", f"queue{len(self.state.queues) + 1}")
        if name in self.state.queues:
            return Reply("failure: already have such name\n")
        if values.get("target") not in self.state.interfaces or "max-limit" not in values:
            return Reply("failure: target and max-limit are required\n")
        self.state.queues[name] = SimpleQueue(name, values["target"], values["max-limit"])
        sync_rates(self.state)
        return Reply()

    def do_queue_simple_set(self, args: list[str]) -> Reply:
        names = self._select(self.state.queues, args[0]) if args else None  # type: ignore[arg-type]
        if names is None:
            return Reply("no such item\n")
        for name in names:
            if "max-limit" in _pairs(args[1:]):
                self.state.queues[name].max_limit = _pairs(args[1:])["max-limit"]
        sync_rates(self.state)
        return Reply()

    def do_queue_simple_remove(self, args: list[str]) -> Reply:
        names = self._select(self.state.queues, args[0]) if args else None  # type: ignore[arg-type]
        if names is None:
            return Reply("no such item\n")
        for name in names:
            del self.state.queues[name]
        sync_rates(self.state)
        return Reply()

    def do_queue_simple_print(self, args: list[str]) -> Reply:
        where = self._where(args)
        chosen = [q for q in self.state.queues.values()
                  if all(getattr(q, k.replace("-", "_"), None) == v for k, v in where.items())]
        return Reply(render("mikrotik_routeros/queue_simple_print.txt", queues=chosen))

    # -- address lists -----------------------------------------------------------------
    def do_ip_firewall_address_list_add(self, args: list[str]) -> Reply:
        values = _pairs(args)
        if "list" not in values or "address" not in values:
            return Reply("failure: list and address are required\n")
        entries = self.state.address_lists.setdefault(values["list"], set())
        if values["address"] in entries:
            return Reply("failure: already have such entry\n")
        entries.add(values["address"])
        return Reply()

    def do_ip_firewall_address_list_remove(self, args: list[str]) -> Reply:
        if not args or not args[0].startswith("[find"):
            return Reply("no such item\n")
        wanted = _pairs(args[0][1:-1].split()[1:])
        entries = self.state.address_lists.get(wanted.get("list", ""), set())
        entries.discard(wanted.get("address", ""))
        return Reply()

    def do_ip_firewall_address_list_print(self, args: list[str]) -> Reply:
        where = self._where(args)
        rows = [(name, address) for name, entries in sorted(self.state.address_lists.items())
                for address in sorted(entries)
                if where.get("list", name) == name and where.get("address", address) == address]
        return Reply(render("mikrotik_routeros/ip_firewall_address-list_print.txt", rows=rows))

    # -- system --------------------------------------------------------------------------
    def do_system_resource_print(self, args: list[str]) -> Reply:
        return Reply(render("mikrotik_routeros/system_resource_print.txt", s=self.state))

    def do_system_identity_print(self, args: list[str]) -> Reply:
        return Reply(render("mikrotik_routeros/system_identity_print.txt", s=self.state))

    def do_system_routerboard_print(self, args: list[str]) -> Reply:
        return Reply(render("mikrotik_routeros/system_routerboard_print.txt", s=self.state))

    def do__export(self, args: list[str]) -> Reply:
        return Reply(render("mikrotik_routeros/export.txt", s=self.state,
                            hide="hide-sensitive" in args))


def sync_rates(state: DeviceState) -> None:
    """Derive each port's rate from the simple queues that target it."""
    for iface in state.interfaces.values():
        iface.rate_in_bps = iface.rate_out_bps = None
    for queue in state.queues.values():
        target: Interface | None = state.interfaces.get(queue.target)
        if target is not None:
            up, _, down = queue.max_limit.partition("/")
            target.rate_in_bps, target.rate_out_bps = _rate(up), _rate(down or up)


def _rate(text: str) -> int:
    match = re.fullmatch(r"(\d+)([kKMG]?)", text)
    if match is None:
        return 0
    return int(match.group(1)) * {"": 1, "k": 1000, "K": 1000, "M": 10**6,
                                  "G": 10**9}[match.group(2)]
