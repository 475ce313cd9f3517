"""Win/loss drivers: what separates won from lost deals, from a cross-validated model.

The model is :class:`salesanalysis.models.field_model.FieldWinModel` (every field known when a
deal is created: rep, product, industry, region, size, custom attributes) with three signals of
the deal itself added: an executive visit before the close, a price objection in its
touchpoints, and a decision maker among the customer's contacts. It is fitted on 70% of the
customers' closed deals (cross-validated inside, ``cv_auc``) and each field's importance is the
AUC it costs on the other 30% when its values are shuffled (permutation importance, repeated).
Below :data:`MIN_CLOSED_DEALS` closed deals (or fewer than
:data:`~salesanalysis.models.field_model.FieldWinModel` ``min_outcomes`` of won or of lost) the
report refuses to name drivers. Beyond :data:`MAX_DEALS` closed deals a seeded random sample
is used, and said.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit

from salesanalysis.exceptions import InsufficientHistoryError
from salesanalysis.formatting import format_count, format_number
from salesanalysis.models.field_model import FieldWinModel
from salesanalysis.models.fields import closed_deal_fields
from salesanalysis.reports.messages import msg
from salesanalysis.store import Store, uses_store

#: Fewest closed deals the drivers are computed from.
MIN_CLOSED_DEALS = 150
#: Fewest won and fewest lost deals (the model's ``min_outcomes``).
MIN_OUTCOMES = 40
#: Most closed deals the model is fitted on (a seeded sample beyond).
MAX_DEALS = 10_000
#: Deal signals added to the fields known at creation.
DEAL_SIGNALS = ("exec_visit", "price_objection", "decision_maker_on_record")


@dataclass(frozen=True)
class Drivers:
    """The drivers model's verdict, its figures and the importance of each field."""

    status: str
    closed: int
    won: int
    lost: int
    used: int = 0
    cv_auc: float = float("nan")
    test_auc: float = float("nan")
    model_kind: str = ""
    importance: pd.DataFrame = field(default_factory=pd.DataFrame)

    def text(self, lang: str = "en") -> str:
        """The verdict in plain words: the AUCs and sample sizes, or why no driver is named."""
        n = format_count(self.closed, lang)
        if self.status != "ok":
            return msg("winloss.drivers_refused", lang, n=n, won=format_count(self.won, lang),
                       lost=format_count(self.lost, lang),
                       need=format_count(MIN_CLOSED_DEALS, lang),
                       outcomes=format_count(MIN_OUTCOMES, lang))
        sampled = (msg("winloss.drivers_sampled", lang, used=format_count(self.used, lang))
                   if self.used < self.closed else "")
        return msg("winloss.drivers", lang, n=n, won=format_count(self.won, lang),
                   lost=format_count(self.lost, lang),
                   cv_auc=format_number(self.cv_auc, lang, decimals=2),
                   test_auc=format_number(self.test_auc, lang, decimals=2)) + sampled


def _inputs(store: Store, deals: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    closed, fields = closed_deal_fields(store)
    fields = fields.assign(opportunity_id=closed["opportunity_id"].to_numpy())
    signals = deals[["opportunity_id", "customer_id", "won", *DEAL_SIGNALS]]
    rows = signals.merge(fields, on="opportunity_id", how="left")
    X = rows.drop(columns=["opportunity_id", "customer_id", "won"])
    X[list(DEAL_SIGNALS)] = X[list(DEAL_SIGNALS)].astype(float)
    constant = [c for c in DEAL_SIGNALS if X[c].nunique(dropna=False) < 2]
    X = X.drop(columns=constant)  # a signal the data never varies tells nothing
    return X, rows["won"].to_numpy(dtype=int), rows["customer_id"].to_numpy()


@uses_store
def win_drivers(store: Store | str, deals: pd.DataFrame, random_state: int = 0,
                n_repeats: int = 3, kinds: tuple[str, ...] = ("logistic",)) -> Drivers:
    """Fit the drivers model on the closed deals of an investigation.

    Parameters
    ----------
    store : Store or str
        The store (for the fields known at creation).
    deals : pandas.DataFrame
        :func:`salesanalysis.reports.winloss.investigation_deals`.
    random_state : int
        Seed of the split, the sample and the permutations.
    n_repeats : int
        Shuffles per field.
    kinds : tuple of str
        The model candidates (:data:`~salesanalysis.models.field_model.MODEL_KINDS`); the
        default, the regularised logistic one, is quick and reads the same at any size.

    Returns
    -------
    Drivers
        ``status`` ``ok`` or ``refused``; ``importance``: ``feature``, ``importance`` (AUC lost
        when shuffled), ``importance_sd``, ``win_rate_with`` / ``win_rate_without`` (for a
        yes/no signal: the win rate of the deals with and without it), most important first.
    """
    won = int(deals["won"].sum())
    lost = int(len(deals) - won)
    total = len(deals)
    if len(deals) < MIN_CLOSED_DEALS or min(won, lost) < MIN_OUTCOMES:
        return Drivers("refused", len(deals), won, lost)
    if len(deals) > MAX_DEALS:
        deals = deals.sample(MAX_DEALS, random_state=random_state)
    X, y, groups = _inputs(store, deals)
    split = GroupShuffleSplit(n_splits=1, test_size=0.3, random_state=random_state)
    train, test = next(split.split(X, y, groups))
    try:
        model = FieldWinModel(random_state=random_state, cv=3, min_outcomes=MIN_OUTCOMES // 2,
                              kinds=kinds)
        model.fit(X.iloc[train], y[train], groups[train])
    except InsufficientHistoryError:
        return Drivers("refused", total, won, lost)
    held = X.iloc[test].reset_index(drop=True)
    test_auc = float(roc_auc_score(y[test], model.predict_proba(held)[:, 1]))
    result = permutation_importance(model, held, y[test], scoring="roc_auc",
                                    n_repeats=n_repeats, random_state=random_state)
    importance = pd.DataFrame({"feature": list(X.columns), "importance": result.importances_mean,
                               "importance_sd": result.importances_std})
    with_rate, without_rate = [], []
    for name in importance["feature"]:  # a few fields, not records
        values = X[name]
        binary = name in DEAL_SIGNALS
        with_rate.append(float(y[values.to_numpy() == 1].mean()) if binary else np.nan)
        without_rate.append(float(y[values.to_numpy() == 0].mean()) if binary else np.nan)
    importance["win_rate_with"] = with_rate
    importance["win_rate_without"] = without_rate
    importance = importance.sort_values(["importance", "feature"], ascending=[False, True],
                                        kind="mergesort").reset_index(drop=True)
    return Drivers("ok", total, won, lost, used=len(X),
                   cv_auc=float(model.cv_auc_), test_auc=test_auc, model_kind=model.model_kind_,
                   importance=importance)
