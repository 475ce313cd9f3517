-- Canonical tables of DESIGN.md, schema version 1.
-- Portable DuckDB SQL: no double-quoted identifiers, no list literals.
-- Enumerations are CHECK constraints so a translator can carry them to other engines.

CREATE TABLE IF NOT EXISTS reps (
    rep_id        VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    team          VARCHAR,
    role          VARCHAR NOT NULL CHECK (role IN ({{rep_role_values}})),
    manager_id    VARCHAR,
    region        VARCHAR,
    hire_date     DATE
);

CREATE TABLE IF NOT EXISTS industries (
    industry       VARCHAR PRIMARY KEY,
    growth_rate    DOUBLE,
    policy_support DOUBLE CHECK (policy_support BETWEEN 0 AND 1)
);

CREATE TABLE IF NOT EXISTS customers (
    customer_id           VARCHAR PRIMARY KEY,
    name                  VARCHAR NOT NULL,
    industry              VARCHAR,
    employees             INTEGER CHECK (employees > 0),
    annual_revenue        DOUBLE CHECK (annual_revenue >= 0),
    region                VARCHAR,
    source                VARCHAR,
    owner_rep_id          VARCHAR,
    first_contact_date    DATE,
    status                VARCHAR CHECK (status IN ({{customer_status_values}})),
    pain_points           VARCHAR,
    need_description      VARCHAR,
    budget                DOUBLE CHECK (budget >= 0),
    need_deadline         DATE,
    expected_cycle_months INTEGER CHECK (expected_cycle_months >= 0),
    brand_value           VARCHAR CHECK (brand_value IN ({{brand_value_values}}))
);

CREATE TABLE IF NOT EXISTS contacts (
    contact_id    VARCHAR PRIMARY KEY,
    customer_id   VARCHAR NOT NULL,
    name          VARCHAR,
    title         VARCHAR,
    decision_role VARCHAR CHECK (decision_role IN ({{decision_role_values}})),
    attitude      VARCHAR CHECK (attitude IN ({{attitude_values}}))
);

CREATE TABLE IF NOT EXISTS interactions (
    interaction_id VARCHAR PRIMARY KEY,
    customer_id    VARCHAR NOT NULL,
    rep_id         VARCHAR,
    date           DATE NOT NULL,
    channel        VARCHAR CHECK (channel IN ({{channel_values}})),
    stage          VARCHAR CHECK (stage IN ({{stage_values}})),
    summary        VARCHAR,
    objection      VARCHAR
);

CREATE TABLE IF NOT EXISTS opportunities (
    opportunity_id      VARCHAR PRIMARY KEY,
    customer_id         VARCHAR,
    rep_id              VARCHAR,
    product             VARCHAR,
    created_date        DATE,
    stage               VARCHAR CHECK (stage IN ({{stage_values}})),
    amount              DOUBLE CHECK (amount >= 0),
    expected_close_date DATE,
    closed_date         DATE,
    outcome             VARCHAR NOT NULL CHECK (outcome IN ({{outcome_values}})),
    loss_reason         VARCHAR,
    competitor          VARCHAR
);

CREATE TABLE IF NOT EXISTS orders (
    order_id    VARCHAR PRIMARY KEY,
    customer_id VARCHAR NOT NULL,
    date        DATE NOT NULL,
    amount      DOUBLE CHECK (amount >= 0),
    product     VARCHAR
);

CREATE TABLE IF NOT EXISTS feedback (
    feedback_id  VARCHAR PRIMARY KEY,
    customer_id  VARCHAR NOT NULL,
    date         DATE NOT NULL,
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    comment      VARCHAR
);

CREATE TABLE IF NOT EXISTS actions (
    action_id    VARCHAR PRIMARY KEY,
    plan_id      VARCHAR,
    customer_id  VARCHAR NOT NULL,
    strategy     VARCHAR,
    action       VARCHAR,
    owner_role   VARCHAR,
    owner_rep_id VARCHAR,
    due_date     DATE,
    status       VARCHAR CHECK (status IN ({{action_status_values}})),
    done_date    DATE,
    feedback     VARCHAR,
    objection    VARCHAR,
    response     VARCHAR
);

-- Source columns an import did not place: kept per record (long format) as custom attributes.
CREATE TABLE IF NOT EXISTS custom_attributes (
    table_name VARCHAR NOT NULL,
    record_id  VARCHAR NOT NULL,
    attribute  VARCHAR NOT NULL,
    value      VARCHAR,
    batch_id   VARCHAR,
    PRIMARY KEY (table_name, record_id, attribute)
);

-- Bookkeeping ------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS schema_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS import_batches (
    batch_id    VARCHAR PRIMARY KEY,
    source_file VARCHAR NOT NULL,
    file_hash   VARCHAR NOT NULL,
    mapping     VARCHAR,
    imported_at TIMESTAMP NOT NULL,
    table_name  VARCHAR,
    n_rows      INTEGER,
    loaded      INTEGER,
    rejected    INTEGER,
    flagged     INTEGER
);

CREATE TABLE IF NOT EXISTS rejected_rows (
    batch_id    VARCHAR NOT NULL,
    table_name  VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row  INTEGER NOT NULL,
    raw         VARCHAR,
    reasons     VARCHAR NOT NULL,
    PRIMARY KEY (batch_id, table_name, source_row)
);

CREATE TABLE IF NOT EXISTS flagged_rows (
    batch_id    VARCHAR NOT NULL,
    table_name  VARCHAR NOT NULL,
    record_id   VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL,
    flag        VARCHAR NOT NULL,
    detail      VARCHAR,
    PRIMARY KEY (batch_id, table_name, record_id, column_name, flag)
);

CREATE TABLE IF NOT EXISTS grades (
    customer_id       VARCHAR NOT NULL,
    as_of             DATE NOT NULL,
    config_hash       VARCHAR NOT NULL,
    industry_potential DOUBLE,
    need_urgency      DOUBLE,
    deal_probability  DOUBLE,
    customer_value    DOUBLE,
    score             DOUBLE,
    grade             VARCHAR CHECK (grade IN ({{grade_values}})),
    reasons           VARCHAR,
    PRIMARY KEY (customer_id, as_of, config_hash)
);

CREATE TABLE IF NOT EXISTS personas (
    customer_id  VARCHAR NOT NULL,
    as_of        DATE NOT NULL,
    config_hash  VARCHAR NOT NULL,
    persona_id   INTEGER,
    persona_name VARCHAR,
    PRIMARY KEY (customer_id, as_of, config_hash)
);

CREATE TABLE IF NOT EXISTS report_runs (
    run_id      VARCHAR PRIMARY KEY,
    report      VARCHAR NOT NULL,
    period      VARCHAR,
    parameters  VARCHAR,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL CHECK (status IN ({{run_status_values}})),
    output_path VARCHAR,
    error       VARCHAR
);
