"""`profile_coverage.py --classify`: the profile each network/ and UPS/ recording gets.

Every recording (plain and .bz2) is unpacked once into `.cache/profile-coverage/data`
(one community per file: its path with `/` turned into `__`), served by a private
snmpsim-command-responder, and detected by the agent's own `edge_agent.poll.detect`.
"""

from __future__ import annotations

import asyncio
import bz2
import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from edge_agent.poll import PollFailure, detect
from edge_agent.profiles import ProfileSet, load_profiles
from edge_agent.snmp import SnmpTarget, SnmpV2c
from scripts.profile_coverage import DOC, GENERIC, ROOT, generic_reasons, generic_table
from scripts.profile_coverage import replace_between as _replace
from tests.services._proc import (
    ManagedProcess,
    ServiceError,
    free_port,
    is_root,
    require_venv_script,
    wait_until,
)
from tests.services.snmp import snmpget_ok

CACHE = ROOT / ".cache" / "profile-coverage"
SECTIONS = ("network", "UPS")
SYS_OBJECT_ID_LINE = "1.3.6.1.2.1.1.2.0|"


@dataclass(frozen=True)
class Landing:
    """Where one recording lands."""

    recording: str
    profile: str
    reason: str


def source_root() -> Path:
    """snmpsim-data's data folder."""
    try:
        import snmpsim_data
    except ImportError as exc:
        raise ServiceError("snmpsim-data: not installed; run `make test`") from exc
    return Path(snmpsim_data.__file__).parent / "data"


def recordings(source: Path) -> list[str]:
    """Every .snmprec and .snmprec.bz2 under network/ and UPS/, relative to `source`."""
    found = [p for section in SECTIONS for p in (source / section).rglob("*")
             if p.name.endswith((".snmprec", ".snmprec.bz2"))]
    return sorted(str(p.relative_to(source)) for p in found)


def community(recording: str) -> str:
    """The community snmpsim serves `recording` under (its flattened path)."""
    return recording.removesuffix(".bz2").removesuffix(".snmprec").replace("/", "__")


def stage(source: Path, names: list[str], data_dir: Path) -> None:
    """Unpack each recording into `data_dir` once (snmpsim re-reads .bz2 on every seek)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        dest = data_dir / f"{community(name)}.snmprec"
        if dest.exists():
            continue
        raw = (source / name).read_bytes()
        partial = dest.with_suffix(".partial")
        partial.write_bytes(bz2.decompress(raw) if name.endswith(".bz2") else raw)
        partial.replace(dest)


def serve(data_dir: Path, probe: str) -> tuple[ManagedProcess, int]:
    """Start snmpsim on `data_dir`; return once the `probe` community answers."""
    binary = require_venv_script("snmpsim-command-responder", "snmpsim")
    port = free_port(kind=2)
    log = CACHE / "snmpsim.log"
    argv = [binary, f"--data-dir={data_dir}", f"--cache-dir={CACHE / 'index'}",
            f"--agent-udpv4-endpoint=127.0.0.1:{port}", "--log-level=error",
            f"--logging-method=file:{log}"]
    if is_root():
        argv += ["--process-user=root", "--process-group=root"]
    process = ManagedProcess(argv, CACHE / "snmpsim.stdout",
                             env={"SNMPSIM_ALLOW_ROOT": "true"}).start()
    try:
        # snmpsim indexes every file before it answers: the first run takes minutes.
        wait_until(lambda: snmpget_ok(f"127.0.0.1:{port}", probe), 900, "snmpsim", log)
    except BaseException:
        process.stop()
        raise
    return process, port


async def land_all(port: int, names: list[str], profiles: ProfileSet,
                   progress: Progress) -> list[Landing]:
    """Detect every recording, one after the other (snmpsim answers one at a time)."""
    task = progress.add_task("detecting", total=len(names))
    landed: list[Landing] = []
    for name in names:
        # snmpsim's first answer from a 130 MB recording (juniper-wlc2800) takes ~25 s.
        target = SnmpTarget("127.0.0.1", port, credentials=SnmpV2c(community(name)),
                            timeout=60, retries=0)
        try:
            found = await detect(target, profiles)
            landed.append(Landing(name, found.profile, found.reason))
        except PollFailure as exc:
            landed.append(Landing(name, "(no answer)", f"{exc.error.code.value}: "
                                                       f"{exc.error.detail}"))
        progress.update(task, advance=1, description=name.rsplit("/", 1)[-1])
    return landed


def _probe(source: Path, names: list[str]) -> str:
    for name in names:
        raw = (source / name).read_bytes()
        text = bz2.decompress(raw) if name.endswith(".bz2") else raw
        if SYS_OBJECT_ID_LINE.encode() in text:
            return community(name)
    raise ServiceError("no recording has a sysObjectID to probe snmpsim with")


def classify(only: str = "") -> list[Landing]:
    """Serve and detect the network/ and UPS/ recordings whose path contains `only`.

    Minutes of CPU the first time: snmpsim indexes each recording (cached afterwards)."""
    source = source_root()
    names = [n for n in recordings(source) if only in n]
    if not names:
        raise ServiceError(f"no recording under {', '.join(SECTIONS)} matches {only!r}")
    profiles = load_profiles()
    console = Console(stderr=True)
    with console.status(f"unpacking {len(names)} recordings and starting snmpsim..."):
        stage(source, names, CACHE / "data")
        process, port = serve(CACHE / "data", _probe(source, names))
    try:
        with Progress(console=console, transient=True) as progress:
            return asyncio.run(land_all(port, names, profiles, progress))
    finally:
        process.stop()


def classify_command(write: bool, only: str = "") -> int:
    """Print where each recording lands; with `write`, refresh the generic table in the doc."""
    landed = classify(only)
    table = Table("recording", "profile", "why", title=f"{len(landed)} recordings")
    for item in landed:
        table.add_row(item.recording, item.profile, item.reason)
    Console(width=None if sys.stdout.isatty() else 200).print(table)
    generic = [i.recording for i in landed if i.profile in ("generic", "(no answer)")]
    print(f"{len(landed) - len(generic)} on a vendor profile, {len(generic)} on generic")
    if write:
        text = DOC.read_text()
        reasons = generic_reasons(text)
        DOC.write_text(_replace(text, GENERIC, generic_table(generic, reasons)))
        todo = [r for r in generic if r not in reasons]
        print(f"wrote the generic table into {DOC}; {len(todo)} new row(s) need a reason")
    return 0
