-- Rows the imports quarantined, with their reasons (one reason per line), in import order.
SELECT batch_id, table_name, source_row, reasons
FROM rejected_rows
ORDER BY batch_id, table_name, source_row
