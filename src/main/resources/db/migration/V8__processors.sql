-- Processors (issue 6): every processor that must act on a request, the id it knows the request by,
-- and where it stands. A request is COMPLETED only when each of its tasks is COMPLETED (or an
-- operator closes the request with a reason).
create table processor_task (
    id                 bigserial primary key,
    request_id         bigint       not null references request (id),
    processor          varchar(100) not null,            -- its name in config/processors.yaml
    kind               varchar(10)  not null,            -- OPENDSR, HTTP, EMAIL
    subject_request_id uuid         not null unique,     -- OpenDSR subject_request_id; idempotency key of every delivery
    status             varchar(20)  not null default 'QUEUED',
                       -- QUEUED (in the outbox), SENT (its API took it / the mail left), PENDING, IN_PROGRESS,
                       -- COMPLETED, CANCELLED (by the processor), REFUSED (4xx: it will not take it),
                       -- CLOSED (an operator closed the request)
    due_at             timestamptz  not null,            -- its confirmation is expected by then
    escalated_at       timestamptz,                      -- the operator was told it is silent, refused or cancelled
    next_poll_at       timestamptz,                      -- when its status is asked next (null: not polled)
    last_change_at     timestamptz  not null default now(),
    created_at         timestamptz  not null default now(),
    unique (request_id, processor)
);
create index processor_task_request on processor_task (request_id);
create index processor_task_open on processor_task (due_at) where status not in ('COMPLETED', 'CLOSED');
create index processor_task_poll on processor_task (next_poll_at) where next_poll_at is not null;

-- Outgoing messages on hold: the final reply of a request that waits for its processors is written with
-- the execution (HELD) and released when the request completes.
comment on column outbox.status is 'PENDING, SENDING, SENT, FAILED, HELD (released to PENDING on completion)';
