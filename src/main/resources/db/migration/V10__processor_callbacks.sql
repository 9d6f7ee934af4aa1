-- The processors' callbacks already processed, by the SHA-256 of the raw (signed) body, per task: an
-- exact replay within the window (dsr.processors.callback-replay-hours) gets the first call's outcome
-- again and changes nothing. Only the digest is kept, never the body; older rows are purged by the
-- processors' follow-up timer.
create table processor_callback (
    task_id      bigint      not null references processor_task (id) on delete cascade,
    body_sha256  char(64)    not null,                 -- lowercase hex
    outcome      varchar(20) not null,                 -- what the first call did: CHANGED, DUPLICATE, BACKWARDS, STALE
    received_at  timestamptz not null,
    primary key (task_id, body_sha256)
);
create index processor_callback_received on processor_callback (received_at);
