"""Fixtures of the tests against a live Berth: `npx tsx scripts/python-client-tests.ts` starts a fresh
console with the embedded simulator, seeds a project, a member and an outsider, and passes them here
through BERTH_TEST_* variables."""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

import pytest

from berth import Berth


def _setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run these tests with `npx tsx scripts/python-client-tests.ts`", returncode=2)
    return value


@pytest.fixture(scope="session")
def url() -> str:
    return _setting("BERTH_TEST_URL")


@pytest.fixture(scope="session")
def project() -> str:
    return _setting("BERTH_TEST_PROJECT")


@pytest.fixture(scope="session")
def member_token() -> str:
    return _setting("BERTH_TEST_MEMBER_TOKEN")


@pytest.fixture(scope="session")
def outsider_token() -> str:
    return _setting("BERTH_TEST_OUTSIDER_TOKEN")


@pytest.fixture(scope="session")
def member(url: str, member_token: str) -> Berth:
    """A data scientist of the project's group: may run with its config."""
    return Berth(url, member_token)


@pytest.fixture(scope="session")
def outsider(url: str, outsider_token: str) -> Berth:
    """A contributor of the project whose group may not use the project's execution config."""
    return Berth(url, outsider_token)


@pytest.fixture(scope="session")
def admin(url: str) -> Berth:
    return Berth(url, _setting("BERTH_TEST_ADMIN_TOKEN"))


@pytest.fixture(scope="session")
def openapi(url: str) -> dict[str, Any]:
    """The document Berth serves, read without the client so a client bug cannot hide a difference."""
    with urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=60) as response:
        return json.load(response)


# The simulated pod behaviour of the embedded cluster (sim/README.md): a short run with a known log.
LOG_LINES = ["loading churn_2026", "epoch 1 loss=0.61", "epoch 2 loss=0.43", "saved model"]


def simulated(duration: str = "2s", exit_code: int | None = None, log_lines: list[str] | None = None) -> dict[str, str]:
    annotations = {
        "sim.berth.dev/duration": duration,
        "sim.berth.dev/log-lines": "\n".join(log_lines if log_lines is not None else LOG_LINES),
    }
    if exit_code is not None:
        annotations["sim.berth.dev/exit-code"] = str(exit_code)
    return annotations
