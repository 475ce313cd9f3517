-- Record that a report run started (bookkeeping of `salesanalysis report`).
INSERT INTO report_runs (run_id, report, period, parameters, started_at, status)
VALUES ($run_id, $report, $period, $parameters, CAST($started_at AS TIMESTAMP),
        {{run_status_running}})
