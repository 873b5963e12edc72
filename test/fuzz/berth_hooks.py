"""Schemathesis hooks for Berth's API fuzzing (loaded through SCHEMATHESIS_HOOKS by scripts/fuzz-api.ts).

* `refused_request_changes_nothing`: a 4xx answer must leave Berth's state as it was. The database
  is read (read-only) right before and right after each request and the two digests compared.
* Protected objects: the identity the pass runs as (its user and token) and the embedded cluster
  are never the target of a write, so one lucky request cannot turn the rest of the pass into 401s
  or 404s; and the settings that would let a kubeconfig run programs are never switched on.

Environment: BERTH_FUZZ_DB (the SQLite file), BERTH_FUZZ_PROTECT (JSON: path parameter name -> the
values no write may target).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import threading

import schemathesis

DB_PATH = os.environ["BERTH_FUZZ_DB"]
PROTECTED: dict[str, list[str]] = json.loads(os.environ.get("BERTH_FUZZ_PROTECT", "{}"))

# Refused requests are audited on purpose, and sign-in bookkeeping is not state a request changes.
EXCLUDED_TABLE = re.compile(r"^(sqlite_|__drizzle)|audit|session|sign_?in|login|rate_?limit|throttl", re.IGNORECASE)

# Columns the console's own background writers change at any moment (the run reconciler, the image
# build runner, the cluster health check) or that every authenticated request touches (a token's
# last use). A refused request cannot create or delete these rows, which the digest still proves.
VOLATILE_COLUMNS = {
    "runs": {"status", "reason", "exit_code", "pods", "timeline", "events", "log_tail", "started_at", "finished_at", "cleaned_up_at", "warnings"},
    "image_builds": {"status", "digest", "reason", "namespace", "job_name", "log_tail", "started_at", "finished_at", "cluster_id"},
    "clusters": {"reachable", "kubernetes_version", "last_checked_at", "unreachable_since", "last_error"},
    "api_tokens": {"last_used_at"},
    "users": {"last_sign_in_at"},
}

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Instance switches that let a kubeconfig run a program on this host: a fuzzed cluster could then
# run a generated command here. They are tested on purpose elsewhere, never at random.
HOST_RISK_SETTING = re.compile(r"exec|insecure", re.IGNORECASE)


def state_digest() -> str:
    """SHA-256 of every state table's rows, less the volatile columns."""
    connection = sqlite3.connect(f"file:{DB_PATH}?mode=ro", uri=True, timeout=10)
    try:
        digest = hashlib.sha256()
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            if EXCLUDED_TABLE.search(table):
                continue
            volatile = VOLATILE_COLUMNS.get(table, set())
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")') if row[1] not in volatile]
            if not columns:
                continue
            selected = ", ".join(f'"{column}"' for column in columns)
            digest.update(table.encode())
            for row in connection.execute(f'SELECT {selected} FROM "{table}" ORDER BY {selected}'):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        connection.close()


# Keyed by the case object: the check runs after the call, possibly several times while shrinking.
_digests: dict[int, tuple[str, str]] = {}
_pending: dict[int, str] = {}
_lock = threading.Lock()


def _is_protected(case) -> bool:
    if case.method.upper() not in WRITE_METHODS:
        return False
    return any(_matches(value, PROTECTED.get(name, [])) for name, value in (case.path_parameters or {}).items())


def _matches(value, protected: list[str]) -> bool:
    # Routes look objects up by id or name, and an id may arrive as "01" or " 1".
    text = str(value).strip().lower()
    for target in protected:
        if text == target.lower():
            return True
        try:
            if target.isdigit() and float(text) == int(target):
                return True
        except ValueError:
            pass
    return False


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.method.upper() in WRITE_METHODS and case.path.endswith("/settings") and isinstance(case.body, dict):
        case.body = {key: value for key, value in case.body.items() if not HOST_RISK_SETTING.search(key)}
    if _is_protected(case):
        # Aim the write elsewhere: the same shape of request against an object that does not exist.
        case.path_parameters = {name: f"{value}-fuzz" for name, value in case.path_parameters.items()}
    with _lock:
        _pending[id(case)] = state_digest()


@schemathesis.hook
def after_call(context, case, response):
    with _lock:
        before = _pending.pop(id(case), None)
        if before is not None:
            _digests[id(case)] = (before, state_digest())


@schemathesis.check
def refused_request_changes_nothing(ctx, response, case):
    """A 4xx response left the database's state tables as they were."""
    if not 400 <= response.status_code < 500:
        return None
    with _lock:
        digests = _digests.get(id(case))
    if digests is None:
        return None
    before, after = digests
    if before != after:
        raise AssertionError(f"{case.method} {case.formatted_path} was refused with {response.status_code} but changed Berth's state")
    return None
