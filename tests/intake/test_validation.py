"""pandera schemas from the store schema, readable failures, duplicates and references."""

from __future__ import annotations

import pandas as pd

from salesanalysis.intake.validation import (
    company_stem,
    duplicate_keys,
    missing_references,
    suspected_duplicates,
    table_specs,
    target_issues,
    validate_frame,
)


def frame(data, rows):
    return pd.DataFrame(data, index=pd.Index(rows, name="_row"))


def test_specs_follow_the_schema_checks():
    specs = table_specs()
    assert specs["customers"].key == ["customer_id"]
    assert specs["customers"].columns["status"].allowed == ("prospect", "active", "churned")
    assert specs["customers"].columns["employees"].gt == 0
    assert specs["feedback"].columns["satisfaction"].between == (1, 5)
    assert not specs["interactions"].columns["date"].nullable


def test_every_failure_of_every_row_is_collected():
    f = frame({
        "customer_id": pd.array(["C1", "C2", "C3"], dtype="string"),
        "name": pd.array(["A", None, "C"], dtype="string"),
        "employees": pd.array([10, 0, -3], dtype="Int64"),
        "budget": [1.0, -5.0, 2.0],
        "brand_value": pd.array(["none", "famous", None], dtype="string"),
    }, [2, 3, 4])
    failures = validate_frame(f, "customers")
    got = {(r.row, r.column) for r in failures.itertuples()}
    assert got == {(3, "name"), (3, "employees"), (3, "budget"), (3, "brand_value"),
                   (4, "employees")}
    by = failures.set_index(["row", "column"])["reason"]
    assert by[(3, "budget")].startswith("negative money is not allowed")
    assert "none, regional, industry_leader" in by[(3, "brand_value")]
    assert by[(3, "name")] == "required value is missing; fill it in"


def test_satisfaction_range_and_date_order():
    fb = frame({"feedback_id": pd.array(["F1", "F2"], dtype="string"),
                "customer_id": pd.array(["C1", "C1"], dtype="string"),
                "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                "satisfaction": pd.array([5, 6], dtype="Int64")}, [2, 3])
    failures = validate_frame(fb, "feedback")
    assert failures[["row", "column"]].values.tolist() == [[3, "satisfaction"]]
    assert "between 1 and 5" in failures["reason"][0]
    opp = frame({"opportunity_id": pd.array(["O1", "O2"], dtype="string"),
                 "outcome": pd.array(["won", "won"], dtype="string"),
                 "created_date": pd.to_datetime(["2024-02-01", "2024-02-01"]),
                 "closed_date": pd.to_datetime(["2024-01-15", "2024-03-01"])}, [7, 8])
    failures = validate_frame(opp, "opportunities")
    assert failures[["row", "column"]].values.tolist() == [[7, "closed_date"]]
    assert "closed_date is before created_date" in failures["reason"][0]


def test_valid_frame_has_no_failures():
    f = frame({"customer_id": pd.array(["C1"], dtype="string"),
               "name": pd.array(["A"], dtype="string")}, [2])
    assert validate_frame(f, "customers").empty


def test_duplicate_keys_keep_first_and_name_it():
    f = frame({"customer_id": ["a", "b", "a", "a"]}, [2, 3, 4, 5])
    dups = duplicate_keys(f, ["customer_id"])
    assert dups["row"].tolist() == [4, 5]
    assert dups["reason"].str.contains("as row 2").all()


def test_names_are_still_importable_from_validation():
    # reports.quality imported company_stem from here; the definitions live in intake.names
    assert company_stem(pd.Series(["ACME Corp.", "acme  corporation", "北京星辰科技有限公司"])).tolist() == [
        "acme", "acme", "北京星辰科技"]
    new = pd.DataFrame({"customer_id": ["n1", "n2"], "name": ["Acme Ltd", "Zeta"]})
    old = pd.DataFrame({"customer_id": ["o1"], "name": ["ACME Corporation"]})
    sus = suspected_duplicates(new, old)
    assert sus["record_id"].tolist() == ["n1"]
    assert sus["detail"][0] == "same company as ACME Corporation (o1)"


def test_missing_references():
    refs = missing_references(pd.Series(["C1", "C9", None]), pd.Series(["C1", "C2"]))
    assert refs.tolist() == [False, True, False]


def test_target_issues_reject_unknown_customers_and_later_duplicates():
    f = frame({"interaction_id": pd.array(["I1", "I1", "I2", "I3"], dtype="string"),
               "customer_id": pd.array(["C1", "C1", "C9", "C1"], dtype="string"),
               "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", None])},
              [2, 3, 4, 5])
    issues = target_issues(f, "interactions", pd.DataFrame(), pd.Series(["C1"]))
    by_row = issues.set_index("row")["reason"]
    assert by_row[4].startswith("no such customer")
    assert by_row[5] == "required value is missing; fill it in"
    assert "same interaction_id as row 2" in by_row[3]
    assert sorted(issues["row"]) == [3, 4, 5]
