-- A timer's slot is run by one node only. Quartz's cluster recovery may fire a slot a second time (a
-- node that checked in late is taken for dead and its trigger fired again); the first node to record
-- the slot runs it, the other finds it taken and does nothing.
delete from timer_run t using timer_run earlier
    where t.job = earlier.job and t.scheduled_for = earlier.scheduled_for and t.id > earlier.id;
create unique index timer_run_slot on timer_run (job, scheduled_for) where scheduled_for is not null;
