-- What a period report needs, counted: customers, deals (closed, without a rep), reps,
-- touchpoints and actions; the data-gaps page says which are missing.
SELECT
    (SELECT count(*) FROM customers) AS customers,
    (SELECT count(*) FROM opportunities) AS deals,
    (SELECT count(*) FROM opportunities WHERE outcome IN ({{closed_outcome_values}})) AS closed,
    (SELECT count(*) FROM opportunities WHERE rep_id IS NULL) AS deals_without_rep,
    (SELECT count(*) FROM reps) AS reps,
    (SELECT count(*) FROM interactions) AS interactions,
    (SELECT count(*) FROM actions) AS actions
