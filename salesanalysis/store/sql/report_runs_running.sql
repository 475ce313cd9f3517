-- Report runs still marked running (the ledger checks whether their process is alive).
SELECT run_id
FROM report_runs
WHERE status = {{run_status_running}}
ORDER BY started_at
