-- Schema v2: when each custom attribute becomes known (a mapping's `known:`). Attributes
-- known only at or after the outcome never enter creation-time grades, backtests or models.
ALTER TABLE custom_attributes ADD COLUMN known VARCHAR DEFAULT {{known_at_creation}};
