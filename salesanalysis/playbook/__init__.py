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

from salesanalysis.playbook.calendar import WorkingCalendar, read_holiday_file
from salesanalysis.playbook.config import Playbook, load_playbook
from salesanalysis.playbook.metrics import (
    closed_deals,
    completion_by,
    customer_execution,
    effectiveness_cells,
    execution_frame,
    objections_by_type,
    overdue_actions,
    strategy_effectiveness,
    winning_responses,
)
from salesanalysis.playbook.owners import resolve_owners
from salesanalysis.playbook.plan import Plan, action_templates, make_plan, plan_actions
from salesanalysis.playbook.replan import SaveSummary, plan_rows, save_plan
from salesanalysis.playbook.tracking import TrackResult, read_plan_workbook, track_workbook
from salesanalysis.playbook.workbook import write_plan_workbook

__all__ = [
    "Plan",
    "Playbook",
    "SaveSummary",
    "TrackResult",
    "WorkingCalendar",
    "action_templates",
    "closed_deals",
    "completion_by",
    "customer_execution",
    "effectiveness_cells",
    "execution_frame",
    "load_playbook",
    "make_plan",
    "objections_by_type",
    "overdue_actions",
    "plan_actions",
    "plan_rows",
    "read_holiday_file",
    "read_plan_workbook",
    "resolve_owners",
    "save_plan",
    "strategy_effectiveness",
    "track_workbook",
    "winning_responses",
    "write_plan_workbook",
]
