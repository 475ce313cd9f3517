"""Progress bars for long work (imports, backtests, persona fitting, schedule catch-ups).

One function, :func:`progress`, wraps an iterable in a :mod:`tqdm` bar written to stderr when
stderr is a terminal, and returns the iterable unchanged otherwise: cron logs, CI and
notebooks stay quiet. ``SALESANALYSIS_PROGRESS=0`` turns bars off on a terminal too,
``SALESANALYSIS_PROGRESS=1`` forces them on (e.g. to see them under ``script``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")

#: The environment variable that turns bars off (``0``) or forces them on (``1``).
ENV = "SALESANALYSIS_PROGRESS"


def progress_enabled() -> bool:
    """True when bars are shown: stderr is a terminal (or forced on), and not turned off."""
    setting = os.environ.get(ENV, "").strip().lower()
    if setting in ("0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on"):
        return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str = "",
             unit: str = "step") -> Iterable[T] | Iterator[T]:
    """``iterable`` with a progress bar on a terminal, or unchanged elsewhere.

    Parameters
    ----------
    iterable : iterable
        What the long work loops over (files, months, chunks, bootstrap rounds ...).
    total : int, optional
        Its length when ``len()`` cannot tell.
    desc : str
        What the bar is counting, e.g. ``"import"``.
    unit : str
        The name of one step (``"file"``, ``"month"``).

    Returns
    -------
    iterable
        The same items in the same order.
    """
    if not progress_enabled():
        return iterable
    return tqdm(iterable, total=total, desc=desc, unit=unit, leave=False, file=sys.stderr,
                dynamic_ncols=True)
