-- Customer features as known on a date, for every (customer_id, as_of) pair of the relation
-- feature_keys (columns customer_id, as_of). The single-date case is a panel with one date.
-- Leak-free: only rows dated on or before the pair's as_of are used (interactions.date,
-- opportunities.created_date with outcomes only when closed_date <= as_of, orders.date,
-- feedback.date); customers first contacted after as_of are left out.
-- Contacts and the customer's own attributes carry no date: they are used as stored.
-- Portable DuckDB SQL: max_by for latest values, no select-alias reuse, no list literals.
WITH keys AS (
    -- key_id: an integer per pair, so the aggregates below group and join on one integer
    SELECT customer_id, as_of, row_number() OVER (ORDER BY customer_id, as_of) AS key_id
    FROM (
        SELECT DISTINCT
            CAST(k.customer_id AS VARCHAR) AS customer_id,
            CAST(k.as_of AS DATE) AS as_of
        FROM feature_keys k
        JOIN customers c ON c.customer_id = CAST(k.customer_id AS VARCHAR)
        WHERE c.first_contact_date IS NULL OR c.first_contact_date <= CAST(k.as_of AS DATE)
    ) known
),
ix_rows AS (
    -- per interaction, computed once whatever the number of keys: stage order (lost last, so
    -- a same-day tie resolves to the final stage), exec visit, price objection, proposal mention
    SELECT
        i.customer_id,
        i.date,
        i.stage,
        CASE WHEN i.channel = {{channel_visit}} THEN 1 ELSE 0 END AS is_visit,
        CASE WHEN i.channel = {{channel_demo}} THEN 1 ELSE 0 END AS is_demo,
        CASE WHEN i.channel = {{channel_visit}} AND r.role IN ({{executive_role_values}}) THEN 1 ELSE 0 END
            AS is_exec_visit,
        CASE WHEN i.objection ILIKE '%price%' OR i.objection ILIKE '%cost%'
                  OR i.objection ILIKE '%expensive%'
                  OR i.objection LIKE '%预算%' OR i.objection LIKE '%价格%' THEN 1 ELSE 0 END
            AS is_price_objection,
        CASE i.stage
            {{stage_order_whens}} ELSE 0 END AS stage_order,
        CASE WHEN i.summary ILIKE '%proposal%' OR i.summary LIKE '%方案%' THEN 1 ELSE 0 END
            AS mentions_proposal
    FROM interactions i
    LEFT JOIN reps r ON r.rep_id = i.rep_id
    WHERE i.customer_id IN (SELECT customer_id FROM keys)
),
ix AS (
    SELECT
        k.key_id,
        count(*) AS n_interactions,
        count(CASE WHEN date_diff('day', i.date, k.as_of) < 90 THEN 1 END) AS n_interactions_90d,
        max(i.date) AS last_interaction_date,
        count(CASE WHEN i.is_visit = 1 THEN 1 END) AS n_visits,
        count(CASE WHEN i.is_demo = 1 THEN 1 END) AS n_demos,
        count(CASE WHEN i.is_exec_visit = 1 THEN 1 END) AS n_exec_visits,
        count(CASE WHEN i.is_price_objection = 1 THEN 1 END) AS n_price_objections,
        -- latest stage; on a tie (same day) the furthest stage, lost counting as final
        max_by(i.stage, CASE WHEN i.stage_order > 0
                             THEN date_diff('day', DATE '2000-01-01', i.date) * 8 + i.stage_order
                             END) AS current_stage,
        max(CASE WHEN i.stage_order = 6 THEN 0 ELSE i.stage_order END) AS max_stage_rank,
        max(CASE WHEN i.stage_order BETWEEN 3 AND 5 THEN 1 ELSE i.mentions_proposal END)
            AS proposal_flag
    FROM keys k
    JOIN ix_rows i ON i.customer_id = k.customer_id AND i.date <= k.as_of
    GROUP BY k.key_id
),
ct AS (
    SELECT
        customer_id,
        count(*) AS n_contacts,
        count(DISTINCT decision_role) AS n_roles_reached,
        max(CASE WHEN decision_role = {{decision_role_decision_maker}} THEN 1 ELSE 0 END) AS dm_reached,
        max(CASE WHEN decision_role = {{decision_role_decision_maker}} AND attitude = {{attitude_supportive}} THEN 1 ELSE 0 END)
            AS dm_supportive,
        count(CASE WHEN attitude = {{attitude_supportive}} THEN 1 END) AS n_supportive,
        count(CASE WHEN attitude = {{attitude_opposed}} THEN 1 END) AS n_opposed
    FROM contacts
    WHERE customer_id IN (SELECT customer_id FROM keys)
    GROUP BY customer_id
),
op_then AS (
    SELECT
        k.key_id,
        o.amount,
        o.created_date,
        o.closed_date,
        CASE WHEN o.closed_date IS NOT NULL AND o.closed_date <= k.as_of
                  AND o.outcome IN ({{closed_outcome_values}}) THEN o.outcome
             ELSE {{outcome_open}} END AS outcome_then
    FROM keys k
    JOIN opportunities o ON o.customer_id = k.customer_id AND o.created_date <= k.as_of
),
op AS (
    SELECT
        key_id,
        count(CASE WHEN outcome_then = {{outcome_open}} THEN 1 END) AS n_opps_open,
        count(CASE WHEN outcome_then = {{outcome_won}} THEN 1 END) AS n_opps_won,
        count(CASE WHEN outcome_then = {{outcome_lost}} THEN 1 END) AS n_opps_lost,
        sum(CASE WHEN outcome_then = {{outcome_open}} THEN coalesce(amount, 0) ELSE 0 END) AS open_amount,
        sum(CASE WHEN outcome_then = {{outcome_won}} THEN coalesce(amount, 0) ELSE 0 END) AS won_amount,
        max(CASE WHEN outcome_then = {{outcome_open}} THEN amount END) AS max_open_amount,
        avg(CASE WHEN outcome_then = {{outcome_won}} THEN date_diff('day', created_date, closed_date) END)
            AS avg_won_cycle_days,
        max(CASE WHEN outcome_then = {{outcome_won}} THEN closed_date END) AS last_won_date
    FROM op_then
    GROUP BY key_id
),
od AS (
    SELECT
        k.key_id,
        count(*) AS n_orders,
        sum(coalesce(o.amount, 0)) AS order_amount,
        sum(CASE WHEN date_diff('day', o.date, k.as_of) < 365 THEN coalesce(o.amount, 0) ELSE 0 END)
            AS order_amount_365d,
        min(o.date) AS first_order_date,
        max(o.date) AS last_order_date
    FROM keys k
    JOIN orders o ON o.customer_id = k.customer_id AND o.date <= k.as_of
    GROUP BY k.key_id
),
fb AS (
    SELECT
        k.key_id,
        count(f.satisfaction) AS n_feedback,
        sum(CAST(f.satisfaction AS DOUBLE)) AS sum_satisfaction,
        avg(f.satisfaction) AS mean_satisfaction,
        -- latest response; on a tie (same day) the lower score
        max_by(f.satisfaction, CASE WHEN f.satisfaction IS NOT NULL
                                    THEN date_diff('day', DATE '2000-01-01', f.date) * 8
                                         + (6 - f.satisfaction) END)
            AS latest_satisfaction
    FROM keys k
    JOIN feedback f ON f.customer_id = k.customer_id AND f.date <= k.as_of
    GROUP BY k.key_id
)
SELECT
    k.customer_id,
    k.as_of,
    c.name,
    c.industry,
    c.region,
    c.owner_rep_id,
    c.status,
    c.employees,
    c.annual_revenue,
    c.budget,
    c.need_deadline,
    date_diff('day', k.as_of, c.need_deadline) AS days_to_deadline,
    c.expected_cycle_months,
    c.brand_value,
    c.first_contact_date,
    date_diff('day', c.first_contact_date, k.as_of) AS tenure_days,
    ind.growth_rate,
    ind.policy_support,
    (lower(coalesce(c.need_description, '') || ' ' || coalesce(c.pain_points, '')) LIKE '%urgent%'
        OR lower(coalesce(c.need_description, '') || ' ' || coalesce(c.pain_points, '')) LIKE '%asap%'
        OR lower(coalesce(c.need_description, '') || ' ' || coalesce(c.pain_points, '')) LIKE '%quarter-end%'
        OR lower(coalesce(c.need_description, '') || ' ' || coalesce(c.pain_points, '')) LIKE '%quarter end%'
        OR coalesce(c.need_description, '') || coalesce(c.pain_points, '') LIKE '%紧急%'
        OR coalesce(c.need_description, '') || coalesce(c.pain_points, '') LIKE '%尽快%'
        OR coalesce(c.need_description, '') || coalesce(c.pain_points, '') LIKE '%季度末%')
        AS urgency_stated,
    coalesce(ix.n_interactions, 0) AS n_interactions,
    coalesce(ix.n_interactions_90d, 0) AS n_interactions_90d,
    ix.last_interaction_date,
    date_diff('day', ix.last_interaction_date, k.as_of) AS days_since_last_interaction,
    coalesce(ix.n_visits, 0) AS n_visits,
    coalesce(ix.n_demos, 0) AS n_demos,
    coalesce(ix.n_exec_visits, 0) AS n_exec_visits,
    coalesce(ix.n_price_objections, 0) AS n_price_objections,
    ix.current_stage,
    CASE ix.current_stage
        {{stage_rank_whens}} ELSE 0 END AS stage_rank,
    coalesce(ix.max_stage_rank, 0) AS max_stage_rank,
    coalesce(ix.proposal_flag, 0) = 1 AS proposal_submitted,
    coalesce(ct.n_contacts, 0) AS n_contacts,
    coalesce(ct.n_roles_reached, 0) AS n_roles_reached,
    coalesce(ct.dm_reached, 0) = 1 AS decision_maker_reached,
    coalesce(ct.dm_supportive, 0) = 1 AS decision_maker_supportive,
    coalesce(ct.n_supportive, 0) AS n_supportive,
    coalesce(ct.n_opposed, 0) AS n_opposed,
    coalesce(op.n_opps_open, 0) AS n_opps_open,
    coalesce(op.n_opps_won, 0) AS n_opps_won,
    coalesce(op.n_opps_lost, 0) AS n_opps_lost,
    coalesce(op.open_amount, 0.0) AS open_amount,
    coalesce(op.won_amount, 0.0) AS won_amount,
    coalesce(op.max_open_amount, 0.0) AS max_open_amount,
    coalesce(c.budget, op.max_open_amount) AS expected_amount,
    CASE WHEN op.n_opps_won + op.n_opps_lost > 0
         THEN op.n_opps_won / CAST(op.n_opps_won + op.n_opps_lost AS DOUBLE) END AS win_rate,
    op.avg_won_cycle_days,
    op.last_won_date,
    coalesce(od.n_orders, 0) AS n_orders,
    coalesce(od.order_amount, 0.0) AS order_amount,
    coalesce(od.order_amount_365d, 0.0) AS order_amount_365d,
    od.first_order_date,
    od.last_order_date,
    date_diff('day', od.last_order_date, k.as_of) AS days_since_last_order,
    CASE WHEN od.n_orders >= 2
         THEN date_diff('day', od.first_order_date, od.last_order_date) / CAST(od.n_orders - 1 AS DOUBLE) END
        AS avg_order_interval_days,
    CASE WHEN od.n_orders >= 2 AND od.last_order_date > od.first_order_date
         THEN date_diff('day', od.last_order_date, k.as_of)
              / (date_diff('day', od.first_order_date, od.last_order_date) / CAST(od.n_orders - 1 AS DOUBLE)) END
        AS order_overdue_ratio,
    fb.latest_satisfaction,
    fb.mean_satisfaction,
    coalesce(fb.n_feedback, 0) AS n_feedback,
    CASE WHEN fb.n_feedback >= 2
         THEN fb.latest_satisfaction - (fb.sum_satisfaction - fb.latest_satisfaction) / CAST(fb.n_feedback - 1 AS DOUBLE) END
        AS satisfaction_trend
FROM keys k
JOIN customers c ON c.customer_id = k.customer_id
LEFT JOIN industries ind ON ind.industry = c.industry
LEFT JOIN ix ON ix.key_id = k.key_id
LEFT JOIN ct ON ct.customer_id = k.customer_id
LEFT JOIN op ON op.key_id = k.key_id
LEFT JOIN od ON od.key_id = k.key_id
LEFT JOIN fb ON fb.key_id = k.key_id
ORDER BY k.customer_id, k.as_of
