-- Blocked subjects, for companies whose data map has no blocking column (BLOCKING, issue 4).
create table subject_block (
    company     varchar(100) not null,
    subject_key varchar(200) not null,
    blocked_at  timestamptz  not null default now(),
    primary key (company, subject_key)
);
