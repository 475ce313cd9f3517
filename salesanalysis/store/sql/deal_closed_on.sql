-- The one rule for the day a closed (won or lost) deal closed, used wherever closed deals are
-- counted (closed_opportunities.sql, review_closed.sql, review_kpis.sql through
-- the query:deal_closed_on placeholder): its closed date; without one, its expected close date, else its
-- created date plus the median cycle (days from created to closed) of the closed deals that
-- have both dates, 0 days when none has. Won and lost deals are treated alike, so a missing
-- closed date never tells the outcome. One row per closed opportunity.
SELECT
    o.opportunity_id,
    coalesce(o.closed_date, o.expected_close_date, o.created_date + t.days) AS closed_on
FROM opportunities AS o
CROSS JOIN (
    SELECT coalesce(CAST(round(median(date_diff('day', created_date, closed_date))) AS INTEGER), 0) AS days
    FROM opportunities
    WHERE outcome IN ({{closed_outcome_values}})
      AND created_date IS NOT NULL
      AND closed_date >= created_date
) AS t
WHERE o.outcome IN ({{closed_outcome_values}})
