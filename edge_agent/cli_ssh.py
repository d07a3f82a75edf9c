"""`dotmac-agent ssh-trust`: accept a device's new SSH host key after a tech checked it."""

from __future__ import annotations

from pathlib import Path

import typer

from edge_agent.cli_output import console, errors, styled
from edge_agent.config import AgentConfig, ConfigError, DeviceConfig, load_config
from edge_agent.executor.host_keys import HostKey, KnownHosts
from edge_agent.executor.session import offered_host_key
from edge_agent.hub_config import with_hub_devices

__all__ = ["register", "ssh_trust_command"]

CONFIG = typer.Option(Path("/etc/dotmac-agent/agent.yaml"), "--config",
                      envvar="DOTMAC_AGENT_CONFIG", help="Agent config file.")


def _load(config: Path) -> AgentConfig:
    try:
        return with_hub_devices(load_config(config))
    except ConfigError as exc:
        for problem in exc.problems:
            errors.print(problem)
        raise typer.Exit(2) from exc


def _device(config: AgentConfig, name: str) -> DeviceConfig:
    try:
        return config.device(name)
    except KeyError:
        names = ", ".join(d.name for d in config.devices) or "none"
        errors.print(styled(f"no device named {name!r} in the agent config;",
                            f"configured devices: {names}"))
        raise typer.Exit(2) from None


def _fetch(device: DeviceConfig) -> HostKey:
    port = device.ssh.port if device.ssh is not None else 22
    timeout = device.ssh.timeout_s if device.ssh is not None else 10.0
    try:
        return offered_host_key(device.name, device.host, port, timeout)
    except Exception as exc:  # any failure means: nothing to trust
        errors.print(styled(f"could not read the SSH host key of {device.name} at "
                            f"{device.host}:{port}:", f"{type(exc).__name__}: {exc}; check "
                            "the address and that SSH is enabled on the device"))
        raise typer.Exit(1) from exc


def _show(old: HostKey | None, refused: HostKey | None, new: HostKey) -> None:
    console.print(f"trusted now:   {old.fingerprint} ({old.key_type}, {old.host}:{old.port})"
                  if old else "trusted now:   none (no login yet)")
    if refused is not None and refused.key_b64 != new.key_b64:
        console.print(f"refused login: {refused.fingerprint} ({refused.key_type}); the device "
                      "now shows yet another key")
    console.print(f"device shows:  {new.fingerprint} ({new.key_type}, {new.host}:{new.port})")


def ssh_trust_command(
    device: str = typer.Argument(..., help="Device name from the agent config."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Trust without asking."),
    config: Path = CONFIG,
) -> None:
    """Trust the SSH host key a device shows now (a replaced or re-keyed device).

    A device whose key changed fails with host_key_changed: it may be an impostor.

    Compare the fingerprint with the device's console before you accept it.

    IOS: show crypto key mypubkey; Junos: show system ssh-host-keys; RouterOS: /ip ssh print.

    Reading the key never logs in: no password is sent.

    Examples:

      dotmac-agent ssh-trust sw1

      dotmac-agent ssh-trust sw1 --yes --config /etc/dotmac-agent/agent.yaml
    """
    cfg = _load(config)
    target = _device(cfg, device)
    store = KnownHosts.in_state_dir(cfg.agent.state_dir)
    old, refused = store.for_device(device)
    new = _fetch(target)
    _show(old, refused, new)
    if old is not None and refused is None and old == new:
        console.print(styled("already trusted; nothing to do", style="green"))
        return
    if not yes and not typer.confirm(f"Trust {new.fingerprint} for {device}?", default=False):
        errors.print(styled("not trusted;", "the agent keeps refusing this device"))
        raise typer.Exit(1)
    store.trust(new)
    console.print(styled(f"{device}: trusted {new.fingerprint}", style="green"))


def register(app: typer.Typer) -> None:
    """Attach `ssh-trust` to the root CLI."""
    app.command("ssh-trust")(ssh_trust_command)
