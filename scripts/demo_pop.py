"""The demo's simulated POP: real device recordings whose traffic counters move.

snmpsim serves recordings of real devices; their counters are frozen at recording time.
For the demo the octet counters of every interface are replaced by snmpsim's `numeric`
variation (value = initial + rate x seconds), so polls show live, plausible traffic.
"""

from __future__ import annotations

import bz2
from pathlib import Path

import snmpsim_data

# device name -> (recording inside snmpsim_data/data, community)
DEVICES = {
    "ams1-access-sw1": ("network/switch/cisco-c3560.snmprec.bz2", "demo-cisco-c3560"),
    "ams1-agg-sw2": ("network/router/huawei-s5720.snmprec.bz2", "demo-huawei-s5720"),
}
# ifInOctets/ifOutOctets (Counter32) and ifHCInOctets/ifHCOutOctets (Counter64) columns.
OCTET_COLUMNS = {
    "1.3.6.1.2.1.2.2.1.10.": ("in", "65"),
    "1.3.6.1.2.1.2.2.1.16.": ("out", "65"),
    "1.3.6.1.2.1.31.1.1.1.6.": ("in", "70"),
    "1.3.6.1.2.1.31.1.1.1.10.": ("out", "70"),
}


def _rate(if_index: int, direction: str) -> int:
    """Bytes per second: between 0.4 and 3.6 Mbit/s in, a third of that out."""
    base = 50_000 * (1 + if_index % 9)
    return base if direction == "in" else base // 3


SYS_UPTIME = "1.3.6.1.2.1.1.3.0"


def moving_line(line: str) -> str:
    """The recording line, with octet counters turned into moving numeric variations.

    sysUpTime moves too (100 ticks/s): a frozen uptime while wall time advances looks
    like a reboot at every poll, and the hub rightly refuses counter deltas across those.
    """
    oid, _, rest = line.partition("|")
    if oid == SYS_UPTIME:
        initial = rest.split("|", 1)[1] if "|" in rest else "0"
        return f"{oid}|67:numeric|rate=100,initial={int(initial) if initial.isdigit() else 0}"
    for prefix, (direction, tag) in OCTET_COLUMNS.items():
        if oid.startswith(prefix):
            if_index = int(oid[len(prefix):].split(".")[0])
            initial = rest.split("|", 1)[1] if "|" in rest else "0"
            start = int(initial) if initial.isdigit() else 0
            return f"{oid}|{tag}:numeric|rate={_rate(if_index, direction)},initial={start}"
    return line


def build_recordings(data_dir: Path) -> dict[str, str]:
    """Write the demo recordings (one community per file); return device -> community."""
    source = Path(snmpsim_data.__file__).parent / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    communities = {}
    for device, (rel, community) in DEVICES.items():
        target = data_dir / f"{community}.snmprec"
        if not target.exists():
            with bz2.open(source / rel, "rt", errors="replace") as fh:
                lines = [moving_line(raw.rstrip("\n")) for raw in fh if raw.strip()]
            target.write_text("\n".join(lines) + "\n")
        communities[device] = community
    return communities


def variation_modules_dir() -> Path:
    """Where snmpsim's bundled variation modules (numeric...) live."""
    import snmpsim

    return Path(snmpsim.__file__).parent / "variation"
