"""Which source wins: a mapping's default never overwrites a value another source loaded.

A ``defaults`` entry fills the blanks of *this* file (``role: sales_rep`` for a rep list
without roles). When the record already has a value for that column (loaded by another file,
now or earlier), the default is only a guess and the loaded value stays: the cell is set to
the known value, and the rows where the two differ are counted as conflicts for the import
summary. A target that lists the column under ``precedence`` overwrites as before. Values the
file itself holds always load (the file is the source of them).
"""

from __future__ import annotations

import pandas as pd

from salesanalysis.intake.mapping import Target
from salesanalysis.intake.units import blank_mask


def keep_loaded_values(frame: pd.DataFrame, target: Target, placed: dict[str, str],
                       raw: pd.DataFrame, known: pd.DataFrame,
                       key: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """Replace defaulted cells by the values already known for their records.

    Parameters
    ----------
    frame : pandas.DataFrame
        The mapped rows (defaults applied), indexed by source row.
    target : Target
        The mapping target (its ``defaults`` and ``precedence``).
    placed : dict
        Canonical column -> the file's header for it.
    raw : pandas.DataFrame
        The source rows as read.
    known : pandas.DataFrame
        The table's rows known so far (store and this import).
    key : str
        The table's key column.

    Returns
    -------
    frame : pandas.DataFrame
        The rows, defaulted cells of known records holding the known value.
    conflicts : dict
        Column -> rows whose default differed from the known value.
    """
    conflicts: dict[str, int] = {}
    columns = [c for c in target.defaults if c not in target.precedence and c != key
               and c in frame and c in known]
    if not columns or known.empty or key not in frame:
        return frame, conflicts
    latest = known.drop_duplicates(key, keep="last").set_index(key)
    out = frame.copy()
    for col in columns:
        header = placed.get(col)
        defaulted = (blank_mask(raw[header]).reindex(out.index, fill_value=True)
                     if header in raw else pd.Series(True, index=out.index))
        current = out[key].map(latest[col])
        keep = (defaulted & current.notna()).to_numpy(dtype=bool)
        if not keep.any():
            continue
        differs = keep & (current.astype("string") != out[col].astype("string")).fillna(
            True).to_numpy(dtype=bool)
        values = out[col].astype(object)
        values[keep] = current[keep]
        out[col] = values.astype(frame[col].dtype)
        if differs.any():
            conflicts[col] = int(differs.sum())
    return out, conflicts
