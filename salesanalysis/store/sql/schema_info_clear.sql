-- Forget one setting of the store ($1: key); schema_info_put.sql writes its new value.
DELETE FROM schema_info WHERE key = ?
