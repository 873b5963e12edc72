"""The client against a live Berth and its embedded cluster, used as a notebook would."""

from __future__ import annotations

import os

import pytest

from berth import Berth, Conflict, NotFound, PermissionDenied, Run, RunStatus, ValidationError

from conftest import LOG_LINES, simulated


def in_order(expected: list[str], lines: list[str]) -> bool:
    remaining = iter(lines)
    return all(any(line == wanted for line in remaining) for wanted in expected)


def test_a_notebook_submits_a_run_follows_its_log_to_the_end_and_gets_succeeded(url: str, member_token: str, project: str) -> None:
    berth = Berth(url, member_token)
    run = berth.runs.submit(project, "python-notebook", script="print('training')", object="train_model", annotations=simulated())
    lines = list(run.logs(follow=True))
    status = run.wait(timeout=120)

    assert in_order(LOG_LINES, lines), lines
    assert status is RunStatus.SUCCEEDED
    assert run.status is RunStatus.SUCCEEDED and run.exit_code == 0
    assert run.project == project and run.activity == "python-notebook" and run.object == "train_model"
    assert run.resolution.execution_config.origin == "project"
    assert [entry.status for entry in run.timeline][-1] is RunStatus.SUCCEEDED
    # The kept log reads the same once the run has ended.
    assert in_order(LOG_LINES, list(berth.runs.logs(run.id)))


def test_submit_with_wait_returns_the_ended_run_and_a_failing_script_fails(member: Berth, project: str) -> None:
    run = member.runs.submit(project, "python-recipe", script="raise SystemExit(3)", annotations=simulated(exit_code=3), wait=True, timeout=120)

    assert run.status is RunStatus.FAILED
    assert run.exit_code == 3


def test_runs_are_listed_read_and_aborted(member: Berth, project: str) -> None:
    run = member.runs.submit(project, "python-recipe", script="import time; time.sleep(600)", annotations=simulated(duration="10m"))

    assert run.id in [listed.id for listed in member.runs.list(project=project)]
    assert member.runs.get(run.id).name == run.name
    assert run.abort().status is RunStatus.ABORTED
    assert run.wait(timeout=60) is RunStatus.ABORTED
    assert run.id in [listed.id for listed in member.runs.list(project=project, status="aborted")]
    with pytest.raises(Conflict):
        member.runs.abort(run.id)


def test_effective_config_says_where_each_value_comes_from(member: Berth, project: str) -> None:
    config = member.projects.effective_config(project, "python-recipe")

    assert config.project == project and config.activity == "python-recipe"
    assert config.execution_config.origin == "project"
    assert config.cluster.value == "embedded"


def test_whoami_and_the_dashboard(member: Berth, admin: Berth) -> None:
    me = member.whoami()
    assert me.role == "user" and me.groups

    dashboard = admin.dashboard()
    assert "embedded" in [cluster.name for cluster in dashboard.clusters]


def test_a_user_whose_group_may_not_use_the_config_gets_berths_403_message(outsider: Berth, project: str) -> None:
    with pytest.raises(PermissionDenied) as refused:
        outsider.runs.submit(project, "python-recipe", script="print(1)", annotations=simulated())

    assert refused.value.status == 403
    # Berth's own words, naming who is refused and what they may not use.
    group, config = os.environ["BERTH_TEST_OUTSIDER_GROUP"], os.environ["BERTH_TEST_CONFIG"]
    assert refused.value.message == f"group {group} may not use config {config}"
    assert refused.value.message == refused.value.body["error"]
    with pytest.raises(PermissionDenied):
        outsider.projects.effective_config(project, "python-recipe")


def test_a_bad_request_raises_the_field_errors(member: Berth, project: str) -> None:
    with pytest.raises(ValidationError) as refused:
        member.runs.submit(project, "pyton-recipe", script="print(1)", env={"1BAD": "x"})

    assert refused.value.status == 422
    assert set(refused.value.field_errors) >= {"activity", "env"}, refused.value.field_errors
    assert any('"1BAD" is not a valid variable name' in problem for problem in refused.value.field_errors["env"])


def test_an_unknown_run_is_not_found(member: Berth) -> None:
    with pytest.raises(NotFound):
        member.runs.get("zzzzzzzzzz")


def test_a_run_read_from_the_api_is_bound_to_its_client(member: Berth, project: str) -> None:
    listed = member.runs.list(project=project, limit=1)
    assert listed and isinstance(listed[0], Run)
    assert listed[0].refresh().id == listed[0].id
