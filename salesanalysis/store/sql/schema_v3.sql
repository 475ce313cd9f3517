-- Schema v3: the tables of personas, plans, stored models and undoable imports.
-- Each section belongs to one subpackage (named in its heading); the columns are documented in
-- docs/data_model.md, generated from this catalogue.

-- intake: what each import batch changed, so `import --undo BATCH` can put it back ---------------

-- One row per record a batch inserted or updated. `before_row` is the JSON of the record as it
-- was before the batch (NULL when the batch inserted it); undo restores it or deletes the record.
-- Custom attributes: table_name 'custom_attributes', record_id the JSON of the attribute's key;
-- flags and rejections of earlier imports a batch replaced: 'update' with the row they were.
-- (batch_id, table_name, record_id) is unique, kept so by the writes (intake_*): no index, as
-- an index would cost a 1,000,000-row import ten times the time of writing its changes.
CREATE TABLE IF NOT EXISTS batch_changes (
    batch_id   VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    record_id  VARCHAR NOT NULL,
    change     VARCHAR NOT NULL CHECK (change IN ('insert', 'update')),
    before_row VARCHAR
);
ALTER TABLE import_batches ADD COLUMN undone_at TIMESTAMP;

-- models: every fitted estimator, stored once per data fingerprint --------------------------------

-- `payload` is the pickled (joblib) estimator; `summary` a JSON of what a report shows without
-- unpickling (chosen k, scores, baseline). A re-render with the same kind, parameters and data
-- fingerprint loads the model instead of refitting.
CREATE TABLE IF NOT EXISTS models (
    model_hash       VARCHAR PRIMARY KEY,
    kind             VARCHAR NOT NULL,
    params_hash      VARCHAR NOT NULL,
    data_fingerprint VARCHAR NOT NULL,
    as_of            DATE,
    fitted_at        TIMESTAMP NOT NULL,
    package_version  VARCHAR NOT NULL,
    payload          BLOB NOT NULL,
    summary          VARCHAR
);

-- personas: tags with their evidence, and persona assignments with the model that made them --------

-- One row per piece of evidence: the customer carries `tag` because `field` of record
-- `record_id` in `source_table` matched (`matched`: the words or values that did).
CREATE TABLE IF NOT EXISTS tags (
    customer_id  VARCHAR NOT NULL,
    as_of        DATE NOT NULL,
    config_hash  VARCHAR NOT NULL,
    tag          VARCHAR NOT NULL,
    tag_group    VARCHAR,
    source_table VARCHAR NOT NULL,
    record_id    VARCHAR NOT NULL,
    field        VARCHAR NOT NULL,
    matched      VARCHAR
);
ALTER TABLE personas ADD COLUMN model_hash VARCHAR;
ALTER TABLE personas ADD COLUMN persona_name_zh VARCHAR;

-- playbook: one row per plan; actions point at it through actions.plan_id -------------------------

CREATE TABLE IF NOT EXISTS plans (
    plan_id          VARCHAR PRIMARY KEY,
    as_of            DATE NOT NULL,
    start_date       DATE NOT NULL,
    config_hash      VARCHAR NOT NULL,
    playbook_version VARCHAR,
    calendar         VARCHAR,
    created_at       TIMESTAMP NOT NULL,
    n_customers      INTEGER,
    n_actions        INTEGER
);
-- Tracking: when an action was last updated and from which workbook (`<file name>@<sha256 prefix>`,
-- or `plan:<plan_id>` for a plan), so a second
-- `track` of the same file changes nothing and an edit in two workbooks is reported.
ALTER TABLE actions ADD COLUMN updated_at TIMESTAMP;
ALTER TABLE actions ADD COLUMN updated_from VARCHAR;
