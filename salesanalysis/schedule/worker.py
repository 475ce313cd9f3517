"""One scheduled run in a process of its own, so the schedule can stop it at its timeout.

``python -m salesanalysis.schedule.worker '<json>'`` calls
:func:`~salesanalysis.reports.runner.run_report` with the run id the schedule chose; how the
run ended is in the run ledger (``report_runs``), and an error before the run was recorded is
printed on stderr as one line. On SIGTERM (the schedule's timeout) the run stops with a
:class:`RunStopped` error, which the runner records as the run's failure, and the kernel is
shut down.
"""

from __future__ import annotations

import json
import signal
import sys
from typing import Any

from salesanalysis.exceptions import ReportError, SalesAnalysisError


class RunStopped(ReportError):
    """The schedule stopped a run that went past its timeout."""


def _stop(signum: int, frame: Any) -> None:
    raise RunStopped("stopped by the schedule at the run's timeout")


if __name__ == "__main__":  # stop cleanly even while the report machinery is still loading
    signal.signal(signal.SIGTERM, _stop)

from salesanalysis.reports.runner import run_report  # noqa: E402


def run_job(job: dict[str, Any]) -> None:
    """Run one job: ``report``, ``period_kind`` (month|week), ``period``, ``parameters``,
    ``db``, ``reports_dir``, ``notebooks_dir`` and ``run_id``."""
    period = {job["period_kind"]: job["period"]}
    run_report(job["report"], parameters=job.get("parameters") or {}, db=job["db"],
               reports_dir=job["reports_dir"], notebooks_dir=job.get("notebooks_dir"),
               run_id=job["run_id"], **period)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the job given as JSON; 0 on success, 1 on failure."""
    signal.signal(signal.SIGTERM, _stop)
    args = sys.argv[1:] if argv is None else argv
    try:
        run_job(json.loads(args[0]))
    except SalesAnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one line for the schedule's log, whatever it is
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
