"""Bad inputs of issue 9, one table row per case: the message and the row accounting.

Each case writes its files, imports them into a fresh store and asserts either the one-line
error (file, key or row, and the fix) or the counts (source rows = loaded + rejected, flagged
counted), the reason lines and what was stored.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from salesanalysis.cli.app import main
from salesanalysis.exceptions import SalesAnalysisError, StoreError
from salesanalysis.intake.pipeline import import_files
from salesanalysis.store import Store

CUSTOMER_HEADER = "customer_id,name,employees,first_contact_date"

ORDER_MAPPING = """
sources:
  people:
    files: ["*.csv"]
    targets:
      - table: contacts
        columns: {contact: name}
        derive: {contact_id: {from: [name], prefix: con_}}
        inherit: {customer_id: customer_id}
      - table: customers
        columns: {company: name}
        derive: {customer_id: {from: [name], prefix: cus_}}
"""

CYCLE_MAPPING = """
sources:
  people:
    files: ["*.csv"]
    targets:
      - table: contacts
        columns: {contact: name, company: customer_id}
        derive: {contact_id: {from: [name], prefix: con_}}
        lookups: {customer_id: {table: customers, match: name, value: customer_id}}
      - table: customers
        columns: {company: name}
        inherit: {customer_id: contact_id}
"""

BAD_FORMAT_MAPPING = """
sources:
  customers:
    files: ["*.csv"]
    targets:
      - table: customers
        columns: {customer_id: customer_id, name: name, first_contact_date: first_contact_date}
        date_formats: {first_contact_date: ["%Q"]}
"""

YAML_SCALARS_MAPPING = """
sources:
  leads:
    files: ["*.csv"]
    targets:
      - table: customers
        columns: {id: customer_id, company: name, member: status, 2024: annual_revenue}
        values: {status: {Yes: active, No: prospect}}
        defaults: {first_contact_date: 2024-01-01}
"""

PRECEDENCE_MAPPING = """
sources:
  hr:
    files: ["hr*.csv"]
    targets:
      - table: reps
        columns: {id: rep_id, name: name, role: role}
  crm:
    files: ["crm*.csv"]
    targets:
      - table: reps
        columns: {id: rep_id, name: name, team: team}
        defaults: {role: sales_rep}
        precedence: [%s]
"""


def text(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


@dataclass
class Case:
    """One bad input: files (relative path -> bytes or a frame for .xlsx) and what follows."""

    files: dict[str, bytes | pd.DataFrame]
    mapping: str | None = None
    encoding: str | None = None
    error: str | None = None  # a part of the one-line error
    counts: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # table ->
    # (rows read, loaded, rejected, flagged), summed over the files
    reasons: tuple[str, ...] = ()  # parts of the rejected rows' reasons
    stored: dict[str, dict[str, object]] = field(default_factory=dict)  # customer_id -> cols
    notes: tuple[str, ...] = ()  # parts of the summary text
    reps: dict[str, dict[str, object]] = field(default_factory=dict)  # rep_id -> columns


CASES: dict[str, Case] = {
    "trailing delimiter on every row": Case(
        {"trailing.csv": text(CUSTOMER_HEADER, "C1,Alpha,10,2024-01-05,", "C2,Beta,20,2024-01-06,")},
        counts={"customers": (2, 2, 0, 0)},
        stored={"C1": {"name": "Alpha", "employees": 10}, "C2": {"name": "Beta"}}),
    "ragged row with a value beyond the header": Case(
        {"ragged.csv": text(CUSTOMER_HEADER, "C1,Alpha,10,2024-01-05,extra",
                            "C2,Beta,20,2024-01-06", "C3,Gamma,30")},
        counts={"customers": (3, 2, 1, 0)},
        reasons=("ragged.csv, row 2, column first_contact_date: value 'extra': the row has 5 "
                 "values but the header 4 columns",),
        stored={"C2": {"name": "Beta"}, "C3": {"name": "Gamma", "employees": 30}}),
    "unclosed quote swallowing the next line": Case(
        {"quote.csv": text(CUSTOMER_HEADER, 'C1,"Alpha,10,2024-01-05', 'C2,Beta",20,2024-01-06',
                           "C3,Gamma,30,2024-01-07")},
        counts={"customers": (2, 1, 1, 0)},
        reasons=("quote.csv, row 2, column name: value 'Alpha,10,2024-01-05': a quote opened "
                 "in this cell is not closed",),
        stored={"C3": {"name": "Gamma"}}),
    "cp1252 file read as cp1252, not GB18030": Case(
        {"latin.csv": text("customer_id,name,region", "C1,Müller GmbH,Zürich",
                           "C2,Hélène SA,Genève", encoding="cp1252")},
        counts={"customers": (2, 2, 0, 0)},
        stored={"C1": {"name": "Müller GmbH", "region": "Zürich"}, "C2": {"name": "Hélène SA"}},
        notes=("latin.csv: 2 rows (cp1252, delimiter ',')",)),
    "GBK file still read as GB18030": Case(
        {"gbk.csv": text("客户编号,客户名称,所在地", "C1,苏州恒达精密机械有限公司,苏州",
                         "C2,杭州云帆物流ERP系统,杭州", encoding="gbk")},
        counts={"customers": (2, 2, 0, 0)},
        stored={"C1": {"name": "苏州恒达精密机械有限公司", "region": "苏州"}},
        notes=("(gb18030, delimiter ',')",)),
    "--encoding overrides the detection": Case(
        {"latin1.csv": text("customer_id,name", "C1,Hélène SA", encoding="latin-1")},
        encoding="latin-1", counts={"customers": (1, 1, 0, 0)},
        stored={"C1": {"name": "Hélène SA"}}, notes=("(latin-1, delimiter ',')",)),
    "--encoding that does not fit": Case(
        {"gbk2.csv": text("customer_id,name", "C1,苏州恒达", encoding="gbk")},
        encoding="utf-8", error="gbk2.csv: cannot read as utf-8"),
    "typos in optional headers suggest the canonical name": Case(
        {"typo.csv": text("customer_id,name,Budgett,Indsutry", "C1,Alpha,100,tech")},
        counts={"customers": (1, 1, 0, 0)},
        notes=("column 'Budgett' is kept as a custom attribute; did you mean 'Budget'?",
               "column 'Indsutry' is kept as a custom attribute; did you mean 'Industry'?")),
    "dates outside pandas' range": Case(
        {"dates.csv": text(CUSTOMER_HEADER, "C1,Alpha,10,9999-12-31", "C2,Beta,20,1677-01-01",
                           "C3,Gamma,5,2024-01-01")},
        counts={"customers": (3, 1, 2, 0)},
        reasons=("dates.csv, row 2, column first_contact_date: value '9999-12-31': not a date",
                 "dates.csv, row 3, column first_contact_date: value '1677-01-01': not a date",
                 "a year from 1678 to 2261"),
        stored={"C3": {"employees": 5}}),
    "Excel serial date in an XLSX cell": Case(
        {"serial.xlsx": pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["Alpha", "Beta"],
                                      "first_contact_date": [45123, "2024-01-05"]})},
        counts={"customers": (2, 2, 0, 0)},
        stored={"C1": {"first_contact_date": pd.Timestamp("2023-07-16")},
                "C2": {"first_contact_date": pd.Timestamp("2024-01-05")}}),
    "bad date_formats directive": Case(
        {"c.csv": text(CUSTOMER_HEADER, "C1,Alpha,10,2024-01-05")}, mapping=BAD_FORMAT_MAPPING,
        error="sources.customers.targets.0.date_formats.first_contact_date.0: bad date format "
              "'%Q'"),
    "targets listed before the target they inherit from": Case(
        {"people.csv": text("company,contact", "Alpha,Ann", "Beta,Bob")}, mapping=ORDER_MAPPING,
        counts={"customers": (2, 2, 0, 0), "contacts": (2, 2, 0, 0)}),
    "targets depending on each other in a cycle": Case(
        {"people.csv": text("company,contact", "Alpha,Ann")}, mapping=CYCLE_MAPPING,
        error="sources.people.targets: the targets contacts, customers depend on each other "
              "in a cycle"),
    "two files of the same name from different folders": Case(
        {"north/customers.csv": text("customer_id,name,employees", "C1,Alpha,0", "C2,Beta,5"),
         "south/customers.csv": text("customer_id,name,employees", "C3,Gamma,7", "C4,,5",
                                     "C5,Eps,-1")},
        counts={"customers": (5, 2, 3, 0)},
        reasons=("north/customers.csv, row 2, column employees: value '0'",
                 "south/customers.csv, row 3, column name: blank",
                 "south/customers.csv, row 4, column employees: value '-1'"),
        notes=("north.customers.rejected.csv", "south.customers.rejected.csv")),
    "YAML Yes/No, years and dates where text is expected": Case(
        {"leads.csv": text("id,company,member,2024", "C1,Alpha,Yes,100", "C2,Beta,No,")},
        mapping=YAML_SCALARS_MAPPING, counts={"customers": (2, 2, 0, 0)},
        stored={"C1": {"status": "active", "annual_revenue": 100.0,
                       "first_contact_date": pd.Timestamp("2024-01-01")},
                "C2": {"status": "prospect"}}),
    "a default does not overwrite another source's value": Case(
        {"hr.csv": text("id,name,role", "R1,Ann,sales_manager", "R2,Bob,engineer"),
         "crm.csv": text("id,name,team", "R1,Ann,North", "R2,Bob,North", "R3,Cy,East")},
        mapping=PRECEDENCE_MAPPING % "", counts={"reps": (5, 5, 0, 0)},
        reps={"R1": {"role": "sales_manager", "team": "North"}, "R2": {"role": "engineer"},
              "R3": {"role": "sales_rep"}},
        notes=("crm.csv: 2 reps kept the role another source loaded instead of this "
               "mapping's default 'sales_rep'",)),
    "a default with precedence overwrites": Case(
        {"hr.csv": text("id,name,role", "R1,Ann,sales_manager"),
         "crm.csv": text("id,name,team", "R1,Ann,North")},
        mapping=PRECEDENCE_MAPPING % "role", counts={"reps": (2, 2, 0, 0)},
        reps={"R1": {"role": "sales_rep", "team": "North"}}),
}


def _write(folder: Path, files: dict[str, bytes | pd.DataFrame]) -> list[Path]:
    paths = []
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, pd.DataFrame):
            content.to_excel(path, index=False)
        else:
            path.write_bytes(content)
        paths.append(path)
    return paths


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_bad_input(case: Case, tmp_path: Path) -> None:
    files = _write(tmp_path / "in", case.files)
    mapping = None
    if case.mapping:
        mapping = tmp_path / "mapping.yaml"
        mapping.write_text(case.mapping, encoding="utf-8")
    with Store(":memory:", create=True) as store:
        if case.error:
            with pytest.raises(SalesAnalysisError) as caught:
                import_files(store, files, mapping, rejected_dir=tmp_path / "rej",
                             encoding=case.encoding)
            message = str(caught.value)
            assert case.error in message
            assert "\n" not in message
            assert store.count("customers") == 0
            return
        summary = import_files(store, files, mapping, rejected_dir=tmp_path / "rej",
                               encoding=case.encoding)
        tables = summary.tables.groupby("table")[["rows_read", "loaded", "rejected",
                                                  "flagged"]].sum()
        for table, expected in case.counts.items():
            got = tuple(int(v) for v in tables.loc[table])
            assert got == expected, table
            assert got[0] == got[1] + got[2]  # every source row loaded or rejected
            if table != "reps":  # reps: several files load the same records
                assert store.count(table) == expected[1]
        reasons = "\n".join(store.table("rejected_rows")["reasons"])
        assert store.count("rejected_rows") == sum(c[2] for c in case.counts.values())
        for part in case.reasons:
            assert part in reasons
        customers = store.table("customers").set_index("customer_id")
        for key, values in case.stored.items():
            for col, value in values.items():
                assert customers.loc[key, col] == value, (key, col)
        reps = store.table("reps").set_index("rep_id")
        for key, values in case.reps.items():
            for col, value in values.items():
                assert reps.loc[key, col] == value, (key, col)
        shown = str(summary) + "\n".join(map(str, summary.rejected_files))
        for part in case.notes:
            assert part in shown


# -- rejected-rows files: formulas made inert, original text back on re-import -------------

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0", "\t=1+2",
           "@SUM(A1)", "+1-2"]


def test_rejected_csv_neutralises_formulas_and_reimport_gets_the_text_back(tmp_path):
    rows = [f'C{i},"{name.replace(chr(34), chr(34) * 2)}",0' for i, name in enumerate(HOSTILE)]
    source = tmp_path / "hostile.csv"
    source.write_text("\n".join(["customer_id,name,employees", *rows, "C9,Plain,-1"]) + "\n",
                      encoding="utf-8")
    with Store(":memory:", create=True) as store:
        summary = import_files(store, [source], rejected_dir=tmp_path / "rej")
        assert int(summary.tables["rejected"].sum()) == len(HOSTILE) + 1
        written = summary.rejected_files[0]
        back = pd.read_csv(written, dtype=str, keep_default_na=False)
        cells = back["name"].tolist()
        assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
        assert cells[:len(HOSTILE)] == ["'" + h for h in HOSTILE]
        assert back["employees"].tolist()[-1] == "-1"  # numbers stay numbers
        assert all(not r.startswith(("=", "+", "-", "@")) for r in back["reasons"])
        back["employees"] = "5"  # the fix; the names are left as written
        back.to_csv(written, index=False)
        again = import_files(store, [written], rejected_dir=tmp_path / "rej")
        assert int(again.tables["loaded"].sum()) == len(HOSTILE) + 1
        names = store.table("customers").set_index("customer_id")["name"]
        assert [names[f"C{i}"] for i in range(len(HOSTILE))] == [h.strip() for h in HOSTILE]


# -- bookkeeping: rejections per source, replaced on re-import -----------------------------

def test_reimport_replaces_the_sources_rejections_and_a_fix_clears_them(tmp_path):
    source = tmp_path / "customers.csv"
    source.write_text("customer_id,name,employees\nC1,Alpha,0\nC2,Beta,-3\nC3,Gamma,4\n")
    with Store(":memory:", create=True) as store:
        for _ in range(2):
            summary = import_files(store, [source], rejected_dir=tmp_path / "rej")
            assert store.count("rejected_rows") == 2  # not 2, then 4
        fixed = pd.read_csv(summary.rejected_files[0], dtype=str, keep_default_na=False)
        fixed.loc[0, "employees"] = "7"  # C1 fixed, C2 still wrong
        fixed.to_csv(summary.rejected_files[0], index=False)
        import_files(store, [summary.rejected_files[0]], rejected_dir=tmp_path / "rej")
        rejected = store.table("rejected_rows")
        assert len(rejected) == 1 and "value '-3'" in rejected["reasons"].iloc[0]
        assert store.count("customers") == 2
        source.write_text("customer_id,name,employees\nC2,Beta,3\n")
        import_files(store, [source], rejected_dir=tmp_path / "rej")
        assert store.count("rejected_rows") == 1  # the .rejected.csv's own rejection stays


def test_template_rows_name_the_users_columns_and_contacts_need_no_title(tmp_path):
    source = tmp_path / "t.csv"
    source.write_text("客户名称,所属行业,联系人,职位\n,制造业,张三,\n恒达,制造业,李四,\n",
                      encoding="utf-8")
    with Store(":memory:", create=True) as store:
        summary = import_files(store, [source], rejected_dir=tmp_path / "rej")
        counts = summary.tables.set_index("table")
        assert (counts.loc["contacts", "loaded"], counts.loc["contacts", "rejected"]) == (1, 1)
        reasons = store.table("rejected_rows")["reasons"]
        assert all(r == "t.csv, row 2, column 客户名称 (name): blank: required value is "
                        "missing; fill it in" for r in reasons)
        assert not any("contact_id" in r or "cus_" in r for r in reasons)
        written = pd.read_csv(summary.rejected_files[0], dtype=str, keep_default_na=False)
        assert written["reasons"].tolist() == [reasons.iloc[0]]  # said once


def test_failed_first_import_leaves_no_store_file(tmp_path, capsys):
    db = tmp_path / "new.duckdb"
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_FORMAT_MAPPING)
    source = tmp_path / "c.csv"
    source.write_text("customer_id,name\nC1,Alpha\n")
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(db), "import", "--mapping", str(bad), str(source)])
    assert exited.value.code == 1
    assert not db.exists()
    assert "bad date format '%Q'" in capsys.readouterr().err
    main(["import", "--help"])
    assert "--encoding" in capsys.readouterr().out


# -- two imports at once: the second waits for the store's lock, then both are there --------

IMPORT_SCRIPT = """
import sys
from salesanalysis.intake.pipeline import import_files
from salesanalysis.store import Store
with Store(sys.argv[1], create=True) as store:
    summary = import_files(store, [sys.argv[2]], rejected_dir=sys.argv[3])
print(int(summary.tables["loaded"].sum()), int(summary.tables["rejected"].sum()))
"""


def test_two_imports_at_once_both_end_with_every_row_accounted(tmp_path):
    db = tmp_path / "shared.duckdb"
    with Store(db, create=True):
        pass
    files = []
    for part in ("a", "b"):
        path = tmp_path / part / "customers.csv"
        path.parent.mkdir()
        rows = [f"{part.upper()}{i},{part} company {i},{i}" for i in range(40)]  # row 0: 0
        path.write_text("\n".join(["customer_id,name,employees", *rows]) + "\n")
        files.append(path)
    procs = [subprocess.Popen([sys.executable, "-c", IMPORT_SCRIPT, str(db), str(f),
                               str(tmp_path / f.parent.name / "rej")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for f in files]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert [out.split() for out, _ in outputs] == [["39", "1"], ["39", "1"]]
    with Store(db) as store:
        assert store.count("customers") == 78
        assert store.count("rejected_rows") == 2


def test_a_store_held_too_long_is_refused_in_one_line(tmp_path, monkeypatch):
    db = tmp_path / "held.duckdb"
    with Store(db, create=True):
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('held', flush=True); time.sleep(30)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("SALESANALYSIS_LOCK_TIMEOUT", "0.5")
        with pytest.raises(StoreError) as caught:
            Store(db)
        message = str(caught.value)
        assert f"process {holder.pid}" in message and "stayed locked for 0 s" not in message
        assert "SALESANALYSIS_LOCK_TIMEOUT" in message and "\n" not in message
    finally:
        holder.kill()
        holder.wait()
    with Store(db) as store:  # free again: opens at once
        assert store.count("customers") == 0
