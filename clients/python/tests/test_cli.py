"""The `berth` command as installed by pip, against a live Berth: login, token precedence, submit and follow, exit codes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import LOG_LINES

BERTH = str(Path(sys.executable).with_name("berth"))


def berth(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BERTH, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300)


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An environment with its own, empty config directory and no BERTH_URL/BERTH_TOKEN."""
    env = {key: value for key, value in os.environ.items() if key not in ("BERTH_URL", "BERTH_TOKEN")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return env


@pytest.fixture
def logged_in(home: dict[str, str], url: str, member_token: str) -> dict[str, str]:
    done = berth("login", "--url", url, "--token-stdin", env=home, stdin=member_token + "\n")
    assert done.returncode == 0, done.stderr
    return home


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "train.py"
    path.write_text("print('training')\n")
    return path


def test_login_checks_the_token_and_saves_it_readable_by_its_owner_only(logged_in: dict[str, str], url: str, member_token: str) -> None:
    config = Path(logged_in["XDG_CONFIG_HOME"]) / "berth" / "config.json"

    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.parent.stat().st_mode) == 0o700
    assert json.loads(config.read_text()) == {"url": url, "token": member_token}
    whoami = berth("whoami", "--json", env=logged_in)
    assert whoami.returncode == 0, whoami.stderr
    assert json.loads(whoami.stdout)["username"] == os.environ["BERTH_TEST_MEMBER"]


def test_login_with_a_wrong_token_saves_nothing(home: dict[str, str], url: str) -> None:
    done = berth("login", "--url", url, "--token-stdin", env=home, stdin="not-a-token\n")

    assert done.returncode == 4
    assert "401" in done.stderr
    assert not (Path(home["XDG_CONFIG_HOME"]) / "berth" / "config.json").exists()


def test_a_config_file_others_may_read_is_refused(logged_in: dict[str, str], member_token: str) -> None:
    config = Path(logged_in["XDG_CONFIG_HOME"]) / "berth" / "config.json"
    config.chmod(0o644)

    done = berth("whoami", env=logged_in)

    assert done.returncode == 2
    assert f"chmod 600 {config}" in done.stderr
    assert member_token not in done.stdout + done.stderr


def test_berth_token_wins_over_the_config_file(logged_in: dict[str, str]) -> None:
    done = berth("whoami", env={**logged_in, "BERTH_TOKEN": "revoked-or-mistyped"})

    assert done.returncode == 4
    assert "Authentication required" in done.stderr or "401" in done.stderr


def test_without_url_or_token_it_says_how_to_log_in(home: dict[str, str]) -> None:
    done = berth("run", "ls", env=home)

    assert done.returncode == 2
    assert "berth login" in done.stderr


def test_run_submit_follow_prints_the_log_and_exits_0_when_the_run_succeeds(logged_in: dict[str, str], project: str, script: Path) -> None:
    sim = ["--sim", "duration=2s", "--sim", "log-lines=" + "\n".join(LOG_LINES)]
    done = berth("run", "submit", "--project", project, "--activity", "python-recipe", str(script), *sim, "--follow", env=logged_in)

    assert done.returncode == 0, done.stderr
    run_id, *log = done.stdout.splitlines()
    assert LOG_LINES == [line for line in log if line in LOG_LINES]
    assert f"Run {run_id} succeeded" in done.stderr
    listed = berth("run", "ls", "--project", project, "--status", "succeeded", "--json", env=logged_in)
    assert run_id in [run["id"] for run in json.loads(listed.stdout)]


def test_a_failing_run_exits_1_and_an_aborted_one_3(logged_in: dict[str, str], project: str, script: Path) -> None:
    failed = berth("run", "submit", "--project", project, "--activity", "python-recipe", str(script), "--sim", "duration=1s", "--sim", "exit-code=2", "-f", env=logged_in)
    assert failed.returncode == 1, failed.stderr
    assert "failed (exit code 2)" in failed.stderr

    submitted = berth("run", "submit", "--project", project, "--activity", "python-recipe", str(script), "--sim", "duration=10m", env=logged_in)
    assert submitted.returncode == 0, submitted.stderr
    run_id = submitted.stdout.strip()
    aborted = berth("run", "abort", run_id, env=logged_in)
    assert aborted.returncode == 0, aborted.stderr
    assert berth("run", "logs", run_id, "-f", env=logged_in).returncode == 3
    again = berth("run", "abort", run_id, env=logged_in)
    assert again.returncode == 4
    assert "(409)" in again.stderr


def test_a_refused_submit_exits_4_with_berths_message(home: dict[str, str], url: str, outsider_token: str, project: str, script: Path) -> None:
    env = {**home, "BERTH_URL": url, "BERTH_TOKEN": outsider_token}

    done = berth("run", "submit", "--project", project, "--activity", "python-recipe", str(script), env=env)

    assert done.returncode == 4
    assert "(403)" in done.stderr and "may not use config" in done.stderr
    assert done.stdout == ""


def test_usage_errors_exit_2(home: dict[str, str]) -> None:
    assert berth("run", "submit", "--project", "churn", env=home).returncode == 2
    assert berth("run", "ls", "--status", "done", env=home).returncode == 2
