-- Opportunities open at the end of the month ending $last, one row each, with the rank
-- (vocab.STAGE_RANK) of their stage at month end: the furthest open stage recorded for the
-- customer in interactions between the opportunity's creation and month end; without such
-- history, the recorded stage of an opportunity that is still open; otherwise lead.
WITH scope AS (
    SELECT c.customer_id
    FROM customers AS c
    LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id
    WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
),
stage_rank AS (
    SELECT * FROM (VALUES {{open_stage_rank_rows}}) AS t (stage, rank)
),
open_opps AS (
    SELECT o.opportunity_id, o.customer_id, o.created_date, o.stage, o.outcome,
           coalesce(o.amount, 0.0) AS amount
    FROM opportunities AS o
    WHERE o.created_date <= CAST($last AS DATE)
      AND (o.closed_date > CAST($last AS DATE) OR (o.closed_date IS NULL AND o.outcome = {{outcome_open}}))
      AND (CAST($team AS VARCHAR) IS NULL OR o.customer_id IN (SELECT customer_id FROM scope))
),
history AS (
    SELECT o.opportunity_id, max(sr.rank) AS rank
    FROM open_opps AS o
    JOIN interactions AS i
      ON i.customer_id = o.customer_id
     AND i.date >= o.created_date
     AND i.date <= CAST($last AS DATE)
    JOIN stage_rank AS sr ON sr.stage = i.stage
    GROUP BY o.opportunity_id
)
SELECT o.opportunity_id, o.amount,
       coalesce(h.rank, CASE WHEN o.outcome = {{outcome_open}} THEN cur.rank END,
                first_rank.rank) AS stage_rank
FROM open_opps AS o
CROSS JOIN (SELECT rank FROM stage_rank WHERE stage = {{stage_lead}}) AS first_rank
LEFT JOIN history AS h ON h.opportunity_id = o.opportunity_id
LEFT JOIN stage_rank AS cur ON cur.stage = o.stage
ORDER BY o.opportunity_id
