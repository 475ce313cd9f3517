"""The engine floor of the customer-CSV import: the same writes in DuckDB SQL alone.

A second anchor for ``bench_intake.py``. DuckDB's ``read_csv`` + ``INSERT`` into one plain
table (the issue's anchor) writes one table; the import of the same file writes three
(customers, contacts, interactions: the template's contact and follow-up columns), one
``batch_changes`` row per record (``import --undo``), a flag per vague need or suspected
duplicate name, and the rejected rows, all into tables with the schema's primary keys. This
module does that work in SQL only, in one transaction on a store created by the package (so
the same tables, types, CHECKs and keys): clean names, hash ids with ``md5``, parse numbers
with units and dates with ``try_strptime``, map the template's Chinese values, reject bad and
duplicate rows, insert, record, flag, commit. It skips what no SQL statement here reproduces
(per-column reason texts in the user's terms, the stated-count check, custom attributes), so it
is a floor: an all-SQL intake would take at least this long.

``keys=False`` runs it on the same tables without their primary keys, to show what the keys
cost.
"""

from __future__ import annotations

import time
from pathlib import Path

from salesanalysis.store import Store

#: The template's Chinese values -> the vocabulary (the canonical values map to themselves).
VALUE_MAPS = {
    "status": {"潜在客户": "prospect", "合作中": "active", "已流失": "churned"},
    "brand": {"无": "none", "区域知名": "regional", "行业龙头": "industry_leader"},
    "role": {"决策者": "decision_maker", "影响者": "influencer", "使用者": "user",
             "把关者": "gatekeeper"},
    "attitude": {"支持": "supportive", "中立": "neutral", "反对": "opposed"},
    "channel": {"拜访": "visit", "电话": "call", "邮件": "email", "微信": "message",
                "会议": "meeting"},
    "stage": {"初步接触": "lead", "需求确认": "need_confirmation", "方案报价": "proposal",
              "商务谈判": "negotiation"},
}
KEYED = ("customers", "contacts", "interactions", "flagged_rows")


def _amount(column: str) -> str:
    """SQL for an amount written with a unit (万, 亿, k) or a currency sign; NULL if unparsable."""
    bare = f"regexp_replace(lower(trim({column})), '[¥,\\s]|万|亿|k$', '', 'g')"
    scale = (f"CASE WHEN {column} LIKE '%亿' THEN 1e8 WHEN {column} LIKE '%万' THEN 1e4 "
             f"WHEN lower({column}) LIKE '%k' THEN 1e3 ELSE 1 END")
    return f"try_cast({bare} AS DOUBLE) * {scale}"


def _date(column: str) -> str:
    return f"try_strptime({column}, ['%Y-%m-%d', '%Y/%m/%d'])::DATE"


CLEAN = f"""
CREATE TEMP TABLE clean AS SELECT *,
    nullif(trim(regexp_replace("客户名称", '\\s+', ' ', 'g')), '') AS name_n,
    lower(regexp_replace(regexp_replace("客户名称", '(有限公司|股份|集团|公司|ltd|inc)', '', 'gi'),
                         '[\\s\\p{{P}}]+', '', 'g')) AS match_key,
    coalesce(nullif(trim("客户编号"), ''),
             'c_' || md5(lower(regexp_replace(coalesce("客户名称", ''), '\\s+', ' ', 'g')))[:16])
        AS cid,
    try_cast(regexp_replace("员工人数", '[,\\s]', '', 'g') AS INTEGER) AS employees,
    {_amount('"年营收"')} AS revenue,
    {_amount('"采购需求/预算"')} AS budget,
    {_date('"首次接触时间"')} AS first_contact,
    {_date('"需求截止时间"')} AS deadline,
    {_date('"最近跟进日期"')} AS follow_date,
    try_cast("期望合作周期" AS INTEGER) AS cycle,
    CASE WHEN regexp_matches(coalesce("跟进摘要", ''), '^[=+\\-@\\t\\r]')
         THEN '''' || "跟进摘要" ELSE "跟进摘要" END AS summary_safe
FROM raw"""

ISSUES = """
CREATE TEMP TABLE issues AS SELECT source_row, string_agg(reason, '; ') AS reasons FROM (
    SELECT source_row, '客户名称 is empty' AS reason FROM clean WHERE name_n IS NULL
    UNION ALL SELECT source_row, '员工人数 is not a number' FROM clean
        WHERE "员工人数" IS NOT NULL AND employees IS NULL
    UNION ALL SELECT source_row, '年营收 is not an amount' FROM clean
        WHERE "年营收" IS NOT NULL AND revenue IS NULL
    UNION ALL SELECT source_row, '首次接触时间 is not a date' FROM clean
        WHERE "首次接触时间" IS NOT NULL AND first_contact IS NULL
    UNION ALL SELECT source_row, '客户状态 is not a status' FROM clean
        LEFT JOIN map_status AS m ON m.src = "客户状态" WHERE "客户状态" IS NOT NULL AND m.dst IS NULL
    UNION ALL SELECT source_row, 'duplicate customer' FROM (
        SELECT source_row, count(*) OVER (PARTITION BY cid) AS n FROM clean) WHERE n > 1
) GROUP BY source_row"""

WRITES = (
    """INSERT INTO customers SELECT cid, name_n, "所属行业",
        CASE WHEN employees > 0 THEN employees END, revenue, "所在地", "客户来源", NULL,
        first_contact, s.dst, "当前痛点", "需求描述", budget, deadline,
        CASE WHEN cycle >= 0 THEN cycle END, b.dst
    FROM good LEFT JOIN map_status AS s ON s.src = "客户状态"
    LEFT JOIN map_brand AS b ON b.src = "品牌影响力" """,
    """INSERT INTO contacts SELECT 'k_' || md5(cid || '|' || "联系人")[:16], cid, "联系人", "职位",
        r.dst, a.dst
    FROM good LEFT JOIN map_role AS r ON r.src = "决策角色"
    LEFT JOIN map_attitude AS a ON a.src = "态度" WHERE "联系人" IS NOT NULL""",
    """INSERT INTO interactions SELECT 'i_' || md5(cid || '|' || follow_date::VARCHAR)[:16], cid,
        NULL, follow_date, c.dst, s.dst, summary_safe, "成交障碍"
    FROM good LEFT JOIN map_channel AS c ON c.src = "跟进方式"
    LEFT JOIN map_stage AS s ON s.src = "跟进阶段" WHERE follow_date IS NOT NULL""",
    *(f"INSERT INTO batch_changes SELECT 'b1', '{table}', {key}, 'insert', NULL FROM {table}"
      for table, key in (("customers", "customer_id"), ("contacts", "contact_id"),
                         ("interactions", "interaction_id"))),
    """INSERT INTO flagged_rows
    SELECT 'b1', 'customers', cid, 'need_description', 'not_quantified', NULL FROM good
        WHERE NOT regexp_matches(coalesce("需求描述", ''), '[0-9]')
    UNION ALL SELECT 'b1', 'customers', cid, 'name', 'suspected_duplicate', NULL FROM (
        SELECT cid, count(*) OVER (PARTITION BY match_key) AS n FROM good) WHERE n > 1""",
    "INSERT INTO rejected_rows SELECT 'b1', 'customers', 'customers.csv', source_row, NULL, "
    "reasons FROM issues",
)


def _drop_keys(store: Store) -> None:
    for table in KEYED:  # the same columns and types, no primary key
        store.con.execute(f"CREATE TABLE {table}_bare AS SELECT * FROM {table} LIMIT 0")
        store.con.execute(f"DROP TABLE {table}")
        store.con.execute(f"ALTER TABLE {table}_bare RENAME TO {table}")


def engine_floor(csv: Path, db: Path, keys: bool = True) -> tuple[float, dict[str, int]]:
    """Import ``csv`` into a new store ``db`` with SQL alone; (seconds, rows per table)."""
    db.unlink(missing_ok=True)
    with Store(db, create=True) as store:
        con = store.con
        if not keys:
            _drop_keys(store)
        for name, values in VALUE_MAPS.items():
            con.execute(f"CREATE TEMP TABLE map_{name} (src VARCHAR, dst VARCHAR)")
            con.executemany(f"INSERT INTO map_{name} VALUES (?, ?)",
                            [*values.items(), *((v, v) for v in values.values())])
        started = time.perf_counter()
        con.execute("BEGIN")
        con.execute("CREATE TEMP TABLE raw AS SELECT row_number() OVER () AS source_row, * "
                    "FROM read_csv(?, header = true, all_varchar = true)", [str(csv)])
        con.execute(CLEAN)
        con.execute(ISSUES)
        con.execute("CREATE TEMP TABLE good AS SELECT c.* FROM clean AS c "
                    "ANTI JOIN issues USING (source_row)")
        for statement in WRITES:
            con.execute(statement)
        con.execute("COMMIT")
        seconds = time.perf_counter() - started
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("customers", "contacts", "interactions", "batch_changes",
                            "flagged_rows", "rejected_rows")}
    return seconds, counts
