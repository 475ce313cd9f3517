-- Every opportunity of the customers in scope (owned by reps of team $team; all when NULL)
-- created on or before $last (or undated) and, when $first is set, not closed before it
-- (still open on $last, or closed from $first on), one row each, with what the review, rep and
-- win/loss reports tell about it: the customer's fields, the deal's rep (else the customer's
-- owner) with name and team, the day a closed deal closed (deal_closed_on.sql), and from the
-- customer's interactions between the deal's creation and its close (or $last while open):
-- touchpoints, executive visits (a visit by a rep of an executive role), price objections
-- (price / cost / budget words), the stage rank reached (vocab.STAGE_RANK); the decision
-- roles on record among the customer's contacts; and the customer's actions done in that
-- window with their strategies.
WITH scope AS (
    SELECT c.customer_id
    FROM customers AS c
    LEFT JOIN reps AS r ON c.owner_rep_id = r.rep_id
    WHERE CAST($team AS VARCHAR) IS NULL OR r.team = CAST($team AS VARCHAR)
),
stage_rank AS (
    SELECT * FROM (VALUES {{open_stage_rank_rows}}) AS t (stage, rank)
),
deals AS (
    SELECT o.opportunity_id, o.customer_id, coalesce(o.rep_id, c.owner_rep_id) AS rep_id,
           o.product, o.created_date, d.closed_on, o.outcome, o.stage,
           coalesce(o.amount, 0.0) AS amount, o.expected_close_date, o.loss_reason, o.competitor,
           c.name AS customer, c.industry, c.region, c.source, c.employees, c.budget
    FROM opportunities AS o
    LEFT JOIN ({{query:deal_closed_on}}) AS d ON d.opportunity_id = o.opportunity_id
    LEFT JOIN customers AS c ON c.customer_id = o.customer_id
    WHERE (o.created_date IS NULL OR o.created_date <= CAST($last AS DATE))
      AND (CAST($first AS DATE) IS NULL OR d.closed_on IS NULL
           OR d.closed_on >= CAST($first AS DATE))
      AND (CAST($team AS VARCHAR) IS NULL OR o.customer_id IN (SELECT customer_id FROM scope))
),
windows AS (
    SELECT opportunity_id, customer_id, created_date,
           CASE WHEN closed_on IS NOT NULL AND closed_on <= CAST($last AS DATE) THEN closed_on
                ELSE CAST($last AS DATE) END AS window_end
    FROM deals
),
ix AS (
    -- per interaction, computed once however many deals of its customer it falls in
    SELECT i.customer_id, i.date,
           CASE WHEN i.channel = {{channel_visit}} AND r.role IN ({{executive_role_values}})
                THEN 1 ELSE 0 END AS is_exec_visit,
           CASE WHEN i.objection ILIKE '%price%' OR i.objection ILIKE '%cost%'
                     OR i.objection ILIKE '%expensive%' OR i.objection LIKE '%预算%'
                     OR i.objection LIKE '%价格%' THEN 1 ELSE 0 END AS is_price_objection,
           coalesce(sr.rank, 0) AS stage_rank
    FROM interactions AS i
    LEFT JOIN reps AS r ON r.rep_id = i.rep_id
    LEFT JOIN stage_rank AS sr ON sr.stage = i.stage
    WHERE i.date <= CAST($last AS DATE)
),
touches AS (
    SELECT w.opportunity_id,
           count(*) AS touchpoints,
           max(x.is_exec_visit) AS exec_visit,
           max(x.is_price_objection) AS price_objection,
           max(x.stage_rank) AS reached_rank
    FROM windows AS w
    JOIN ix AS x
      ON x.customer_id = w.customer_id
     AND (w.created_date IS NULL OR x.date >= w.created_date)
     AND x.date <= w.window_end
    GROUP BY w.opportunity_id
),
roles AS (
    SELECT k.customer_id,
           max(CASE WHEN k.decision_role = {{decision_role_decision_maker}} THEN 1 ELSE 0 END)
               AS decision_maker_on_record,
           count(DISTINCT k.decision_role) AS roles_on_record
    FROM contacts AS k
    WHERE k.customer_id IN (SELECT customer_id FROM deals)
    GROUP BY k.customer_id
),
done AS (
    SELECT w.opportunity_id, count(*) AS actions_done,
           string_agg(DISTINCT a.strategy, ', ' ORDER BY a.strategy) AS strategies
    FROM windows AS w
    JOIN actions AS a
      ON a.customer_id = w.customer_id
     AND a.status = {{action_status_done}}
     AND a.done_date <= w.window_end
     AND (w.created_date IS NULL OR a.done_date >= w.created_date)
    GROUP BY w.opportunity_id
)
SELECT d.opportunity_id, d.customer_id, d.customer, d.rep_id, rp.name AS rep_name, rp.team,
       d.product, d.industry, d.region, d.source, d.employees, d.budget,
       d.created_date, d.closed_on, d.outcome, d.stage, d.amount, d.expected_close_date,
       d.loss_reason, d.competitor,
       coalesce(t.touchpoints, 0) AS touchpoints, coalesce(t.exec_visit, 0) AS exec_visit,
       coalesce(t.price_objection, 0) AS price_objection, coalesce(t.reached_rank, 0) AS reached_rank,
       coalesce(ro.decision_maker_on_record, 0) AS decision_maker_on_record,
       coalesce(ro.roles_on_record, 0) AS roles_on_record,
       coalesce(dn.actions_done, 0) AS actions_done, dn.strategies
FROM deals AS d
LEFT JOIN reps AS rp ON rp.rep_id = d.rep_id
LEFT JOIN touches AS t ON t.opportunity_id = d.opportunity_id
LEFT JOIN roles AS ro ON ro.customer_id = d.customer_id
LEFT JOIN done AS dn ON dn.opportunity_id = d.opportunity_id
ORDER BY d.opportunity_id
