"""The monthly review's execution section: on-time rates by owner and strategy, the overdue
list, objections and the responses that preceded a win, and execution against results.

:func:`execution_review` measures everything as of the month's last day with
:mod:`salesanalysis.playbook.metrics`; :class:`ExecutionReview` renders the tables (headers
and texts from ``messages/execution.yaml``, numbers through :mod:`salesanalysis.formatting`,
every cell HTML-escaped by :func:`salesanalysis.reports.tables.style_frame`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from salesanalysis.formatting import format_count, format_date, format_number, format_percent_value
from salesanalysis.playbook import (
    closed_deals,
    completion_by,
    customer_execution,
    effectiveness_cells,
    execution_frame,
    load_playbook,
    objections_by_type,
    overdue_actions,
    strategy_effectiveness,
    winning_responses,
)
from salesanalysis.reports.attachments import rest_of_list
from salesanalysis.reports.frame import Html, escape_markdown
from salesanalysis.reports.messages import msg
from salesanalysis.reports.review_tables import noun_text
from salesanalysis.reports.tables import style_frame
from salesanalysis.store import Store, using_store
from salesanalysis.store.cache import cached_result
from salesanalysis.store.scope import check_team, month_bounds
from salesanalysis.vocab import label

#: Owners with fewer due actions than this are left out of the on-time spread sentence.
MIN_DUE = 10
#: Overdue actions shown open (the rest in a collapsible list).
OVERDUE_ROWS = 20

_RATES = ("completion_rate", "on_time_rate", "win_share", "win_rate_on_time",
          "win_rate_late_or_not_done", "win_rate_difference")
_COUNTS = ("actions_due", "done", "done_on_time", "overdue", "objections", "with_response",
           "followed_by_win", "times", "of_times", "days_overdue", "customers_on_time",
           "closed_on_time", "customers_late_or_not_done", "closed_late_or_not_done")


def format_execution(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """An execution table as display strings (rates as percentages, counts, dates, statuses
    and objection types by their labels)."""
    out = frame.copy()
    for column in frame.columns:
        series = frame[column]
        if column in _RATES:
            out[column] = pd.Series(format_percent_value(series.to_numpy(dtype=float), lang),
                                    index=series.index)
        elif column in _COUNTS:
            out[column] = format_count(series.astype(float), lang)
        elif column.startswith("cycle_days"):
            out[column] = format_number(series.astype(float), lang, decimals=0)
        elif column == "due_date" and not pd.api.types.is_string_dtype(series):
            out[column] = format_date(pd.to_datetime(series), lang)
        elif column == "status":
            out[column] = series.map(lambda v: label("action_status", v, lang))
        elif column == "objection_type":
            out[column] = series.map(lambda v: msg(f"execution.objection_types.{v}", lang))
    return out


def execution_table(frame: pd.DataFrame, lang: str = "en", n: int | None = None,
                    what: str = "row") -> Html:
    """One execution table (or "Nothing to report." when empty), headers in ``lang``; with
    ``n``, a longer table shows its first ``n`` rows and links the whole as a CSV beside the
    report (``what``: the noun of its rows, e.g. ``"rep"``)."""
    if frame.empty:
        return Html(f'<p class="sa-note">{html.escape(msg("lists.nothing", lang))}</p>')
    headers = [msg(f"execution.headers.{c}", lang) for c in frame.columns]
    shown = format_execution(frame, lang)
    if n is None or len(frame) <= n:
        return Html(style_frame(shown, headers, lang).to_html())
    total, words = format_count(len(frame), lang), noun_text(what, len(frame), lang)
    top = msg("review_lists.top", lang, n=format_count(n, lang), total=total, noun=words)
    whole = frame.set_axis(headers, axis=1)  # numbers stay numbers in the CSV
    more = msg("lists.download", lang, total=total, noun=words)
    summary = msg("lists.show_all", lang, total=total, noun=words)
    return Html(f'<p class="sa-note">{html.escape(top)}</p>'
                + style_frame(shown.head(n), headers, lang).to_html()
                + rest_of_list(whole, what, lambda: style_frame(shown, headers, lang).to_html(),
                               summary, more))


@dataclass
class ExecutionReview:
    """The execution section of one month (see :func:`execution_review`)."""

    as_of: date
    actions: pd.DataFrame
    by_rep: pd.DataFrame
    by_strategy: pd.DataFrame
    overdue: pd.DataFrame
    objections: pd.DataFrame
    responses: pd.DataFrame
    effectiveness: pd.DataFrame
    by_version: pd.DataFrame
    has_personas: bool

    def summary_text(self, lang: str = "en") -> str:
        """Markdown: actions due, done and on time, overdue, and the owners' on-time spread."""
        day = format_date(self.as_of, lang)
        due = int(self.actions["due"].sum())
        if not due:
            return msg("execution.nothing", lang, as_of=day)
        share = (lambda x: format_percent_value(x / due, lang))  # noqa: E731
        text = msg("execution.summary", lang, due=format_count(due, lang), as_of=day,
                   done_share=share(int(self.actions["done"].sum())),
                   on_time_share=share(int(self.actions["on_time"].sum())),
                   overdue=format_count(int(self.actions["overdue"].sum()), lang))
        enough = self.by_rep[self.by_rep["actions_due"] >= MIN_DUE]
        if len(enough) >= 2:
            best, worst = enough.iloc[0], enough.iloc[-1]
            text += " " + msg(
                "execution.spread", lang, n=format_count(len(enough), lang),
                min_due=format_count(MIN_DUE, lang),
                low=format_percent_value(worst["on_time_rate"], lang),
                low_rep=escape_markdown(worst["owner"]),
                high=format_percent_value(best["on_time_rate"], lang),
                high_rep=escape_markdown(best["owner"]))
        return text

    def overdue_table(self, lang: str = "en", n: int = OVERDUE_ROWS) -> Html:
        """The overdue list, the first ``n`` open and the rest in a collapsible section."""
        total = len(self.overdue)
        if total == 0:
            return execution_table(self.overdue, lang)
        shown = self.overdue.drop(columns=["action_id"])
        count = format_count(total, lang)
        if total <= n:
            note = msg("execution.all", lang, total=count)
            return Html(f'<p class="sa-note">{html.escape(note)}</p>'
                        + execution_table(shown, lang))
        note = msg("execution.top", lang, n=format_count(n, lang), total=count)
        headers = [msg(f"execution.headers.{c}", lang) for c in shown.columns]
        whole = format_execution(shown, lang).set_axis(headers, axis=1)
        more = msg("lists.download", lang, total=count,
                   noun=noun_text("overdue_action", total, lang))
        return Html(f'<p class="sa-note">{html.escape(note)}</p>'
                    + execution_table(shown.head(n), lang)
                    + rest_of_list(whole, "overdue_action",
                                   lambda: execution_table(shown, lang), note, more))

    def effectiveness_note(self, lang: str = "en") -> str:
        """The "no personas" note when cells are by grade only (else empty)."""
        return "" if self.has_personas else msg("execution.no_personas", lang)


@cached_result("execution_review")
def execution_review(
    store: Store | str | Path,
    month: str,
    team: str | None = None,
    playbook: str | Path | None = None,
) -> ExecutionReview:
    """Execution of the action plans as of the last day of ``month``.

    Parameters
    ----------
    store : Store or str or Path
        The store.
    month : str
        ``YYYY-MM``.
    team : str, optional
        Only customers owned by reps of this team.
    playbook : str or Path, optional
        The playbook whose ``objection_types`` classify objections (the shipped one when None).

    Returns
    -------
    ExecutionReview
    """
    book = load_playbook(playbook)
    with using_store(store, read_only=True) as st:
        team = check_team(st, team)
        _, last = month_bounds(month)
        actions = execution_frame(st, last, team)
        deals = closed_deals(st)
        cells = effectiveness_cells(st, last)
    per_customer = customer_execution(actions, deals)
    has_personas = bool(cells["persona"].notna().any())
    return ExecutionReview(
        as_of=last, actions=actions, by_rep=completion_by(actions, "rep"),
        by_strategy=completion_by(actions, "strategy"), overdue=overdue_actions(actions),
        objections=objections_by_type(actions, deals, book),
        responses=winning_responses(actions, deals, book),
        effectiveness=strategy_effectiveness(per_customer, cells),
        by_version=strategy_effectiveness(per_customer, None, ("playbook_version",)),
        has_personas=has_personas)


# -- the strategy_plan notebook's views of a plan ----------------------------------------------


def plan_workload(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions due per owner per week (weeks start on Monday): one row per owner, one column
    per week (``YYYY-MM-DD`` of its Monday), and ``total``; busiest owner first."""
    if actions.empty:
        return pd.DataFrame({"owner": [], "total": []})
    due = pd.to_datetime(actions["due_date"])
    week = (due - pd.to_timedelta(due.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d")
    owner = actions["owner"].astype("string").fillna(actions["owner_rep_id"].astype("string"))
    table = pd.crosstab(owner.fillna("n/a"), week)
    table["total"] = table.sum(axis=1)
    table = table.sort_values(["total"], ascending=False, kind="stable")
    table.index.name = "owner"
    table.columns.name = None
    return table.reset_index()


def plan_due(actions: pd.DataFrame, start: date, days: int = 14) -> pd.DataFrame:
    """The plan's actions due within ``days`` days of ``start``, by due date then owner."""
    due = pd.to_datetime(actions["due_date"])
    soon = actions[(due >= pd.Timestamp(start)) & (due < pd.Timestamp(start) + pd.Timedelta(days=days))]
    cols = ["due_date", "owner", "name", "grade", "action"]
    out = soon.sort_values(["due_date", "owner", "customer_id"], kind="stable")[cols]
    return out.rename(columns={"name": "customer"}).reset_index(drop=True)


def workload_table(table: pd.DataFrame, lang: str = "en") -> Html:
    """:func:`plan_workload` as a report table (counts formatted, headers escaped)."""
    if table.empty:
        return execution_table(table, lang)
    shown = table.copy()
    for column in shown.columns[1:]:
        shown[column] = format_count(shown[column].astype(float), lang)
    headers = [msg("execution.headers.owner", lang), *shown.columns[1:-1], "Σ"]
    return Html(style_frame(shown, headers, lang).to_html())
