"""Per-OS device knowledge as data (detection, polling, CLI actions), one folder per family.

Shipped as package data; `root()` is where the agent finds them once installed.
"""

from pathlib import Path


def root() -> Path:
    """Folder holding the profile directories."""
    return Path(__file__).resolve().parent
