"""Source headers: normalising, bilingual parts, closest-match hints."""

from __future__ import annotations

from salesanalysis.intake.headers import (
    closest,
    closest_any,
    header_parts,
    is_reasons_column,
    normalise_header,
)


def test_bilingual_header_parts():
    assert "客户名称" in header_parts("客户名称 / Customer name")
    assert "customername" in header_parts("客户名称 / Customer name")
    assert header_parts("采购需求/预算")[0] == "采购需求/预算"


def test_headers_match_ignoring_case_spacing_underscores():
    assert normalise_header(" Customer_Name ") == normalise_header("customer-name") == "customername"
    assert normalise_header("ＡＢＣ") == "abc"  # full-width letters (NFKC)
    assert is_reasons_column("Reasons") and not is_reasons_column("reason")


def test_closest_hints():
    assert closest("Account Name", ["Acount Name", "Sector"]) == " (closest: 'Acount Name')"
    assert closest("zzz", ["Sector"]) == ""
    assert closest_any(["date"], ["datum", "x"]) == "; closest: 'datum' (did you mean 'date'?)"
