"""The accounting spool FreeRADIUS writes and its detail readers replay to the hub
(decoupled accounting, docs/radius-sessions.md); rendered into the FreeRADIUS directory by
hub.access.radius_config.

One directory per reader (`0`, `1`, ...). The live server picks a record's directory from a
hash of the NAS address and Acct-Session-Id, so every record of one session is in the same
directory, replayed in the order the NAS sent it, while the readers post to the hub in
parallel (one record in flight each). Pure text: no I/O here.
"""

from __future__ import annotations

from pathlib import Path

HEX = "0123456789abcdef"
READER_COUNTS = (1, 2, 4, 8, 16)  # the readers split the 16 first hex digits of an MD5
DEFAULT_READERS = 4
# 100: a reader sends its next record as soon as the hub answered the last one
LOAD_FACTOR = 100
_HASH = ("%{md5:%{%{Packet-Src-IP-Address}:-%{Packet-Src-IPv6-Address}}"
         "/%{Acct-Session-Id}}")


def shard_policy(readers: int) -> str:
    """Policy `dotmac_spool_write`: append the record to its reader's directory (picked by
    `dotmac_spool_shard`). Accounting-On / Off goes to every directory: each reader then
    closes the NAS's sessions it delivered before the reboot, whatever the others' pace."""
    if readers not in READER_COUNTS:
        raise ValueError(f"accounting readers {readers}: one of {READER_COUNTS}")
    lines = ["dotmac_spool_write {",
             "\tif (&Acct-Status-Type == Accounting-On || &Acct-Status-Type == Accounting-Off) {"]
    for shard in range(readers):
        lines += [f'\t\tupdate control {{\n\t\t\t&Tmp-String-9 := "{shard}"\n\t\t}}',
                  "\t\tdotmac_spool"]
    lines += ["\t}", "\telse {", "\t\tdotmac_spool_shard", "\t\tdotmac_spool", "\t}", "}", ""]
    return _shard(readers) + "\n".join(lines)


def _shard(readers: int) -> str:
    if readers == 1:
        return ('dotmac_spool_shard {\n\tupdate control {\n\t\t&Tmp-String-9 := "0"\n\t}\n'
                "}\n")
    lines = ["dotmac_spool_shard {", "\tupdate control {",
             f'\t\t&Tmp-String-9 := "{_HASH}"', "\t}"]
    width = len(HEX) // readers
    for shard in range(readers):
        digits = HEX[shard * width:(shard + 1) * width]
        if shard == readers - 1:
            lines.append("\telse {")
        else:
            test = "if" if shard == 0 else "elsif"
            lines.append(f"\t{test} (&control:Tmp-String-9 =~ /^[{digits}]/) {{")
        lines += ["\t\tupdate control {", f'\t\t\t&Tmp-String-9 := "{shard}"', "\t\t}", "\t}"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def reader_listeners(spool: Path, readers: int, retry_interval_s: int) -> str:
    """One `listen { type = detail }` per spool directory, for the reader server."""
    sections = []
    for shard in range(readers):
        sections.append(f"""\tlisten {{
\t\ttype = detail
\t\tfilename = "{spool}/{shard}/detail-*"
\t\t# 100: the next record goes as soon as the hub answered the last one; the hub's
\t\t# own answer time paces the reader (one record in flight per reader)
\t\tload_factor = {LOAD_FACTOR}
\t\t# seconds between looks for a new file while the directory is empty
\t\tpoll_interval = 1
\t\t# seconds before a record the hub did not take is sent again (the rest pool's
\t\t# retry_delay, at least 4: FreeRADIUS's lower bound)
\t\tretry_interval = {retry_interval(retry_interval_s)}
\t\t# a restart skips the records of detail.work already answered
\t\ttrack = yes
\t}}""")
    return "\n".join(sections)


def retry_interval(retry_delay_s: int) -> int:
    """Seconds before a reader sends a record the hub did not take again: the rest pool's
    retry_delay, at least 4 (FreeRADIUS's lower bound)."""
    return max(4, retry_delay_s)


def spool_directories(spool: Path, readers: int) -> list[Path]:
    """Every directory of the spool: one per accounting reader, rejections/ (the records of
    Access-Rejects, policy.d/dotmac_rejections) and refused/."""
    return ([spool / str(shard) for shard in range(readers)]
            + [spool / "rejections", spool / "refused"])
