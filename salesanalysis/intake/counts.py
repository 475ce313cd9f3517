"""Stated counts: a source column saying how many records of a table a customer has (the
template's 沟通次数, touchpoints so far), checked against the records known.

A count is not stored, neither as a column nor as a custom attribute: the records are the
truth (an interaction has a date, channel and stage; a number has none, and features count
the interactions). A customer whose stated count is larger than its records in the store and
this import is flagged :data:`~salesanalysis.intake.flags.TOUCHPOINTS_UNRECORDED` (detail: the
stated and recorded numbers, so the count is kept where someone fixes it); so is a count that
is not a whole number >= 0. A mapping source lists these columns under ``stated_counts``
(header -> counted table).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from salesanalysis.intake.flags import FLAG_COLUMNS, TOUCHPOINTS_UNRECORDED, empty_flags
from salesanalysis.intake.headers import header_parts, normalise_header
from salesanalysis.intake.units import blank_mask
from salesanalysis.membership import index_of
from salesanalysis.store import Store, table_specs
from salesanalysis.store.writes import table_rows


def _header(raw: pd.DataFrame, name: str) -> str | None:
    wanted = normalise_header(name)
    return next((h for h in raw.columns if wanted in header_parts(h)), None)


def stated_count_flags(store: Store, raw: pd.DataFrame, stated: Mapping[str, str],
                       customers: pd.DataFrame,
                       staged: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Flags of customers whose stated counts exceed their records, or are not counts.

    Parameters
    ----------
    store : Store
        The open store (records loaded before).
    raw : pandas.DataFrame
        The source rows as read.
    stated : mapping
        Source header -> counted table (a mapping source's ``stated_counts``).
    customers : pandas.DataFrame
        The customer rows that load (index: source rows), with ``customer_id``.
    staged : mapping
        Table -> the rows of that table this source loads.

    Returns
    -------
    pandas.DataFrame
        :data:`~salesanalysis.intake.flags.FLAG_COLUMNS`.
    """
    flags = [empty_flags()]
    for name, table in stated.items():
        header = _header(raw, name)
        if header is None:
            continue
        key = table_specs()[table].key[0]
        parts = [table_rows(store, table, ["customer_id", key]).astype("string"),
                 staged.get(table, pd.DataFrame(columns=["customer_id", key]))[
                     ["customer_id", key]].astype("string")]
        parts = [part for part in parts if len(part)]
        known = pd.concat(parts) if parts else pd.DataFrame(columns=["customer_id", key])
        if len(parts) > 1:  # records in the store and in this import: count each once
            known = known.drop_duplicates()
        recorded = known["customer_id"].value_counts()
        text = raw.loc[customers.index, header]
        given = ~blank_mask(text)
        codes, uniques = pd.factorize(text, use_na_sentinel=True)  # each stated value once
        parsed = pd.to_numeric(pd.Series(uniques, dtype="string").str.strip(), errors="coerce")
        number = pd.Series(np.append(parsed.to_numpy(dtype="float64", na_value=np.nan),
                                     np.nan)[codes], index=text.index)
        whole = number.notna() & (number >= 0) & (number % 1 == 0)
        ids = customers["customer_id"].astype("string")
        at = index_of(ids, recorded.index.astype("string"))  # Arrow, not a map() per id
        have = pd.Series(np.append(recorded.to_numpy(dtype=np.int64), 0)[at],  # -1: none, 0
                         index=ids.index)
        short = given & whole & (number > have)
        bad = given & ~whole
        detail = pd.Series("", index=customers.index, dtype="string")
        detail[short] = (f"{header}: " + number[short].astype(int).astype(str)
                         + f" stated, {table} recorded: " + have[short].astype(str)
                         + "; record the others (date, channel)")
        detail[bad] = f"{header}: value '" + text[bad].astype("string") + "' is not a whole number"
        hit = short | bad
        flags.append(pd.DataFrame({"record_id": ids[hit].to_numpy(), "column_name": table,
                                   "flag": TOUCHPOINTS_UNRECORDED,
                                   "detail": detail[hit].to_numpy()}))
    return pd.concat(flags, ignore_index=True)[list(FLAG_COLUMNS)]
