-- Gives an existing user :rows more rows in each of vehicles, trips (one per new vehicle),
-- trip_points (one per new trip), call_logs and search_queries, for benchmarks of erasure and export
-- on one very large subject (SampleDatabase.addHeavySubject). Set-based; run in one transaction with
-- :user_id and :rows replaced by numbers.

with p as (select :user_id::bigint as user_id, :rows::int as n),
v as (
  insert into vehicles (user_id, plate, make, model, year, colour, vin)
  select p.user_id,
         lpad((1 + g % 999)::text, 3, '0') || ' ' || chr(65 + g % 26) || chr(65 + g / 26 % 26)
           || chr(65 + g / 676 % 26) || ' 02',
         'Toyota', 'Camry', 2010 + g % 15, 'белый', 'JTNB' || upper(substr(md5('vin-' || g), 1, 13))
  from p, generate_series(1, p.n) g
  returning id
),
t as (
  insert into trips (user_id, vehicle_id, started_at, ended_at, distance_km)
  select p.user_id, v.id, now() - (1 + v.id % 700) * interval '1 day',
         now() - (1 + v.id % 700) * interval '1 day' + interval '25 minutes', 12.5
  from p, v
  returning id, started_at
)
insert into trip_points (trip_id, seq, lat, lon, recorded_at)
select t.id, 1, 43.2389 + (t.id % 500) * 0.0001, 76.8897 + (t.id % 300) * 0.0001, t.started_at
from t;

with p as (select :user_id::bigint as user_id, :rows::int as n)
insert into call_logs (user_id, direction, other_phone, duration_s, created_at)
select p.user_id, (array['inbound', 'outbound', 'missed'])[1 + g % 3],
       '+7727' || lpad((g % 10000000)::text, 7, '0'),
       case when g % 3 = 2 then 0 else 30 + g % 600 end,
       now() - (1 + g % 730) * interval '1 day'
from p, generate_series(1, p.n) g;

with p as (select :user_id::bigint as user_id, :rows::int as n)
insert into search_queries (user_id, query, ip, created_at)
select p.user_id, (array['замена масла', 'шиномонтаж рядом', 'развал схождение цена', 'диагностика ходовой'])[1 + g % 4],
       ('37.99.' || (g % 256) || '.' || (g / 256 % 256))::inet,
       now() - (1 + g % 730) * interval '1 day'
from p, generate_series(1, p.n) g;

-- The planner's statistics, for the executor's queries that follow.
analyze vehicles, trips, trip_points, call_logs, search_queries;
