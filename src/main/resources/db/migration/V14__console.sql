-- The operator console's requests list pages through all requests by due date, then id (keyset pagination),
-- whatever their status: one index serves every page, the first as the ten-thousandth.
create index request_due_id on request (due_date, id);

-- What became of a dead letter an operator settled in the console: retried (and what intake made of it)
-- or discarded, with who and why. resolved_at says when.
alter table dead_letter add column resolution text;

-- A request's page lists the replies sent for it: found by request, not by a pass over the whole outbox.
create index outbox_request on outbox (request_id);

-- The dashboard counts, and the support page lists, the mails left to the support team.
create index inbound_message_for_support on inbound_message (id) where disposition = 'FOR_SUPPORT';
