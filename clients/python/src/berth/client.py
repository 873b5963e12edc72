"""The hand-written client: ``Berth(url, token)`` with ``runs``, ``projects``, ``dashboard()`` and ``whoami()``."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterator, Mapping, Sequence

from .config import resolve_settings
from .errors import BerthError, error_for
from .models import Dashboard, EffectiveConfig, Run, RunStatus, User

__all__ = ["Berth", "Runs", "Projects"]

_USER_AGENT = "berth-client-python/0.1"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # Berth's API never redirects; following one would send the token to wherever it points.
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_opener = urllib.request.build_opener(_NoRedirects())


class Berth:
    """A connection to one Berth console with an API token.

    ``url`` and ``token`` default to ``BERTH_URL`` and ``BERTH_TOKEN``, then to the file
    ``berth login`` writes. ``timeout`` (seconds) bounds each request except followed logs.
    ``whoami`` and ``dashboard`` are the document's operations getMe and getDashboard.
    """

    def __init__(self, url: str | None = None, token: str | None = None, *, timeout: float = 60.0) -> None:
        self.url, self._token = resolve_settings(url, token)
        self.timeout = timeout
        self.runs = Runs(self)
        self.projects = Projects(self)

    def __repr__(self) -> str:
        return f"Berth({self.url!r})"

    def whoami(self) -> User:
        """The user the token belongs to, with their role and groups."""
        return User.from_api(self.request("GET", "/api/v1/me"))

    def dashboard(self, cluster: str | None = None, *, all_quotas: bool = False) -> Dashboard:
        """Running and pending pods, GPU allocation and quota use of every cluster the caller may read.

        Each cluster carries its most pressed quotas and ``quota_count``; ``all_quotas=True`` asks for every one.
        """
        return Dashboard.from_api(self.request("GET", "/api/v1/dashboard", query={"cluster": cluster, "quotas": "all" if all_quotas else None}))

    def request(self, method: str, path: str, *, query: Mapping[str, Any] | None = None, body: Any = None) -> Any:
        """Any API call: the decoded JSON answer, or a BerthError subclass carrying Berth's message."""
        with self._open(method, path, query=query, body=body, timeout=self.timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def stream_lines(self, path: str, *, query: Mapping[str, Any] | None = None, timeout: float | None = None) -> Iterator[str]:
        """The lines of a text answer as they arrive (without their line ends)."""
        with self._open("GET", path, query=query, timeout=timeout) as response:
            for raw in response:
                yield raw.decode("utf-8", errors="replace").rstrip("\r\n")

    def _open(self, method: str, path: str, *, query: Mapping[str, Any] | None = None, body: Any = None, timeout: float | None) -> Any:
        url = self.url + path
        params = {key: str(value) for key, value in (query or {}).items() if value is not None}
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {"Authorization": f"Bearer {self._token}", "User-Agent": _USER_AGENT, "Accept": "application/json, text/plain"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            return _opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            with error:
                text = error.read().decode("utf-8", errors="replace")
            try:
                payload: Any = json.loads(text)
            except ValueError:
                payload = text
            raise error_for(error.code, payload, f"Berth answered {error.code} {error.reason} to {method} {path}") from None
        except urllib.error.URLError as error:
            raise BerthError(f"Cannot reach Berth at {self.url}: {error.reason}") from None
        except TimeoutError:
            raise BerthError(f"Berth at {self.url} did not answer {method} {path} within {timeout} s") from None


class Runs:
    """Runs of projects: submit, list, read, follow, wait for and abort them.

    The methods are the document's operations submitRun, listRuns, getRun, getRunLogs and abortRun.
    """

    def __init__(self, berth: Berth) -> None:
        self._berth = berth

    def submit(
        self,
        project: str,
        activity: str,
        script: str | None = None,
        *,
        object: str | None = None,
        name: str | None = None,
        command: Sequence[str] | None = None,
        env: Mapping[str, str] | None = None,
        code_env: str | None = None,
        execution_config: str | None = None,
        spark_config: str | None = None,
        cluster: str | None = None,
        annotations: Mapping[str, str] | None = None,
        wait: bool = False,
        timeout: float | None = None,
    ) -> Run:
        """Submits a run of ``activity`` (e.g. ``python-recipe``) in ``project``, with the config the project resolves.

        ``script`` is run by the activity's interpreter; or give ``command`` (an argv). ``object``
        names the recipe or notebook (its override applies). ``annotations`` are the embedded
        simulator's ``sim.berth.dev/*`` pod annotations (a test hook). ``wait=True`` returns once
        the run has ended.
        """
        body: dict[str, Any] = {"project": project, "activity": activity}
        optional = {
            "script": script,
            "object": object,
            "name": name,
            "command": list(command) if command is not None else None,
            "env": dict(env) if env is not None else None,
            "codeEnv": code_env,
            "executionConfig": execution_config,
            "sparkConfig": spark_config,
            "cluster": cluster,
            "annotations": dict(annotations) if annotations is not None else None,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        run = Run.from_api(self._berth.request("POST", "/api/v1/runs", body=body), self._berth)
        if wait:
            run.wait(timeout=timeout)
        return run

    def list(
        self,
        *,
        project: str | None = None,
        status: RunStatus | str | None = None,
        user: str | None = None,
        activity: str | None = None,
        cluster: str | None = None,
        limit: int | None = None,
    ) -> list[Run]:
        """The runs the caller may see, newest first (at most ``limit``, Berth's default 100)."""
        query = {"project": project, "status": str(status) if status is not None else None, "user": user, "activity": activity, "cluster": cluster, "limit": limit}
        return [Run.from_api(item, self._berth) for item in self._berth.request("GET", "/api/v1/runs", query=query)]

    def get(self, run_id: str) -> Run:
        """One run by id."""
        return Run.from_api(self._berth.request("GET", f"/api/v1/runs/{urllib.parse.quote(run_id, safe='')}"), self._berth)

    def logs(self, run_id: str, *, follow: bool = False, pod: str | None = None) -> Iterator[str]:
        """The run's log lines; ``follow=True`` streams them until the run's pods end."""
        query = {"follow": "1" if follow else None, "pod": pod}
        # A followed log may stay quiet for long: no read timeout then.
        return self._berth.stream_lines(f"/api/v1/runs/{urllib.parse.quote(run_id, safe='')}/logs", query=query, timeout=None if follow else self._berth.timeout)

    def wait(self, run_id: str, timeout: float | None = None) -> RunStatus:
        """Waits until the run has ended and returns its final status."""
        return self.get(run_id).wait(timeout=timeout)

    def abort(self, run_id: str) -> Run:
        """Aborts a run (its submitter or a project manager); Conflict when it has already ended."""
        return Run.from_api(self._berth.request("POST", f"/api/v1/runs/{urllib.parse.quote(run_id, safe='')}/abort"), self._berth)


class Projects:
    """Projects' resolved settings (operation getEffectiveConfig)."""

    def __init__(self, berth: Berth) -> None:
        self._berth = berth

    def effective_config(self, project: str, activity: str | None = None, object: str | None = None) -> EffectiveConfig:
        """What ``activity`` (of ``object``) runs with in ``project`` for the caller, with each value's origin.

        Raises PermissionDenied when the caller may not use the config it would run with.
        """
        path = f"/api/v1/projects/{urllib.parse.quote(project, safe='')}/effective-config"
        return EffectiveConfig.from_api(self._berth.request("GET", path, query={"activity": activity, "object": object}))
