-- One setting of the store ($1: key, e.g. schema_version, currency).
SELECT value FROM schema_info WHERE key = ?
