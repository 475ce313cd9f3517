"""The sales team: the ``reps`` table and the hidden skill of each rep (planted effect 4).

Three regional teams, each with a sales manager per up to 7 sales reps (5-7 reps, scaled up
with ``n_customers`` beyond 600) and a share of 2-3 engineers, plus one director. Reps are laid
out as director, managers, sales reps, engineers, each block contiguous per team, so a team's
reps are a range of indices (:class:`Team`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesanalysis.sample.context import Run
from salesanalysis.sample.effects import REP_SKILL_SD
from salesanalysis.sample.frames import frame, to_dates
from salesanalysis.sample.random_tools import expand, make_ids, uniform_int

#: Number of regional teams (the locale's ``regions``).
N_TEAMS = 3
#: Rep index of the director.
DIRECTOR = 0


@dataclass(frozen=True)
class Team:
    """Hidden per-rep arrays (indexed by rep) and the index ranges of each team."""

    ids: np.ndarray  # rep_id per rep
    manager: np.ndarray  # rep index of each sales rep's manager (0 for the others)
    skill: np.ndarray  # hidden skill (win logit shift)
    first_rep: np.ndarray  # per team: index of its first sales rep
    size: np.ndarray  # per team: number of sales reps
    first_eng: np.ndarray  # per team: index of its first engineer
    n_eng: np.ndarray  # per team: number of engineers

    def sales_rep(self, rng: np.random.Generator, team: np.ndarray) -> np.ndarray:
        """A random sales rep of each row's team (one draw per row)."""
        return self.first_rep[team] + (rng.random(len(team)) * self.size[team]).astype(np.int64)

    def engineer(self, rng: np.random.Generator, team: np.ndarray) -> np.ndarray:
        """A random engineer of each row's team (any engineer when the team has none)."""
        first = np.where(self.n_eng[team] > 0, self.first_eng[team], self.first_eng.min())
        count = np.where(self.n_eng[team] > 0, self.n_eng[team], self.n_eng.sum())
        return first + (rng.random(len(team)) * count).astype(np.int64)


def build_team(run: Run) -> tuple[Team, pd.DataFrame]:
    """Draw the team and its ``reps`` table.

    Parameters
    ----------
    run : Run
        The run to draw from.

    Returns
    -------
    team : Team
        Hidden per-rep arrays for the later steps.
    reps : pandas.DataFrame
        The ``reps`` table.
    """
    rng, v = run.rng, run.texts
    factor = max(1.0, run.n_customers / 600)
    per_team = np.maximum(1, np.rint(rng.integers(5, 8, N_TEAMS) * factor)).astype(np.int64)
    mgr_per_team = np.ceil(per_team / 7).astype(np.int64)  # a manager per up to 7 reps
    n_eng = int(max(2, np.rint(rng.integers(2, 4) * np.sqrt(factor))))
    eng_per_team = np.full(N_TEAMS, n_eng // N_TEAMS) + (np.arange(N_TEAMS) < n_eng % N_TEAMS)
    n_mgr, n_sales, n_eng = int(mgr_per_team.sum()), int(per_team.sum()), int(eng_per_team.sum())
    role = np.array(
        ["director"] + ["sales_manager"] * n_mgr + ["sales_rep"] * n_sales + ["engineer"] * n_eng,
        dtype=object,
    )
    # layout: director, managers, sales reps, engineers; each block contiguous per team
    mgr_first = 1 + np.cumsum(mgr_per_team) - mgr_per_team
    first_rep = 1 + n_mgr + np.cumsum(per_team) - per_team
    first_eng = 1 + n_mgr + n_sales + np.cumsum(eng_per_team) - eng_per_team
    rep_team, rep_pos = expand(per_team)
    teams = np.arange(N_TEAMS)
    team = np.concatenate([[-1], np.repeat(teams, mgr_per_team), rep_team, np.repeat(teams, eng_per_team)])
    n = len(role)
    ids = make_ids("R", n, 3)
    manager = np.concatenate([[DIRECTOR], np.zeros(n_mgr, np.int64), mgr_first[rep_team] + rep_pos // 7,
                              np.zeros(n_eng, np.int64)])
    manager_id = ids[manager].astype(object)
    manager_id[DIRECTOR] = None
    regions = np.array(v["regions"] + [None], dtype=object)
    names = run.person_names(n)
    skill = rng.normal(0.0, REP_SKILL_SD, n)
    hire = run.window.start - uniform_int(rng, 60, 3650, n)
    reps = frame("reps", {
        "rep_id": ids, "name": names, "team": regions[team], "role": role,
        "manager_id": manager_id, "region": regions[team], "hire_date": to_dates(hire),
    })
    return Team(ids, manager, skill, first_rep, per_team, first_eng, eng_per_team), reps
