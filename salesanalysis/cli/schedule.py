"""``salesanalysis schedule``: ``run`` the due reports, ``status`` per definition, ``cron``
(the crontab line to install) and ``clean`` (retention of failed runs' leftovers).

``schedule run`` exits 0 when everything due was rendered (or nothing was due), 1 when a
report failed after its retries (the notice was sent), and 0 with a line saying so when
another schedule run holds the lock. The runner (Papermill) is imported when ``run`` runs.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from salesanalysis.cli.app import app, echo, state
from salesanalysis.schedule.clean import clean_reports
from salesanalysis.schedule.config import Schedule, load_schedule
from salesanalysis.schedule.due import DONE, NO_DATA, WAITING, parse_now
from salesanalysis.schedule.history import schedule_status, status_lines
from salesanalysis.store import using_store

schedule_app = typer.Typer(help="Render due reports on a schedule: run, status, cron, clean.",
                           no_args_is_help=True)
app.add_typer(schedule_app, name="schedule")

ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="Schedule YAML (default the shipped schedule.yaml).")]
NowOption = Annotated[str | None, typer.Option(
    "--now", metavar="DATETIME",
    help="Run as if it were this moment (ISO date or date-time; default the clock).")]
ReportsOption = Annotated[Path, typer.Option(help="Where report folders are written.")]


def _load(config: Path | None) -> Schedule:
    return load_schedule(config)


def _now(schedule: Schedule, text: str | None):
    zone = schedule.settings.time_zone if schedule.settings else "UTC"
    return parse_now(text, ZoneInfo(zone or "UTC"))


@schedule_app.command("run")
def run(
    now: NowOption = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Render due periods again even when already rendered.")] = False,
    config: ConfigOption = None,
    reports_dir: ReportsOption = Path("reports"),
    notebooks_dir: Annotated[Path | None, typer.Option(help="Folder of report notebooks.")] = None,
) -> None:
    """Render every report due now: missed periods caught up, done ones skipped."""
    # deferred: the runner loads nbformat and the report machinery
    from salesanalysis.schedule.runner import ScheduleBusy, run_schedule

    schedule = _load(config)
    moment = _now(schedule, now)
    try:
        result = run_schedule(schedule, state.db, moment, reports_dir=reports_dir,
                              notebooks_dir=notebooks_dir, force=force, echo=echo)
    except ScheduleBusy as exc:
        echo(str(exc))
        raise typer.Exit(0) from None
    states = [c.state for c in result.candidates]
    rendered = len(result.outcomes) - len(result.failures)
    echo(f"schedule at {moment:%Y-%m-%d %H:%M %Z}: {rendered} rendered, "
         f"{len(result.failures)} failed, {states.count(DONE)} already done, "
         f"{states.count(WAITING)} waiting for data"
         + (f", {states.count(NO_DATA)} before the data" if states.count(NO_DATA) else ""))
    for outcome in result.failures:
        echo(f"failed: {outcome.candidate.definition} {outcome.candidate.period} after "
             f"{outcome.attempts} attempts (run {outcome.run_id}): {outcome.error}")
    for line in result.notices:
        echo(line)
    waiting = sorted({c.period for c in result.candidates if c.state == WAITING})
    if waiting:
        echo(f"waiting for data: {', '.join(waiting)}")
    if result.index is not None:
        echo(str(result.index))
    if result.failures:
        sys.exit(1)  # cron mails the output; typer.Exit would be swallowed by main


@schedule_app.command("status")
def status(now: NowOption = None, config: ConfigOption = None,
           reports_dir: ReportsOption = Path("reports")) -> None:
    """Show each definition's last success, last failure and what is due next."""
    schedule = _load(config)
    with using_store(state.db, read_only=True) as store:
        table = schedule_status(schedule, store, reports_dir, _now(schedule, now))
    for line in status_lines(table):
        echo(line)


@schedule_app.command("cron")
def cron(
    config: ConfigOption = None,
    reports_dir: ReportsOption = Path("reports"),
    minute: Annotated[int, typer.Option(min=0, max=59,
                                        help="Minute of every hour the schedule runs.")] = 7,
    log: Annotated[Path | None, typer.Option(
        help="Log file (default reports/schedule.log).")] = None,
    notebooks_dir: Annotated[Path | None, typer.Option(help="Folder of report notebooks.")] = None,
) -> None:
    """Print the crontab line that runs the schedule every hour (install with crontab -e)."""
    if config is not None:
        _load(config)  # a bad file is an error now, not at 3 a.m.
    exe = Path(sys.executable).with_name("salesanalysis")
    program = [str(exe)] if exe.exists() else [sys.executable, "-m", "salesanalysis"]
    reports = reports_dir.resolve()
    argv = [*program, "--db", str(Path(state.db).resolve()), "schedule", "run",
            "--reports-dir", str(reports)]
    if config is not None:
        argv += ["--config", str(config.resolve())]
    if notebooks_dir is not None:
        argv += ["--notebooks-dir", str(notebooks_dir.resolve())]
    logfile = (log or reports / "schedule.log").resolve()
    echo(f"{minute} * * * * cd {shlex.quote(str(Path.cwd()))} && "
         f"{shlex.join(argv)} >> {shlex.quote(str(logfile))} 2>&1")


@schedule_app.command("clean")
def clean(
    now: NowOption = None,
    config: ConfigOption = None,
    reports_dir: ReportsOption = Path("reports"),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would go.")] = False,
) -> None:
    """Remove failed run notebooks and logs older than the retention; keep every good report."""
    schedule = _load(config)
    cleaned = clean_reports(schedule, reports_dir, _now(schedule, now), dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    for path in cleaned.removed:
        echo(f"{verb} {path}")
    echo(f"{verb} {len(cleaned.removed)} file(s) ({cleaned.freed_bytes / 1024:.0f} KiB); "
         f"kept {cleaned.kept} younger than the retention and every good report")
