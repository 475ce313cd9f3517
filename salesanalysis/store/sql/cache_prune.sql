-- cache: forget the values of one cached kind computed on other data or by other code than the
-- current (other data can only come back by undoing an import, and is then computed again),
-- and keep at most the 12 newest of the kind (a year of monthly reports) so the store stays
-- small; never the value just stored. Parameters: kind, its hash, data fingerprint, code
-- version, kind.
DELETE FROM models
WHERE kind = ? AND model_hash <> ?
    AND (data_fingerprint <> ? OR package_version <> ? OR model_hash IN (
        SELECT model_hash FROM models WHERE kind = ?
        ORDER BY fitted_at DESC, model_hash DESC LIMIT 1000000 OFFSET 12))
