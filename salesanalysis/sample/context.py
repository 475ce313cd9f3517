"""What every step of one generation run shares: the seeded random generator, the locale's
names and texts (``sample/vocab.yaml``), the date window and the number of customers.

The texts file holds one block per locale; its ``stage_summaries`` are one list per stage of
:data:`salesanalysis.vocab.STAGES`, in that order, and are keyed by stage here on loading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from salesanalysis.exceptions import ConfigError
from salesanalysis.sample.frames import Window
from salesanalysis.sample.random_tools import pick
from salesanalysis.vocab import STAGES

#: Supported locales of names and free text.
LOCALES = ("en", "zh")
_TEXTS_FILE = "vocab.yaml"


@cache
def load_texts(locale: str) -> dict[str, Any]:
    """Names and text templates of one locale from ``sample/vocab.yaml`` (cached).

    Parameters
    ----------
    locale : {"en", "zh"}
        A block of the file.

    Returns
    -------
    dict
        The block, with ``stage_summaries`` as ``{stage: [texts]}`` over
        :data:`salesanalysis.vocab.STAGES`.

    Raises
    ------
    ConfigError
        When the stage summaries do not match the stages one to one.
    """
    path = resources.files("salesanalysis.sample").joinpath(_TEXTS_FILE)
    block = dict(yaml.safe_load(path.read_text("utf-8"))[locale])
    summaries = block["stage_summaries"]
    if len(summaries) != len(STAGES):
        raise ConfigError(
            f"sample/{_TEXTS_FILE}: {locale}.stage_summaries has {len(summaries)} lists; "
            f"expected one per stage ({', '.join(STAGES)})"
        )
    block["stage_summaries"] = dict(zip(STAGES, summaries, strict=True))
    return block


@dataclass
class Run:
    """One generation run: the generator every step draws from, in a fixed order."""

    rng: np.random.Generator
    texts: dict[str, Any]
    locale: str
    window: Window
    n_customers: int

    @classmethod
    def start(cls, n_customers: int, months: int, seed: int, locale: str, end_date: date) -> Run:
        """A run with a fresh generator seeded with ``seed`` (parameters already checked).

        Parameters
        ----------
        n_customers : int
            Customers, duplicates included.
        months : int
            Months of history ending ``end_date``.
        seed : int
            Random seed.
        locale : {"en", "zh"}
            Language of names and free text.
        end_date : date
            Last day of the data.

        Returns
        -------
        Run
        """
        rng = np.random.default_rng(seed)
        return cls(rng, load_texts(locale), locale, Window.ending(end_date, months), n_customers)

    def labels(self, key: str, codes: tuple[str, ...]) -> np.ndarray:
        """The locale's names of ``codes`` from the ``key`` block (e.g. products), in order."""
        return np.array([self.texts[key][c] for c in codes], dtype=object)

    def person_names(self, n: int) -> np.ndarray:
        """``n`` random full names in the locale's order (first then last name draw)."""
        v = self.texts
        first = pick(self.rng, v["first_names"], n)
        last = pick(self.rng, v["last_names"], n)
        return (first + " " + last) if v["name_separator"] else (last + first)
