"""The ``plan`` and ``track`` commands: the playbook turned into an action plan and workbook,
and the filled workbook read back.

``salesanalysis plan [--start DATE] [--out plan.xlsx] [--config FILE]`` plans every graded
customer (grades of the latest ``score`` run), saves the plan (re-planning keeps the history
of done actions) and writes the team's workbook; ``--team``/``--rep`` write only that team's or
person's actions into the workbook. ``salesanalysis track FILE`` applies a filled workbook and
lists conflicts, unknown actions and rejected rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from salesanalysis.cli.app import app, echo, state
from salesanalysis.exceptions import ParameterError
from salesanalysis.formatting import format_count, format_date
from salesanalysis.store import using_store


@app.command()
def plan(
    start: Annotated[str | None, typer.Option("--start", help="YYYY-MM-DD; default the as-of date.")] = None,
    out: Annotated[Path, typer.Option(help="The team's workbook (.xlsx).")] = Path("plan.xlsx"),
    config: Annotated[Path | None, typer.Option(help="Playbook YAML (default: shipped playbook).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default latest date in data.")] = None,
    team: Annotated[str | None, typer.Option(help="Workbook with this team's actions only.")] = None,
    rep: Annotated[str | None, typer.Option(help="Workbook with this rep's (rep_id) actions only.")] = None,
    lang: Annotated[str | None, typer.Option(help="Texts and headers: en or zh (default: the store's).")] = None,
) -> None:
    """Plan the playbook's actions for every graded customer: owners, working-day due dates."""
    # deferred: the playbook loads the calendars and workbook libraries; the other commands
    # (and `report`, which the schedule runs) start without them
    from salesanalysis.playbook import make_plan, plan_rows, save_plan
    from salesanalysis.playbook.workbook import write_plan_workbook
    from salesanalysis.reports.frame import report_language

    if out.suffix.lower() != ".xlsx":
        raise ParameterError(f"--out {out}: the plan workbook is a .xlsx file")
    with using_store(state.db) as store:
        language = report_language(store, lang)
        made = make_plan(store, start=start, config=config, as_of=as_of, lang=language)
        summary = save_plan(store, made)
        rows = plan_rows(store, made)
        reps = store.read("plan_reps")
    if team is not None:
        members = reps.loc[reps["team"] == team, "rep_id"]
        if members.empty:
            raise ParameterError(f"--team {team!r}: no such team; teams: "
                                 + ", ".join(sorted(reps["team"].dropna().unique())))
        rows = rows[rows["owner_rep_id"].isin(members)]
    if rep is not None:
        if rep not in set(reps["rep_id"]):
            raise ParameterError(f"--rep {rep!r}: no such rep_id in reps")
        rows = rows[rows["owner_rep_id"] == rep]
    write_plan_workbook(rows, out, language)
    due = pd.to_datetime(made.actions["due_date"])
    echo(f"planned {format_count(made.record['n_customers'])} customers, "
         f"{format_count(len(made.actions))} actions from {format_date(made.start_date)} "
         f"(as of {format_date(made.as_of)}, playbook {made.playbook.version}, "
         f"due {format_date(due.min())} .. {format_date(due.max())}, {made.calendar.description})")
    echo(str(summary))
    for note in made.notes:
        echo(f"note: {note}")
    echo(f"wrote {out} ({format_count(len(rows))} actions)")


@app.command()
def track(
    file: Annotated[Path, typer.Argument(help="The filled plan workbook (.xlsx).")],
) -> None:
    """Read a filled plan workbook back: apply status, done dates, feedback, objections and
    responses once; report conflicts, unknown actions and rejected rows."""
    from salesanalysis.playbook import track_workbook

    with using_store(state.db) as store:
        result = track_workbook(store, file)
    for line in result.lines():
        echo(line)
