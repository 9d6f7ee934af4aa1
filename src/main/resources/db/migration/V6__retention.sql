-- Retention (issue 7): one row per rule per run, so an operator (and an auditor) can see what was
-- purged, when, in how many batches, and how long the longest batch held its locks. Counts only:
-- never a value of a purged row.
create table retention_run (
    id               bigserial primary key,
    rule             varchar(200) not null,   -- the data map's rule name, or store.<what> for the pipeline's own data
    target           varchar(10)  not null,   -- app (the company's database) or store (schema dsr, export files)
    action           varchar(10)  not null,   -- delete or anonymise
    cutoff           timestamptz  not null,   -- rows (files) older than this were due
    started_at       timestamptz  not null,
    finished_at      timestamptz,             -- null: the run is going on, or its node stopped mid-way
    rows_deleted     bigint       not null default 0,
    rows_anonymised  bigint       not null default 0,
    batches          integer      not null default 0,
    longest_batch_ms bigint       not null default 0,  -- the longest single batch transaction, commit included
    error            text                     -- why the rule stopped early (what was done before stays done)
);
create index retention_run_rule on retention_run (rule, started_at);
