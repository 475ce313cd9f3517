-- Record one setting of the store ($1: key, $2: value) after schema_info_clear.sql.
INSERT INTO schema_info (key, value) VALUES (?, ?)
