-- Record how a report run ended: succeeded with its output file when $error is NULL, else
-- failed with the error.
UPDATE report_runs
SET finished_at = CAST($finished_at AS TIMESTAMP),
    status = CASE
        WHEN CAST($error AS VARCHAR) IS NULL THEN {{run_status_succeeded}}
        ELSE {{run_status_failed}}
    END,
    output_path = CAST($output_path AS VARCHAR),
    error = CAST($error AS VARCHAR)
WHERE run_id = $run_id
