-- One report run by its id (the schedule reads how a run it started ended).
SELECT run_id, report, period, status, output_path, error
FROM report_runs
WHERE run_id = $run_id
