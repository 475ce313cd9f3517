-- cache: per data table its row count and an order-free hash of its rows (bit_xor of each
-- row's hash, plus the sum of their top bits so duplicated rows do not cancel out). Two stores
-- with equal rows give equal values; bookkeeping (models, report runs, import batches and their
-- change log) is left out, so rendering a report or storing a model does not change it.
SELECT 'reps' AS table_name, count(*) AS n, bit_xor(hash(x)) AS h, sum(hash(x) >> 32) AS s FROM reps AS x
UNION ALL SELECT 'industries', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM industries AS x
UNION ALL SELECT 'customers', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM customers AS x
UNION ALL SELECT 'contacts', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM contacts AS x
UNION ALL SELECT 'interactions', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM interactions AS x
UNION ALL SELECT 'opportunities', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM opportunities AS x
UNION ALL SELECT 'orders', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM orders AS x
UNION ALL SELECT 'feedback', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM feedback AS x
UNION ALL SELECT 'actions', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM actions AS x
UNION ALL SELECT 'custom_attributes', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM custom_attributes AS x
UNION ALL SELECT 'flagged_rows', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM flagged_rows AS x
UNION ALL SELECT 'rejected_rows', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM rejected_rows AS x
UNION ALL SELECT 'grades', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM grades AS x
UNION ALL SELECT 'personas', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM personas AS x
UNION ALL SELECT 'tags', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM tags AS x
UNION ALL SELECT 'plans', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM plans AS x
UNION ALL SELECT 'schema_info', count(*), bit_xor(hash(x)), sum(hash(x) >> 32) FROM schema_info AS x
