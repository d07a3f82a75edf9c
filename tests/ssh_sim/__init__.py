"""An asyncssh SSH device simulator (Cisco IOS and NX-OS, Arista EOS, Junos, RouterOS).

    sim = start_simulator()
    router = sim.add_device("cisco_ios")       # .host .port .username .password .enable_secret
    netmiko.ConnectHandler(device_type="cisco_ios", **router.credentials())
    router.state.interface("GigabitEthernet0/1").admin_up   # config state commands changed
    router.faults.reject = [r"^rate-limit"]                   # fault switches
    sim.stop()

Command output comes from templates under `transcripts/<platform>/`, filled with the
device's state. The pytest fixture `ssh_sim` lives in `tests.ssh_sim.fixture`.
"""

from tests.ssh_sim.server import SimDevice, Simulator, start_simulator
from tests.ssh_sim.state import Counters, DeviceState, Faults, Interface, SimpleQueue

__all__ = [
    "Counters",
    "DeviceState",
    "Faults",
    "Interface",
    "SimDevice",
    "SimpleQueue",
    "Simulator",
    "start_simulator",
]
