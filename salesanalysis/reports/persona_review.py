"""The persona part of the reports: profiles, the k curve, stability, the persona matrix
heatmaps, movement since last month and each persona's customers, in en and zh.

The persona notebook and the monthly review call these on a
:class:`~salesanalysis.personas.run.PersonaResult` (:func:`persona_result` makes one without
writing to the store: a model stored by ``salesanalysis personas`` for the same settings and
data is loaded, not refitted). Tables go through :func:`~salesanalysis.reports.tables.style_frame`
(every cell HTML-escaped), numbers through :mod:`salesanalysis.formatting`, words through the
message catalogue (``messages/personas.yaml``); heatmaps use the shipped CJK font, so Chinese
persona names and industries stay readable.
"""

from __future__ import annotations

import dataclasses
import html
import textwrap
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from salesanalysis.exceptions import ReportError
from salesanalysis.features.mode import analysis_mode
from salesanalysis.formatting import (
    format_count,
    format_date,
    format_money,
    format_number,
    format_percent_value,
)
from salesanalysis.personas import PersonaResult, assign_at, discover_personas
from salesanalysis.personas.profiles import persona_matrix, persona_movement, persona_profiles
from salesanalysis.personas.run import load_configs
from salesanalysis.reports.charts import annotated_heatmap, figure, styled
from salesanalysis.reports.frame import Html, section
from salesanalysis.reports.messages import msg
from salesanalysis.reports.tables import style_frame
from salesanalysis.store import Store, using_store
from salesanalysis.store.cache import cached
from salesanalysis.store.models import data_fingerprint
from salesanalysis.vocab import GRADES

#: Most columns of the persona x industry heatmap (the rest pooled as "other").
MAX_INDUSTRIES = 12


def persona_result(store: Store | str | Path, as_of: date | str | None = None,
                   config: str | Path | None = None, k: str | int | None = None,
                   feature_groups: list[str] | None = None,
                   k_range: tuple[int, int] | None = None) -> PersonaResult:
    """The personas as of ``as_of`` without writing to the store (a report reads only);
    kept in the store's cache (:func:`~salesanalysis.store.cache.cached`) for the same data,
    settings and code, so a re-render does not tag and cluster again.

    Its ``evidence`` and ``concerns`` hold one row per customer and tag (``customer_id, tag,
    tag_group``: what the reports count); every piece of evidence, with its record and
    matched words, is in :func:`~salesanalysis.personas.discover_personas` and the store's
    ``tags`` table. At a million customers that is a tenth of the rows to keep and load."""
    lo, hi = k_range if k_range is not None else (None, None)
    settings = load_configs(config, k=k, feature_groups=feature_groups, k_min=lo, k_max=hi)
    params = {"as_of": as_of, "config": settings.hash()}
    with using_store(store, read_only=True) as st:
        return cached(st, "personas", params, lambda: _for_reports(discover_personas(
            st, as_of=as_of, config=config, k=k, feature_groups=feature_groups,
            k_range=k_range, write=False)))


def _for_reports(result: PersonaResult) -> PersonaResult:
    """``result`` with its evidence and concerns reduced to one row per customer and tag."""
    def pairs(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[["customer_id", "tag", "tag_group"]].drop_duplicates(
            ["customer_id", "tag"], ignore_index=True)
    return dataclasses.replace(result, evidence=pairs(result.evidence),
                               concerns=pairs(result.concerns))


def _name(result: PersonaResult, lang: str) -> pd.Series:
    col = "name_zh" if lang == "zh" else "name_en"
    return result.names.set_index("persona_id")[col]


def _p(text: str, cls: str = "sa-note") -> str:
    return f'<p class="{cls}">{html.escape(text)}</p>'


def profiles_table(result: PersonaResult, lang: str = "en") -> Html:
    """One row per persona: name, size, stability, outcomes, top tags, ranked core concerns."""
    prof = persona_profiles(result.assignments, result.features, result.model.stability_,
                            result.names, result.evidence, result.concerns, result.labels, lang)
    shown = pd.DataFrame({
        "persona_id": prof["persona_id"].astype(str),
        "name": prof["name_zh" if lang == "zh" else "name_en"],
        "size": format_count(prof["size"], lang),
        "share": format_percent_value(prof["share"], lang),
        "jaccard": format_number(prof["jaccard"], lang, decimals=2),
        "verdict": [msg(f"personas.verdicts.{v}", lang) for v in prof["verdict"]],
        "win_rate": format_percent_value(prof["win_rate"], lang),
        "n_closed": format_count(prof["n_closed"], lang),
        "avg_deal": format_money(prof["avg_deal"], lang),
        "cycle_days": format_number(prof["cycle_days"], lang, decimals=0),
        "top_tags": prof["top_tags"], "concerns": prof["concerns"],
    })
    headers = [msg(f"personas.columns.{c}", lang) for c in shown.columns]
    return Html(section("personas.profiles", lang, level=3)
                + style_frame(shown, headers, lang).to_html())


def groups_note(result: PersonaResult, lang: str = "en") -> Html:
    """Which feature groups were used, and which were missing and why (said, not hidden)."""
    lines = [msg("personas.groups.used", lang, groups=", ".join(result.inputs.used_groups()))]
    lines += [msg("personas.groups.missing", lang, group=g,
                  reason=msg(f"personas.groups.reasons.{g}", lang))
              for g in result.inputs.missing]
    return Html("".join(_p(line) for line in lines))


def plot_k_curve(result: PersonaResult, lang: str = "en") -> Figure:
    """The silhouette of every k tried, the chosen k marked."""
    curve, k = result.model.k_curve_, result.model.n_clusters_
    with styled():
        fig = figure(6, 3.2)
        ax = fig.subplots()
        ax.plot(curve["k"], curve["silhouette"], marker="o")
        best = curve[curve["k"] == k]
        ax.plot(best["k"], best["silhouette"], marker="o", markersize=12, fillstyle="none",
                color="black")
        key = "fixed" if result.model.k != "auto" else "chosen"
        ax.set_title(msg(f"personas.curve.{key}", lang, k=k))
        ax.set_xlabel(msg("personas.curve.axis_k", lang))
        ax.set_ylabel(msg("personas.curve.axis_score", lang))
        ax.set_xticks(curve["k"].tolist())
    return fig


def stability_text(result: PersonaResult, lang: str = "en") -> Html:
    """Bootstrap ARI of the whole partition and a warning for every doubtful persona."""
    m = result.model
    out = str(section("personas.stability", lang, level=3))
    if not m.n_bootstrap or np.isnan(m.ari_):
        return Html(out + _p(msg("personas.stability.none", lang), "sa-verdict"))
    out += _p(msg("personas.stability.summary", lang, k=m.n_clusters_,
                  ari=format_number(m.ari_, lang, decimals=2),
                  sd=format_number(m.ari_sd_, lang, decimals=2),
                  n=format_count(m.n_bootstrap, lang)), "sa-verdict")
    names = _name(result, lang)
    for row in m.stability_.itertuples():  # one line per doubtful persona
        if row.verdict in ("unstable", "tiny"):
            out += _p(msg("personas.stability.warn", lang, id=row.persona_id,
                          name=names.get(row.persona_id, ""),
                          verdict=msg(f"personas.verdicts.{row.verdict}", lang)))
    return Html(out)


def _grades(store: Store, day: date) -> pd.Series:
    grades = store.read("persona_grades", [day])
    return grades.set_index("customer_id")["grade"]


def matrix(store: Store | str | Path, result: PersonaResult, by: str,
           grades: pd.DataFrame | None = None) -> pd.DataFrame:
    """Persona x ``by`` (``"grade"`` or ``"industry"``) in long form with counts and win rates
    (:func:`~salesanalysis.personas.profiles.persona_matrix`); grades are ``grades``
    (``customer_id, grade``) when given, else the latest stored on or before ``as_of``;
    industries beyond the :data:`MAX_INDUSTRIES` largest are pooled under ``"other"``."""
    with using_store(store, read_only=True) as st:
        if by == "grade" and grades is not None:
            values = grades.set_index("customer_id")["grade"]
        elif by == "grade":
            values = _grades(st, result.as_of)
        elif by == "industry":
            values = result.features.set_index("customer_id")["industry"]
            top = values.value_counts().index[:MAX_INDUSTRIES]
            values = values.where(values.isin(top) | values.isna(), "\x00other")
        else:
            raise ReportError(f"persona matrix by {by!r}: use grade or industry")
    return persona_matrix(result.assignments, values, result.features)


def plot_matrix(long: pd.DataFrame, result: PersonaResult, by: str, lang: str = "en") -> Figure:
    """Heatmap of customers per persona (rows, by name) and grade or industry (columns); each
    cell writes its customers and, with closed deals, the win rate and their number."""
    names = _name(result, lang)
    long = long.assign(value=long["value"].replace({
        "\x00other": msg("personas.matrix.other", lang), "?": msg("personas.matrix.unknown", lang)}))
    counts = long.pivot(index="persona_id", columns="value", values="customers").fillna(0)
    if by == "grade":
        counts = counts.reindex(columns=[g for g in GRADES if g in counts.columns]
                                + [c for c in counts.columns if c not in GRADES])
    cells = long.set_index(["persona_id", "value"])
    text = np.full(counts.shape, "", dtype=object)
    for i, pid in enumerate(counts.index):  # a persona-by-value grid, at most ~8 x 13 cells
        for j, value in enumerate(counts.columns):
            if (pid, value) not in cells.index:
                continue
            c = cells.loc[(pid, value)]
            n = format_count(int(c["customers"]), lang)
            text[i, j] = n if not c["closed"] else msg(
                "personas.matrix.cell", lang, n=n, rate=format_percent_value(c["win_rate"], lang),
                closed=format_count(int(c["closed"]), lang))
    width = 16 if lang == "zh" else 30  # characters per line of a persona's name
    labels = [textwrap.fill(f"{pid} {names.get(pid, '')}", width) for pid in counts.index]
    with styled():
        fig = figure(min(18, 4.5 + 1.1 * max(3, counts.shape[1])), 1.4 + 0.8 * counts.shape[0])
        ax = fig.subplots()
        annotated_heatmap(ax, counts, text)
        ax.set_yticklabels(labels, rotation=0)
        names = [str(c) for c in counts.columns]
        slant = max(map(len, names), default=0) > 3  # industries slant; grades stand upright
        ax.set_xticklabels(names, rotation=30 if slant else 0, ha="right" if slant else "center")
        ax.set_ylabel(msg("personas.matrix.axis_persona", lang))
        ax.set_xlabel(msg(f"personas.matrix.{by}_axis", lang))
        ax.set_title(msg(f"personas.matrix.{by}", lang))
    return fig


def movement(store: Store | str | Path, result: PersonaResult, previous_as_of: date | str,
             config: str | Path | None = None) -> pd.DataFrame:
    """Customers the same model puts in another persona on ``previous_as_of`` than now.

    Returns
    -------
    pandas.DataFrame
        :func:`~salesanalysis.personas.profiles.persona_movement` (``attrs``: flows, compared,
        new); ``attrs["refused"]`` holds the reason when the store has no dates.
    """
    with using_store(store, read_only=True) as st:
        mode = analysis_mode(st)
        if mode.cross_sectional:
            empty = pd.DataFrame(columns=["customer_id", "persona_before", "persona_after"])
            empty.attrs["refused"] = True
            return empty
        params = {"as_of": result.as_of, "config": result.config_hash,
                  "assignments": data_fingerprint(result.assignments[["customer_id",
                                                                      "persona_id"]]),
                  "previous": previous_as_of, "movement_config": load_configs(config).hash()}
        before = cached(st, "persona_movement", params,
                        lambda: assign_at(st, result.model, previous_as_of, config=config))
    moved = persona_movement(before, result.assignments)
    moved.attrs["before"] = pd.Timestamp(previous_as_of).date()
    return moved


def movement_table(moved: pd.DataFrame, result: PersonaResult, lang: str = "en") -> Html:
    """How many customers changed persona, and the flows between personas."""
    out = str(section("personas.movement", lang, level=3))
    if moved.attrs.get("refused"):
        return Html(out + _p(msg("personas.movement.refused", lang)))
    before, after = format_date(moved.attrs["before"], lang), format_date(result.as_of, lang)
    if moved.empty:
        return Html(out + _p(msg("personas.movement.none", lang, before=before, after=after)))
    out += _p(msg("personas.movement.summary", lang, moved=format_count(len(moved), lang),
                  compared=format_count(moved.attrs["compared"], lang), before=before,
                  after=after, new=format_count(moved.attrs["new"], lang)), "sa-verdict")
    names = _name(result, lang)
    flows = moved.attrs["flows"].rename("n").reset_index().sort_values(
        ["n", "persona_before", "persona_after"], ascending=[False, True, True])
    shown = pd.DataFrame({
        "from": [f"{p} {names.get(p, '')}" for p in flows["persona_before"]],
        "to": [f"{p} {names.get(p, '')}" for p in flows["persona_after"]],
        "customers": format_count(flows["n"], lang),
    })
    headers = [msg(f"personas.columns.{c}", lang) for c in shown.columns]
    return Html(out + style_frame(shown, headers, lang).to_html())


def members(result: PersonaResult, persona_id: int, store: Store | str | Path,
            lang: str = "en") -> pd.DataFrame:
    """The customers of one persona (id, name, industry), sorted by customer id."""
    with using_store(store, read_only=True) as st:
        names = st.table("customers").set_index("customer_id")["name"]
    ids = result.assignments.loc[result.assignments["persona_id"] == persona_id, "customer_id"]
    feats = result.features.set_index("customer_id")
    return pd.DataFrame({
        msg("personas.columns.customer", lang): ids.to_numpy(),
        msg("personas.columns.name", lang): names.reindex(ids.to_numpy()).to_numpy(),
        msg("personas.columns.industry", lang): feats["industry"].reindex(ids.to_numpy()).to_numpy(),
    })


def members_parts(result: PersonaResult, store: Store | str | Path, lang: str = "en",
                  shown: int = 10) -> list[Html]:
    """Per persona a heading with its name and size and its first ``shown`` customers."""
    names = _name(result, lang)
    parts: list[Html] = []
    for pid, name in names.items():  # one short list per persona (a handful)
        listed = members(result, pid, store, lang)
        parts.append(Html(f"<h4>{pid} {html.escape(str(name))}: "
                          f"{html.escape(str(format_count(len(listed), lang)))}</h4>"))
        parts.append(Html(style_frame(listed.head(shown), lang=lang).to_html()))
    return parts


def matrix_parts(store: Store | str | Path, result: PersonaResult, lang: str = "en",
                 grades: pd.DataFrame | None = None) -> list[Html | Figure]:
    """The persona matrix section: heading, persona x grade (or why it is missing) and persona
    x industry heatmaps, to display in order; ``grades`` as in :func:`matrix`."""
    parts: list[Html | Figure] = [section("personas.matrix", lang, level=3)]
    by_grade = matrix(store, result, "grade", grades)
    if by_grade["value"].eq("?").all():
        parts.append(Html(_p(msg("personas.matrix.no_grades", lang))))
    else:
        parts.append(plot_matrix(by_grade, result, "grade", lang))
    parts.append(plot_matrix(matrix(store, result, "industry"), result, "industry", lang))
    return parts
