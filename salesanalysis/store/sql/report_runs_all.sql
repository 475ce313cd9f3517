-- Every report run, oldest first (the index and the schedule's history read the ledger).
SELECT run_id, report, period, parameters, started_at, finished_at, status, output_path, error
FROM report_runs
ORDER BY started_at, run_id
