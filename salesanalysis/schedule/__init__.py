"""The report schedule: due reports rendered without a person.

``schedule.yaml`` (:mod:`~salesanalysis.schedule.config`) names report definitions with a
cron expression, a period kind (month or ISO week) and parameters; :mod:`.due` works out
which periods are due at a moment (catch-up bounded by staleness, done periods skipped,
periods the data does not cover yet waiting); :mod:`.runner` renders them one at a time under
one lock, with a timeout and retries per run (:mod:`.worker`), then writes the index and
sends the failure notice (:mod:`.notice`); :mod:`.history` is ``schedule status`` and
:mod:`.clean` the retention of failed runs' leftovers. The CLI is ``salesanalysis schedule``.

The runner and worker load Papermill; import them from ``salesanalysis.schedule.runner``.
"""

from salesanalysis.schedule.config import Definition, Schedule, load_schedule
from salesanalysis.schedule.due import Candidate, due_periods, parse_now

__all__ = ["Candidate", "Definition", "Schedule", "due_periods", "load_schedule", "parse_now"]
