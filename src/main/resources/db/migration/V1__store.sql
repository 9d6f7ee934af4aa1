-- The pipeline's own store (schema dsr). The company's application database is separate.

-- Requests: one per data-subject request, public reference DSR-YYYY-NNNNNN.
create table request (
    id              bigserial primary key,
    reference       varchar(20)  not null unique,
    type            varchar(30)  not null,
    status          varchar(30)  not null,
    language        varchar(8)   not null,
    requester_email varchar(320),
    subject_ref     varchar(200),                 -- link to the data subject in the application db (filled by matching)
    received_at     timestamptz  not null,
    due_date        date         not null,        -- fixed at receipt; moved only by an operator extension
    flood_merged    integer      not null default 0, -- mails from the same sender merged into this request by the flood guard
    created_at      timestamptz  not null default now(),
    updated_at      timestamptz  not null default now()
);
create index request_requester_recent on request (requester_email, created_at);
create index request_status_due on request (status, due_date);

-- Gapless-per-year counter behind the public reference number.
create table reference_counter (
    year  integer primary key,
    last  integer not null
);

-- Every mail read from the mailbox, whatever became of it. message_key is unique: it is the
-- idempotent record that makes intake exactly-once (inserted in the same transaction as the request).
create table inbound_message (
    id            bigserial primary key,
    message_key   varchar(300)  not null unique,   -- Message-ID, or sha256 of the raw bytes
    message_id    varchar(1000),
    sender        varchar(320),
    subject       varchar(1000) not null,
    sent_at       timestamptz,
    received_at   timestamptz   not null default now(),
    in_reply_to   varchar(1000),
    new_text      text          not null,          -- the text prepared for classification
    quoted_text   text          not null,
    signature     text          not null,
    noise_kind    varchar(20),                     -- AUTO_REPLY, BOUNCE, MAILING_LIST, OWN_MAIL; null for a real mail
    disposition   varchar(20)   not null,          -- NEW_REQUEST, THREAD_REPLY, FLOOD_MERGED, NOISE
    size_bytes    bigint        not null,
    attachments   text          not null default '[]', -- JSON list of {name, contentType, sizeBytes}
    limit_reason  text,
    problems      text          not null default '[]', -- JSON list of MIME problems worked around
    request_id    bigint references request (id)
);
create index inbound_message_request on inbound_message (request_id);

-- The raw MIME, kept for dsr.store.raw-mail-retention-days, then purged by the retention timer.
create table inbound_raw (
    inbound_id  bigint primary key references inbound_message (id) on delete cascade,
    raw         bytea        not null,
    keep_until  timestamptz  not null
);
create index inbound_raw_keep_until on inbound_raw (keep_until);

-- The timeline of a request: append-only (see the trigger below).
create table request_event (
    id          bigserial primary key,
    request_id  bigint       not null references request (id),
    at          timestamptz  not null default now(),
    kind        varchar(40)  not null,
    actor       varchar(100) not null,
    details     text         not null default '{}'   -- JSON; never personal data in clear
);
create index request_event_request on request_event (request_id, id);

create function request_event_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'dsr.request_event is append-only: % refused', tg_op;
end $$;
create trigger request_event_append_only before update or delete on request_event
    for each row execute function request_event_is_append_only();

-- Transactional outbox: every outgoing mail (and, later, webhook). Written in the transaction of the
-- event that causes it; event_key is unique so one event gives one message, whatever retries happen.
create table outbox (
    id               bigserial primary key,
    channel          varchar(20)   not null,        -- MAIL
    event_key        varchar(200)  not null unique, -- e.g. ack:DSR-2026-000001
    request_id       bigint references request (id),
    recipient        varchar(320)  not null,
    subject          varchar(1000) not null,
    body             text          not null,
    message_id       varchar(300)  not null,        -- the Message-ID the mail goes out with (threading)
    in_reply_to      varchar(1000),
    references_ids   text,
    status           varchar(12)   not null default 'PENDING', -- PENDING, SENDING, SENT, FAILED
    attempts         integer       not null default 0,
    next_attempt_at  timestamptz   not null default now(),
    last_error       text,
    created_at       timestamptz   not null default now(),
    sent_at          timestamptz
);
create index outbox_due on outbox (next_attempt_at) where status in ('PENDING', 'SENDING');
create index outbox_message_id on outbox (message_id);

-- What could not be processed, with the error and (for mail) the raw bytes: an operator looks here.
create table dead_letter (
    id           bigserial primary key,
    source       varchar(40)   not null,   -- intake, outbox
    item_key     varchar(300),             -- message key or outbox id
    error        text          not null,
    raw          bytea,
    created_at   timestamptz   not null default now(),
    resolved_at  timestamptz
);
