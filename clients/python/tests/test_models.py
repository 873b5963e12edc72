"""The hand-written models name exactly the fields of the document Berth serves."""

from __future__ import annotations

from typing import Any

import pytest

from berth import ClusterDashboard, Dashboard, EffectiveChoice, EffectiveConfig, EffectiveValue, Run, RunResolution, RunStatus, TimelineEntry, User
from berth.models import api_fields


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    # A nullable or optional object may be wrapped in anyOf/oneOf/allOf with a null.
    for key in ("anyOf", "oneOf", "allOf"):
        objects = [resolve(document, option) for option in schema.get(key, []) if option.get("type") != "null"]
        if len(objects) == 1:
            return objects[0]
    return schema


def success_schema(document: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    responses = document["paths"][path][method]["responses"]
    code = next(code for code in responses if code.startswith("2"))
    return resolve(document, responses[code]["content"]["application/json"]["schema"])


def prop(document: dict[str, Any], schema: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        schema = resolve(document, schema["properties"][name])
        if schema.get("type") == "array":
            schema = resolve(document, schema["items"])
    return schema


def properties(schema: dict[str, Any]) -> set[str]:
    return set(schema["properties"])


CASES = [
    (Run, "/api/v1/runs/{id}", ()),
    (RunResolution, "/api/v1/runs/{id}", ("resolution",)),
    (EffectiveChoice, "/api/v1/runs/{id}", ("resolution", "executionConfig")),
    (TimelineEntry, "/api/v1/runs/{id}", ("timeline",)),
    (EffectiveConfig, "/api/v1/projects/{project}/effective-config", ()),
    (EffectiveValue, "/api/v1/projects/{project}/effective-config", ("executionConfig",)),
    (Dashboard, "/api/v1/dashboard", ()),
    (ClusterDashboard, "/api/v1/dashboard", ("clusters",)),
    (User, "/api/v1/me", ()),
]


@pytest.mark.parametrize(("model", "path", "within"), CASES, ids=[case[0].__name__ for case in CASES])
def test_model_fields_match_the_document(openapi: dict[str, Any], model: type, path: str, within: tuple[str, ...]) -> None:
    schema = prop(openapi, success_schema(openapi, path), *within)

    assert set(api_fields(model)) == properties(schema)


def test_the_run_statuses_are_the_documents(openapi: dict[str, Any]) -> None:
    run = success_schema(openapi, "/api/v1/runs/{id}")

    assert {status.value for status in RunStatus} == set(prop(openapi, run, "status")["enum"])


def test_the_runs_list_and_submit_answer_runs(openapi: dict[str, Any]) -> None:
    listed = success_schema(openapi, "/api/v1/runs")
    submitted = success_schema(openapi, "/api/v1/runs", "post")

    assert properties(resolve(openapi, listed["items"])) == set(api_fields(Run))
    assert properties(submitted) == set(api_fields(Run))
