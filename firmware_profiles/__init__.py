"""Per-OS device knowledge as data (detection, polling, CLI actions), one folder per family.

Shipped as package data; `root()` is where the agent and the hub find them once installed.
A shared package: the hub and the agent both import it, it imports neither. The CLI action
catalogue both validate jobs against is `firmware_profiles.actions`.
"""

from pathlib import Path


def root() -> Path:
    """Folder holding the profile directories."""
    return Path(__file__).resolve().parent


def names(folder: Path | None = None) -> list[str]:
    """Profile names (the folder names, e.g. `cisco_ios`), sorted: what a device's profile
    may be. Folders starting with `_` or `.` (caches) are not profiles."""
    folder = folder or root()
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")))
