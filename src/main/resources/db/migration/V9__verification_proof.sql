-- What a one-time code proves, and where it went.
--   SUBJECT: sent to the account's registered e-mail or phone; coming back proves the account holder asked.
--   ADDRESS: sent to an address that is not registered yet (a new e-mail or phone in a correction, or the
--            address an export of a phone-only account goes to); coming back proves that address.
--   DECOY:   never sent. A request whose account is unknown, ambiguous or held for an operator waits for
--            a code exactly like the others, so the person writing learns nothing from the replies.
alter table verification_code add column purpose varchar(10) not null default 'SUBJECT';
-- When the code came back right (used_at is also set when the tries ran out).
alter table verification_code add column confirmed_at timestamptz;
-- Keyed hash of the address or phone the code went to (ADDRESS codes): what the request may later use.
alter table verification_code add column target_hash varchar(80);
-- Codes and open verifications are limited per account: counted through the request's subject.
create index request_subject_ref on request (subject_ref) where subject_ref is not null;
create index verification_code_created on verification_code (created_at);
