"""Issue 17: the role ships as the collection dotmac.edge, runs from it by its FQCN in check
mode without touching the machine, and renders an agent.yaml without devices unless a
standalone box lists local ones.

No test box here: the check-mode run is on this machine (connection local) with every path
the role writes pointed into a temporary folder, and check mode must leave that folder empty.
"""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

from tests.ansible.harness import ANSIBLE, BIN

ROLE = "roles/dotmac_edge_agent"
ROLE_FILES = ("tasks/main.yml", "tasks/present.yml", "handlers/main.yml", "defaults/main.yml",
              "meta/argument_specs.yml", "meta/main.yml", "templates/agent.yaml.j2",
              "templates/dotmac-agent.service.j2", "vars/main.yml")


def _env(workdir: Path, **more: str) -> dict[str, str]:
    return {**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "False",
            "ANSIBLE_LOCAL_TEMP": str(workdir / "ansible-tmp"),
            "ANSIBLE_HOME": str(workdir / "ansible-home"),
            "PATH": f"{BIN}:{os.environ.get('PATH', '')}", **more}


def _run(argv: list[str], workdir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=240, cwd=workdir,
                          env=_env(workdir, **env), check=False)


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tarball `ansible-galaxy collection build` makes of ansible/."""
    out = tmp_path_factory.mktemp("collection")
    built = _run([str(BIN / "ansible-galaxy"), "collection", "build", str(ANSIBLE),
                  "--output-path", str(out)], out)
    assert built.returncode == 0, built.stdout + built.stderr
    version = yaml.safe_load((ANSIBLE / "galaxy.yml").read_text())["version"]
    tarball = out / f"dotmac-edge-{version}.tar.gz"
    assert tarball.is_file(), built.stdout
    return tarball


@pytest.fixture(scope="module")
def installed(collection: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A collections path holding dotmac.edge installed from the tarball."""
    where = tmp_path_factory.mktemp("collections")
    done = _run([str(BIN / "ansible-galaxy"), "collection", "install", str(collection),
                 "-p", str(where)], where)
    assert done.returncode == 0, done.stdout + done.stderr
    return where


def test_the_tarball_holds_the_role_and_the_galaxy_metadata(collection: Path) -> None:
    with tarfile.open(collection) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("MANIFEST.json"))  # type: ignore[arg-type]
    info = manifest["collection_info"]
    assert (info["namespace"], info["name"]) == ("dotmac", "edge")
    assert info["readme"] == "README.md" and info["authors"] and info["tags"]
    assert info["license_file"] == "LICENSE"
    for path in ("README.md", "LICENSE", "CHANGELOG.md", "meta/runtime.yml",
                 *(f"{ROLE}/{f}" for f in ROLE_FILES)):
        assert path in names, path
    # The repository's own playbook, inventory and settings stay out of the collection.
    for path in ("site.yml", "ansible.cfg", "inventory", ".ansible-lint"):
        assert not any(n == path or n.startswith(path + "/") for n in names), path


def _check_vars(root: Path) -> dict[str, object]:
    return {"dotmac_edge_agent_install_root": str(root / "opt"),
            "dotmac_edge_agent_config_dir": str(root / "etc"),
            "dotmac_edge_agent_unit_dir": str(root / "systemd"),
            "dotmac_edge_agent_state_dir": "/var/lib/dotmac-agent-check-test",
            "dotmac_edge_agent_user": "dotmac-check-test",
            "dotmac_edge_agent_group": "dotmac-check-test",
            "dotmac_edge_agent_service_manager": "none",
            "dotmac_edge_agent_hub_url": "https://hub.invalid",
            "dotmac_edge_agent_enroll_token": "dme_check-mode-token-never-used",
            "dotmac_edge_agent_devices": []}


def test_the_installed_role_runs_by_its_fqcn_in_check_mode_and_changes_nothing(
        installed: Path, tmp_path: Path) -> None:
    root = tmp_path / "box"
    root.mkdir()
    play = tmp_path / "play.yml"
    play.write_text(yaml.safe_dump([{"name": "Check a rollout", "hosts": "localhost",
                                     "gather_facts": False,
                                     "roles": [{"role": "dotmac.edge.dotmac_edge_agent"}]}]))
    varfile = tmp_path / "vars.json"
    varfile.write_text(json.dumps(_check_vars(root)))
    empty_roles = tmp_path / "no-roles"
    empty_roles.mkdir()
    out = _run([str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(play),
                "-e", f"@{varfile}", "-e", f"ansible_python_interpreter={BIN / 'python'}",
                "--check", "--diff"], tmp_path, ANSIBLE_COLLECTIONS_PATH=str(installed),
               ANSIBLE_ROLES_PATH=str(empty_roles))
    output = out.stdout + out.stderr
    assert out.returncode == 0, output[-6000:]
    assert "failed=0" in output and "changed=0" not in output, output[-3000:]
    assert "check mode: localhost is not enrolled" in output
    assert "Wait until doctor" not in output  # no gate in check mode
    assert "dme_check-mode-token-never-used" not in output
    assert list(root.iterdir()) == []  # nothing written
    assert not Path("/var/lib/dotmac-agent-check-test").exists()
    assert "dotmac-check-test" not in Path("/etc/passwd").read_text()


def _render(tmp_path: Path, devices: list[dict[str, object]]) -> dict[str, object]:
    """agent.yaml as the role renders it from an enrolled identity and the inventory."""
    enrolled = {"agent": {"id": "tst1-agent"},
                "broker": {"host": "mqtt.example.net", "password": "p" * 24}}
    out_file = tmp_path / "agent.yaml"
    play = tmp_path / "render.yml"
    play.write_text(yaml.safe_dump([{"name": "Render", "hosts": "localhost",
                                     "gather_facts": False, "tasks": [{
                                         "name": "Render agent.yaml",
                                         "ansible.builtin.template": {
                                             "src": str(ANSIBLE / ROLE / "templates"
                                                        / "agent.yaml.j2"),
                                             "dest": str(out_file), "mode": "0600"}}]}]))
    varfile = tmp_path / "render-vars.json"
    defaults = yaml.safe_load((ANSIBLE / ROLE / "defaults" / "main.yml").read_text())
    varfile.write_text(json.dumps({**defaults, "dotmac_edge_agent_enrolled": enrolled,
                                   "dotmac_edge_agent_devices": devices}))
    out = _run([str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(play),
                "-e", f"@{varfile}", "-e", f"ansible_python_interpreter={BIN / 'python'}"],
               tmp_path)
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    data: dict[str, object] = yaml.safe_load(out_file.read_text())
    return data


def test_agent_yaml_holds_identity_and_broker_only_when_the_hub_pushes_devices(
        tmp_path: Path) -> None:
    config = _render(tmp_path, [])
    assert set(config) == {"agent", "broker", "health_interval_s"}
    assert config["agent"] == {"id": "tst1-agent", "state_dir": "/var/lib/dotmac-agent"}


def test_a_standalone_box_keeps_its_local_devices(tmp_path: Path) -> None:
    device: dict[str, object] = {"name": "tst1-core-sw1", "host": "192.0.2.2",
                                 "profile": "auto"}
    config = _render(tmp_path, [device])
    assert config["devices"] == [device]
