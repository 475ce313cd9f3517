"""Strategy playbook and execution tracking (steps 4 and 5 of the method).

Modules follow the data: :mod:`.config` (the playbook YAML: a strategy per grade, refinements
by persona or tag, owner roles and working-day deadlines) -> :mod:`.calendar` (working days:
chinese-calendar with official make-up workdays, the team's holiday file, ``holidays`` for
other countries) -> :mod:`.owners` (roles to people, spreading load) -> :mod:`.plan`
(:func:`plan_actions`, :func:`make_plan`) -> :mod:`.replan` (saving a plan, re-planning that
keeps history) -> :mod:`.workbook` (the team's Excel file) -> :mod:`.tracking` (reading it
back through the intake, idempotent updates, conflicts) -> :mod:`.metrics` (completion,
on-time, overdue, objections, strategy effectiveness). Grades, personas and tags are read
from the store's tables by SQL; this package imports no grading or personas code.
"""

from salesanalysis.lazy import lazy_exports

#: Public name -> its module: imported on first use (:func:`~salesanalysis.lazy.lazy_exports`).
_EXPORTS = {
    "Plan": "plan",
    "Playbook": "config",
    "SaveSummary": "replan",
    "TrackResult": "tracking",
    "WorkingCalendar": "calendar",
    "action_templates": "plan",
    "closed_deals": "metrics",
    "completion_by": "metrics",
    "customer_execution": "metrics",
    "effectiveness_cells": "metrics",
    "execution_frame": "metrics",
    "load_playbook": "config",
    "make_plan": "plan",
    "objections_by_type": "metrics",
    "overdue_actions": "metrics",
    "plan_actions": "plan",
    "plan_rows": "replan",
    "read_holiday_file": "calendar",
    "read_plan_workbook": "tracking",
    "resolve_owners": "owners",
    "save_plan": "replan",
    "strategy_effectiveness": "metrics",
    "track_workbook": "tracking",
    "winning_responses": "metrics",
    "write_plan_workbook": "workbook",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
