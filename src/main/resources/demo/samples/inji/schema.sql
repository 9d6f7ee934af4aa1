-- Inji: a food and grocery delivery app in Uralsk. Accounts are phone-only (no e-mail, no name
-- beyond a display name). Foreign keys have no ON DELETE CASCADE on purpose: the erasure executor
-- deletes children before parents, and a forgotten child table must fail loudly, not vanish.

create table users (
    id                 bigserial primary key,
    phone              text not null unique,          -- E.164, e.g. +77011234567
    display_name       text,
    language           text,                          -- ru | kk | en
    created_at         timestamptz not null,
    last_seen_at       timestamptz,
    closed_at          timestamptz,
    processing_blocked boolean not null default false,
    marketing_sms      boolean not null default true,
    marketing_push     boolean not null default true,
    analytics_consent  boolean not null default true
);
comment on table users is 'App accounts, one per phone number; closed_at is set when the user closes the account.';
create index users_closed_at_idx on users (closed_at) where closed_at is not null;

create table addresses (
    id           bigserial primary key,
    user_id      bigint not null references users,
    label        text,
    city         text,
    street       text,
    house        text,
    flat         text,
    floor        text,
    entrance     text,
    courier_note text,
    lat          numeric(9,6),
    lon          numeric(9,6),
    created_at   timestamptz not null
);
comment on table addresses is 'Delivery addresses saved by a user, with a free-text note for the courier.';
create index addresses_user_id_idx on addresses (user_id);

create table orders (
    id              bigserial primary key,
    user_id         bigint not null references users,
    address_id      bigint references addresses,
    status          text not null,                    -- created | in_delivery | delivered | cancelled
    total_kzt       numeric(12,2) not null,
    recipient_phone text,                             -- when someone else receives the order
    comment         text,
    created_at      timestamptz not null
);
comment on table orders is 'Orders; total_kzt is the sum of the items plus the delivery fee.';
create index orders_user_id_idx on orders (user_id);
create index orders_address_id_idx on orders (address_id);

create table order_items (
    order_id  bigint not null references orders,     -- indexed by the primary key
    line_no   int not null,
    product   text not null,
    quantity  int not null,
    price_kzt numeric(12,2) not null,
    primary key (order_id, line_no)
);
comment on table order_items is 'Lines of an order (unit price at the time of the order).';

create table order_item_notes (
    order_id bigint not null,
    line_no  int not null,
    note_no  int not null,
    note     text,
    primary key (order_id, line_no, note_no),
    foreign key (order_id, line_no) references order_items   -- indexed by the primary key
);
comment on table order_item_notes is 'Customer wishes for one order line ("без лука"); reaches users only through order_items and orders.';

create table payments (
    id           bigserial primary key,
    order_id     bigint not null references orders,
    provider     text not null,                       -- Kaspi Pay | Halyk ePay | CloudPayments
    provider_ref text not null,
    card_last4   char(4),
    amount_kzt   numeric(12,2) not null,
    paid_at      timestamptz not null
);
comment on table payments is 'Successful payments, one per paid order, with the payment provider''s reference.';
create index payments_order_id_idx on payments (order_id);

create table devices (
    id          bigserial primary key,
    user_id     bigint not null references users,
    device_type text,                                 -- phone | tablet
    device_uid  text,
    os          text,                                 -- Android | iOS
    os_version  text,
    app_version text,
    push_token  text,
    created_at  timestamptz not null
);
comment on table devices is 'Phones and tablets a user signed in on, with their push token.';
create index devices_user_id_idx on devices (user_id);

create table usage_events (
    id         bigserial primary key,
    device_id  bigint not null references devices,
    event      text not null,
    ip         inet,
    browser    text,
    created_at timestamptz not null
);
comment on table usage_events is 'Analytics events per device; kept for a limited time (retention by created_at).';
create index usage_events_created_at_idx on usage_events (created_at);
create index usage_events_device_id_idx on usage_events (device_id);
