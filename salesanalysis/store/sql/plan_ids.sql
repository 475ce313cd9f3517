-- Plan ids made by `salesanalysis plan` (actions of other plans, e.g. imported ones, are left
-- alone by re-planning).
SELECT plan_id FROM plans ORDER BY plan_id
