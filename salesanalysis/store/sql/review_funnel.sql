-- Opportunities created in [$first, $last] (the funnel's lookback window), one row each, with
-- the rank of the furthest stage each reached by $last (vocab.STAGE_RANK): won when won by
-- then, else the furthest open stage recorded for the customer in interactions between creation
-- and min(close, $last); without such history, the recorded stage of an opportunity that is
-- still open; else lead.
WITH scope AS (
    SELECT c.customer_id
    FROM customers AS c
    LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id
    WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
),
funnel_rank AS (
    SELECT * FROM (VALUES {{funnel_rank_rows}}) AS t (stage, rank)
),
stage_rank AS (
    SELECT stage, rank FROM funnel_rank WHERE stage IN ({{open_stage_values}})
),
created AS (
    SELECT o.opportunity_id, o.customer_id, o.created_date, o.closed_date, o.stage, o.outcome
    FROM opportunities AS o
    WHERE o.created_date BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
      AND (CAST($team AS VARCHAR) IS NULL OR o.customer_id IN (SELECT customer_id FROM scope))
),
history AS (
    SELECT o.opportunity_id, max(sr.rank) AS rank
    FROM created AS o
    JOIN interactions AS i
      ON i.customer_id = o.customer_id
     AND i.date >= o.created_date
     AND i.date <= CAST($last AS DATE)
     AND (o.closed_date IS NULL OR i.date <= o.closed_date)
    JOIN stage_rank AS sr ON sr.stage = i.stage
    GROUP BY o.opportunity_id
)
SELECT o.opportunity_id,
       CASE
           WHEN o.outcome = {{outcome_won}} AND o.closed_date <= CAST($last AS DATE)
               THEN won_rank.rank
           ELSE coalesce(h.rank, CASE WHEN o.outcome = {{outcome_open}} THEN cur.rank END,
                         first_rank.rank)
       END AS reached_rank
FROM created AS o
CROSS JOIN (SELECT rank FROM funnel_rank WHERE stage = {{stage_won}}) AS won_rank
CROSS JOIN (SELECT rank FROM funnel_rank WHERE stage = {{stage_lead}}) AS first_rank
LEFT JOIN history AS h ON h.opportunity_id = o.opportunity_id
LEFT JOIN stage_rank AS cur ON cur.stage = o.stage
ORDER BY o.opportunity_id
