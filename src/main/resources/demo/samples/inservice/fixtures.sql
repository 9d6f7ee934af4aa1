-- InService fixtures: the fixed users that tests and the demo address by id, e-mail or phone. They
-- are loaded before the random subjects, which start at id 1001 in every table (SampleDatabase).
-- Tests check these exact values: change one here, and change its tests too.
--
--   users.id  email / phone                 what it has
--   1         aigerim.nurlanova@example.kz  Айгерим Нурланова, female, born 1992-03-14, Алматы,
--             +77015550101                  active. Vehicle 1 "123 ABC 02" Toyota Camry 2019; id
--                                           document 1 (id_card, IIN 920314412346); licence 1;
--                                           bookings 1 (completed) and 2 (scheduled in 5 days),
--                                           invoice 1 for booking 1; trips 1 (6 points) and 2
--                                           (8 points); calls 1–3, sms 1–2, searches 1–4, device 1.
--   2         debtor@example.kz             Бауыржан Ахметов, Астана. Debt 1: 45,000 KZT, unpaid
--             +77012220202                  (settled_at null) — blocks an erasure.
--   3         dispute@example.kz            Ольга Смирнова, Караганда. Dispute 1, open (closed_at
--             +77052220303                  null) — blocks an erasure.
--   4         banned@example.kz             Тимур Касымов, Шымкент, status banned, bans row.
--             +77770000004
--   5         erlan.saparov@example.kz      Ерлан Сапаров, Атырау, active. Vehicle 2 "777 KZ 06"
--             +77051234567                  Hyundai Accent; debt 2 settled, dispute 2 closed — no
--                                           hold applies.
--   6         o'brien@example.kz            full_name "Robert'); DROP TABLE users;--", Алматы;
--             +77014440606                  search 5 is "1' OR '1'='1": SQL-looking values for
--                                           injection tests.
--
-- Every user has one id document with a valid IIN (its first 6 digits are the birth date), a
-- consents row for each of the four purposes (service, analytics, marketing, partners), updated
-- when the account was created, and a marketing_preferences row. Users 1, 5 and 6 granted all four
-- purposes and accept every marketing channel; users 2, 3 and 4 granted only service and accept
-- none.
--
-- Times are relative to :now, the reference time of the load (the start of the current UTC day,
-- unless the caller gives one), and day arithmetic is in UTC. To load this file by hand:
--   PGTZ=UTC psql -v now='now()' -f schema.sql -f fixtures.sql

-- 1: Айгерим Нурланова, every table filled.
insert into users (id, email, full_name, birth_date, gender, city, phone, created_at, closed_at, status, processing_blocked)
values (1, 'aigerim.nurlanova@example.kz', 'Айгерим Нурланова', '1992-03-14', 'female', 'Алматы', '+77015550101',
        :now - interval '1000 days' + interval '6 hours', null, 'active', false);

insert into consents (user_id, purpose, granted, updated_at)
values (1, 'service', true, :now - interval '1000 days' + interval '6 hours'),
       (1, 'analytics', true, :now - interval '1000 days' + interval '6 hours'),
       (1, 'marketing', true, :now - interval '1000 days' + interval '6 hours'),
       (1, 'partners', true, :now - interval '1000 days' + interval '6 hours');

insert into marketing_preferences (user_id, email_news, sms_offers, push_offers)
values (1, true, true, true);

insert into vehicles (id, user_id, plate, make, model, year, colour, vin)
values (1, 1, '123 ABC 02', 'Toyota', 'Camry', 2019, 'белый', 'JTNBF3HK0K3123456');

insert into id_documents (id, user_id, doc_type, doc_number, iin, issued_on, expires_on)
values (1, 1, 'id_card', '045123789', '920314412346', '2019-05-20', '2029-05-19');

insert into driver_licences (id, user_id, licence_number, categories, issued_on, expires_on)
values (1, 1, 'AB123456', 'B', '2021-07-01', '2031-07-01');

insert into service_bookings (id, user_id, vehicle_id, workshop, booked_for, status, price_kzt, created_at)
values (1, 1, 1, 'Toyota Центр, Алматы', :now - interval '60 days' + interval '5 hours', 'completed', 85000,
        :now - interval '65 days' + interval '9 hours'),
       (2, 1, 1, 'Шиномонтаж 24/7, Алматы', :now + interval '5 days' + interval '6 hours', 'scheduled', 25000,
        :now - interval '2 days' + interval '13 hours');

insert into invoices (id, user_id, booking_id, amount_kzt, issued_at)
values (1, 1, 1, 85000, :now - interval '60 days' + interval '9 hours');

-- Two drives in Almaty: a GPS fix every 15–60 s; distance_km is the length of the track.
insert into trips (id, user_id, vehicle_id, started_at, ended_at, distance_km)
values (1, 1, 1, :now - interval '20 days' + interval '3 hours', :now - interval '20 days' + interval '3 hours 3 minutes 27 seconds', 2.12),
       (2, 1, 1, :now - interval '3 days' + interval '12 hours', :now - interval '3 days' + interval '12 hours 3 minutes 53 seconds', 2.35);

insert into trip_points (trip_id, seq, lat, lon, recorded_at)
values (1, 1, 43.210781, 76.855092, :now - interval '20 days' + interval '3 hours'),
       (1, 2, 43.214670, 76.852368, :now - interval '20 days' + interval '3 hours 50 seconds'),
       (1, 3, 43.219869, 76.851038, :now - interval '20 days' + interval '3 hours 1 minute 45 seconds'),
       (1, 4, 43.223029, 76.850119, :now - interval '20 days' + interval '3 hours 2 minutes 24 seconds'),
       (1, 5, 43.223759, 76.849274, :now - interval '20 days' + interval '3 hours 2 minutes 41 seconds'),
       (1, 6, 43.226720, 76.843336, :now - interval '20 days' + interval '3 hours 3 minutes 27 seconds'),
       (2, 1, 43.246659, 76.898432, :now - interval '3 days' + interval '12 hours'),
       (2, 2, 43.244361, 76.898456, :now - interval '3 days' + interval '12 hours 33 seconds'),
       (2, 3, 43.242016, 76.898223, :now - interval '3 days' + interval '12 hours 53 seconds'),
       (2, 4, 43.239920, 76.899121, :now - interval '3 days' + interval '12 hours 1 minute 14 seconds'),
       (2, 5, 43.236696, 76.898182, :now - interval '3 days' + interval '12 hours 1 minute 52 seconds'),
       (2, 6, 43.232265, 76.898235, :now - interval '3 days' + interval '12 hours 2 minutes 37 seconds'),
       (2, 7, 43.228386, 76.899165, :now - interval '3 days' + interval '12 hours 3 minutes 12 seconds'),
       (2, 8, 43.226085, 76.900892, :now - interval '3 days' + interval '12 hours 3 minutes 53 seconds');

insert into call_logs (id, user_id, direction, other_phone, duration_s, created_at)
values (1, 1, 'outbound', '+77272501234', 184, :now - interval '66 days' + interval '4 hours'),
       (2, 1, 'inbound', '+77272501234', 95, :now - interval '60 days' + interval '9 hours'),
       (3, 1, 'missed', '+77019876543', 0, :now - interval '4 days' + interval '14 hours');

insert into sms_log (id, user_id, route, phone, sent_at)
values (1, 1, 'otp', '+77015550101', :now - interval '1000 days' + interval '6 hours'),
       (2, 1, 'booking_reminder', '+77015550101', :now - interval '61 days' + interval '13 hours');

insert into search_queries (id, user_id, query, ip, created_at)
values (1, 1, 'замена масла Toyota Camry', '37.99.41.12', :now - interval '70 days' + interval '15 hours'),
       (2, 1, 'Toyota Центр Алматы', '37.99.41.12', :now - interval '66 days' + interval '3 hours'),
       (3, 1, 'шиномонтаж рядом', '37.99.41.12', :now - interval '3 days' + interval '11 hours'),
       (4, 1, 'дөңгелек ауыстыру', '2.134.76.200', :now - interval '2 days' + interval '7 hours');

insert into devices (id, user_id, device_uid, platform, os_version, ip, created_at)
values (1, 1, '6F1B8C2A-93D4-4E57-A0B1-2C3D4E5F6A7B', 'ios', '17.5.1', '37.99.41.12',
        :now - interval '1000 days' + interval '6 hours');

-- 2: an unpaid debt (a legal hold).
insert into users (id, email, full_name, birth_date, gender, city, phone, created_at, closed_at, status, processing_blocked)
values (2, 'debtor@example.kz', 'Бауыржан Ахметов', '1985-11-02', 'male', 'Астана', '+77012220202',
        :now - interval '700 days' + interval '8 hours', null, 'active', false);

insert into consents (user_id, purpose, granted, updated_at)
values (2, 'service', true, :now - interval '700 days' + interval '8 hours'),
       (2, 'analytics', false, :now - interval '700 days' + interval '8 hours'),
       (2, 'marketing', false, :now - interval '700 days' + interval '8 hours'),
       (2, 'partners', false, :now - interval '700 days' + interval '8 hours');

insert into marketing_preferences (user_id, email_news, sms_offers, push_offers)
values (2, false, false, false);

insert into id_documents (id, user_id, doc_type, doc_number, iin, issued_on, expires_on)
values (2, 2, 'id_card', '038765432', '851102356782', '2017-02-10', '2027-02-09');

insert into debts (id, user_id, amount_kzt, reason, created_at, settled_at)
values (1, 2, 45000, 'Неоплаченный ремонт', :now - interval '90 days' + interval '10 hours', null);

-- 3: an open dispute (a legal hold).
insert into users (id, email, full_name, birth_date, gender, city, phone, created_at, closed_at, status, processing_blocked)
values (3, 'dispute@example.kz', 'Ольга Смирнова', '1990-06-25', 'female', 'Караганда', '+77052220303',
        :now - interval '500 days' + interval '12 hours', null, 'active', false);

insert into consents (user_id, purpose, granted, updated_at)
values (3, 'service', true, :now - interval '500 days' + interval '12 hours'),
       (3, 'analytics', false, :now - interval '500 days' + interval '12 hours'),
       (3, 'marketing', false, :now - interval '500 days' + interval '12 hours'),
       (3, 'partners', false, :now - interval '500 days' + interval '12 hours');

insert into marketing_preferences (user_id, email_news, sms_offers, push_offers)
values (3, false, false, false);

insert into id_documents (id, user_id, doc_type, doc_number, iin, issued_on, expires_on)
values (3, 3, 'passport', 'N12876543', '900625424684', '2020-09-01', '2030-08-31');

insert into disputes (id, user_id, subject, opened_at, closed_at)
values (1, 3, 'Повреждение автомобиля на СТО', :now - interval '20 days' + interval '6 hours', null);

-- 4: banned.
insert into users (id, email, full_name, birth_date, gender, city, phone, created_at, closed_at, status, processing_blocked)
values (4, 'banned@example.kz', 'Тимур Касымов', '1998-01-30', 'male', 'Шымкент', '+77770000004',
        :now - interval '400 days' + interval '15 hours', null, 'banned', false);

insert into consents (user_id, purpose, granted, updated_at)
values (4, 'service', true, :now - interval '400 days' + interval '15 hours'),
       (4, 'analytics', false, :now - interval '400 days' + interval '15 hours'),
       (4, 'marketing', false, :now - interval '400 days' + interval '15 hours'),
       (4, 'partners', false, :now - interval '400 days' + interval '15 hours');

insert into marketing_preferences (user_id, email_news, sms_offers, push_offers)
values (4, false, false, false);

insert into id_documents (id, user_id, doc_type, doc_number, iin, issued_on, expires_on)
values (4, 4, 'id_card', '047700004', '980130313577', '2022-03-15', '2032-03-14');

insert into bans (user_id, reason, banned_at)
values (4, 'Мошенничество с оплатой (chargeback)', :now - interval '45 days' + interval '10 hours');

-- 5: a settled debt and a closed dispute: no hold applies.
insert into users (id, email, full_name, birth_date, gender, city, phone, created_at, closed_at, status, processing_blocked)
values (5, 'erlan.saparov@example.kz', 'Ерлан Сапаров', '1988-09-09', 'male', 'Атырау', '+77051234567',
        :now - interval '800 days' + interval '9 hours', null, 'active', false);

insert into consents (user_id, purpose, granted, updated_at)
values (5, 'service', true, :now - interval '800 days' + interval '9 hours'),
       (5, 'analytics', true, :now - interval '800 days' + interval '9 hours'),
       (5, 'marketing', true, :now - interval '800 days' + interval '9 hours'),
       (5, 'partners', true, :now - interval '800 days' + interval '9 hours');

insert into marketing_preferences (user_id, email_news, sms_offers, push_offers)
values (5, true, true, true);

insert into vehicles (id, user_id, plate, make, model, year, colour, vin)
values (2, 5, '777 KZ 06', 'Hyundai', 'Accent', 2017, 'серебристый', 'KMHCT41DAHU281734');

insert into id_documents (id, user_id, doc_type, doc_number, iin, issued_on, expires_on)
values (5, 5, 'id_card', '041112233', '880909343215', '2018-10-05', '2028-10-04');

insert into debts (id, user_id, amount_kzt, reason, created_at, settled_at)
values (2, 5, 12000, 'Штраф за неявку', :now - interval '400 days' + interval '5 hours',
        :now - interval '380 days' + interval '8 hours');

insert into disputes (id, user_id, subject, opened_at, closed_at)
values (2, 5, 'Несогласие с суммой счёта', :now - interval '300 days' + interval '7 hours',
        :now - interval '280 days' + interval '11 hours');

-- 6: values that break naive string-built SQL.
insert into users (id, email, full_name, birth_date, gender, city, phone, created_at, closed_at, status, processing_blocked)
values (6, 'o''brien@example.kz', 'Robert''); DROP TABLE users;--', '1979-04-01', 'male', 'Алматы', '+77014440606',
        :now - interval '300 days' + interval '4 hours', null, 'active', false);

insert into consents (user_id, purpose, granted, updated_at)
values (6, 'service', true, :now - interval '300 days' + interval '4 hours'),
       (6, 'analytics', true, :now - interval '300 days' + interval '4 hours'),
       (6, 'marketing', true, :now - interval '300 days' + interval '4 hours'),
       (6, 'partners', true, :now - interval '300 days' + interval '4 hours');

insert into marketing_preferences (user_id, email_news, sms_offers, push_offers)
values (6, true, true, true);

insert into id_documents (id, user_id, doc_type, doc_number, iin, issued_on, expires_on)
values (6, 6, 'passport', 'N09988776', '790401397530', '2021-01-12', '2031-01-11');

insert into search_queries (id, user_id, query, ip, created_at)
values (5, 6, '1'' OR ''1''=''1', '5.76.10.1', :now - interval '5 days' + interval '16 hours');
