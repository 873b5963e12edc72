"""Python client of Berth's REST API: ``Berth(url, token).runs.submit(project, activity, script=...)``."""

from .client import Berth, Projects, Runs
from .config import config_path, load_config, save_config
from .errors import AuthenticationError, BerthError, ConfigError, Conflict, NotFound, PermissionDenied, ValidationError
from .models import ClusterDashboard, Dashboard, EffectiveChoice, EffectiveConfig, EffectiveValue, Run, RunResolution, RunStatus, TimelineEntry, User

__all__ = [
    "AuthenticationError",
    "Berth",
    "BerthError",
    "ClusterDashboard",
    "ConfigError",
    "Conflict",
    "Dashboard",
    "EffectiveChoice",
    "EffectiveConfig",
    "EffectiveValue",
    "NotFound",
    "PermissionDenied",
    "Projects",
    "Run",
    "RunResolution",
    "RunStatus",
    "Runs",
    "TimelineEntry",
    "User",
    "ValidationError",
    "config_path",
    "load_config",
    "save_config",
]
