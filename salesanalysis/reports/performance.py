"""Results of the monthly review by rep, industry or team: deals won and lost, win rate and
revenue won in the month, and the win rate over the trailing three months.

Closed deals come from ``store/sql/review_closed.sql``; the rows every breakdown lists even
without deals (selling reps, industries of the customers, teams) from ``report_sellers.sql``,
``report_industries.sql`` and ``report_teams.sql``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.formatting import format_count, format_money, format_percent_value
from salesanalysis.reports.attachments import rest_of_list
from salesanalysis.reports.frame import Html
from salesanalysis.reports.messages import msg, noun
from salesanalysis.reports.review import shift_month
from salesanalysis.reports.tables import header_text, style_frame
from salesanalysis.store import Store
from salesanalysis.store.cache import cached_result
from salesanalysis.store.scope import UNKNOWN, check_team, month_bounds, parse_month
from salesanalysis.vocab import CLOSED_OUTCOMES

WON, LOST = CLOSED_OUTCOMES

#: Breakdowns of :func:`performance_by`: by -> key columns (the first is the sort key).
PERFORMANCE_KEYS: dict[str, tuple[str, ...]] = {
    "rep": ("rep_id", "rep_name", "team"),
    "industry": ("industry",),
    "team": ("team",),
}

#: The query listing every key of a breakdown, deals or not.
_UNIVERSE_SQL = {"rep": "report_sellers", "industry": "report_industries", "team": "report_teams"}

#: Plain-words headers of :func:`format_performance`.
TITLES: dict[str, str] = {
    "rep_id": "Rep ID", "rep_name": "Rep", "team": "Team", "industry": "Industry",
    "won": "Won", "lost": "Lost", "win_rate": "Win rate", "revenue_won": "Revenue won",
    "won_3m": "Won (3 months)", "lost_3m": "Lost (3 months)",
    "win_rate_3m": "Win rate (3 months)",
}  # fmt: skip


def _win_rate(won: pd.Series, lost: pd.Series) -> pd.Series:
    closed = won + lost
    return (won / closed.where(closed > 0)).astype(float)


@cached_result("performance_by")
def performance_by(
    store: Store | str, month: str, by: str = "rep", team: str | None = None
) -> pd.DataFrame:
    """Deals closed in ``month`` by rep, industry or team, with a trailing 3-month win rate.

    Parameters
    ----------
    store : Store or str
        The store.
    month : str
        ``YYYY-MM``.
    by : {"rep", "industry", "team"}
        The breakdown. Deals count for the opportunity's rep (else the customer's owner).
    team : str, optional
        Restrict to customers owned by reps of this team.

    Returns
    -------
    pandas.DataFrame
        Key columns (``rep_id, rep_name, team`` / ``industry`` / ``team``), then ``won``,
        ``lost``, ``win_rate`` (NaN without closed deals), ``revenue_won``, ``won_3m``,
        ``lost_3m``, ``win_rate_3m`` (the month and the two before it). Every selling rep (or
        industry of the customers, or team) is listed, with zeros when it closed nothing;
        sorted by ``revenue_won`` descending, then the key.

    Raises
    ------
    ParameterError
        ``by`` not one of rep, industry, team; bad month; unknown team.
    """
    if by not in PERFORMANCE_KEYS:
        raise ParameterError(
            f"performance_by: by={by!r} is not a breakdown; use one of {', '.join(PERFORMANCE_KEYS)}"
        )
    month = str(parse_month(month))
    team = check_team(store, team)
    keys = list(PERFORMANCE_KEYS[by])
    first3, _ = month_bounds(shift_month(month, -2))
    first, last = month_bounds(month)
    deals = store.read("review_closed", {"team": team, "first": first3, "last": last})
    deals[keys] = deals[keys].astype(object).fillna(UNKNOWN)
    closed_day = pd.to_datetime(deals["closed_date"])
    in_month = (closed_day >= pd.Timestamp(first)).to_numpy()
    won = (deals["outcome"] == WON).to_numpy()
    lost = (deals["outcome"] == LOST).to_numpy()
    deals = deals.assign(
        won=(won & in_month).astype("int64"),
        lost=(lost & in_month).astype("int64"),
        revenue_won=np.where(won & in_month, deals["amount"].to_numpy(dtype=float), 0.0),
        won_3m=won.astype("int64"),
        lost_3m=lost.astype("int64"),
    )
    measures = ["won", "lost", "revenue_won", "won_3m", "lost_3m"]
    summary = deals.groupby(keys, dropna=False)[measures].sum().reset_index()
    universe = store.read(_UNIVERSE_SQL[by], {"team": team})
    universe[keys] = universe[keys].astype(object).fillna(UNKNOWN)
    frame = universe.merge(summary, on=keys, how="outer")
    if by == "rep":  # a deal's rep may be missing from reps: keep it, name unknown
        frame = frame.groupby("rep_id", as_index=False).agg(
            {"rep_name": "first", "team": "first", **dict.fromkeys(measures, "sum")}
        )
    frame[measures] = frame[measures].fillna(0)
    for column in ("won", "lost", "won_3m", "lost_3m"):
        frame[column] = frame[column].astype("int64")
    frame["revenue_won"] = frame["revenue_won"].astype(float)
    frame["win_rate"] = _win_rate(frame["won"], frame["lost"])
    frame["win_rate_3m"] = _win_rate(frame["won_3m"], frame["lost_3m"])
    columns = [*keys, "won", "lost", "win_rate", "revenue_won", "won_3m", "lost_3m", "win_rate_3m"]
    frame = frame[columns].sort_values(
        ["revenue_won", keys[0]], ascending=[False, True], kind="mergesort"
    )
    frame = frame.reset_index(drop=True)
    frame.attrs.update(month=month, team=team, by=by)
    return frame


def format_performance(
    frame: pd.DataFrame, columns: Sequence[str] | None = None, lang: str = "en"
) -> pd.DataFrame:
    """A performance table of :func:`performance_by` as display strings with plain-word headers.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`performance_by`.
    columns : sequence of str, optional
        The columns to show, in order (default all).
    lang : {"en", "zh"}
        Language of the numbers.

    Returns
    -------
    pandas.DataFrame
        Headers of :data:`TITLES`; win rates as ``45%`` (``n/a`` without closed deals),
        revenue as ``1.2M``.
    """
    use = list(columns or frame.columns)
    out = frame[use].copy()
    for column in use:
        if column in ("win_rate", "win_rate_3m"):
            out[column] = format_percent_value(frame[column].to_numpy(), lang)
        elif column == "revenue_won":
            out[column] = format_money(frame[column].to_numpy(), lang)
    return out.rename(columns=TITLES).reset_index(drop=True)


#: Rows of a performance table shown in the page (the whole table is a CSV beside it).
PERFORMANCE_ROWS = 25


def performance_table(frame: pd.DataFrame, by: str = "rep", lang: str = "en",
                      n: int = PERFORMANCE_ROWS) -> Html:
    """A :func:`performance_by` table as the page shows it: every row when there are at
    most ``n``, else "Top 25 of 3,429 reps, by revenue won" and the whole table as a CSV
    beside the report.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`performance_by` (sorted by revenue won).
    by : {"rep", "industry", "team"}
        The breakdown (names the rows).
    lang : {"en", "zh"}
        Language.
    n : int
        Rows shown in the page.

    Returns
    -------
    Html
    """
    shown = format_performance(frame, lang=lang)
    table = style_frame(shown.head(n), lang=lang).to_html()
    total = len(shown)
    if total <= n:
        return Html(table)
    count, noun_text = format_count(total, lang), noun(by, total, lang)
    top = msg("lists.top", lang, n=format_count(n, lang), total=count, noun=noun_text,
              order=msg("order.revenue_won", lang))
    more = msg("lists.download", lang, total=count, noun=noun_text)
    summary = msg("lists.show_all", lang, total=count, noun=noun_text)
    # the CSV keeps the numbers (Excel sorts and sums them) under the page's headers
    whole = frame.rename(columns={c: header_text(TITLES.get(c, c), lang) for c in frame.columns})
    return Html(f'<p class="sa-note">{html.escape(top)}</p>' + table + rest_of_list(
        whole, by, lambda: style_frame(shown, lang=lang).to_html(), summary, more))
