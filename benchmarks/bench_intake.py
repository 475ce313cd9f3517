"""Intake benchmarks: imports with validation, each in its own process (own peak RSS).

Two cases, both at ``rows`` rows (default 1,000,000):

- **interactions**: an interactions CSV (customers exist), 0.1% broken rows. Target < 20 s.
- **customers**: a customer CSV with the intake template's Chinese headers (客户编号, 客户名称,
  所属行业, ... 品牌影响力, the contact and follow-up columns, 沟通次数), 客户编号 blank so ids
  are derived from names, with broken values, exact and suspected duplicate names and vague
  needs planted. Anchor, measured in the same run: DuckDB's own ``read_csv`` + ``INSERT`` of
  the same file into a plain table. Target: within 4x of the anchor, under 1.5 GB peak RSS.
  Second anchor, the **engine floor** (``intake_floor.py``): the import's own writes (three
  tables, the undo records, flags, rejected rows) in DuckDB SQL alone, with the schema's keys
  and without them; what an intake written entirely in SQL could reach.

Run: ``.venv/bin/python benchmarks/bench_intake.py [rows] [case]``, case one of ``all`` (the
default: every case, each in a child process, then the ratio), ``interactions``,
``customers``, ``anchor``, ``floor``, ``floor_nokeys``, ``compare`` (the anchors, then the
customers case, on the CSV ``all`` wrote).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from intake_floor import engine_floor

from salesanalysis.intake import import_files
from salesanalysis.store import Store
from salesanalysis.vocab import CHANNELS, STAGES

OUT = Path(__file__).resolve().parent / "out"
N_CUSTOMERS = 20_000
N_REPS = 40
#: Targets: the customer import within this multiple of the anchor, and this peak RSS (MB).
RATIO_TARGET = 4.0
RSS_TARGET_MB = 1536


def peak_mb() -> float:
    """Peak RSS of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds (user + system, all threads) of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` interactions over N_CUSTOMERS customers (0.1% broken rows)."""
    rng = np.random.default_rng(seed)
    channels = np.array(CHANNELS)
    stages = np.array(STAGES)
    days = rng.integers(0, 730, rows)
    frame = pd.DataFrame({
        "interaction_id": np.char.add("I", np.arange(rows).astype(str)),
        "customer_id": np.char.add("C", rng.integers(0, N_CUSTOMERS, rows).astype(str)),
        "rep_id": np.char.add("R", rng.integers(0, 40, rows).astype(str)),
        "date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d"),
        "channel": channels[rng.integers(0, len(channels), rows)],
        "stage": stages[rng.integers(0, len(stages), rows)],
        "summary": "follow-up call about 20% capacity target",
        "objection": "",
    })
    broken = rng.choice(rows, size=max(rows // 1000, 1), replace=False)
    frame.loc[broken, "channel"] = "carrier pigeon"
    frame.to_csv(path, index=False)


def _pick(rng: np.random.Generator, choices: list[str], rows: int) -> np.ndarray:
    return np.array(choices, dtype=object)[rng.integers(0, len(choices), rows)]


def _dates(rng: np.random.Generator, rows: int, start: str, span: int) -> pd.Index:
    days = rng.integers(0, span, rows)
    return (pd.Timestamp(start) + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")


def make_customer_csv(path: Path, rows: int, seed: int = 11) -> None:
    """Write ``rows`` customers with the template's Chinese headers (ids left blank).

    Planted: 0.1% repeated names (key duplicates, rejected), 0.1% the same company with a
    legal-form suffix (suspected duplicates, flagged), 0.1% bad numbers / dates / statuses
    (rejected), a quarter of the needs vague (flagged ``not_quantified``), revenue and
    budgets written with units (万, 亿, k, ¥1,200).
    """
    rng = np.random.default_rng(seed)
    idx = np.arange(rows).astype(str)
    city = _pick(rng, ["上海", "北京", "深圳", "杭州", "成都", "苏州", "Acme ", "Sun "], rows)
    names = city + "星辰" + idx + _pick(rng, ["科技有限公司", "制造股份有限公司", " Ltd", " Inc",
                                             "集团", "物流有限公司"], rows)
    n_bad = max(rows // 1000, 1)
    dup = rng.choice(np.arange(1, rows), size=n_bad, replace=False)
    names[dup] = names[dup - 1]  # the same name again: same derived id, rejected
    sus = rng.choice(np.arange(1, rows), size=n_bad, replace=False)
    names[sus] = city[sus - 1] + "星辰" + idx[sus - 1]  # suffix dropped: suspected duplicate
    employees = rng.integers(5, 20_000, rows).astype(str).astype(object)
    revenue = np.char.add(rng.integers(10, 90_000, rows).astype(str), "万").astype(object)
    revenue[rng.random(rows) < 0.1] = "1.2亿"
    revenue[rng.random(rows) < 0.1] = "¥3,400,000"
    budget = np.char.add(rng.integers(5, 900, rows).astype(str), "k").astype(object)
    budget[rng.random(rows) < 0.3] = "50万"
    pains = _pick(rng, ["交付周期长，需缩短30%", "库存周转慢，目标提升至每年8次", "人工成本高",
                        "获客成本高，降低20%", "数据分散", "良品率95%需提升到99%"], rows)
    needs = _pick(rng, ["提升产能30%", "上线MES系统，6个月内完成", "需求大", "年底前部署200台",
                        "降本增效", "覆盖3个工厂"], rows)
    status = _pick(rng, ["潜在客户", "合作中", "已流失", "prospect", "active"], rows)
    first = _dates(rng, rows, "2022-01-01", 900).to_numpy(dtype=object)
    deadline = _dates(rng, rows, "2024-06-01", 500).to_numpy(dtype=object)
    bad = rng.choice(rows, size=(4, n_bad), replace=False)
    employees[bad[0]] = "很多"
    first[bad[1]] = "2024-13-45"
    status[bad[2]] = "观望"
    revenue[bad[3]] = "1,5"
    frame = pd.DataFrame({
        "客户编号": "",
        "客户名称": names,
        "所属行业": _pick(rng, ["制造", "零售", "物流", "金融", "医疗", "教育", "能源"], rows),
        "员工人数": employees,
        "年营收": revenue,
        "所在地": _pick(rng, ["华东", "华北", "华南", "西南", "华中"], rows),
        "客户来源": _pick(rng, ["展会", "转介绍", "官网", "电话营销"], rows),
        "负责销售": np.char.add("销售", rng.integers(0, N_REPS + 2, rows).astype(str)),
        "首次接触时间": first,
        "客户状态": status,
        "当前痛点": pains,
        "需求描述": needs,
        "采购需求/预算": budget,
        "需求截止时间": deadline,
        "期望合作周期": rng.integers(1, 36, rows).astype(str),
        "品牌影响力": _pick(rng, ["无", "区域知名", "行业龙头", ""], rows),
        "联系人": np.char.add("联系人", idx.astype(str)),
        "职位": _pick(rng, ["采购经理", "总经理", "IT主管", "生产总监"], rows),
        "决策角色": _pick(rng, ["决策者", "影响者", "使用者", "把关者"], rows),
        "态度": _pick(rng, ["支持", "中立", "反对"], rows),
        "最近跟进日期": _dates(rng, rows, "2024-01-01", 300),
        "跟进方式": _pick(rng, ["拜访", "电话", "邮件", "微信", "会议"], rows),
        "跟进阶段": _pick(rng, ["初步接触", "需求确认", "方案报价", "商务谈判"], rows),
        "跟进摘要": _pick(rng, ["介绍方案，客户关注ROI", "现场演示，反馈良好", "=HYPERLINK(x)"],
                          rows),
        "成交障碍": _pick(rng, ["价格", "", "预算未批", "竞品"], rows),
        "沟通次数": rng.integers(0, 3, rows).astype(str),
    })
    frame.to_csv(path, index=False)


def _reps(store: Store) -> None:
    ids = [f"R{i}" for i in range(N_REPS)]
    store.upsert("reps", pd.DataFrame({"rep_id": ids, "name": [f"销售{i}" for i in range(N_REPS)],
                                       "role": "sales_rep"}))


def run_interactions(rows: int) -> None:
    """The interactions case (customers exist)."""
    csv = OUT / "interactions_bench.csv"
    db = OUT / "bench_intake.duckdb"
    db.unlink(missing_ok=True)
    t0 = time.perf_counter()
    make_csv(csv, rows)
    print(f"wrote {rows:,} rows ({csv.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f}s")
    with Store(db, create=True) as store:
        ids = [f"C{i}" for i in range(N_CUSTOMERS)]
        store.upsert("customers", pd.DataFrame({"customer_id": ids, "name": ids}))
        t0 = time.perf_counter()
        summary = import_files(store, [csv], rejected_dir=OUT / "rejected")
        seconds = time.perf_counter() - t0
        row = summary.tables.iloc[0]
        print(f"import with validation: {seconds:.1f}s ({rows / seconds:,.0f} rows/s), "
              f"{row.loaded:,} loaded, {row.rejected:,} rejected (target < 20 s)")
        t0 = time.perf_counter()
        again = import_files(store, [csv], rejected_dir=OUT / "rejected")
        print(f"re-import (all unchanged): {time.perf_counter() - t0:.1f}s, "
              f"{again.tables.iloc[0].unchanged:,} unchanged")
    print(f"peak RSS: {peak_mb():,.0f} MB")


def _customer_csv(rows: int) -> Path:
    return OUT / f"customers_bench_{rows}.csv"


def run_customers(rows: int) -> None:
    """The customer-CSV case: the whole import (read, map, validate, flag, write)."""
    csv = _customer_csv(rows)
    db = OUT / "bench_intake_customers.duckdb"
    db.unlink(missing_ok=True)
    with Store(db, create=True) as store:
        _reps(store)
        t0, c0 = time.perf_counter(), cpu_s()
        summary = import_files(store, [csv], rejected_dir=OUT / "rejected")
        seconds, cpu = time.perf_counter() - t0, cpu_s() - c0
        tables = summary.tables.set_index("table")
        cust = tables.loc["customers"]
        print(f"customers import with validation: {seconds:.1f}s ({rows / seconds:,.0f} rows/s), "
              f"{cust.loaded:,} loaded, {cust.rejected:,} rejected, {cust.flagged:,} flagged; "
              + ", ".join(f"{t} {r.loaded:,}" for t, r in tables.iterrows() if t != "customers"))
        print(f"SECONDS {seconds:.3f}")
        print(f"CPU {cpu:.3f}")
    print(f"PEAK_MB {peak_mb():.0f}")


def run_anchor(rows: int) -> None:
    """DuckDB's own read_csv + INSERT of the same file into a plain table."""
    csv = _customer_csv(rows)
    db = OUT / "bench_intake_anchor.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    t0, c0 = time.perf_counter(), cpu_s()
    con.execute("CREATE TABLE plain AS SELECT * FROM read_csv(?, header = true) LIMIT 0",
                [str(csv)])
    con.execute("INSERT INTO plain SELECT * FROM read_csv(?, header = true)", [str(csv)])
    seconds, cpu = time.perf_counter() - t0, cpu_s() - c0  # committed, as the import's
    n = con.execute("SELECT count(*) FROM plain").fetchone()[0]
    con.close()
    print(f"anchor DuckDB read_csv + INSERT: {seconds:.1f}s, {n:,} rows")
    print(f"SECONDS {seconds:.3f}")
    print(f"CPU {cpu:.3f}")
    print(f"PEAK_MB {peak_mb():.0f}")


def run_floor(rows: int, keys: bool = True) -> None:
    """The engine floor: the import's writes in DuckDB SQL alone (``intake_floor``)."""
    seconds, counts = engine_floor(_customer_csv(rows), OUT / "bench_intake_floor.duckdb", keys)
    cpu = cpu_s()
    print(f"engine floor ({'schema keys' if keys else 'no keys'}): {seconds:.1f}s, "
          + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(f"SECONDS {seconds:.3f}")
    print(f"CPU {cpu:.3f}")
    print(f"PEAK_MB {peak_mb():.0f}")


def _child(rows: int, case: str) -> tuple[float, float, float]:
    """Run a case in a child process; echo its output; return (seconds, CPU s, peak MB)."""
    out = subprocess.run([sys.executable, __file__, str(rows), case], check=True,
                         capture_output=True, text=True).stdout
    figures = {}
    for line in out.splitlines():
        word, _, value = line.partition(" ")
        if word in ("SECONDS", "CPU", "PEAK_MB"):
            figures[word] = float(value)
        else:
            print(line, flush=True)
    return tuple(figures.get(k, float("nan")) for k in ("SECONDS", "CPU", "PEAK_MB"))


def run_all(rows: int) -> None:
    """Every case in its own process, then the customer import against its anchor."""
    OUT.mkdir(exist_ok=True)
    print(f"-- interactions, {rows:,} rows", flush=True)
    subprocess.run([sys.executable, __file__, str(rows), "interactions"], check=True)
    csv = _customer_csv(rows)
    t0 = time.perf_counter()
    make_customer_csv(csv, rows)
    print(f"-- customers (template headers), {rows:,} rows ({csv.stat().st_size / 1e6:.0f} MB, "
          f"written in {time.perf_counter() - t0:.1f}s)", flush=True)
    run_compare(rows)


def run_compare(rows: int) -> None:
    """The customer import against its anchor, each in a child process (the CSV exists)."""
    anchor_s, anchor_cpu, anchor_mb = _child(rows, "anchor")
    floors = {"engine floor, schema keys": _child(rows, "floor"),
              "engine floor, no keys": _child(rows, "floor_nokeys")}
    seconds, cpu, mb = _child(rows, "customers")
    ratio = seconds / anchor_s
    print(f"{'measure':<34}{'wall':>9}{'CPU':>9}{'peak RSS':>12}{'x anchor':>10}")
    print(f"{'customers import, validated':<34}{seconds:8.1f}s{cpu:8.1f}s{mb:9,.0f} MB"
          f"{ratio:9.1f}x")
    print(f"{'anchor: DuckDB read_csv + INSERT':<34}{anchor_s:8.1f}s{anchor_cpu:8.1f}s"
          f"{anchor_mb:9,.0f} MB{1:9.1f}x")
    for label, (f_s, f_cpu, f_mb) in floors.items():  # what an all-SQL intake could reach
        print(f"{label:<34}{f_s:8.1f}s{f_cpu:8.1f}s{f_mb:9,.0f} MB{f_s / anchor_s:9.1f}x")
    print(f"ratio {ratio:.1f}x (target <= {RATIO_TARGET:g}x: {'OK' if ratio <= RATIO_TARGET else 'OVER'}); "
          f"peak {mb:,.0f} MB (target < {RSS_TARGET_MB:,} MB: "
          f"{'OK' if mb < RSS_TARGET_MB else 'OVER'})")


CASES = {"interactions": run_interactions, "customers": run_customers, "anchor": run_anchor,
         "floor": run_floor, "floor_nokeys": lambda rows: run_floor(rows, keys=False),
         "compare": run_compare, "all": run_all}


if __name__ == "__main__":
    n_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    case = sys.argv[2] if len(sys.argv) > 2 else "all"
    if case not in CASES:
        raise SystemExit(f"unknown case {case!r}; use one of: {', '.join(CASES)}")
    OUT.mkdir(exist_ok=True)
    CASES[case](n_rows)
