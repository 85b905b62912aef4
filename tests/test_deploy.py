"""The ways to deploy Coprod: the container image, compose.yaml and the systemd units say only
what the CLI really accepts, and the image builds where a container tool runs."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import cli


def accepted(command: list[str]) -> None:
    """`coprod ...` as written in a deploy file: the command exists and knows every option."""
    assert command[0].endswith("coprod"), command
    words = [w for w in command[1:] if not w.isdigit()]
    subcommand = [w for w in words if not w.startswith("-")]
    options = [w for w in words if w.startswith("-")]
    result = CliRunner().invoke(cli, [*subcommand, "--help"])
    assert result.exit_code == 0, (command, result.output)
    for option in options:
        assert option in result.output, f"{option} is not an option of {subcommand}"


def test_compose_runs_a_database_a_web_process_and_a_worker(project_root: Path) -> None:
    compose = yaml.safe_load((project_root / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "web", "worker"} <= set(services)
    assert "pgdata" in compose["volumes"]
    assert services["db"]["healthcheck"]["test"]
    assert "--no-scheduler" in services["web"]["command"]
    for name in ("migrate", "web", "worker"):
        accepted(services[name]["command"])
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_the_systemd_units_start_commands_the_cli_knows(project_root: Path) -> None:
    units = sorted((project_root / "deploy").glob("*.service"))
    assert [u.name for u in units] == ["coprod-web.service", "coprod-worker.service"]
    for unit in units:
        lines = unit.read_text().splitlines()
        for line in lines:
            if line.startswith(("ExecStart=", "ExecStartPre=")):
                accepted(shlex.split(line.split("=", 1)[1]))
        assert "User=coprod" in lines  # never as root


def test_the_dockerfile_runs_as_its_own_user_and_serves_by_default(project_root: Path) -> None:
    text = (project_root / "Dockerfile").read_text()
    assert "USER coprod" in text
    cmd = next(line for line in text.splitlines() if line.startswith("CMD "))
    accepted(yaml.safe_load(cmd.removeprefix("CMD ")))
    assert "/healthz" in text


def _container_tool() -> str:
    for tool in ("docker", "podman"):
        if shutil.which(tool) and subprocess.run(
                [tool, "info"], capture_output=True, timeout=30).returncode == 0:
            return tool
    pytest.skip("no container tool is running here (docker or podman): the image is built "
                "where one is")


def test_the_image_builds_and_its_cli_answers(project_root: Path) -> None:
    tool = _container_tool()
    built = subprocess.run([tool, "build", "-q", "-t", "coprod:test", str(project_root)],
                           capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stderr[-2000:]
    ran = subprocess.run([tool, "run", "--rm", "coprod:test", "coprod", "--help"],
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0 and "serve" in ran.stdout
    user = subprocess.run([tool, "run", "--rm", "coprod:test", "id", "-u"],
                          capture_output=True, text=True, timeout=120)
    assert user.stdout.strip() != "0"
