-- The request lifecycle (issue 5): why a request stands where it stands, one-time codes, attachments.
alter table request add column status_reason text;   -- e.g. the hold's name, why rejected; no personal data

-- One-time verification codes: only a keyed hash of the code is stored; single use; at most N tries.
create table verification_code (
    id          bigserial primary key,
    request_id  bigint       not null references request (id),
    code_hash   varchar(80)  not null,                -- HMAC of request id + code
    channel     varchar(10)  not null,                -- MAIL or SMS: where the code was sent
    expires_at  timestamptz  not null,
    attempts    integer      not null default 0,      -- wrong codes tried against this request
    used_at     timestamptz,
    created_at  timestamptz  not null default now()
);
create index verification_code_request on verification_code (request_id, id);

-- Files attached to an outgoing mail (access exports): JSON list of {path, name, contentType}.
alter table outbox add column attachments text not null default '[]';
