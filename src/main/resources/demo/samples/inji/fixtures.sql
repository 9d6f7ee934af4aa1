-- Inji fixtures: the fixed users that tests and the demo address by id, phone or date. They are
-- loaded before the random subjects, which start at id 1001 in every table (SampleDatabase).
-- Tests check these exact values: change one here, and change its tests too.
--
--   users.id  phone         what it has
--   1         +77011234567  "Асель", ru, created 900 days ago. Addresses 1 (Дом) and 2 (Работа);
--                           orders 1, 2, 3 (delivered, 3 + 2 + 2 items; order 1 line 1 has 2
--                           notes), payments 1, 2, 3 (Kaspi Pay, Halyk ePay, CloudPayments);
--                           device 1 (Android); usage events 1–20 on it, events 1–8 older than
--                           200 days (211–365 days), 9–20 in the last 12 days.
--   2         +77021112233  "Данияр", kk, created 200 days ago. Address 3; order 4 (1 item) with
--                           payment 4; device 2 (iOS), no usage events.
--   3         +77759876543  No display name; created 5 years ago, closed 4 years ago (1,461 days).
--                           Order 5 (1,500 days ago, 1 item, no address) with payment 5; no
--                           address, no device.
--
-- Times are relative to :now, the reference time of the load (the start of the current UTC day,
-- unless the caller gives one), and day arithmetic is in UTC. To load this file by hand:
--   PGTZ=UTC psql -v now='now()' -f schema.sql -f fixtures.sql
-- Order totals are the lines plus 500 KZT of delivery below 5,000 KZT; a payment is its order's
-- total.

-- 1: Асель, every table filled.
insert into users (id, phone, display_name, language, created_at, last_seen_at, closed_at,
                   processing_blocked, marketing_sms, marketing_push, analytics_consent)
values (1, '+77011234567', 'Асель', 'ru', :now - interval '900 days' + interval '7 hours',
        :now - interval '1 day' + interval '9 hours', null, false, true, true, true);

insert into addresses (id, user_id, label, city, street, house, flat, floor, entrance, courier_note, lat, lon, created_at)
values (1, 1, 'Дом', 'Уральск', 'пр. Назарбаева', '212', '45', '5', '2', 'Код домофона 45К, позвоните за 5 минут',
        51.205210, 51.380540, :now - interval '900 days' + interval '7 hours'),
       (2, 1, 'Работа', 'Уральск', 'ул. Жангир хана', '51/1', null, '3', null, 'Офис 305, охрана на входе',
        51.229870, 51.365120, :now - interval '600 days' + interval '4 hours');

insert into orders (id, user_id, address_id, status, total_kzt, recipient_phone, comment, created_at)
values (1, 1, 1, 'delivered', 6400, null, 'Позвоните за 10 минут', :now - interval '500 days' + interval '13 hours'),
       (2, 1, 2, 'delivered', 5170, null, null, :now - interval '120 days' + interval '6 hours'),
       (3, 1, 1, 'delivered', 5750, null, null, :now - interval '10 days' + interval '14 hours');

insert into order_items (order_id, line_no, product, quantity, price_kzt)
values (1, 1, 'Бешбармак', 1, 3900),
       (1, 2, 'Баурсаки (10 шт)', 1, 1200),
       (1, 3, 'Айран 1 л', 2, 650),
       (2, 1, 'Пицца Маргарита 30 см', 1, 3490),
       (2, 2, 'Кока-Кола 1 л', 2, 590),
       (3, 1, 'Лагман', 2, 2200),
       (3, 2, 'Самса с говядиной', 3, 450);

insert into order_item_notes (order_id, line_no, note_no, note)
values (1, 1, 1, 'Побольше лука'),
       (1, 1, 2, 'Бульон отдельно');

insert into payments (id, order_id, provider, provider_ref, card_last4, amount_kzt, paid_at)
values (1, 1, 'Kaspi Pay', '4817263095', null, 6400, :now - interval '500 days' + interval '13 hours 2 minutes'),
       (2, 2, 'Halyk ePay', '512047338164', '4412', 5170, :now - interval '120 days' + interval '6 hours 1 minute 35 seconds'),
       (3, 3, 'CloudPayments', '1873302245', '5678', 5750, :now - interval '10 days' + interval '14 hours 1 minute');

insert into devices (id, user_id, device_type, device_uid, os, os_version, app_version, push_token, created_at)
values (1, 1, 'phone', 'a3f1c29e7b5d4e10', 'Android', '14', '3.12.1',
        'dQw4w9WgXcQ:APA91bH7xK2mLp0sQz8vT3nYcR5uJ6wE1fG9hA4bD2kM7oN0pS', :now - interval '900 days' + interval '7 hours');

-- Events 1–8 are past a 200-day retention, 9–20 recent; the last one is the user's last_seen_at.
insert into usage_events (id, device_id, event, ip, browser, created_at)
values (1, 1, 'app_open', '95.56.14.20', 'Inji App 3.12.1', :now - interval '365 days' + interval '5 hours'),
       (2, 1, 'app_open', '95.56.14.21', 'Inji App 3.12.1', :now - interval '343 days' + interval '6 hours'),
       (3, 1, 'app_open', '95.56.14.22', 'Inji App 3.12.1', :now - interval '321 days' + interval '7 hours'),
       (4, 1, 'search', '95.56.14.23', 'Inji App 3.12.1', :now - interval '299 days' + interval '8 hours'),
       (5, 1, 'view_product', '95.56.14.24', 'Inji App 3.12.1', :now - interval '277 days' + interval '9 hours'),
       (6, 1, 'view_product', '95.56.14.25', 'Inji App 3.12.1', :now - interval '255 days' + interval '10 hours'),
       (7, 1, 'add_to_cart', '95.56.14.26', 'Inji App 3.12.1', :now - interval '233 days' + interval '11 hours'),
       (8, 1, 'checkout', '95.56.14.27', 'Inji App 3.12.1', :now - interval '211 days' + interval '12 hours'),
       (9, 1, 'app_open', '95.56.14.31', 'Inji App 3.12.1', :now - interval '12 days' + interval '3 hours'),
       (10, 1, 'app_open', '95.56.14.31', 'Inji App 3.12.1', :now - interval '11 days' + interval '4 hours'),
       (11, 1, 'app_open', '95.56.14.31', 'Inji App 3.12.1', :now - interval '10 days' + interval '5 hours'),
       (12, 1, 'search', '95.56.14.31', 'Inji App 3.12.1', :now - interval '9 days' + interval '6 hours'),
       (13, 1, 'view_product', '95.56.14.31', 'Inji App 3.12.1', :now - interval '8 days' + interval '7 hours'),
       (14, 1, 'view_product', '95.56.14.31', 'Inji App 3.12.1', :now - interval '7 days' + interval '8 hours'),
       (15, 1, 'add_to_cart', '95.56.14.31', 'Inji App 3.12.1', :now - interval '6 days' + interval '9 hours'),
       (16, 1, 'checkout', '95.56.14.31', 'Inji App 3.12.1', :now - interval '5 days' + interval '10 hours'),
       (17, 1, 'order_placed', '95.56.14.31', 'Inji App 3.12.1', :now - interval '4 days' + interval '11 hours'),
       (18, 1, 'push_open', '95.56.14.31', 'Inji App 3.12.1', :now - interval '3 days' + interval '12 hours'),
       (19, 1, 'login', '95.56.14.31', 'Inji App 3.12.1', :now - interval '2 days' + interval '3 hours'),
       (20, 1, 'logout', '95.56.14.31', 'Inji App 3.12.1', :now - interval '1 day' + interval '9 hours');

-- 2: Данияр, one of each.
insert into users (id, phone, display_name, language, created_at, last_seen_at, closed_at,
                   processing_blocked, marketing_sms, marketing_push, analytics_consent)
values (2, '+77021112233', 'Данияр', 'kk', :now - interval '200 days' + interval '11 hours',
        :now - interval '30 days' + interval '8 hours', null, false, true, false, true);

insert into addresses (id, user_id, label, city, street, house, flat, floor, entrance, courier_note, lat, lon, created_at)
values (3, 2, 'Дом', 'Уральск', 'ул. Евразия', '77', '12', '3', '1', null,
        51.211430, 51.401870, :now - interval '200 days' + interval '11 hours');

insert into orders (id, user_id, address_id, status, total_kzt, recipient_phone, comment, created_at)
values (4, 2, 3, 'delivered', 4100, null, null, :now - interval '30 days' + interval '8 hours');

insert into order_items (order_id, line_no, product, quantity, price_kzt)
values (4, 1, 'Шаурма куриная', 2, 1800);

insert into payments (id, order_id, provider, provider_ref, card_last4, amount_kzt, paid_at)
values (4, 4, 'Kaspi Pay', '4820011772', null, 4100, :now - interval '30 days' + interval '8 hours 1 minute 20 seconds');

insert into devices (id, user_id, device_type, device_uid, os, os_version, app_version, push_token, created_at)
values (2, 2, 'phone', '6F1B8C2A-93D4-4E57-A0B1-2C3D4E5F6A7B', 'iOS', '17.5.1', '3.12.1',
        '9b1f0c7e5a3d2b4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d', :now - interval '200 days' + interval '11 hours');

-- 3: closed four years ago, only an old order (without an address) left.
insert into users (id, phone, display_name, language, created_at, last_seen_at, closed_at,
                   processing_blocked, marketing_sms, marketing_push, analytics_consent)
values (3, '+77759876543', null, 'ru', :now - interval '1826 days' + interval '10 hours',
        :now - interval '1461 days' + interval '9 hours', :now - interval '1461 days' + interval '9 hours',
        false, false, false, false);

insert into orders (id, user_id, address_id, status, total_kzt, recipient_phone, comment, created_at)
values (5, 3, null, 'delivered', 3000, null, null, :now - interval '1500 days' + interval '12 hours');

insert into order_items (order_id, line_no, product, quantity, price_kzt)
values (5, 1, 'Плов', 1, 2500);

insert into payments (id, order_id, provider, provider_ref, card_last4, amount_kzt, paid_at)
values (5, 5, 'CloudPayments', '1034557810', '9012', 3000, :now - interval '1500 days' + interval '12 hours 1 minute 10 seconds');
