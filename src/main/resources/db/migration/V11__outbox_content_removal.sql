-- A one-time code or the identities told to a processor leave the outbox when their message ends, sent
-- or given up (kz.dsr.store.Outbox ends every row in one statement). content_removed_at says when.
alter table outbox add column content_removed_at timestamptz;

-- Rows sent before this column existed were blanked already.
update outbox set content_removed_at = coalesce(sent_at, now())
    where status = 'SENT' and (event_key like 'code:%' or event_key like 'processor:%') and body like '(removed%';

-- Rows given up before now kept their text: removed here, as from now on.
update outbox set
    body = case when event_key like 'code:%' then '(removed when the message ended: it held a one-time code)'
                else '(removed when the message ended: it held the identities told to a processor)' end,
    content_removed_at = now()
    where status in ('SENT', 'FAILED') and (event_key like 'code:%' or event_key like 'processor:%')
      and content_removed_at is null;

-- A row whose text is gone would send the note that replaced it: it cannot be set back to PENDING.
alter table outbox add constraint outbox_removed_content_stays_ended
    check (content_removed_at is null or status in ('SENT', 'FAILED'));
comment on constraint outbox_removed_content_stays_ended on outbox is
    'Its code or identities were removed when it ended: it cannot be resent (settle the request without it)';

-- Retention of ended rows (kz.dsr.timers.StorePurge, dsr.retention.outbox-days) finds them by age.
create index outbox_ended on outbox (created_at) where status in ('SENT', 'FAILED');
