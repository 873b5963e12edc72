"""Typed answers of Berth's REST API, written from its OpenAPI document (/api/v1/openapi.json).

Field names are the API's in snake_case (``executionConfig`` → ``execution_config``; ``from`` →
``from_``). ``tests/test_models.py`` compares them with the served document, so they cannot drift
from it silently. Fields Berth adds later are ignored until a model names them.
"""

from __future__ import annotations

import dataclasses
import time
from enum import Enum
from typing import TYPE_CHECKING, Any, Iterator, TypeVar

if TYPE_CHECKING:
    from .client import Berth

T = TypeVar("T")


def api_name(field_name: str) -> str:
    """The API's camelCase name of a model field."""
    head, *rest = field_name.rstrip("_").split("_")
    return head + "".join(part.capitalize() for part in rest)


def api_fields(model: type) -> dict[str, str]:
    """API name → field name of a model's public fields."""
    return {api_name(field.name): field.name for field in dataclasses.fields(model) if not field.name.startswith("_")}


def _build(model: type[T], data: dict[str, Any], **converted: Any) -> T:
    values = {name: data.get(key) for key, name in api_fields(model).items() if key in data}
    values.update(converted)
    return model(**values)


class RunStatus(str, Enum):
    """A run's status. ``queued``: waiting for quota; ``lost``: its pods vanished while Berth was not watching."""

    QUEUED = "queued"
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABORTED = "aborted"
    LOST = "lost"

    @property
    def finished(self) -> bool:
        """Whether the run has ended (it changes no more)."""
        return self in _FINISHED

    def __str__(self) -> str:
        return self.value


_FINISHED = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.ABORTED, RunStatus.LOST})


@dataclasses.dataclass
class EffectiveChoice:
    """A value a run was given, and where it came from (``origin``: run, object, project or instance)."""

    value: str | None
    origin: str | None
    from_: str

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> EffectiveChoice:
        return _build(cls, data)


@dataclasses.dataclass
class RunResolution:
    """The execution config, Spark config and cluster a run resolved to, and its image."""

    execution_config: EffectiveChoice
    cluster: EffectiveChoice
    image: str
    spark_config: EffectiveChoice | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> RunResolution:
        spark = data.get("sparkConfig")
        return _build(
            cls,
            data,
            execution_config=EffectiveChoice.from_api(data["executionConfig"]),
            cluster=EffectiveChoice.from_api(data["cluster"]),
            spark_config=EffectiveChoice.from_api(spark) if spark else None,
        )


@dataclasses.dataclass
class TimelineEntry:
    """One status change of a run."""

    status: RunStatus
    at: str
    reason: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> TimelineEntry:
        return _build(cls, data, status=RunStatus(data["status"]))


@dataclasses.dataclass
class Run:
    """A run as ``GET /api/v1/runs/{id}`` answers, with what one does with it: ``logs``, ``wait``, ``abort``."""

    id: str
    status: RunStatus
    name: str
    project: str
    activity: str
    user: str
    execution_config: str | None
    cluster: str
    namespace: str
    workload: str
    pods: list[str]
    created_at: str
    gpus: float
    warnings: list[str]
    timeline: list[TimelineEntry]
    resolution: RunResolution
    reason: str | None = None
    object: str | None = None
    spark_config: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    exit_code: int | None = None
    code_env: str | None = None
    command: list[str] | None = None
    script: str | None = None
    env: dict[str, str] | None = None
    #: For a run on a Docker host (workload ``docker-container``): the host and its containers' engine ids.
    docker_host: str | None = None
    containers: list[str] | None = None
    _client: Berth | None = dataclasses.field(default=None, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: dict[str, Any], client: Berth | None = None) -> Run:
        return _build(
            cls,
            data,
            status=RunStatus(data["status"]),
            timeline=[TimelineEntry.from_api(entry) for entry in data.get("timeline", [])],
            resolution=RunResolution.from_api(data["resolution"]),
            _client=client,
        )

    def _berth(self) -> Berth:
        if self._client is None:
            raise RuntimeError("This Run is not bound to a client: get it through Berth(...).runs")
        return self._client

    def _update(self, fresh: Run) -> None:
        for field in dataclasses.fields(self):
            if field.name != "_client":
                setattr(self, field.name, getattr(fresh, field.name))

    def refresh(self) -> Run:
        """Reads the run again from Berth (in place) and returns it."""
        self._update(self._berth().runs.get(self.id))
        return self

    def logs(self, follow: bool = False, pod: str | None = None) -> Iterator[str]:
        """The log's lines; ``follow=True`` streams them as written, until the run's pods end."""
        return self._berth().runs.logs(self.id, follow=follow, pod=pod)

    def wait(self, timeout: float | None = None, poll_interval: float = 1.0) -> RunStatus:
        """Waits until the run has ended and returns its final status; TimeoutError after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        interval = min(0.25, poll_interval)
        while not self.refresh().status.finished:
            if deadline is not None and time.monotonic() + interval > deadline:
                raise TimeoutError(f"Run {self.id} is still {self.status} after {timeout} s")
            time.sleep(interval)
            interval = min(interval * 2, poll_interval)
        return self.status

    def abort(self) -> Run:
        """Aborts the run: Berth deletes what it created; the status becomes ``aborted``."""
        self._update(self._berth().runs.abort(self.id))
        return self


@dataclasses.dataclass
class EffectiveValue:
    """One resolved value of an activity's configuration, and the level it comes from."""

    value: str | None
    origin: str | None
    via: str | None = None
    unused: bool | None = None
    error: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> EffectiveValue:
        return _build(cls, data)


@dataclasses.dataclass
class EffectiveConfig:
    """What an activity (of one object) of a project runs with for the caller."""

    project: str
    activity: str
    execution_config: EffectiveValue
    spark_config: EffectiveValue
    cluster: EffectiveValue
    object: str | None = None
    #: With a docker execution config: the Docker host the activity runs on (the cluster is then unused).
    docker_host: EffectiveValue | None = None
    error: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> EffectiveConfig:
        return _build(
            cls,
            data,
            execution_config=EffectiveValue.from_api(data["executionConfig"]),
            spark_config=EffectiveValue.from_api(data["sparkConfig"]),
            cluster=EffectiveValue.from_api(data["cluster"]),
            docker_host=EffectiveValue.from_api(data["dockerHost"]) if "dockerHost" in data else None,
        )


@dataclasses.dataclass
class ClusterDashboard:
    """One cluster's figures on the dashboard; the nested tables stay as the API sends them."""

    id: int
    name: str
    synced: bool
    stale: bool
    stale_since: str | None
    error: str | None
    prometheus: bool
    total_pods: int
    running_pods: int
    pending_pods: int
    failed_last_hour: int
    pending: list[dict[str, Any]]
    failed: list[dict[str, Any]]
    breakdown: dict[str, list[dict[str, Any]]]
    gpu: dict[str, Any]
    quotas: list[dict[str, Any]]
    generated_at: str
    #: Every ResourceQuota of the cluster: ``quotas`` holds the most pressed (all with ``dashboard(all_quotas=True)``).
    quota_count: int | None = None
    #: Quotas at 90 % or more of a limit, among all of them.
    quota_warnings: int | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> ClusterDashboard:
        return _build(cls, data)


@dataclasses.dataclass
class Dashboard:
    """``GET /api/v1/dashboard``: every cluster and Docker host the caller may read."""

    clusters: list[ClusterDashboard]
    generated_at: str
    #: Each Docker host's running containers by project and user with their CPU and memory limits, as sent.
    docker_hosts: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Dashboard:
        return _build(cls, data, clusters=[ClusterDashboard.from_api(cluster) for cluster in data.get("clusters", [])])


@dataclasses.dataclass
class User:
    """The caller, as ``GET /api/v1/me`` answers."""

    id: int
    username: str
    role: str
    groups: list[str]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> User:
        return _build(cls, data)

