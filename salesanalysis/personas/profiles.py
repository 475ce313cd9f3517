"""Persona profiles, core concerns, the persona matrix and movement between two assignments.

A profile says how big a persona is, how stable (bootstrap Jaccard and verdict), its grade mix,
win rate (won / closed deals), average won deal, cycle time (mean days from creation to a won
close), its top tags with their prevalence and its core concerns ranked by the share of its
customers who raised each one (objections and pain points, ``concerns.yaml``). Outcome figures
describe personas here; they never went into finding them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesanalysis.membership import index_of, isin

#: Columns of :func:`persona_profiles`.
PROFILE_COLUMNS = (
    "persona_id", "name_en", "name_zh", "size", "share", "jaccard", "verdict", "win_rate",
    "n_closed", "avg_deal", "cycle_days", "top_tags", "concerns",
)  # fmt: skip


def _shares(evidence: pd.DataFrame, labels: pd.Series, what: str) -> pd.DataFrame:
    """Share of each persona's customers carrying each tag (or concern)."""
    pairs = evidence[["customer_id", what]].drop_duplicates()
    at = index_of(pairs["customer_id"], labels.index)  # Arrow: map() on str ids is slow
    persona = np.where(at >= 0, labels.to_numpy(dtype=float, na_value=np.nan)[at], np.nan)
    pairs = pairs.assign(persona_id=persona).dropna(subset=["persona_id"])
    counts = pairs.groupby(["persona_id", what]).size().rename("n").reset_index()
    sizes = labels.value_counts()
    counts["share"] = counts["n"] / counts["persona_id"].map(sizes)
    base = pairs.groupby(what)["customer_id"].nunique() / len(labels)
    counts["lift"] = counts["share"] / counts[what].map(base)
    counts["persona_id"] = counts["persona_id"].astype(np.int64)
    return counts.sort_values(["persona_id", "share", what], ascending=[True, False, True],
                              ignore_index=True)


def ranked_concerns(concern_evidence: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Each persona's concerns ranked by the share of its customers who raised them.

    Parameters
    ----------
    concern_evidence : pandas.DataFrame
        Evidence rows of the concern vocabulary (column ``tag`` is the concern).
    labels : pandas.Series
        Persona id by ``customer_id`` (index).

    Returns
    -------
    pandas.DataFrame
        ``persona_id, concern, n, share, lift, rank`` (rank 1 = most raised).
    """
    out = _shares(concern_evidence.rename(columns={"tag": "concern"}), labels, "concern")
    out["rank"] = out.groupby("persona_id").cumcount() + 1
    return out


def tag_prevalence(evidence: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Share and lift of every tag in every persona: ``persona_id, tag, n, share, lift``."""
    return _shares(evidence, labels, "tag")


def persona_profiles(assignments: pd.DataFrame, features: pd.DataFrame, stability: pd.DataFrame,
                     names: pd.DataFrame, evidence: pd.DataFrame, concerns: pd.DataFrame,
                     labels_of: dict[str, dict[str, str]], lang: str = "en",
                     top: int = 3) -> pd.DataFrame:
    """One row per persona: size, stability, outcomes, top tags and ranked core concerns.

    Parameters
    ----------
    assignments : pandas.DataFrame
        ``customer_id, persona_id``.
    features : pandas.DataFrame
        Customer features (``n_opps_won``, ``n_opps_lost``, ``won_amount``,
        ``avg_won_cycle_days``).
    stability : pandas.DataFrame
        ``PersonaModel.stability_``.
    names : pandas.DataFrame
        ``persona_id, name_en, name_zh``.
    evidence, concerns : pandas.DataFrame
        Tag and concern evidence.
    labels_of : dict
        ``{code: {"en": ..., "zh": ...}}`` labels of tags and concerns.
    lang : {"en", "zh"}
        Language of the tag and concern words.
    top : int
        Tags and concerns listed per persona.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PROFILE_COLUMNS`; ``top_tags`` and ``concerns`` are text such as
        ``"price-sensitive 82%, wants training 40%"`` (concerns in rank order, ``>``-joined).
    """
    labels = assignments.set_index("customer_id")["persona_id"]
    f = features.set_index("customer_id").reindex(labels.index)
    won, lost = f["n_opps_won"].astype(float), f["n_opps_lost"].astype(float)
    cycle = f["avg_won_cycle_days"].astype(float) * won  # weighted by won deals
    g = pd.DataFrame({"won": won, "lost": lost, "amount": f["won_amount"].astype(float),
                      "cycle": cycle, "cycle_n": won.where(cycle.notna(), 0.0),
                      "persona_id": labels}).groupby("persona_id").sum(min_count=1)
    closed = g["won"] + g["lost"]
    out = names.set_index("persona_id")[["name_en", "name_zh"]].copy()
    stab = stability.set_index("persona_id")
    out["size"] = labels.value_counts().reindex(out.index).fillna(0).astype(np.int64)
    out["share"] = out["size"] / max(1, len(labels))
    out["jaccard"], out["verdict"] = stab["jaccard"], stab["verdict"]
    out["win_rate"] = (g["won"] / closed.replace(0, np.nan)).reindex(out.index)
    out["n_closed"] = closed.reindex(out.index).fillna(0).astype(np.int64)
    out["avg_deal"] = (g["amount"] / g["won"].replace(0, np.nan)).reindex(out.index)
    out["cycle_days"] = (g["cycle"] / g["cycle_n"].replace(0, np.nan)).reindex(out.index)

    def listing(frame: pd.DataFrame, what: str, sep: str) -> pd.Series:
        head = frame.groupby("persona_id").head(top)
        words = head[what].map(lambda c: labels_of.get(c, {}).get(lang, c))  # a few codes
        text = words + " " + (head["share"] * 100).round().astype(int).astype(str) + "%"
        return text.groupby(head["persona_id"]).agg(sep.join).reindex(out.index).fillna("")

    out["top_tags"] = listing(tag_prevalence(evidence, labels), "tag", ", ")
    out["concerns"] = listing(ranked_concerns(concerns, labels), "concern", " > ")
    return out.reset_index()[list(PROFILE_COLUMNS)]


def persona_matrix(assignments: pd.DataFrame, by: pd.Series, features: pd.DataFrame) -> pd.DataFrame:
    """Persona x a customer attribute (grade, industry ...): customers, closed deals, win rate.

    Parameters
    ----------
    assignments : pandas.DataFrame
        ``customer_id, persona_id``.
    by : pandas.Series
        The attribute by ``customer_id`` (index); missing values count as ``"?"``.
    features : pandas.DataFrame
        Customer features with ``n_opps_won`` and ``n_opps_lost``.

    Returns
    -------
    pandas.DataFrame
        Long form: ``persona_id, value, customers, closed, won, win_rate`` (win rate NaN
        without closed deals), one row per pair that has customers.
    """
    f = features.set_index("customer_id")
    ids = assignments["customer_id"]
    frame = pd.DataFrame({
        "persona_id": assignments["persona_id"].to_numpy(),
        "value": by.reindex(ids.to_numpy()).astype(object).fillna("?").astype(str).to_numpy(),
        "won": f["n_opps_won"].reindex(ids.to_numpy()).fillna(0).to_numpy(),
        "lost": f["n_opps_lost"].reindex(ids.to_numpy()).fillna(0).to_numpy(),
    })
    g = frame.groupby(["persona_id", "value"]).agg(customers=("won", "size"), won=("won", "sum"),
                                                   lost=("lost", "sum")).reset_index()
    g["closed"] = (g["won"] + g["lost"]).astype(np.int64)
    g["won"] = g["won"].astype(np.int64)
    g["win_rate"] = g["won"] / g["closed"].replace(0, np.nan)
    return g[["persona_id", "value", "customers", "closed", "won", "win_rate"]]


def persona_movement(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Customers whose persona changed between two assignments (same model or matched ids).

    Parameters
    ----------
    before, after : pandas.DataFrame
        ``customer_id, persona_id`` at the earlier and the later date.

    Returns
    -------
    pandas.DataFrame
        ``customer_id, persona_before, persona_after`` for customers in both whose persona
        differs, sorted by customer; ``attrs["flows"]`` counts moves per (before, after) pair,
        ``attrs["compared"]`` the customers in both, ``attrs["new"]`` those only in ``after``.
    """
    both = before[["customer_id", "persona_id"]].merge(
        after[["customer_id", "persona_id"]], on="customer_id", suffixes=("_before", "_after"))
    both = both.rename(columns={"persona_id_before": "persona_before",
                                "persona_id_after": "persona_after"})
    moved = both[both["persona_before"] != both["persona_after"]].sort_values(
        "customer_id", ignore_index=True)
    moved.attrs["flows"] = moved.groupby(["persona_before", "persona_after"]).size()
    moved.attrs["compared"] = len(both)
    moved.attrs["new"] = int((~isin(after["customer_id"], before["customer_id"])).sum())
    return moved
