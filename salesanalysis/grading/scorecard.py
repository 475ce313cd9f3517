"""The learned scorecard: points per factor learned from closed deals, beside the team's rules.

:class:`LearnedScorecard` (a scikit-learn style estimator) learns from won and lost deals,
with their fields as known when each deal opened, a scorecard in the team's own format:

1. **Factors.** Every field is a candidate: the built-in features and every custom attribute
   (``custom_<name>``, the source columns no mapping placed, those marked
   ``known: at_outcome`` never). Numbers are cut into at most ``n_bins`` quantile bins,
   categories keep their levels with at least ``min_level_deals`` deals (the rest share one
   "other" level), blanks are a bin of their own. Fields filled for one outcome much more
   than the other (a leak, see :mod:`salesanalysis.models.leaks`) are left out.
2. **Smoothed evidence.** Each bin's weight of evidence, ``logit(bin win rate) -
   logit(overall win rate)``, is shrunk toward 0 by ``smoothing`` pseudo-deals at the overall
   rate, so a bin of five deals cannot claim a certain win. Fields are ranked by information
   value and the ``max_factors`` most informative above ``min_iv`` are kept.
3. **Weights.** An L2 logistic regression on the kept fields' evidence gives each factor's
   effect (coefficient x evidence range, non-negative: a factor that only offsets another is
   dropped). A factor's points are its bins' evidence rescaled to 0-100; its weight is its
   effect; a **dimension's weight is the sum of its factors' effects**, learned, not set.
4. **Dimensions.** Each field goes to the dimension the team's rules put it in; other fields by
   what their name says (:data:`DIMENSION_WORDS`), else ``deal_probability``; pass
   ``dimension_of`` to decide. A dimension with no learned factor keeps the team's factors
   at weight 0.

:attr:`LearnedScorecard.config_` is a :class:`~salesanalysis.grading.config.ScoringConfig`
(piecewise step points for numbers, maps for categories): the grader, the reasons and the
YAML read it as any team config, so the suggested file reproduces the learned score exactly.
:mod:`salesanalysis.grading.suggest` compares it with the team's rules on held-out deals.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from salesanalysis.exceptions import InsufficientHistoryError, ParameterError
from salesanalysis.grading.config import (
    CUSTOM_PREFIX,
    SCORABLE_FEATURES,
    Dimension,
    Factor,
    FactorTexts,
    ScoringConfig,
    resolve_scoring_config,
    validate_scoring_config,
)
from salesanalysis.grading.points import score_arrays, total_score
from salesanalysis.vocab import DIMENSIONS

#: Built-in features never learned from: identifiers, the owner, and the status (stored
#: without history, it tells how past deals ended).
NOT_FACTORS = ("owner_rep_id", "status", "current_stage")
#: Words a field's name starts a part with (split at ``_``, spaces and dashes) that place it
#: in a dimension, checked in this order: customer value, need urgency, industry potential,
#: deal probability (the default).
DIMENSION_WORDS: dict[str, tuple[str, ...]] = {
    DIMENSIONS[3]: ("balance", "revenue", "budget", "amount", "order", "loan", "default",
                    "housing", "income", "spend", "value", "satisfaction", "brand"),
    DIMENSIONS[1]: ("deadline", "urgen", "cycle", "due", "need", "pain"),
    DIMENSIONS[0]: ("industry", "sector", "growth", "policy", "job", "education", "employees",
                    "region", "marital", "age", "established", "office", "subsidiary", "size"),
    DIMENSIONS[2]: ("campaign", "contact", "previous", "pdays", "poutcome", "touch", "call",
                    "visit", "demo", "stage", "decision", "supportive", "opposed", "proposal",
                    "interaction", "role", "product", "rep"),
}
#: Where a field nothing else places goes.
DEFAULT_DIMENSION = DIMENSIONS[2]
#: Share of filled values by which won and lost may differ before a field counts as a leak.
PRESENCE_GAP = 0.5


def field_dimension(feature: str, team: ScoringConfig,
                    dimension_of: dict[str, str] | None = None) -> str:
    """The dimension a field is learned into: ``dimension_of``, else the team's rules, else
    its name (:data:`DIMENSION_WORDS`), else :data:`DEFAULT_DIMENSION`."""
    if dimension_of and feature in dimension_of:
        return dimension_of[feature]
    for dim in DIMENSIONS:
        if any(f.feature == feature for f in team.dimensions[dim].factors.values()):
            return dim
    parts = re.split(r"[_\s\-]+", feature.removeprefix(CUSTOM_PREFIX).lower())
    for dim, words in DIMENSION_WORDS.items():
        if any(p.startswith(w) for p in parts for w in words):
            return dim
    return DEFAULT_DIMENSION


def candidate_fields(frame: pd.DataFrame) -> list[str]:
    """Columns of a deals-with-features frame a scorecard may learn from."""
    built_in = [c for c in SCORABLE_FEATURES if c in frame.columns and c not in NOT_FACTORS]
    return built_in + [c for c in frame.columns if c.startswith(CUSTOM_PREFIX)]


def _kind(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column):
        return "boolean"
    if pd.api.types.is_numeric_dtype(column):
        return "numeric"
    return "categorical"


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _edges(x: np.ndarray, n_bins: int) -> np.ndarray:
    """Interior cut points: midpoints between few distinct values, else quantiles, with a
    value that holds a bin's share of the rows on its own (``pdays = -1``: never contacted)
    cut out as its own bin."""
    values, counts = np.unique(x[~np.isnan(x)], return_counts=True)
    mids = (values[1:] + values[:-1]) / 2.0
    if len(values) <= n_bins:
        return mids
    cuts = np.nanquantile(x, np.linspace(0, 1, n_bins + 1)[1:-1])
    heavy = np.flatnonzero(counts >= counts.sum() / n_bins)
    around = np.concatenate([mids[heavy[heavy > 0] - 1], mids[heavy[heavy < len(mids)]]])
    cuts = np.unique(np.round(np.concatenate([cuts, around]), 6))
    return cuts[(cuts > values[0]) & (cuts <= values[-1])]


class LearnedScorecard(BaseEstimator):
    """A scorecard learned from won/lost deals, in the team's scoring-config format.

    Parameters
    ----------
    base_config : ScoringConfig or str or Path, optional
        The team's rules: where known fields sit, the grading shares, the reasons settings
        and the factors of dimensions nothing is learned for. Default the shipped rules.
    n_bins : int, default 5
        Bins per numeric field at most.
    smoothing : float, default 20.0
        Pseudo-deals at the overall win rate added to every bin.
    min_level_deals : int, default 30
        Deals a category level needs to get points of its own.
    max_factors : int, default 12
        Factors kept at most (the most informative).
    min_iv : float, default 0.02
        Information value below which a field is left out (0.02 is "not useful").
    C : float, default 1.0
        Inverse L2 penalty of the logistic regression on the evidence.
    dimension_of : dict, optional
        Field -> dimension, overriding :func:`field_dimension`.

    Attributes
    ----------
    factors_ : pandas.DataFrame
        One row per kept factor: ``feature``, ``dimension``, ``kind``, ``iv``,
        ``coefficient``, ``effect`` (its weight in the total before normalising).
    dimension_weights_ : pandas.Series
        Learned weight of each dimension (sum 1).
    config_ : ScoringConfig
        The scorecard as a scoring config.
    fields_considered_ : list of str
        Every candidate field; ``left_out_`` maps the ones left out to why.
    n_won_, n_lost_ : int
        Deals learned from.
    """

    def __init__(self, base_config=None, n_bins: int = 5, smoothing: float = 20.0,
                 min_level_deals: int = 30, max_factors: int = 12, min_iv: float = 0.02,
                 C: float = 1.0, dimension_of: dict[str, str] | None = None) -> None:
        self.base_config = base_config
        self.n_bins = n_bins
        self.smoothing = smoothing
        self.min_level_deals = min_level_deals
        self.max_factors = max_factors
        self.min_iv = min_iv
        self.C = C
        self.dimension_of = dimension_of

    def fit(self, X: pd.DataFrame, y: np.ndarray | pd.Series) -> LearnedScorecard:
        """Learn the scorecard from closed deals.

        Parameters
        ----------
        X : pandas.DataFrame
            One row per closed deal with its customer's features as known when it opened
            (e.g. :func:`salesanalysis.grading.backtest.closed_opportunities` plus custom
            attributes); the fields of :func:`candidate_fields` are used.
        y : array of shape (n,)
            1 won, 0 lost.

        Returns
        -------
        LearnedScorecard
            self
        """
        if self.n_bins < 2 or self.smoothing < 0 or self.max_factors < 1:
            raise ParameterError("n_bins must be >= 2, smoothing >= 0 and max_factors >= 1")
        bad = {k: v for k, v in (self.dimension_of or {}).items() if v not in DIMENSIONS}
        if bad:
            raise ParameterError(f"dimension_of {bad}: use one of {', '.join(DIMENSIONS)}")
        team = resolve_scoring_config(self.base_config)
        won = np.asarray(y).astype(int)
        n_won, n_lost = int(won.sum()), int(len(won) - won.sum())
        if min(n_won, n_lost) < 2:
            raise InsufficientHistoryError(f"{n_won} won and {n_lost} lost deals: a scorecard "
                                           "needs both outcomes")
        X = X.reset_index(drop=True)
        self.fields_considered_ = candidate_fields(X)
        self.left_out_: dict[str, str] = {}
        specs = []
        for name in self.fields_considered_:  # a few dozen fields, not rows
            spec = self._bin_field(name, X[name], won)
            if isinstance(spec, str):
                self.left_out_[name] = spec
            else:
                specs.append(spec)
        specs = sorted(specs, key=lambda s: -s["iv"])
        for s in specs[self.max_factors:]:
            self.left_out_[s["feature"]] = f"less informative than the {self.max_factors} kept"
        specs = specs[: self.max_factors]
        specs = self._weigh(specs, won)
        self.factors_ = pd.DataFrame(
            [{k: s[k] for k in ("feature", "dimension", "kind", "iv", "coefficient", "effect")}
             for s in specs],
            columns=["feature", "dimension", "kind", "iv", "coefficient", "effect"])
        self.config_ = self._config(team, specs)
        w = self.config_.weights.model_dump()
        self.dimension_weights_ = pd.Series(w, name="weight").reindex(list(DIMENSIONS))
        self.n_won_, self.n_lost_ = n_won, n_lost
        return self

    # -- binning and evidence -------------------------------------------------------------
    def _woe(self, bins: np.ndarray, won: np.ndarray, n_codes: int) -> tuple[np.ndarray, float]:
        """Smoothed weight of evidence per bin code and the information value."""
        rate = won.mean()
        n = np.bincount(bins, minlength=n_codes).astype(float)
        w = np.bincount(bins, weights=won, minlength=n_codes)
        a = self.smoothing
        smoothed = (w + a * rate) / (n + a)
        smoothed = np.clip(smoothed, 1e-6, 1 - 1e-6)
        woe = np.log(smoothed / (1 - smoothed)) - np.log(rate / (1 - rate))
        share_won = w / max(won.sum(), 1)
        share_lost = (n - w) / max(len(won) - won.sum(), 1)
        return woe, float(np.sum((share_won - share_lost) * woe))

    def _bin_field(self, name: str, column: pd.Series, won: np.ndarray) -> dict | str:
        """A field's bins, evidence and information value, or why it is left out."""
        filled = column.notna().to_numpy()
        if filled.sum() == 0 or column.nunique(dropna=True) < 2:
            return "no two different values"
        gap = abs(filled[won == 1].mean() - filled[won == 0].mean())
        if gap >= PRESENCE_GAP:
            return (f"filled for {filled[won == 1].mean():.0%} of won and "
                    f"{filled[won == 0].mean():.0%} of lost deals (a leak)")
        kind = _kind(column)
        if kind == "numeric":
            x = _numbers(column)
            edges = _edges(x, self.n_bins)
            if len(edges) == 0:
                return "no two different values"
            codes = np.where(np.isnan(x), len(edges) + 1, np.searchsorted(edges, x, side="right"))
            labels = None
            n_codes = len(edges) + 2  # bins, then missing
        elif kind == "boolean":
            edges, labels = None, None
            values = column.astype(object)
            codes = np.where(values.isna(), 2, values.fillna(False).astype(bool).astype(int))
            n_codes = 3  # false, true, missing
        else:
            text = column.astype("string")
            counts = text.value_counts()
            labels = [str(v) for v in counts.index[counts >= self.min_level_deals]]
            if not labels:
                return f"no level with {self.min_level_deals} deals"
            lookup = {v: i for i, v in enumerate(labels)}
            codes = text.map(lookup).astype("float64").to_numpy(na_value=np.nan)
            codes = np.where(text.isna().to_numpy(), len(labels) + 1,
                             np.where(np.isnan(codes), len(labels), codes)).astype(int)
            edges = None
            n_codes = len(labels) + 2  # levels, other, missing
        codes = np.asarray(codes, dtype=np.int64)
        woe, iv = self._woe(codes, won, n_codes)
        if iv < self.min_iv:
            return f"information value {iv:.3f} below {self.min_iv}"
        whole = kind == "numeric" and bool(np.all(np.mod(x[~np.isnan(x)], 1) == 0))
        return {"feature": name, "kind": kind, "edges": edges, "labels": labels,
                "codes": codes, "woe": woe, "iv": iv, "format": "int" if whole else "decimal"}

    def _weigh(self, specs: list[dict], won: np.ndarray) -> list[dict]:
        """Logistic coefficients on the evidence; factors with a coefficient <= 0 are
        dropped and the rest refitted (twice at most: the drops are few)."""
        for _ in range(3):
            if not specs:
                return []
            woe_x = np.column_stack([s["woe"][s["codes"]] for s in specs])
            coef = LogisticRegression(C=self.C, max_iter=2000).fit(woe_x, won).coef_[0]
            keep = coef > 1e-6
            for s, c in zip(specs, coef, strict=True):
                s["coefficient"] = float(c)
                if c <= 1e-6:
                    self.left_out_[s["feature"]] = "adds nothing once the other factors count"
            if keep.all():
                break
            specs = [s for s, k in zip(specs, keep, strict=True) if k]
        else:
            specs = [s for s in specs if s["coefficient"] > 1e-6]
        for s in specs:
            spread = float(s["woe"].max() - s["woe"].min())
            s["effect"] = s["coefficient"] * spread
            s["points"] = 100.0 * (s["woe"] - s["woe"].min()) / spread if spread > 0 \
                else np.full(len(s["woe"]), 50.0)
            s["dimension"] = field_dimension(s["feature"], self._team, self.dimension_of)
        return [s for s in specs if s["effect"] > 0]

    # -- the config -----------------------------------------------------------------------
    @property
    def _team(self) -> ScoringConfig:
        return resolve_scoring_config(self.base_config)

    def _config(self, team: ScoringConfig, specs: list[dict]) -> ScoringConfig:
        dims, weights = {}, {}
        learned_in = {s["dimension"] for s in specs}
        used = {n for d in DIMENSIONS if d not in learned_in for n in team.dimensions[d].factors}
        for dim in DIMENSIONS:
            mine = [s for s in specs if s["dimension"] == dim]
            if not mine:  # nothing learned here: the team's factors, at weight 0
                dims[dim] = team.dimensions[dim]
                weights[dim] = 0.0
                continue
            factors = {}
            for s in mine:
                name = s["feature"].removeprefix(CUSTOM_PREFIX)
                while name in used:
                    name += "_learned"
                used.add(name)
                factors[name] = _factor(s, team)
            dims[dim] = Dimension(factors=factors)
            weights[dim] = float(sum(s["effect"] for s in mine))
        total = sum(weights.values())
        if total <= 0:
            raise InsufficientHistoryError(
                "no field separates won from lost deals in this history; the learned scorecard "
                "has no factor, so the history does not support a change to the team's rules")
        weights = {d: round(w / total, 4) for d, w in weights.items()}
        data = team.model_dump(mode="json")
        data["weights"] = weights
        data["dimensions"] = {d: v.model_dump(mode="json", exclude_none=True)
                              for d, v in dims.items()}
        return validate_scoring_config(ScoringConfig.model_validate(data), "<learned scorecard>")

    def score(self, X: pd.DataFrame) -> np.ndarray:
        """The learned total score (0-100) of each row of ``X`` (deals or customers)."""
        if not hasattr(self, "config_"):
            raise ParameterError("this LearnedScorecard is not fitted yet; call fit(X, y) first")
        cfg = self.config_
        frame = X.reset_index(drop=True).copy()
        for dim in cfg.dimensions.values():  # the weight-0 team factors may read absent columns
            for f in dim.factors.values():
                if f.feature not in frame.columns:
                    frame[f.feature] = np.nan
        return total_score(score_arrays(frame, cfg), cfg)


def _team_factor(feature: str, team: ScoringConfig) -> Factor | None:
    for dim in team.dimensions.values():
        for f in dim.factors.values():
            if f.feature == feature:
                return f
    return None


def _breakpoints(edges: np.ndarray, points: np.ndarray) -> list[tuple[float, float]]:
    """Step points for ``np.interp``: bin k's points from edge k to just below edge k+1."""
    gaps = np.diff(edges)
    delta = (gaps.min() / 1000.0) if len(gaps) else max(abs(float(edges[0])), 1.0) * 1e-6
    pairs = []
    for k, edge in enumerate(edges):  # a handful of bins
        pairs.append((float(edge - delta), round(float(points[k]), 1)))
        pairs.append((float(edge), round(float(points[k + 1]), 1)))
    return pairs


def _factor(spec: dict, team: ScoringConfig) -> Factor:
    """One learned factor in config form, read in the team's words when the team scores the
    same feature, else by the field's name."""
    pts = spec["points"]
    label = spec["feature"].removeprefix(CUSTOM_PREFIX).replace("_", " ")
    own = _team_factor(spec["feature"], team)
    texts = ({k: getattr(own, k) for k in ("text", "singular_text", "zero_text", "negative_text",
                                           "true_text", "false_text", "missing_text",
                                           "format", "value_labels", "zh")}
             if own is not None else None)
    common = {"feature": spec["feature"], "weight": round(spec["effect"], 4)}
    if spec["kind"] == "numeric":
        edges = spec["edges"]
        factor = Factor(kind="piecewise", breakpoints=_breakpoints(edges, pts),
                        format=spec["format"],
                        missing=round(float(pts[len(edges) + 1]), 1),
                        text=f"{label} {{value}}", missing_text=f"{label} unknown",
                        zh=FactorTexts(text=f"{label} {{value}}", missing_text=f"{label} 未知"),
                        **common)
    elif spec["kind"] == "boolean":
        factor = Factor(kind="boolean", false_points=round(float(pts[0]), 1),
                        true_points=round(float(pts[1]), 1), missing=round(float(pts[2]), 1),
                        true_text=label, false_text=f"not {label}",
                        missing_text=f"{label} unknown", **common)
    else:
        n = len(spec["labels"])
        factor = Factor(kind="categorical", format="category",
                        map={v: round(float(p), 1) for v, p in zip(spec["labels"], pts[:n],
                                                                    strict=True)},
                        other_points=round(float(pts[n]), 1), missing=round(float(pts[n + 1]), 1),
                        text=f"{label} {{value}}", missing_text=f"{label} unknown",
                        zh=FactorTexts(text=f"{label} {{value}}", missing_text=f"{label} 未知"),
                        **common)
    if texts is not None:
        keep_format = texts["format"] if factor.kind != "categorical" else "category"
        factor = factor.model_copy(update={**texts, "format": keep_format})
    return factor
