"""The one vocabulary of salesanalysis: stages, outcomes, grades, dimensions and the other
enumerations of the data model, with their order and their display labels in English and
Chinese.

Everything else reads these names from here: Python modules import the tuples, the store's
SQL gets them as rendered literals (:func:`sql_literals`, used by
:func:`salesanalysis.store.queries.load_sql`), and reports show :func:`label` texts. A new
stage, status or grade is added in this file and nowhere else.

Definitions are data (:data:`VOCABULARY`), not if/elif chains: each kind maps its values, in
order, to their labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: Languages of the display labels.
LANGUAGES = ("en", "zh")

#: Every enumeration of the data model: kind -> value -> {language: label}, values in order.
VOCABULARY: Mapping[str, Mapping[str, Mapping[str, str]]] = MappingProxyType({
    "stage": {
        "lead": {"en": "Lead", "zh": "线索"},
        "need_confirmation": {"en": "Need confirmed", "zh": "需求确认"},
        "proposal": {"en": "Proposal", "zh": "方案报价"},
        "negotiation": {"en": "Negotiation", "zh": "商务谈判"},
        "won": {"en": "Won", "zh": "赢单"},
        "lost": {"en": "Lost", "zh": "输单"},
    },
    "outcome": {
        "open": {"en": "Open", "zh": "进行中"},
        "won": {"en": "Won", "zh": "赢单"},
        "lost": {"en": "Lost", "zh": "输单"},
    },
    "grade": {
        "A": {"en": "A", "zh": "A"},
        "B": {"en": "B", "zh": "B"},
        "C": {"en": "C", "zh": "C"},
    },
    "dimension": {
        "industry_potential": {"en": "Industry potential", "zh": "行业潜力"},
        "need_urgency": {"en": "Need urgency", "zh": "需求紧迫度"},
        "deal_probability": {"en": "Deal probability", "zh": "成交概率"},
        "customer_value": {"en": "Customer value", "zh": "客户价值"},
    },
    "channel": {
        "visit": {"en": "Visit", "zh": "拜访"},
        "call": {"en": "Call", "zh": "电话"},
        "email": {"en": "E-mail", "zh": "邮件"},
        "demo": {"en": "Demo", "zh": "演示"},
        "meeting": {"en": "Meeting", "zh": "会议"},
        "message": {"en": "Message", "zh": "消息"},
    },
    "decision_role": {
        "decision_maker": {"en": "Decision maker", "zh": "决策者"},
        "influencer": {"en": "Influencer", "zh": "影响者"},
        "user": {"en": "User", "zh": "使用者"},
        "gatekeeper": {"en": "Gatekeeper", "zh": "把关者"},
    },
    "attitude": {
        "supportive": {"en": "Supportive", "zh": "支持"},
        "neutral": {"en": "Neutral", "zh": "中立"},
        "opposed": {"en": "Opposed", "zh": "反对"},
    },
    "rep_role": {
        "sales_rep": {"en": "Sales rep", "zh": "销售代表"},
        "sales_manager": {"en": "Sales manager", "zh": "销售经理"},
        "engineer": {"en": "Support engineer", "zh": "技术工程师"},
        "director": {"en": "Director", "zh": "总监"},
        "customer_success": {"en": "Customer success", "zh": "客户成功"},
        "other": {"en": "Other", "zh": "其他"},
    },
    "customer_status": {
        "prospect": {"en": "Prospect", "zh": "潜在客户"},
        "active": {"en": "Active", "zh": "合作中"},
        "churned": {"en": "Churned", "zh": "已流失"},
    },
    "brand_value": {
        "none": {"en": "None", "zh": "无"},
        "regional": {"en": "Regional", "zh": "区域品牌"},
        "industry_leader": {"en": "Industry leader", "zh": "行业龙头"},
    },
    "action_status": {
        "planned": {"en": "Planned", "zh": "计划中"},
        "in_progress": {"en": "In progress", "zh": "进行中"},
        "done": {"en": "Done", "zh": "已完成"},
        "cancelled": {"en": "Cancelled", "zh": "已取消"},
    },
    "run_status": {
        "running": {"en": "Running", "zh": "运行中"},
        "succeeded": {"en": "Succeeded", "zh": "成功"},
        "failed": {"en": "Failed", "zh": "失败"},
    },
    "known": {
        "at_creation": {"en": "Known when the deal is created", "zh": "建单时已知"},
        "at_outcome": {"en": "Known only at or after the outcome", "zh": "结果时才知"},
    },
})


def values(kind: str) -> tuple[str, ...]:
    """The values of one enumeration, in order (e.g. ``values("stage")``).

    Raises
    ------
    KeyError
        For a kind that is not in :data:`VOCABULARY` (the message lists the kinds).
    """
    try:
        return tuple(VOCABULARY[kind])
    except KeyError:
        raise KeyError(f"no vocabulary {kind!r}; kinds: {', '.join(VOCABULARY)}") from None


#: The follow-up path, in order: open stages, then the two ends.
STAGES = values("stage")
#: Stages of a deal still being worked on, in order.
OPEN_STAGES: tuple[str, ...] = STAGES[:4]
#: The funnel: the open stages, then winning.
FUNNEL_STAGES: tuple[str, ...] = (*OPEN_STAGES, "won")
#: Rank of each stage on the path (lead 1 ... won 5); lost has rank 0, like no stage.
STAGE_RANK: Mapping[str, int] = MappingProxyType(
    {**{s: i + 1 for i, s in enumerate(FUNNEL_STAGES)}, "lost": 0}
)
#: Order of stages as recorded (lost last), for "furthest stage" questions.
STAGE_ORDER: Mapping[str, int] = MappingProxyType({s: i + 1 for i, s in enumerate(STAGES)})

OUTCOMES = values("outcome")
#: Outcomes of a closed deal.
CLOSED_OUTCOMES: tuple[str, ...] = ("won", "lost")
#: Grades from best to worst.
GRADES = values("grade")
#: Rank of each grade (A highest), for "moved up / down".
GRADE_RANK: Mapping[str, int] = MappingProxyType(
    {g: len(GRADES) - i for i, g in enumerate(GRADES)}
)
#: The four grading dimensions, in report order.
DIMENSIONS = values("dimension")
#: The dimension that measures what a customer is worth (the at-risk list weighs by it).
VALUE_DIMENSION = "customer_value"
CHANNELS = values("channel")
DECISION_ROLES = values("decision_role")
ATTITUDES = values("attitude")
REP_ROLES = values("rep_role")
#: Rep roles that count as an executive on a visit.
EXECUTIVE_ROLES: tuple[str, ...] = ("sales_manager", "director")
CUSTOMER_STATUSES = values("customer_status")
BRAND_VALUES = values("brand_value")
#: Rank of brand values (none 0, regional 1, industry leader 2).
BRAND_RANK: Mapping[str, int] = MappingProxyType({b: i for i, b in enumerate(BRAND_VALUES)})
ACTION_STATUSES = values("action_status")
#: States of a report run in ``report_runs``.
RUN_STATUSES = values("run_status")
#: When a field becomes known (``known:`` of a mapping; ``custom_attributes.known``).
KNOWN_TIMES = values("known")
#: Fields known only at or after the outcome: never in creation-time grades, backtests, models.
KNOWN_AT_OUTCOME = "at_outcome"
KNOWN_AT_CREATION = "at_creation"


def label(kind: str, value: object, lang: str = "en") -> str:
    """Display label of one value (``label("stage", "need_confirmation")`` is
    ``"Need confirmed"``); an unknown value is shown as itself with ``_`` as spaces."""
    _check_lang(lang)
    entry = VOCABULARY.get(kind, {}).get(value)  # type: ignore[call-overload]
    if entry is None:
        return str(value).replace("_", " ")
    return entry[lang]


def labels(kind: str, lang: str = "en") -> dict[str, str]:
    """value -> label for a whole enumeration, in order (for ``Series.map``)."""
    _check_lang(lang)
    values(kind)
    return {v: entry[lang] for v, entry in VOCABULARY[kind].items()}


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} is not supported; use one of {', '.join(LANGUAGES)}")


def _quoted(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in items)


def _rows(mapping: Mapping[str, int]) -> str:
    return ", ".join(f"('{k}', {v})" for k, v in mapping.items())


def _whens(mapping: Mapping[str, int]) -> str:
    return " ".join(f"WHEN '{k}' THEN {v}" for k, v in mapping.items())


def sql_literals() -> dict[str, str]:
    """The vocabulary as SQL text for ``{{name}}`` placeholders of the store's ``.sql`` files.

    ``{{<kind>_values}}`` is a quoted list for ``IN (...)`` (e.g. ``{{stage_values}}``),
    ``{{<kind>_<value>}}`` one quoted value (``{{outcome_won}}``), and ``{{stage_rank_rows}}`` /
    ``{{stage_order_rows}}`` rows for an inline ``VALUES`` table of (stage, rank).
    """
    out: dict[str, str] = {}
    for kind, entries in VOCABULARY.items():
        out[f"{kind}_values"] = _quoted(tuple(entries))
        for value in entries:
            out[f"{kind}_{value}"] = _quoted([value])
    out["open_stage_values"] = _quoted(OPEN_STAGES)
    out["closed_outcome_values"] = _quoted(CLOSED_OUTCOMES)
    out["executive_role_values"] = _quoted(EXECUTIVE_ROLES)
    out["funnel_rank_rows"] = _rows({s: STAGE_RANK[s] for s in FUNNEL_STAGES})
    out["open_stage_rank_rows"] = _rows({s: STAGE_RANK[s] for s in OPEN_STAGES})
    out["stage_order_rows"] = _rows(STAGE_ORDER)
    out["stage_order_whens"] = _whens(STAGE_ORDER)
    out["stage_rank_whens"] = _whens({s: STAGE_RANK[s] for s in FUNNEL_STAGES})
    return out
