-- cache: forget the values of one cached kind computed on other data or by other code than the
-- current (other data can only come back by undoing an import, and is then computed again).
DELETE FROM models WHERE kind = ? AND (data_fingerprint <> ? OR package_version <> ?)
