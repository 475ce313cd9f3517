"""Workbooks and CSV sheets the team opens in Excel: the graded customer list."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.vocab import DIMENSIONS


def export_grades(grades: pd.DataFrame, path: str | Path) -> Path:
    """Write grades as a sheet for the team (.csv or .xlsx), A first, best score first.

    Columns: grade, customer_id, name and owner_rep_id (when present), score, the four
    dimensions, reasons, as_of, config_hash.

    Raises
    ------
    ParameterError
        When the suffix is neither ``.csv`` nor ``.xlsx``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"{path}: cannot write grades as {suffix or 'no suffix'!r}; "
                             "use a .xlsx or .csv file name")  # fmt: skip
    cols = ["grade", "customer_id", "name", "owner_rep_id", "score", *DIMENSIONS,
            "reasons", "as_of", "config_hash"]  # fmt: skip
    sheet = grades[[c for c in cols if c in grades.columns]].sort_values(
        ["grade", "score", "customer_id"], ascending=[True, False, True], kind="stable"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        sheet.to_csv(path, index=False, encoding="utf-8-sig")
        return path
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        sheet.to_excel(writer, sheet_name="grades", index=False)
        ws = writer.sheets["grades"]
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(sheet), len(sheet.columns) - 1)
        widths = {"reasons": 90, "name": 28, "customer_id": 14, "config_hash": 14,
                  "owner_rep_id": 12, "as_of": 12}  # fmt: skip
        for i, c in enumerate(sheet.columns):
            ws.set_column(i, i, widths.get(c, 10))
    return path
