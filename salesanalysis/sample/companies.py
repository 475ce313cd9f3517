"""Company names, customer ids and the planted duplicate customers (a quirk for intake).

Every base customer gets a company name that is unique after normalisation (a brand and an
industry word, with a city or a second brand where names clash). ~1.5% extra customers are
duplicates: an existing company entered again under a trivially different spelling (case,
whitespace, legal suffix or its punctuation) with its own ``customer_id``. Ids are assigned in
random order so that duplicates are not at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesanalysis.sample.context import Run
from salesanalysis.sample.customers import Customers
from salesanalysis.sample.effects import INDUSTRY_KEYS
from salesanalysis.sample.random_tools import make_ids, pick, pick_themed, uniform_int
from salesanalysis.sample.team import N_TEAMS, Team


@dataclass(frozen=True)
class Companies:
    """Names and ids: ``ids`` of all customers (base ones first), the duplicates' details."""

    name: np.ndarray  # company name per base customer
    ids: np.ndarray  # customer_id per customer: base customers, then duplicates
    dup_source: np.ndarray  # base customer each duplicate copies
    dup_first_contact: np.ndarray  # int day the duplicate was entered
    dup_owner: np.ndarray  # rep index owning the duplicate
    dup_name: np.ndarray  # the duplicate's variant spelling

    @property
    def base_ids(self) -> np.ndarray:
        """``customer_id`` of the base customers."""
        return self.ids[: len(self.name)]


def _company_names(run: Run, c: Customers) -> np.ndarray:
    """Unique company names of the base customers (city, brand and industry word, suffix)."""
    rng, v, nb = run.rng, run.texts, c.n_base
    words = pick_themed(rng, v["industry_words"], INDUSTRY_KEYS, c.industry)
    brand = pick(rng, v["company_brands"], nb)
    region_keys = tuple(str(i) for i in range(N_TEAMS))
    city = pick_themed(rng, dict(zip(region_keys, v["cities"], strict=True)), region_keys, c.region)
    zh = not v["name_separator"]
    core = (city + brand + words) if zh else (brand + " " + words)
    core = pd.Series(core)
    dup = core.duplicated().to_numpy()
    if zh:  # a second brand word: 上海精诚恒信软件
        core[dup] = (city + brand + pick(rng, v["company_brands"], nb) + words)[dup]
    else:  # a city in front: Chicago Summit Logistics
        core[dup] = (city + " " + brand + " " + words)[dup]
    dup = core.duplicated()
    if dup.any():  # only at very large n: number the remaining clashes
        n_th = core.groupby(core).cumcount() + 1
        core[dup] = core[dup] + (" " if not zh else "") + n_th[dup].astype(str)
    suffix = pick(rng, v["company_suffixes"], nb)
    return core.to_numpy(dtype=object) + ("" if zh else " ") + suffix


def _variants(names: np.ndarray, op: np.ndarray, zh: bool) -> np.ndarray:
    """Trivially different spellings of ``names``: variant ``op[i]`` (0-3) of each name."""
    if not len(names):
        return np.zeros(0, object)
    name = pd.Series(names, dtype=object)
    if zh:
        variants = [
            name.str[:2] + " " + name.str[2:],
            name.str.replace(r"(股份|集团)?有限公司$", "有限责任公司", regex=True),
            " " + name + " ",
            name.str.replace(r"(股份|集团)?有限公司$", "公司", regex=True),
        ]
    else:
        variants = [
            name.str.upper(),
            name.str.lower(),
            name.str.replace(" ", "  ", n=1, regex=False) + " ",
            name.str.replace(r"\.$", "", regex=True).where(name.str.endswith("."), name.str.rsplit(" ", n=1).str[0]),
        ]
    return np.select([op == i for i in range(4)], [s.to_numpy(dtype=object) for s in variants])


def name_companies(run: Run, team: Team, c: Customers) -> Companies:
    """Draw company names, customer ids and the duplicate customers.

    Parameters
    ----------
    run : Run
        The run to draw from.
    team : Team
        The sales team (a duplicate is owned by a sales rep of its region).
    c : Customers
        The base customers.

    Returns
    -------
    Companies
    """
    rng, w, nb = run.rng, run.window, c.n_base
    company = _company_names(run, c)
    # ids: random order, so duplicates are not at the end
    ids = make_ids("C", run.n_customers, 5)
    perm = rng.permutation(run.n_customers)
    # duplicates of existing companies
    src = rng.choice(nb, c.n_dup, replace=False) if c.n_dup else np.zeros(0, np.int64)
    first_contact = np.minimum(
        w.end - 1, np.maximum(c.first_contact[src], w.start) + uniform_int(rng, 5, 200, len(src))
    )
    owner = team.sales_rep(rng, c.region[src])
    op = rng.integers(0, 4, len(src))
    dup_name = _variants(company[src], op, zh=not run.texts["name_separator"])
    return Companies(company, ids[perm], src, first_contact, owner, dup_name)
