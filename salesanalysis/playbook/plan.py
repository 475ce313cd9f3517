"""Plans: the playbook applied to graded customers, an action per row with owner and due date.

:func:`plan_actions` is a plain function over frames: each customer gets its grade's
strategy, plus every refinement whose tag / persona (and grades) it matches; each action's
deadline is computed once per playbook action on the working-day calendar (``due_in`` working
days after the start; recurring ones on every ``every`` weekday over ``weeks`` weeks, moved
back to the working day before when that weekday is a day off), then broadcast to the
customers by a merge, so 100,000 customers take a second or two. Owners come from
:func:`salesanalysis.playbook.owners.resolve_owners`.

``action_id`` is a stable hash of (customer, strategy, action key, and the date of a
recurring occurrence): planning again gives the same ids, so re-planning updates actions
instead of duplicating them (:mod:`salesanalysis.playbook.replan`).

:func:`make_plan` reads a store (grades of the latest grading run, personas and tags when
stored; read through SQL, the personas package is not imported) and plans every graded
customer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from salesanalysis.exceptions import ParameterError, StoreError
from salesanalysis.playbook.calendar import WorkingCalendar
from salesanalysis.playbook.config import WEEKDAYS, Playbook, holidays_path, load_playbook
from salesanalysis.playbook.owners import resolve_owners
from salesanalysis.store import Store, resolve_as_of, using_store

#: Columns of a plan frame, in order.
PLAN_COLUMNS = (
    "action_id", "customer_id", "name", "grade", "persona", "strategy", "strategy_name",
    "action_key", "action", "owner_role", "owner_rep_id", "owner", "owner_note", "due_date",
    "due_time", "recurring",
)  # fmt: skip


@dataclass
class Plan:
    """A plan made by :func:`make_plan`: its ``plans`` row, its actions and notes."""

    plan_id: str
    as_of: date
    start_date: date
    playbook: Playbook
    calendar: WorkingCalendar
    actions: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def record(self) -> dict[str, object]:
        """The plan's row of the ``plans`` table (without ``created_at``)."""
        return {
            "plan_id": self.plan_id, "as_of": self.as_of, "start_date": self.start_date,
            "config_hash": self.playbook.hash, "playbook_version": self.playbook.version,
            "calendar": self.calendar.description,
            "n_customers": int(self.actions["customer_id"].nunique()),
            "n_actions": len(self.actions),
        }


def action_templates(playbook: Playbook, start: date, calendar: WorkingCalendar,
                     lang: str = "en") -> pd.DataFrame:
    """Every playbook action with its due date(s) from ``start``: one row per one-off action,
    one per occurrence of a recurring one.

    Returns
    -------
    pandas.DataFrame
        ``rule`` (strategy or refinement key), ``kind`` (``strategy``/``refinement``),
        ``grade``, ``tag``, ``persona``, ``grades`` (refinement grades or None),
        ``strategy_name``, ``action_key``, ``action``, ``owner_role``, ``due_date``,
        ``due_time``, ``recurring``.
    """
    rows = []
    first_day = np.datetime64(start, "D")
    for kind, rules in (("strategy", playbook.strategies), ("refinement", playbook.refinements)):
        for rule in rules:
            when = getattr(rule, "when", None)
            base = {
                "rule": rule.key, "kind": kind, "grade": getattr(rule, "grade", None),
                "tag": when.tag if when else None, "persona": when.persona if when else None,
                "grades": tuple(when.grades) if when and when.grades else None,
                "strategy_name": rule.name.get(lang),
            }
            for act in rule.actions:
                common = {**base, "action_key": act.key, "action": act.text.get(lang),
                          "owner_role": act.owner, "due_time": act.at, "recurring": act.recurring}
                if act.recurring:
                    weeks = act.weeks or playbook.horizon_weeks
                    ahead = (WEEKDAYS.index(act.every) - start.weekday()) % 7
                    wanted = first_day + ahead + 7 * np.arange(weeks)
                    due = calendar.roll_to_working_day(wanted, start)
                    rows += [{**common, "due_date": d} for d in np.unique(due)]
                else:
                    due = calendar.add_working_days(start, act.due_in)[0]
                    rows.append({**common, "due_date": due})
    out = pd.DataFrame(rows)
    out["due_date"] = pd.to_datetime(out["due_date"]).astype("datetime64[ns]")
    return out


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a well-spread 64-bit hash of 64-bit keys (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def _text_hash(values: np.ndarray) -> np.ndarray:
    """Stable 64-bit hashes of texts (pandas' fixed-key hash of the distinct values)."""
    uniques, codes = np.unique(values.astype(str), return_inverse=True)
    hashed = pd.util.hash_array(uniques.astype(object), categorize=False)
    return hashed[codes]


def _object(values: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """A Series kept as Python objects (pandas would copy texts into Arrow strings: slow)."""
    return pd.Series(values, index=index, dtype=object) if values.dtype == object else \
        pd.Series(values, index=index)


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({k: _object(v) for k, v in columns.items()})


def _hex_ids(hashed: np.ndarray) -> np.ndarray:
    """``AC`` + the 16 hex digits of each hash, vectorised (no per-row formatting)."""
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    digits = _HEX[((hashed[:, None] >> shifts) & np.uint64(0xF)).astype(np.int64)]
    prefix = np.broadcast_to(np.frombuffer(b"AC", dtype=np.uint8), (len(hashed), 2))
    raw = np.ascontiguousarray(np.concatenate([prefix, digits], axis=1))
    return raw.view("S18").ravel().astype("U18").astype(object)


def plan_actions(
    customers: pd.DataFrame,
    playbook: Playbook | str | Path | None,
    reps: pd.DataFrame,
    start: date,
    calendar: WorkingCalendar | None = None,
    personas: pd.DataFrame | None = None,
    tags: pd.DataFrame | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Plan the playbook's actions for every customer.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id``, ``grade``, ``rep_id`` (the customer's rep; may be missing) and
        optionally ``name``.
    playbook : Playbook or str or Path, optional
        The playbook (the shipped default when None).
    reps : pandas.DataFrame
        The ``reps`` table (``rep_id``, ``role``, ``team``, ``manager_id``).
    start : date
        The plan's start: ``due_in`` counts working days after it.
    calendar : WorkingCalendar, optional
        Working days; by default the playbook's ``calendar``.
    personas : pandas.DataFrame, optional
        ``customer_id``, ``persona_name``: refinements by persona apply only with it.
    tags : pandas.DataFrame, optional
        ``customer_id``, ``tag`` (one row per tag): refinements by tag apply only with it.
    lang : {"en", "zh"}
        Language of the action and strategy texts.

    Returns
    -------
    pandas.DataFrame
        :data:`PLAN_COLUMNS`, sorted by customer, due date and action.
    """
    book = load_playbook(playbook)
    cal = calendar or WorkingCalendar(book.calendar.country, holidays_path(book, playbook if
                                      isinstance(playbook, str | Path) else None))
    tpl = action_templates(book, start, cal, lang)
    base = customers.sort_values("customer_id", kind="stable").reset_index(drop=True)
    cid = base["customer_id"].to_numpy(dtype=object)
    grade = base["grade"].to_numpy(dtype=object)
    persona = np.full(len(base), None, dtype=object)
    if personas is not None and len(personas):
        named = personas.drop_duplicates("customer_id").set_index("customer_id")["persona_name"]
        persona = base["customer_id"].map(named).to_numpy(dtype=object)
    tag_frame = tags if tags is not None else pd.DataFrame({"customer_id": [], "tag": []})
    pick_c, pick_t = [], []
    ids, tagged = pd.Series(cid, dtype=object), {}
    for t, row in enumerate(tpl.itertuples()):
        # one step per action row of the config (a few dozen), each a vectorised selection
        if row.kind == "strategy":
            hit = grade == row.grade
        else:
            hit = np.ones(len(base), dtype=bool)
            if row.tag is not None:
                if row.tag not in tagged:
                    members = tag_frame.loc[tag_frame["tag"] == row.tag, "customer_id"]
                    tagged[row.tag] = ids.isin(members).to_numpy(dtype=bool)
                hit &= tagged[row.tag]
            if row.persona is not None:
                hit &= persona == row.persona
            if row.grades is not None:
                hit &= pd.Series(grade, dtype=object).isin(list(row.grades)).to_numpy(dtype=bool)
        found = np.flatnonzero(hit)
        pick_c.append(found)
        pick_t.append(np.full(len(found), t))
    ci, ti = np.concatenate(pick_c), np.concatenate(pick_t)
    due = tpl["due_date"].to_numpy()[ti]
    rank = np.lexsort((tpl["action_key"].to_numpy(dtype=str), tpl["rule"].to_numpy(dtype=str)))
    position = np.empty(len(tpl), dtype=np.int64)
    position[rank] = np.arange(len(tpl))
    order = np.lexsort((position[ti], due, ci))
    ci, ti = ci[order], ti[order]
    names = (base["name"].to_numpy(dtype=object) if "name" in base
             else np.full(len(base), None, dtype=object))
    plan = _frame({
        "customer_id": cid[ci], "grade": grade[ci], "persona": persona[ci],
        "rep_id": base["rep_id"].to_numpy(dtype=object)[ci], "name": names[ci],
        **{c: tpl[c].to_numpy()[ti] for c in ("rule", "strategy_name", "action_key", "action",
                                              "owner_role", "due_date", "due_time", "recurring")},
    }).rename(columns={"rule": "strategy"})
    occurrence = np.where(tpl["recurring"].to_numpy(dtype=bool),
                          tpl["due_date"].dt.strftime("%Y-%m-%d").to_numpy(dtype=object), "")
    template_key = _text_hash(tpl["rule"].to_numpy(dtype=object) + "|"
                              + tpl["action_key"].to_numpy(dtype=object) + "|" + occurrence)
    customer_key = _text_hash(cid)
    plan["action_id"] = _object(_hex_ids(_mix(customer_key[ci] ^ _mix(template_key[ti]))), plan.index)
    plan = resolve_owners(plan, reps)
    people = reps.drop_duplicates("rep_id")
    at = pd.Index(people["rep_id"].to_numpy(dtype=object)).get_indexer(plan["owner_rep_id"])
    plan["owner"] = pd.Series(np.where(at >= 0, people["name"].to_numpy(dtype=object)[at], None),
                              index=plan.index, dtype=object)
    return plan[list(PLAN_COLUMNS)]


def plan_id_for(as_of: date, start: date, playbook: Playbook, grades_key: str) -> str:
    """The id of a plan: the same data, playbook, ``as_of`` and start give the same id."""
    text = f"{as_of}|{start}|{playbook.hash}|{grades_key}"
    return "PN-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def make_plan(
    store: Store | str | Path | None,
    start: str | date | None = None,
    config: Playbook | str | Path | None = None,
    as_of: str | date | None = None,
    lang: str = "en",
    grades: pd.DataFrame | None = None,
) -> Plan:
    """Plan every graded customer of the store (without writing anything).

    Parameters
    ----------
    store : Store or str or Path
        The store.
    start : date or str, optional
        The plan's start; defaults to ``as_of``.
    config : Playbook or str or Path, optional
        The playbook YAML (the shipped default when None).
    as_of : date or str, optional
        Data cut-off; defaults to the latest date in the data (never today). Grades, personas
        and tags of the latest run on or before it are used.
    lang : {"en", "zh"}
        Language of the action texts.
    grades : pandas.DataFrame, optional
        Grades to plan from instead of the stored ones (``customer_id``, ``grade``): e.g.
        grades computed in a notebook; customers' names and reps come from the store.

    Returns
    -------
    Plan

    Raises
    ------
    StoreError
        When no grades are stored (run ``salesanalysis score`` first).
    """
    book = load_playbook(config)
    cal = WorkingCalendar(book.calendar.country,
                          holidays_path(book, config if isinstance(config, str | Path) else None))
    with using_store(store, read_only=True) as st:
        day = resolve_as_of(st, as_of)
        begin = _start_date(start, day)
        graded = st.read("plan_grades", {"as_of": day, "config_hash": None})
        if grades is not None:
            owners = st.read("plan_customers")
            graded = grades[["customer_id", "grade"]].merge(owners, on="customer_id", how="left")
            graded["grades_config_hash"] = "given"
        if graded.empty:
            raise StoreError(f"{st.path}: no grades stored on or before {day}; grade the "
                             "customers first with `salesanalysis score`")
        personas = st.read("plan_personas", {"as_of": day})
        tags = st.read("plan_tags", {"as_of": day})
        reps = st.read("plan_reps")
    notes = []
    if personas.empty:
        notes.append("no personas stored: planned by grade only (persona refinements skipped)")
    if tags.empty and any(r.when.tag for r in book.refinements):
        notes.append("no tags stored: tag refinements skipped")
    actions = plan_actions(graded, book, reps, begin, cal, personas, tags, lang)
    notes += list(dict.fromkeys(cal.warnings))
    unowned = int(actions["owner_rep_id"].isna().sum())
    if unowned:
        notes.append(f"{unowned} actions have no owner: add reps with the roles they need")
    key = "|".join(_fingerprint(f) for f in (graded[["customer_id", "grade", "rep_id"]],
                                             personas, tags))
    return Plan(plan_id_for(day, begin, book, key), day, begin, book, cal, actions, notes)


def _fingerprint(frame: pd.DataFrame) -> str:
    """A content fingerprint of a frame (grades, personas, tags the plan was made from)."""
    if frame.empty:
        return "0"
    hashed = pd.util.hash_pandas_object(frame.astype("string"), index=False).to_numpy()
    return format(int(hashed.sum(dtype=np.uint64)), "x")


def _start_date(start: str | date | None, default: date) -> date:
    if start is None or (isinstance(start, str) and not start.strip()):
        return default
    try:
        return pd.Timestamp(start).date()
    except (ValueError, TypeError):
        raise ParameterError(f"start {start!r} is not a date; use YYYY-MM-DD") from None


def first_monday(day: date) -> date:
    """The Monday of ``day``'s week (for workload per week)."""
    return day - timedelta(days=day.weekday())
