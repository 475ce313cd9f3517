"""The customer intake workbook (the method's Template 1), written with xlsxwriter.

One data sheet (``客户信息`` / ``Customers``) with one row per customer and bilingual headers
in four colour-coded groups: basic attributes, needs, decision chain (a key contact) and
interaction history; drop-down lists for every categorical field (strict where the schema
allows fixed values, a suggestion list where teams use their own words, e.g. industry);
number and date formats and input checks; and an instructions sheet with each field's rule
and a good and a bad example ("提升产能30%" is a need, "需求大" is not).

Every header and every drop-down value is one the built-in mapping
(``defaults/mappings/template.yaml``) understands, so a filled-in template imports with no
mapping and every column lands in a canonical place: the customer, its key contact, its
latest follow-up (interactions), its latest past order (过往合作记录 / 日期 / 金额 -> orders), and
沟通次数, the stated number of touchpoints, checked against the interactions recorded
(:mod:`salesanalysis.intake.counts`). The drop-downs of data-model enumerations (status, brand value, decision role,
attitude, channel, stage) list the values of :mod:`salesanalysis.vocab` in its order: the
English sheet shows the values themselves, the Chinese sheet their Chinese labels, worded
for a sales rep where the template says it better (``初步接触`` for a lead, ``微信`` for a
message).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from salesanalysis import vocab
from salesanalysis.exceptions import ParameterError
from salesanalysis.formatting import EXCEL_FORMATS


@dataclass(frozen=True)
class Field:
    """One column of the intake sheet."""

    zh: str
    en: str
    group: str
    kind: str = "text"  # text, long_text, int, money, date
    zh_choices: tuple[str, ...] = ()
    en_choices: tuple[str, ...] = ()
    strict: bool = True
    rule_zh: str = ""
    rule_en: str = ""
    good: str = ""
    bad: str = ""


#: Chinese wording of vocabulary values on the template where it differs from
#: :func:`salesanalysis.vocab.labels` (each is in the template mapping's value maps).
ZH_WORDING: Mapping[str, Mapping[str, str]] = {
    "stage": {"lead": "初步接触", "won": "赢单", "lost": "输单"},
    "channel": {"message": "微信"},
    "brand_value": {"regional": "区域知名"},
}


def vocab_choices(kind: str) -> dict[str, tuple[str, ...]]:
    """Drop-down values of a vocabulary kind: ``en_choices`` (the values, in vocabulary
    order) and ``zh_choices`` (their Chinese labels, with :data:`ZH_WORDING`)."""
    values = vocab.values(kind)
    zh = {**vocab.labels(kind, "zh"), **ZH_WORDING.get(kind, {})}
    return {"en_choices": values, "zh_choices": tuple(zh[v] for v in values)}


#: Column groups: name (zh, en) and header colour.
GROUPS = {
    "basic": ("基本属性", "Basic attributes", "#DDEBF7"),
    "needs": ("需求信息", "Needs", "#FCE4D6"),
    "decision": ("决策链", "Decision chain", "#E2EFDA"),
    "history": ("互动记录", "Interaction history", "#FFF2CC"),
}

FIELDS: tuple[Field, ...] = (
    Field("客户名称", "Customer name", "basic", rule_zh="必填；公司全称，同一客户每次写法一致",
          rule_en="Required; the company's full name, spelled the same every time",
          good="苏州恒达精密机械有限公司", bad="恒达(老王那家)"),
    Field("所属行业", "Industry", "basic",
          zh_choices=("制造业", "零售", "金融", "医疗", "教育", "互联网", "物流", "能源", "其他"),
          en_choices=("manufacturing", "retail", "finance", "healthcare", "education",
                      "internet", "logistics", "energy", "other"),
          strict=False, rule_zh="从下拉列表选择，没有合适的可填写", rule_en="Pick from the list or type",
          good="制造业", bad="工厂吧"),
    Field("员工人数", "Employees", "basic", kind="int", rule_zh="整数，大于0",
          rule_en="Whole number above 0", good="1200", bad="很多"),
    Field("年营收(元)", "Annual revenue", "basic", kind="money",
          rule_zh="数字，可写 万/亿，例如 5000万", rule_en="Number; 万, k and M are understood",
          good="5000万", bad="挺大"),
    Field("所在地", "Region", "basic", rule_zh="省/市", rule_en="Province or city",
          good="江苏苏州", bad="南方"),
    Field("客户来源", "Lead source", "basic",
          zh_choices=("展会", "转介绍", "官网", "电话开发", "渠道", "其他"),
          en_choices=("trade_show", "referral", "website", "cold_call", "partner", "other"),
          strict=False, good="转介绍", bad=""),
    Field("负责销售", "Owner rep", "basic", rule_zh="销售姓名，与销售名单一致",
          rule_en="The rep's name as in the team list", good="张伟", bad="小张"),
    Field("客户状态", "Status", "basic", **vocab_choices("customer_status"),
          good="潜在客户", bad="还行"),
    Field("品牌影响力", "Brand value", "basic", **vocab_choices("brand_value"),
          good="行业龙头", bad="有名"),
    Field("当前痛点", "Pain points", "needs", kind="long_text",
          rule_zh="必须可量化：写数字、百分比、金额或日期",
          rule_en="Must be quantified: a number, percentage, amount or date",
          good="换型时间4小时，良率92%", bad="效率低"),
    Field("需求描述", "Need description", "needs", kind="long_text",
          rule_zh="必须可量化：要达到的目标和时间",
          rule_en="Must be quantified: the target and when",
          good="提升产能30%，2025年6月前上线", bad="需求大"),
    Field("采购需求/预算", "Budget", "needs", kind="money",
          rule_zh="金额，可写 万", rule_en="Amount; 万, k and M are understood",
          good="80万", bad="看情况"),
    Field("需求截止时间", "Need deadline", "needs", kind="date",
          rule_zh="日期 YYYY-MM-DD", rule_en="Date YYYY-MM-DD", good="2025-06-30", bad="年后"),
    Field("期望合作周期(月)", "Expected cycle (months)", "needs", kind="int",
          rule_zh="整数月数", rule_en="Whole months", good="12", bad="长期"),
    Field("联系人", "Contact name", "decision", good="李娜", bad="李总?"),
    Field("职位", "Title", "decision", good="生产总监", bad=""),
    Field("决策角色", "Decision role", "decision", **vocab_choices("decision_role"),
          good="决策者", bad="大领导"),
    Field("态度", "Attitude", "decision", **vocab_choices("attitude"), good="支持",
          bad="还可以"),
    Field("首次接触时间", "First contact date", "history", kind="date",
          rule_zh="日期 YYYY-MM-DD", rule_en="Date YYYY-MM-DD", good="2024-09-12", bad="去年"),
    Field("沟通次数", "Number of touchpoints", "history", kind="int",
          rule_zh="至今沟通的总次数（整数）；与已记录的跟进条数核对，多出的会被标记，请补录",
          rule_en="All touchpoints so far (whole number); checked against the follow-ups "
                  "recorded, a larger count is flagged for you to record the others",
          good="5", bad="多次"),
    Field("最近跟进日期", "Last follow-up date", "history", kind="date",
          rule_zh="有跟进记录时必填", rule_en="Required when a follow-up is recorded",
          good="2025-01-08", bad="上周"),
    Field("跟进方式", "Channel", "history", **vocab_choices("channel"), good="拜访", bad=""),
    Field("跟进阶段", "Stage", "history", **vocab_choices("stage"), good="方案报价",
          bad="差不多了"),
    Field("跟进摘要", "Follow-up summary", "history", kind="long_text",
          good="演示产线方案，客户要求1月20日前报价", bad="聊了聊"),
    Field("成交障碍", "Objection", "history", kind="long_text",
          good="预算80万，报价超出15%", bad="太贵"),
    Field("过往合作记录", "Past orders", "history", kind="long_text",
          rule_zh="最近一次合作买了什么；日期和金额填在后两列", rule_en="What the latest past "
          "order was; its date and amount go in the next two columns",
          good="采购2台设备", bad="合作过"),
    Field("过往合作日期", "Past order date", "history", kind="date",
          rule_zh="填写过往合作记录时必填，YYYY-MM-DD", rule_en="Required with a past order",
          good="2023-05-10", bad="前年"),
    Field("过往合作金额", "Past order amount", "history", kind="money",
          rule_zh="金额，可写 万", rule_en="Amount; 万, k and M are understood", good="60万",
          bad="不少"),
)

#: Rows of the data sheet that get input checks and formats.
DATA_ROWS = 1000


def header_text(field: Field, lang: str) -> str:
    """The two-line bilingual header, the chosen language first."""
    return f"{field.zh}\n{field.en}" if lang == "zh" else f"{field.en}\n{field.zh}"


def write_template(path: str | Path, lang: str = "zh") -> Path:
    """Write the customer intake workbook.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (parent folders are created).
    lang : {"zh", "en"}, default "zh"
        Language shown first in headers and used for drop-down values and sheet names; the
        other language is always shown under it.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> write_template("customer_intake_template.xlsx", lang="en")  # doctest: +SKIP
    """
    if lang not in ("zh", "en"):
        raise ParameterError(f"lang {lang!r} is not supported; use zh or en")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ParameterError(f"{path}: the template is an Excel workbook; use a .xlsx name")
    path.parent.mkdir(parents=True, exist_ok=True)
    zh = lang == "zh"
    book = Workbook(str(path))
    try:
        data = book.add_worksheet("客户信息" if zh else "Customers")
        guide = book.add_worksheet("填写说明" if zh else "Instructions")
        _data_sheet(book, data, lang)
        _guide_sheet(book, guide, lang)
        data.activate()
    finally:
        book.close()
    return path


#: Input checks of the kinds without a drop-down: the check and its message (zh, en).
_KIND_CHECKS: Mapping[str, tuple[dict[str, Any], str, str]] = {
    "int": ({"validate": "integer", "criteria": ">=", "value": 0},
            "请填写整数", "Enter a whole number"),
    "date": ({"validate": "date", "criteria": "between", "minimum": date(1990, 1, 1),
              "maximum": date(2100, 1, 1)},
             "日期格式 YYYY-MM-DD", "Use a date, YYYY-MM-DD"),
}
#: Cell format and column width of each field kind.
_KIND_FORMATS: Mapping[str, dict[str, Any]] = {
    "text": {"text_wrap": False},
    "long_text": {"text_wrap": True, "valign": "top"},
    "int": {"num_format": EXCEL_FORMATS["count"]},
    "money": {"num_format": EXCEL_FORMATS["money"]},
    "date": {"num_format": EXCEL_FORMATS["date"]},
}
_KIND_WIDTHS = {"text": 16, "long_text": 36, "int": 12, "money": 16, "date": 14}


def _input_check(field: Field, zh: bool) -> dict[str, Any] | None:
    """The data validation of a field's column: its drop-down, a kind check, or None."""
    choices = field.zh_choices if zh else field.en_choices
    if choices:
        return {
            "validate": "list", "source": list(choices),
            "error_type": "stop" if field.strict else "information",
            "error_title": field.zh if zh else field.en,
            "error_message": "请从下拉列表中选择" if zh else "Pick a value from the list",
        }
    if field.kind not in _KIND_CHECKS:
        return None
    check, zh_message, en_message = _KIND_CHECKS[field.kind]
    return {**check, "error_type": "warning", "error_message": zh_message if zh else en_message}


def _header_comment(field: Field, zh: bool) -> str:
    group = GROUPS[field.group]
    rule = field.rule_zh if zh else field.rule_en
    return f"{group[0]} / {group[1]}" + (f"\n{rule}" if rule else "")


def _data_sheet(book: Workbook, sheet: Worksheet, lang: str) -> None:
    zh = lang == "zh"
    formats = {kind: book.add_format(spec) for kind, spec in _KIND_FORMATS.items()}
    sheet.set_row(0, 36)
    sheet.freeze_panes(1, 1)
    for col, field in enumerate(FIELDS):
        head = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                "bg_color": GROUPS[field.group][2], "border": 1})
        sheet.write_string(0, col, header_text(field, lang), head)
        sheet.set_column(col, col, _KIND_WIDTHS[field.kind], formats[field.kind])
        sheet.write_comment(0, col, _header_comment(field, zh), {"x_scale": 1.6})
        check = _input_check(field, zh)
        if check is not None:
            sheet.data_validation(1, col, DATA_ROWS, col, check)


#: The instructions sheet's title, standard and import note, per language.
_GUIDE_TEXT: Mapping[str, tuple[str, str, str]] = {
    "zh": (
        "客户信息录入说明（统一标准：可量化、可追溯）",
        "每行一个客户；“客户信息”表的表头不要修改。需求和痛点必须包含数字、百分比、金额或日期："
        "“提升产能30%”是需求，“需求大”不是；不可量化的内容会被标记，需要补充。",
        "导入：salesanalysis import 本文件.xlsx（无需映射文件）。有问题的行会写入 "
        "data/rejected/ 下的 CSV，并附原因，修改后可直接再次导入。",
    ),
    "en": (
        "Customer intake: one standard, quantified and traceable",
        "One row per customer; do not change the headers of the Customers sheet. Needs and "
        "pain points must carry a number, percentage, amount or date: \"raise capacity 30%\" "
        "is a need, \"big demand\" is not; vague entries are flagged for you to fix.",
        "Import: salesanalysis import this_file.xlsx (no mapping needed). Rows with problems "
        "go to a CSV in data/rejected/ with the reasons; fix it and import it again as is.",
    ),
}
_GUIDE_HEADS = ("字段 / Field", "分组 / Group", "填写要求 / Rule", "好的例子 / Good",
                "不好的例子 / Bad")
_GUIDE_WIDTHS = (30, 22, 48, 34, 34)


def _guide_rule(field: Field, zh: bool) -> str:
    """A field's rule, with its drop-down values."""
    choices = field.zh_choices if zh else field.en_choices
    rule = field.rule_zh if zh else field.rule_en
    if not choices:
        return rule
    return (rule + "; " if rule else "") + ("可选值: " if zh else "values: ") + ", ".join(choices)


def _guide_sheet(book: Workbook, sheet: Worksheet, lang: str) -> None:
    zh = lang == "zh"
    bold = book.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 14})
    good = book.add_format({"text_wrap": True, "valign": "top", "font_color": "#006100",
                            "bg_color": "#C6EFCE"})
    bad = book.add_format({"text_wrap": True, "valign": "top", "font_color": "#9C0006",
                           "bg_color": "#FFC7CE"})
    heading, standard, how_to_import = _GUIDE_TEXT[lang]
    sheet.write_string(0, 0, heading, title)
    sheet.merge_range(1, 0, 1, 4, standard, wrap)
    sheet.merge_range(2, 0, 2, 4, how_to_import, wrap)
    sheet.set_row(1, 48)
    sheet.set_row(2, 36)
    for col, text in enumerate(_GUIDE_HEADS):
        sheet.write_string(4, col, text, bold)
    for row, field in enumerate(FIELDS, start=5):
        group = GROUPS[field.group]
        sheet.write_string(row, 0, header_text(field, lang).replace("\n", " / "), wrap)
        sheet.write_string(row, 1, f"{group[0]} / {group[1]}", wrap)
        sheet.write_string(row, 2, _guide_rule(field, zh), wrap)
        sheet.write_string(row, 3, field.good, good)
        sheet.write_string(row, 4, field.bad, bad)
    for col, width in enumerate(_GUIDE_WIDTHS):
        sheet.set_column(col, col, width)
