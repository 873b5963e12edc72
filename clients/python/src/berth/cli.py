"""The ``berth`` command line.

Exit codes: 0 the run succeeded (or the command did what it was asked), 1 the run failed, 2 usage
or local configuration error, 3 the run ended otherwise (aborted, lost), 4 Berth refused the
request or could not be reached.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from .client import Berth
from .config import URL_VARIABLE, config_path, load_config, save_config
from .errors import BerthError, ConfigError
from .models import Run, RunStatus

EXIT_SUCCEEDED = 0
EXIT_RUN_FAILED = 1
EXIT_USAGE = 2
EXIT_RUN_ENDED_OTHERWISE = 3
EXIT_API_ERROR = 4

SIM_ANNOTATION_PREFIX = "sim.berth.dev/"


def exit_code_of(status: RunStatus) -> int:
    """The exit code a finished run's status maps to (0 for one still going)."""
    if status is RunStatus.FAILED:
        return EXIT_RUN_FAILED
    if status in (RunStatus.ABORTED, RunStatus.LOST):
        return EXIT_RUN_ENDED_OTHERWISE
    return EXIT_SUCCEEDED


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _pairs(values: Sequence[str] | None, option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values or []:
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise _UsageError(f"{option} takes NAME=VALUE, not {item!r}")
        pairs[name] = value
    return pairs


class _UsageError(Exception):
    pass


def _outcome(run: Run) -> str:
    words = f"Run {run.id} {run.status}"
    if run.exit_code is not None and run.status is not RunStatus.SUCCEEDED:
        words += f" (exit code {run.exit_code})"
    return f"{words}: {run.reason}" if run.reason else words


def _follow(run: Run) -> int:
    """Prints the log as it is written, then waits for the final status and maps it to an exit code."""
    for line in run.logs(follow=True):
        print(line, flush=True)
    run.wait()
    _say(_outcome(run))
    return exit_code_of(run.status)


def cmd_login(args: argparse.Namespace) -> int:
    saved = {}
    try:
        saved = load_config()
    except ConfigError as error:
        _say(f"Ignoring the saved config: {error}")
    url = args.url or os.environ.get(URL_VARIABLE) or saved.get("url")
    if not url and sys.stdin.isatty():
        url = input("Berth URL (e.g. https://berth.example.com): ").strip()
    if not url:
        raise _UsageError("A Berth URL is needed: berth login --url URL (or set BERTH_URL)")
    if args.token_stdin or not sys.stdin.isatty():
        token = sys.stdin.readline().strip()
    else:
        token = getpass.getpass("API token (create one on your account page in Berth): ").strip()
    if not token:
        raise _UsageError("No token given")
    # Checked before saving, so a mistyped token is not kept.
    user = Berth(url, token).whoami()
    path = save_config(url.rstrip("/"), token)
    _say(f"Signed in to {url.rstrip('/')} as {user.username}; token saved in {path} (mode 0600)")
    return EXIT_SUCCEEDED


def cmd_whoami(args: argparse.Namespace) -> int:
    berth = Berth()
    user = berth.whoami()
    if args.json:
        print(json.dumps({"url": berth.url, "id": user.id, "username": user.username, "role": user.role, "groups": user.groups}))
    else:
        groups = ", ".join(user.groups) or "none"
        print(f"{user.username} ({user.role}) on {berth.url}; groups: {groups}")
    return EXIT_SUCCEEDED


def cmd_run_submit(args: argparse.Namespace) -> int:
    if args.script == "-":
        script = sys.stdin.read()
    else:
        try:
            script = Path(args.script).read_text(encoding="utf-8")
        except OSError as error:
            raise _UsageError(f"Cannot read {args.script}: {error.strerror}") from None
    annotations = {SIM_ANNOTATION_PREFIX + name: value for name, value in _pairs(args.sim, "--sim").items()}
    run = Berth().runs.submit(
        args.project,
        args.activity,
        script=script,
        object=args.object,
        name=args.name or (None if args.script == "-" else Path(args.script).name),
        env=_pairs(args.env, "--env") or None,
        execution_config=args.execution_config,
        cluster=args.cluster,
        annotations=annotations or None,
    )
    # The id alone on stdout, so scripts can capture it; the rest is for people.
    print(run.id, flush=True)
    _say(f"Submitted run {run.id} ({run.status}) in project {run.project} on cluster {run.cluster}")
    if run.status.finished:
        _say(_outcome(run))
        return exit_code_of(run.status)
    if args.follow:
        return _follow(run)
    _say(f"Follow it with: berth run logs {run.id} -f")
    return EXIT_SUCCEEDED


def cmd_run_logs(args: argparse.Namespace) -> int:
    berth = Berth()
    if args.follow:
        return _follow(berth.runs.get(args.id))
    for line in berth.runs.logs(args.id):
        print(line, flush=True)
    return EXIT_SUCCEEDED


def cmd_run_ls(args: argparse.Namespace) -> int:
    runs = Berth().runs.list(project=args.project, status=args.status, user=args.user, activity=args.activity, limit=args.limit)
    if args.json:
        print(json.dumps([{"id": r.id, "status": str(r.status), "project": r.project, "activity": r.activity, "name": r.name, "user": r.user, "createdAt": r.created_at} for r in runs]))
        return EXIT_SUCCEEDED
    rows = [("ID", "STATUS", "PROJECT", "ACTIVITY", "USER", "CREATED", "NAME")]
    rows += [(r.id, str(r.status), r.project, r.activity, r.user, r.created_at[:19].replace("T", " "), r.name) for r in runs]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    return EXIT_SUCCEEDED


def cmd_run_abort(args: argparse.Namespace) -> int:
    run = Berth().runs.abort(args.id)
    _say(_outcome(run))
    return EXIT_SUCCEEDED


def parser() -> argparse.ArgumentParser:
    """The command line's grammar."""
    top = argparse.ArgumentParser(
        prog="berth",
        description="Submit and follow runs on Berth. The API token comes from BERTH_TOKEN, else from `berth login`'s config file; the URL from BERTH_URL, else that file.",
        epilog="Exit codes: 0 succeeded, 1 run failed, 2 usage or configuration error, 3 run aborted or lost, 4 Berth refused the request or was unreachable.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    login = commands.add_parser("login", help="save Berth's URL and your API token", description=f"Checks the token, then saves it with the URL in {config_path()} (mode 0600).")
    login.add_argument("--url", help="Berth's URL (default: BERTH_URL, else the saved one, else asked)")
    login.add_argument("--token-stdin", action="store_true", help="read the token from standard input instead of prompting")
    login.set_defaults(handler=cmd_login)

    whoami = commands.add_parser("whoami", help="who the token belongs to")
    whoami.add_argument("--json", action="store_true", help="print JSON")
    whoami.set_defaults(handler=cmd_whoami)

    run = commands.add_parser("run", help="submit, list, follow and abort runs").add_subparsers(dest="run_command", required=True, metavar="RUN_COMMAND")

    submit = run.add_parser("submit", help="submit a script as a run of a project's activity", description="Prints the run's id; with --follow, its log until it ends, and exits with its outcome.")
    submit.add_argument("script", help="the script file (- for standard input)")
    submit.add_argument("--project", required=True, help="project key")
    submit.add_argument("--activity", required=True, help="activity type, e.g. python-recipe, r-recipe, python-notebook, ml-train")
    submit.add_argument("--object", help="the recipe or notebook the run is of (its override applies)")
    submit.add_argument("--name", help="shown in lists (default: the script's file name)")
    submit.add_argument("--env", action="append", metavar="NAME=VALUE", help="environment variable (repeatable)")
    submit.add_argument("--execution-config", help="an execution config you may use, instead of the project's")
    submit.add_argument("--cluster", help="a cluster you may use, instead of the project's")
    submit.add_argument("--sim", action="append", metavar="NAME=VALUE", help="simulated pod behaviour on Berth's embedded cluster, e.g. duration=20s, exit-code=1 (repeatable)")
    submit.add_argument("-f", "--follow", action="store_true", help="print the log as it is written and exit with the run's outcome")
    submit.set_defaults(handler=cmd_run_submit)

    logs = run.add_parser("logs", help="print a run's log")
    logs.add_argument("id", help="run id")
    logs.add_argument("-f", "--follow", action="store_true", help="follow until the run ends and exit with its outcome")
    logs.set_defaults(handler=cmd_run_logs)

    ls = run.add_parser("ls", help="list runs you may see, newest first")
    ls.add_argument("--project", help="project key")
    ls.add_argument("--status", choices=[status.value for status in RunStatus])
    ls.add_argument("--user", help="username")
    ls.add_argument("--activity", help="activity type")
    ls.add_argument("--limit", type=int, help="at most this many (default 100)")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(handler=cmd_run_ls)

    abort = run.add_parser("abort", help="abort a run")
    abort.add_argument("id", help="run id")
    abort.set_defaults(handler=cmd_run_abort)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command and returns its exit code."""
    args = parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except _UsageError as error:
        _say(f"berth: {error}")
        return EXIT_USAGE
    except ConfigError as error:
        _say(f"berth: {error}")
        return EXIT_USAGE
    except BerthError as error:
        status = f" ({error.status})" if error.status else ""
        _say(f"berth: Berth refused the request{status}: {error}" if error.status else f"berth: {error}")
        return EXIT_API_ERROR
    except KeyboardInterrupt:
        return 130
