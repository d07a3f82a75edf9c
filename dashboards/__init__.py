"""Grafana dashboards (JSON) and datasource provisioning shipped with the hub."""

from pathlib import Path


def root() -> Path:
    """Folder holding the dashboard JSON files."""
    return Path(__file__).resolve().parent
