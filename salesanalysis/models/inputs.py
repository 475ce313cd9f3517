"""Model inputs of the win probability: which features a deal model may use, how each is
turned into a number (log scale for money and head counts, ranks for stage and brand) and
how each value reads in a factor ("+ decision maker supportive: yes", "- deadline: passed 30
days ago"). The stage inputs are the customer's (its latest and furthest interaction stage);
when the customer's latest stage is ``won`` (an earlier deal) while the deal scored is still
open, the factor says so and names the deal's own recorded stage."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from salesanalysis.formatting import format_count, format_money
from salesanalysis.vocab import BRAND_RANK as VOCAB_BRAND_RANK
from salesanalysis.vocab import OPEN_STAGES, STAGE_RANK, label, labels

#: Candidate model inputs and how each reads in a factor ("<label>: <value>").
FEATURE_LABELS: dict[str, str] = {
    "amount": "deal amount",
    "deal_age_days": "days since the deal opened",
    "employees": "employees",
    "budget": "budget",
    "days_to_deadline": "deadline",
    "growth_rate": "industry growth",
    "policy_support": "policy support",
    "n_interactions": "touchpoints",
    "n_interactions_90d": "touchpoints in 90 days",
    "days_since_last_interaction": "days since last touchpoint",
    "n_visits": "visits",
    "n_demos": "demos",
    "n_exec_visits": "executive visits",
    "n_price_objections": "price objections",
    "stage_rank": "customer's latest stage",
    "max_stage_rank": "customer's furthest stage",
    "proposal_submitted": "proposal submitted",
    "urgency_stated": "urgency stated",
    "tenure_days": "days since first contact",
    "n_contacts": "contacts",
    "n_roles_reached": "decision roles reached",
    "decision_maker_reached": "decision maker reached",
    "decision_maker_supportive": "decision maker supportive",
    "n_supportive": "supportive contacts",
    "n_opposed": "opposed contacts",
    "n_opps_won": "deals won before",
    "n_opps_lost": "deals lost before",
    "won_amount": "revenue won before",
    "n_orders": "past orders",
    "order_amount": "past order value",
    "order_amount_365d": "order value last 365 days",
    "days_since_last_order": "days since last order",
    "latest_satisfaction": "latest satisfaction",
    "mean_satisfaction": "mean satisfaction",
    "brand_rank": "brand value",
}

#: The same labels in Chinese.
FEATURE_LABELS_ZH: dict[str, str] = {
    "amount": "交易金额", "deal_age_days": "商机已开启天数", "employees": "员工数",
    "budget": "预算", "days_to_deadline": "截止日期", "growth_rate": "行业增速",
    "policy_support": "政策支持", "n_interactions": "接触次数",
    "n_interactions_90d": "90 天内接触次数", "days_since_last_interaction": "距上次接触天数",
    "n_visits": "拜访次数", "n_demos": "演示次数", "n_exec_visits": "高层拜访次数",
    "n_price_objections": "价格异议次数", "stage_rank": "客户最新阶段",
    "max_stage_rank": "客户到达的最远阶段", "proposal_submitted": "已提交方案",
    "urgency_stated": "表明紧急", "tenure_days": "距首次接触天数", "n_contacts": "联系人数",
    "n_roles_reached": "已接触决策角色数", "decision_maker_reached": "已接触决策者",
    "decision_maker_supportive": "决策者支持", "n_supportive": "支持的联系人",
    "n_opposed": "反对的联系人", "n_opps_won": "此前赢单数", "n_opps_lost": "此前丢单数",
    "won_amount": "此前赢单收入", "n_orders": "过往订单数", "order_amount": "过往订单金额",
    "order_amount_365d": "近 365 天订单金额", "days_since_last_order": "距上次下单天数",
    "latest_satisfaction": "最近满意度", "mean_satisfaction": "平均满意度",
    "brand_rank": "品牌价值",
}  # fmt: skip

#: Words of factor values by language.
VALUE_WORDS = {
    "en": {"sep": "; ", "colon": ": ", "yes": "yes", "no": "no", "unknown": "unknown", "none": "none", "today": "today",
           "in": "in {n}", "passed": "passed {n} ago", "day": ("day", "days"),
           "earlier": "{won} (an earlier deal, this one at {own})"},
    "zh": {"sep": "；", "colon": "：", "yes": "是", "no": "否", "unknown": "未知", "none": "无", "today": "今天",
           "in": "{n}后", "passed": "已过 {n}", "day": ("天", "天"),
           "earlier": "{won}（此前的交易；本交易处于{own}）"},
}  # fmt: skip


def feature_label(name: str, lang: str = "en") -> str:
    """How a model input reads in a factor, in ``lang`` (the name itself when unknown)."""
    table = FEATURE_LABELS_ZH if lang == "zh" else FEATURE_LABELS
    return table.get(name, name)


#: Inputs modelled on a log scale (money and head counts are heavily skewed).
LOG_FEATURES = (
    "amount", "employees", "budget", "won_amount", "order_amount", "order_amount_365d",
)
#: Inputs shown as yes/no in factors.
BOOL_FEATURES = (
    "decision_maker_reached", "decision_maker_supportive", "proposal_submitted", "urgency_stated",
)
#: Inputs shown as money in factors.
MONEY_FEATURES = ("amount", "budget", "won_amount", "order_amount", "order_amount_365d")
#: Brand value as a number (none 0, regional 1, industry leader 2), from the vocabulary.
BRAND_RANK = {brand: float(rank) for brand, rank in VOCAB_BRAND_RANK.items()}


def _num(values: pd.Series) -> np.ndarray:
    """Any numeric-ish column (bool, nullable, text) as a float array with NaN for missing."""
    return (
        pd.to_numeric(values, errors="coerce")
        .astype("Float64")
        .to_numpy(dtype=float, na_value=np.nan)
    )


def model_inputs(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The numeric model inputs of an opportunities-with-features frame.

    Booleans become 0/1, ``brand_value`` an ordinal ``brand_rank``, money and head counts
    ``log1p``. Columns absent from ``frame`` are skipped (or NaN when ``columns`` is given).
    """
    out = {}
    for name in columns if columns is not None else FEATURE_LABELS:
        if name == "brand_rank":
            if "brand_value" not in frame.columns:
                if columns is None:
                    continue
                out[name] = np.full(len(frame), np.nan)
                continue
            out[name] = frame["brand_value"].map(BRAND_RANK).to_numpy(dtype=float)
            continue
        if name not in frame.columns:
            if columns is None:
                continue
            out[name] = np.full(len(frame), np.nan)
            continue
        values = _num(frame[name])
        out[name] = np.log1p(np.clip(values, 0, None)) if name in LOG_FEATURES else values
    return pd.DataFrame(out, index=frame.index)


def _stage_names(lang: str) -> dict[float, str]:
    """Stage rank -> stage label in ``lang`` (English lower-case, as in a sentence)."""
    names = {float(rank): label("stage", stage, lang) for stage, rank in STAGE_RANK.items()
             if rank > 0}  # fmt: skip
    if lang == "en":
        names = {k: v[:1].lower() + v[1:] for k, v in names.items()}
    return names | {0.0: VALUE_WORDS[lang]["none"]}


def display_values(frame: pd.DataFrame, columns: Sequence[str], lang: str = "en") -> np.ndarray:
    """Readable value of every input in ``lang``, as an (n, p) object array (vectorised per
    column)."""
    words = VALUE_WORDS[lang]
    stages = _stage_names(lang)
    shown = []
    for name in columns:
        if name == "brand_rank":
            raw = frame["brand_value"] if "brand_value" in frame.columns else pd.Series(
                np.nan, index=frame.index
            )
            known = labels("brand_value", lang)  # a dict lookup per value, not a call per row
            brands = raw.astype(object).map(known).fillna(raw.astype(object))
            shown.append(brands.fillna(words["unknown"]).astype(str))
            continue
        raw = pd.Series(
            _num(frame[name]) if name in frame.columns else np.nan, index=frame.index
        )
        if name == "stage_rank":
            text = _customer_stage(frame, raw, lang)
        elif name == "max_stage_rank":
            text = raw.map(stages).fillna(words["none"])
        elif name == "days_to_deadline":
            text = _deadline(raw, lang)
        elif name in BOOL_FEATURES:
            text = pd.Series(np.where(raw > 0, words["yes"], words["no"]), index=frame.index)
        elif name in MONEY_FEATURES:
            text = format_money(raw, lang)
        else:
            text = raw.round(2).astype(str).str.removesuffix(".0")
        shown.append(text.where(raw.notna(), words["unknown"]))
    return np.column_stack([s.to_numpy(dtype=object) for s in shown]) if shown else np.empty(
        (len(frame), 0), dtype=object
    )


def _deadline(days: pd.Series, lang: str = "en") -> pd.Series:
    """Days to the need's deadline in words: ``in 70 days``, ``today``, ``passed 177 days
    ago`` (``70 天后``, ``今天``, ``已过 177 天``; never a negative count)."""
    words = VALUE_WORDS[lang]
    whole = np.rint(days.to_numpy(dtype=float))
    ahead = format_count(np.abs(whole), lang, unit=words["day"]).astype(object)
    before, _, after = words["in"].partition("{n}")
    past_before, _, past_after = words["passed"].partition("{n}")
    text = np.where(whole < 0, past_before + ahead + past_after,
                    np.where(whole == 0, words["today"], before + ahead + after))
    return pd.Series(text, index=days.index, dtype=object)


def _customer_stage(frame: pd.DataFrame, rank: pd.Series, lang: str = "en") -> pd.Series:
    """The customer's latest stage in words; for a deal still open (its recorded ``stage``
    an open stage) whose customer's latest stage is ``won``, ``won (an earlier deal, this
    one at proposal)``, so an open deal is never read as won."""
    words = VALUE_WORDS[lang]
    stages = _stage_names(lang)
    text = rank.map(stages).fillna(words["none"])
    if "stage" not in frame.columns:
        return text
    deal = frame["stage"].astype(object)
    earlier = (rank == STAGE_RANK["won"]) & deal.isin(OPEN_STAGES)
    by_code = {code: stages[float(rank)] for code, rank in STAGE_RANK.items() if rank > 0}
    own = deal.where(earlier).map(by_code).fillna("")
    head, _, rest = words["earlier"].partition("{won}")
    middle, _, tail = rest.partition("{own}")
    return text.where(~earlier, head + stages[float(STAGE_RANK["won"])] + middle + own + tail)
