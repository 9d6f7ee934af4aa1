-- InService: a car-service app (workshop bookings, invoices, trip tracking). Holds documents (IIN),
-- vehicles and location history, plus the records that can forbid an erasure (unpaid debts, open
-- disputes, bans). Foreign keys have no ON DELETE CASCADE on purpose: the erasure executor deletes
-- children before parents, and a forgotten child table must fail loudly, not vanish.

create table users (
    id                 bigserial primary key,
    email              text unique,
    full_name          text,
    birth_date         date,
    gender             text,                          -- male | female
    city               text,
    phone              text,                          -- E.164, e.g. +77015550101
    created_at         timestamptz not null,
    closed_at          timestamptz,
    status             text not null default 'active', -- active | banned
    processing_blocked boolean not null default false
);
comment on table users is 'App accounts; closed_at is set when the user closes the account, status is banned with a bans row.';
create index users_closed_at_idx on users (closed_at) where closed_at is not null;

create table consents (
    user_id    bigint not null references users,      -- indexed by the primary key
    purpose    text not null,                          -- service | analytics | marketing | partners
    granted    boolean not null,
    updated_at timestamptz not null,
    primary key (user_id, purpose)
);
comment on table consents is 'The user''s current answer for each processing purpose.';

create table marketing_preferences (
    user_id     bigint primary key references users,
    email_news  boolean not null default true,
    sms_offers  boolean not null default true,
    push_offers boolean not null default true
);
comment on table marketing_preferences is 'Marketing channels the user accepts (all false when marketing consent is refused).';

create table vehicles (
    id      bigserial primary key,
    user_id bigint not null references users,
    plate   text,                                      -- e.g. 123 ABC 02 (last two digits: region)
    make    text,
    model   text,
    year    int,
    colour  text,
    vin     text
);
comment on table vehicles is 'Cars the user registered for bookings and trip tracking.';
create index vehicles_user_id_idx on vehicles (user_id);

create table id_documents (
    id         bigserial primary key,
    user_id    bigint not null references users,
    doc_type   text,                                   -- id_card | passport
    doc_number text,
    iin        text,                                   -- 12 digits with a valid check digit
    issued_on  date,
    expires_on date
);
comment on table id_documents is 'Identity documents checked at sign-up (needed for invoices to individuals).';
create index id_documents_user_id_idx on id_documents (user_id);

create table driver_licences (
    id             bigserial primary key,
    user_id        bigint not null references users,
    licence_number text,
    categories     text,
    issued_on      date,
    expires_on     date
);
comment on table driver_licences is 'Driving licences, asked for test drives and courtesy cars.';
create index driver_licences_user_id_idx on driver_licences (user_id);

create table service_bookings (
    id         bigserial primary key,
    user_id    bigint not null references users,
    vehicle_id bigint references vehicles,
    workshop   text,
    booked_for timestamptz,
    status     text,                                   -- scheduled | completed | cancelled | no_show
    price_kzt  numeric(12,2),
    created_at timestamptz not null
);
comment on table service_bookings is 'Workshop appointments; a completed one has an invoice.';
create index service_bookings_user_id_idx on service_bookings (user_id);
create index service_bookings_vehicle_id_idx on service_bookings (vehicle_id);

create table invoices (
    id         bigserial primary key,
    user_id    bigint not null references users,
    booking_id bigint references service_bookings,
    amount_kzt numeric(12,2) not null,
    issued_at  timestamptz not null
);
comment on table invoices is 'Invoices for completed bookings (accounting records with their own legal retention).';
create index invoices_user_id_idx on invoices (user_id);
create index invoices_booking_id_idx on invoices (booking_id);

create table trips (
    id          bigserial primary key,
    user_id     bigint not null references users,
    vehicle_id  bigint references vehicles,
    started_at  timestamptz not null,
    ended_at    timestamptz,
    distance_km numeric(8,2)
);
comment on table trips is 'Recorded trips (telematics); distance_km is the length of the recorded track.';
create index trips_user_id_idx on trips (user_id);
create index trips_vehicle_id_idx on trips (vehicle_id);
create index trips_started_at_idx on trips (started_at);

create table trip_points (
    trip_id     bigint not null references trips,      -- indexed by the primary key
    seq         int not null,
    lat         numeric(9,6),
    lon         numeric(9,6),
    recorded_at timestamptz not null,
    primary key (trip_id, seq)
);
comment on table trip_points is 'GPS track of a trip, in order; reaches users only through trips.';

create table call_logs (
    id          bigserial primary key,
    user_id     bigint not null references users,
    direction   text,                                  -- inbound | outbound | missed
    other_phone text,
    duration_s  int,
    created_at  timestamptz not null
);
comment on table call_logs is 'Calls between the user and workshops through the app; kept for a limited time.';
create index call_logs_user_id_idx on call_logs (user_id);
create index call_logs_created_at_idx on call_logs (created_at);

create table sms_log (
    id      bigserial primary key,
    user_id bigint not null references users,
    route   text,                                      -- otp | booking_reminder | invoice | promo
    phone   text,
    sent_at timestamptz not null
);
comment on table sms_log is 'Text messages sent to the user; kept for a limited time.';
create index sms_log_user_id_idx on sms_log (user_id);
create index sms_log_sent_at_idx on sms_log (sent_at);

create table search_queries (
    id         bigserial primary key,
    user_id    bigint not null references users,
    query      text,
    ip         inet,
    created_at timestamptz not null
);
comment on table search_queries is 'What the user searched for in the app; kept for a limited time.';
create index search_queries_user_id_idx on search_queries (user_id);
create index search_queries_created_at_idx on search_queries (created_at);

create table devices (
    id         bigserial primary key,
    user_id    bigint not null references users,
    device_uid text,
    platform   text,                                   -- android | ios | web
    os_version text,
    ip         inet,
    created_at timestamptz not null
);
comment on table devices is 'Devices the user signed in on, with the last known IP address.';
create index devices_user_id_idx on devices (user_id);
create index devices_created_at_idx on devices (created_at);

create table debts (
    id         bigserial primary key,
    user_id    bigint not null references users,
    amount_kzt numeric(12,2) not null,
    reason     text,
    created_at timestamptz not null,
    settled_at timestamptz                             -- null: still owed (blocks an erasure)
);
comment on table debts is 'Money the user owes; an unsettled debt is a legal ground to keep the account.';
create index debts_user_id_idx on debts (user_id);

create table disputes (
    id        bigserial primary key,
    user_id   bigint not null references users,
    subject   text,
    opened_at timestamptz not null,
    closed_at timestamptz                              -- null: still open (blocks an erasure)
);
comment on table disputes is 'Complaints and claims; an open dispute is a legal ground to keep the account.';
create index disputes_user_id_idx on disputes (user_id);

create table bans (
    user_id   bigint primary key references users,
    reason    text not null,
    banned_at timestamptz not null
);
comment on table bans is 'Banned accounts (users.status = banned) and why.';

create table suppressed_identities (
    identity_type text not null,                       -- email | phone
    identity_hash text not null,
    reason        text,
    created_at    timestamptz not null default now(),
    primary key (identity_type, identity_hash)
);
comment on table suppressed_identities is 'Hashes of identities that must not be contacted or re-registered; no foreign key, kept after the user is erased.';
