"""The sample generator's public API: one run of the steps, in a fixed order, and its outputs.

:func:`generate_sample` checks the parameters, starts a seeded :class:`~.context.Run` and calls
the steps in the order their random draws must happen (team, industries, customers, companies,
deals, orders, contacts, interactions, feedback, actions, customers table, persona notes);
changing that order changes every number after it. :func:`load_sample` puts the tables in a store in one
transaction (:func:`insert_tables`); :func:`write_sample_csv` writes one UTF-8 CSV per table.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from salesanalysis.exceptions import ParameterError
from salesanalysis.sample.actions import actions_table
from salesanalysis.sample.companies import name_companies
from salesanalysis.sample.context import LOCALES, Run
from salesanalysis.sample.customers import draw_customers, industries_table
from salesanalysis.sample.deals import draw_deals
from salesanalysis.sample.interactions import add_persona_notes, interactions_table
from salesanalysis.sample.orders import draw_orders, feedback_table
from salesanalysis.sample.profiles import contacts_table, customer_frames
from salesanalysis.sample.team import build_team
from salesanalysis.store import CANONICAL_TABLES, DERIVED_TABLES, Store

#: Key of the hidden ground truth in :func:`generate_sample`'s result (not a table).
TRUTH_KEY = "_truth"
#: Default last day of the sample data.
DEFAULT_END_DATE = date(2026, 11, 15)


def _check_params(n_customers: int, months: int, locale: str, end_date: object) -> date:
    if locale not in LOCALES:
        raise ParameterError(f"locale {locale!r} is not supported; use one of {', '.join(LOCALES)}")
    if int(n_customers) < 20:
        raise ParameterError(f"n_customers={n_customers} is too small; use at least 20 customers")
    if not 3 <= int(months) <= 120:
        raise ParameterError(f"months={months} is out of range; use 3 to 120 months of history")
    try:
        return pd.Timestamp(end_date).date()
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"end_date {end_date!r} is not a date; use YYYY-MM-DD") from exc


def _build(run: Run) -> dict[str, pd.DataFrame]:
    """Every table of one run; the order of the calls is the order of the random draws."""
    team, reps = build_team(run)
    industries = industries_table(run)
    customers = draw_customers(run, team)
    companies = name_companies(run, team, customers)
    deals, opportunities = draw_deals(run, team, customers, companies)
    book, orders = draw_orders(run, customers, companies, deals)
    contacts = contacts_table(run, customers, companies)
    interactions = interactions_table(run, team, customers, companies, deals, book)
    feedback = feedback_table(run, customers, companies, book)
    actions = actions_table(run, team, customers, companies, deals, book)
    customer_table, truth = customer_frames(run, team, customers, companies, deals, book)
    interactions = add_persona_notes(run, customers, companies, interactions)  # drawn last
    tables = {
        "reps": reps, "industries": industries, "customers": customer_table, "contacts": contacts,
        "interactions": interactions, "opportunities": opportunities, "orders": orders,
        "feedback": feedback, "actions": actions,
    }
    out = {t: tables[t] for t in CANONICAL_TABLES}
    out[TRUTH_KEY] = truth
    return out


def generate_sample(
    n_customers: int = 600,
    months: int = 18,
    seed: int = 42,
    locale: str = "en",
    end_date: date = DEFAULT_END_DATE,
) -> dict[str, pd.DataFrame]:
    """All canonical tables: reps, industries, customers, contacts, interactions,
    opportunities, orders, feedback, actions — columns and dtypes exactly as the store's
    schema, sorted by primary key. locale in {"en", "zh"} else ParameterError.

    Parameters
    ----------
    n_customers : int, default 600
        Customers, duplicates included (at least 20).
    months : int, default 18
        Months of history ending ``end_date`` (3-120).
    seed : int, default 42
        Random seed; the same seed gives identical tables.
    locale : {"en", "zh"}, default "en"
        Language of names and free text (codes stay English).
    end_date : date, default 2026-11-15
        Last day of the data; no event is dated after it.

    Returns
    -------
    dict of str to DataFrame
        One frame per table of ``store.CANONICAL_TABLES`` (in that order), plus ``"_truth"``:
        the hidden ground truth per customer (``customer_id``, ``persona_group``,
        ``price_sensitive``, ``urgent``, ``large``, ``short_chain``, ``existing``,
        ``churned``, ``at_risk``, ``vague_need``, ``duplicate_of``) for tests and demos.

    Raises
    ------
    ParameterError
        On an unknown locale, too few customers, months out of range or a bad end_date.

    Examples
    --------
    >>> tables = generate_sample(n_customers=100, seed=1)
    >>> tables["customers"].shape[0]
    100
    """
    end = _check_params(n_customers, months, locale, end_date)
    return _build(Run.start(int(n_customers), int(months), int(seed), locale, end))


def load_sample(
    store: Store,
    n_customers: int = 600,
    months: int = 18,
    seed: int = 42,
    locale: str = "en",
    end_date: date = DEFAULT_END_DATE,
) -> dict[str, int]:
    """Replace the canonical tables of the store with generated data, in ONE transaction;
    return row counts per table (ordered as store.CANONICAL_TABLES).

    Parameters
    ----------
    store : Store
        An open, writable store.
    n_customers, months, seed, locale, end_date
        As for :func:`generate_sample`.

    Returns
    -------
    dict of str to int
        Rows written per canonical table.
    """
    tables = generate_sample(n_customers=n_customers, months=months, seed=seed, locale=locale, end_date=end_date)
    return insert_tables(store, tables)


def insert_tables(store: Store, tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Replace every canonical table with ``tables[name]`` in one transaction.

    Grades and personas of the replaced data are cleared in the same transaction.

    Parameters
    ----------
    store : Store
        An open, writable store.
    tables : dict of str to DataFrame
        As returned by :func:`generate_sample` (other keys are ignored).

    Returns
    -------
    dict of str to int
        Rows written per canonical table.
    """
    return store.replace_tables(
        {name: tables[name] for name in CANONICAL_TABLES}, clear=DERIVED_TABLES
    )


def write_sample_csv(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """One UTF-8 CSV per table (<table>.csv), deterministic bytes; returns paths.

    Keys starting with ``_`` (the hidden truth) are skipped. Dates are written as
    ``YYYY-MM-DD``, missing values as empty fields, rows in primary-key order.

    Parameters
    ----------
    tables : dict of str to DataFrame
        As returned by :func:`generate_sample`.
    out_dir : Path
        Folder to write into (created when absent).

    Returns
    -------
    list of Path
        The files written, in ``CANONICAL_TABLES`` order (then any other tables by name).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [t for t in CANONICAL_TABLES if t in tables]
    names += sorted(t for t in tables if t not in CANONICAL_TABLES and not t.startswith("_"))
    paths = []
    for name in names:
        path = out_dir / f"{name}.csv"
        tables[name].to_csv(path, index=False, encoding="utf-8", lineterminator="\n", date_format="%Y-%m-%d")
        paths.append(path)
    return paths
