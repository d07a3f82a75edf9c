"""netmiko and napalm talk to the simulator over real SSH, like to the real devices."""

from __future__ import annotations

import asyncio

import asyncssh
from napalm import get_network_driver
from netmiko import ConnectHandler

from tests.ssh_sim import Simulator


def test_netmiko_cisco_ios_modes_config_state_and_errors(ssh_sim: Simulator) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    conn = ConnectHandler(device_type="cisco_ios", **dev.credentials())
    try:
        assert conn.find_prompt() == f"{dev.name}>"
        conn.enable()
        assert conn.find_prompt() == f"{dev.name}#"
        out = conn.send_config_set(["interface Gi0/2", "shutdown", "description cust-42"])
        assert "(config-if)#" in out
        assert "% Invalid input" in conn.send_command("show bogus")
        running = conn.send_command("show running-config interface GigabitEthernet0/2")
    finally:
        conn.disconnect()
    port = dev.state.interface("GigabitEthernet0/2")
    assert (port.admin_up, port.description) == (False, "cust-42")
    assert " shutdown" in running and "description cust-42" in running


def test_napalm_ios_get_facts_and_get_interfaces(ssh_sim: Simulator) -> None:
    dev = ssh_sim.add_device("cisco_ios")
    dev.state.interface("GigabitEthernet0/3").admin_up = False
    driver = get_network_driver("ios")(dev.host, dev.username, dev.password,
                                       optional_args={"port": dev.port,
                                                      "secret": dev.enable_secret})
    driver.open()
    try:
        facts = driver.get_facts()
        interfaces = driver.get_interfaces()
    finally:
        driver.close()
    assert facts["hostname"] == dev.name
    assert facts["serial_number"] == dev.state.serial
    assert facts["model"] == "WS-C2960-24TT-L"
    assert facts["fqdn"] == f"{dev.name}.{dev.state.domain}"
    assert facts["interface_list"] == list(dev.state.interfaces)
    assert interfaces["GigabitEthernet0/0"]["description"] == "uplink"
    assert interfaces["GigabitEthernet0/3"]["is_enabled"] is False
    assert interfaces["GigabitEthernet0/1"]["is_up"] is True


def test_netmiko_junos_candidate_commit(ssh_sim: Simulator) -> None:
    dev = ssh_sim.add_device("juniper_junos")
    conn = ConnectHandler(device_type="juniper_junos", **dev.credentials())
    try:
        conn.send_config_set(["set interfaces ge-0/0/2 disable"], exit_config_mode=False)
        assert dev.state.interface("ge-0/0/2").admin_up, "not committed yet"
        assert "commit complete" in conn.commit()
        conn.exit_config_mode()
        shown = conn.send_command("show configuration interfaces ge-0/0/2 | display set")
        assert "syntax error" in conn.send_config_set(["set bogus thing"])
    finally:
        conn.disconnect()
    assert shown.strip() == "set interfaces ge-0/0/2 disable"
    assert dev.state.interface("ge-0/0/2").admin_up is False


def test_netmiko_routeros_commands_and_errors(ssh_sim: Simulator) -> None:
    dev = ssh_sim.add_device("mikrotik_routeros")
    conn = ConnectHandler(device_type="mikrotik_routeros", **dev.credentials())
    try:
        assert conn.find_prompt() == "[admin@MikroTik] >"
        conn.send_config_set(["/interface ethernet disable ether3",
                              "/queue simple add name=q3 target=ether3 max-limit=5M/10M"])
        printed = conn.send_command("/interface ethernet print detail where name=ether3")
        assert "bad command name" in conn.send_command("/bogus print")
    finally:
        conn.disconnect()
    port = dev.state.interface("ether3")
    assert (port.admin_up, port.rate_in_bps, port.rate_out_bps) == (False, 5_000_000, 10_000_000)
    assert 'X  name="ether3"' in printed


async def test_ios_pages_with_more_until_terminal_length_0(ssh_sim: Simulator) -> None:
    dev = ssh_sim.add_device("cisco_ios", enable_secret="")
    async with asyncssh.connect(dev.host, dev.port, username=dev.username,
                                password=dev.password, known_hosts=None) as conn:
        proc = await conn.create_process(term_type="vt100")
        proc.stdin.write("show interfaces\n")
        paged = await _read_until(proc, "--More--")
        proc.stdin.write(" ")
        await _read_until(proc, "--More--")
        proc.stdin.write("q")
        await _read_until(proc, "#")
        proc.stdin.write("terminal length 0\nshow interfaces\n")
        whole = await _read_until(proc, "output buffers swapped out\r\n" + dev.name + "#")
        proc.stdin.write("exit\n")
    assert paged.count("\n") < 30
    assert "--More--" not in whole
    assert whole.count(" is up, line protocol is up") == 4


async def _read_until(proc: asyncssh.SSHClientProcess[str], marker: str) -> str:
    text = ""
    while marker not in text:
        text += await asyncio.wait_for(proc.stdout.read(4096), 5)
    return text
