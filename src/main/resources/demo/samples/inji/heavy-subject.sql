-- Gives an existing user :rows more rows in each of addresses, orders (one per new address),
-- order_items (one per new order), devices and usage_events (one per new device), for benchmarks of
-- erasure and export on one very large subject (SampleDatabase.addHeavySubject). Set-based; run in
-- one transaction with :user_id and :rows replaced by numbers.

with p as (select :user_id::bigint as user_id, :rows::int as n),
a as (
  insert into addresses (user_id, label, city, street, house, flat, floor, entrance, lat, lon, created_at)
  select p.user_id, 'Адрес ' || g, 'Уральск',
         (array['пр. Назарбаева', 'ул. Жангир хана', 'ул. Евразия', 'ул. Сырыма Датова', 'ул. Курмангазы'])[1 + g % 5],
         (1 + g % 150)::text, (1 + g % 120)::text, (1 + g % 9)::text, (1 + g % 6)::text,
         51.2 + (g % 1000) * 0.00007, 51.3 + (g % 997) * 0.00014,
         now() - (1 + g % 1095) * interval '1 day'
  from p, generate_series(1, p.n) g
  returning id, created_at
),
o as (
  insert into orders (user_id, address_id, status, total_kzt, created_at)
  select p.user_id, a.id, 'delivered', 2300, a.created_at + interval '1 hour' from p, a
  returning id
)
insert into order_items (order_id, line_no, product, quantity, price_kzt)
select o.id, 1, 'Шаурма куриная', 1, 1800 from o;

with p as (select :user_id::bigint as user_id, :rows::int as n),
d as (
  insert into devices (user_id, device_type, device_uid, os, os_version, app_version, push_token, created_at)
  select p.user_id, 'phone', substr(md5('uid-' || p.user_id || '-' || g), 1, 16),
         case when g % 3 = 0 then 'iOS' else 'Android' end,
         case when g % 3 = 0 then '17.5.1' else '14' end,
         '3.12.1', md5('push-' || p.user_id || '-' || g), now() - interval '401 days'
  from p, generate_series(1, p.n) g
  returning id
)
insert into usage_events (device_id, event, ip, browser, created_at)
select d.id, 'app_open', ('95.56.' || (d.id % 256) || '.' || (d.id / 256 % 256))::inet, 'Inji App 3.12.1',
       now() - (d.id % 400) * interval '1 day' - interval '1 minute'
from d;

-- The planner's statistics, for the executor's queries that follow.
analyze addresses, orders, order_items, devices, usage_events;
