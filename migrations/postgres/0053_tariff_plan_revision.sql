-- An edit counter per tariff plan row, raised by every save, so that two people editing an
-- unused plan version at once get a conflict instead of one silently overwriting the other.
-- It is not the plan's `version`, which numbers the published versions of a plan.

ALTER TABLE tariff_plans ADD COLUMN revision BIGINT NOT NULL DEFAULT 1 CHECK (revision >= 1);
