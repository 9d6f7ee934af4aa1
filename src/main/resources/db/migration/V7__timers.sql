-- Every firing of a clustered timer: which job, the slot it was scheduled for, and the node that ran it.
-- For operators ("when did the deadline watch last run, and where?") and for the cluster test.
create table timer_run (
    id             bigserial primary key,
    job            varchar(100) not null,
    scheduled_for  timestamptz,
    fired_at       timestamptz  not null default now(),
    node           varchar(200) not null
);
create index timer_run_job on timer_run (job, fired_at);
