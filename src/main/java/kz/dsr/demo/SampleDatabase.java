package kz.dsr.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Builds a company's application database for the executor to work on: the schema of a {@link Sample},
 * a few fixed subjects (fixtures) that tests and the demo address by id, and any number of random
 * subjects with realistic Kazakh data, so that erasure, export and retention run against tables that
 * look like production — names in two alphabets, E.164 phones, IINs with valid check digits, GPS
 * tracks, composite keys, records that legally block an erasure.
 *
 * <p>Rows go in through PostgreSQL {@code COPY} in one transaction, ahead of the keys and indexes,
 * which are put back (and checked) once the rows are in; then the id sequences are moved past the
 * loaded ids and the tables analysed. 10,000 subjects take seconds. The data depends only on the seed
 * and the reference time: times are relative to it, and {@link #create(DataSource, Sample, int, long)}
 * takes the start of the current UTC day, so two loads on the same day are identical.
 *
 * <p>In every table ids below {@value #FIRST_RANDOM_ID} belong to fixtures; random rows start there.
 * E-mail addresses are under {@code example} domains so that nothing can ever write to a real
 * mailbox. Table {@code suppressed_identities} starts empty: it is the executor's to fill.
 *
 * <h2>Inji fixtures (delivery app, Uralsk)</h2>
 * <table>
 * <caption>users of the inji sample with fixed ids</caption>
 * <tr><th>users.id</th><th>phone</th><th>what it has</th></tr>
 * <tr><td>1</td><td>+77011234567</td><td>"Асель", ru, created 900 days ago. Addresses 1 (Дом) and 2
 *     (Работа); orders 1, 2, 3 (delivered, 3 + 2 + 2 items; order 1 line 1 has 2 notes), payments
 *     1, 2, 3 (Kaspi Pay, Halyk ePay, CloudPayments); device 1 (Android); usage events 1–20 on it,
 *     events 1–8 older than 200 days (211–365 days), 9–20 in the last 12 days.</td></tr>
 * <tr><td>2</td><td>+77021112233</td><td>"Данияр", kk, created 200 days ago. Address 3; order 4
 *     (1 item) with payment 4; device 2 (iOS), no usage events.</td></tr>
 * <tr><td>3</td><td>+77759876543</td><td>No display name; created 5 years ago, closed 4 years ago
 *     (1,461 days). Order 5 (1,500 days ago, 1 item, no address) with payment 5; no address, no
 *     device.</td></tr>
 * </table>
 *
 * <h2>InService fixtures (car-service app)</h2>
 * Every fixture user has one id document with a valid IIN, a consents row for each of the four
 * purposes and a marketing_preferences row.
 * <table>
 * <caption>users of the inservice sample with fixed ids</caption>
 * <tr><th>users.id</th><th>email / phone</th><th>what it has</th></tr>
 * <tr><td>1</td><td>aigerim.nurlanova@example.kz<br>+77015550101</td><td>Айгерим Нурланова, female,
 *     born 1992-03-14, Алматы, active. Vehicle 1 "123 ABC 02" Toyota Camry 2019; id document 1
 *     (id_card, IIN 920314412346); licence 1; bookings 1 (completed) and 2 (scheduled in 5 days),
 *     invoice 1 for booking 1; trips 1 (6 points) and 2 (8 points); calls 1–3, sms 1–2, searches
 *     1–4, device 1; all consents granted, all marketing preferences true.</td></tr>
 * <tr><td>2</td><td>debtor@example.kz<br>+77012220202</td><td>Бауыржан Ахметов, Астана. Debt 1:
 *     45,000 KZT, unpaid (settled_at null) — blocks an erasure.</td></tr>
 * <tr><td>3</td><td>dispute@example.kz<br>+77052220303</td><td>Ольга Смирнова, Караганда. Dispute 1,
 *     open (closed_at null) — blocks an erasure.</td></tr>
 * <tr><td>4</td><td>banned@example.kz<br>+77770000004</td><td>Тимур Касымов, Шымкент, status banned,
 *     bans row.</td></tr>
 * <tr><td>5</td><td>erlan.saparov@example.kz<br>+77051234567</td><td>Ерлан Сапаров, Атырау, active.
 *     Vehicle 2 "777 KZ 06" Hyundai Accent; debt 2 settled, dispute 2 closed — no hold applies.</td></tr>
 * <tr><td>6</td><td>o'brien@example.kz<br>+77014440606</td><td>full_name
 *     {@code Robert'); DROP TABLE users;--}, Алматы; search 5 is {@code 1' OR '1'='1}: SQL-looking
 *     values for injection tests.</td></tr>
 * </table>
 * Consents: users 1, 5 and 6 granted all four purposes; users 2, 3 and 4 only {@code service}, and
 * their marketing preferences are all false.
 */
public final class SampleDatabase {

    /** In every table, ids below this belong to fixtures; random subjects and their rows start here. */
    public static final long FIRST_RANDOM_ID = 1001;

    private static final long DAY = 86_400;
    private static final long YEAR = 365 * DAY;

    /** Bulk-loaded ids bypass the sequences, so each one is moved past the highest id in its table. */
    private static final String RESET_SEQUENCES = """
            do $$
            declare c record;
            begin
              for c in select table_name, column_name from information_schema.columns
                       where table_schema = 'public' and column_default like 'nextval(%' loop
                execute format('select setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 0) + 1, false) from %I',
                               c.table_name, c.column_name, c.column_name, c.table_name);
              end loop;
            end $$""";

    /**
     * Keys (primary, unique, then foreign) and the plain indexes of schema public, each with the statement
     * that drops it and the one that recreates it exactly (same name, same definition), in the order
     * they can be recreated: a foreign key needs the referenced primary key.
     */
    private static final String CONSTRAINTS_AND_INDEXES = """
            select 'alter table ' || conrelid::regclass || ' drop constraint ' || quote_ident(conname),
                   'alter table ' || conrelid::regclass || ' add constraint ' || quote_ident(conname) || ' '
                     || pg_get_constraintdef(oid),
                   case contype when 'f' then 3 else 1 end
            from pg_constraint
            where contype in ('p', 'u', 'f') and connamespace = 'public'::regnamespace
            union all
            select 'drop index ' || i.indexrelid::regclass, pg_get_indexdef(i.indexrelid), 2
            from pg_index i join pg_class t on t.oid = i.indrelid
            where t.relnamespace = 'public'::regnamespace
              and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
            order by 3, 2""";

    private SampleDatabase() {
    }

    /** {@link #create(DataSource, Sample, int, long, Instant)} relative to the start of the current UTC day. */
    public static void create(DataSource ds, Sample sample, int subjects, long seed) {
        create(ds, sample, subjects, seed, Instant.now().truncatedTo(ChronoUnit.DAYS));
    }

    /**
     * Creates the sample's tables in schema public of an empty database, then loads the fixtures and
     * {@code subjects} random subjects (users.id {@value #FIRST_RANDOM_ID} onwards); all or nothing.
     * The same seed and {@code now} give the same rows.
     */
    public static void create(DataSource ds, Sample sample, int subjects, long seed, Instant now) {
        if (subjects < 0) {
            throw new IllegalArgumentException("subjects must not be negative: " + subjects);
        }
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            List<String> recreate;
            try (Statement s = c.createStatement()) {
                s.execute(schema(sample));
                recreate = dropConstraintsAndIndexes(s);
            }
            Copy copy = new Copy(c.unwrap(PGConnection.class).getCopyAPI());
            Instant at = now.truncatedTo(ChronoUnit.SECONDS);
            Generator data = sample == Sample.INJI ? new Inji(copy, at) : new Inservice(copy, at);
            data.fixtures();
            // One stream per subject: a subject's rows do not depend on how many values the previous one drew.
            SplittableRandom seeds = new SplittableRandom(seed);
            for (int i = 0; i < subjects; i++) {
                data.subject(FIRST_RANDOM_ID + i, seeds.split());
                copy.flushIfFull();
            }
            copy.flush();
            try (Statement s = c.createStatement()) {
                for (String sql : recreate) {
                    s.execute(sql);
                }
                s.execute(RESET_SEQUENCES);
            }
            c.commit();
            // Fresh tables have no statistics: without them the executor's first queries get poor plans.
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("analyze");
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot create the " + sample.id() + " sample database: " + e.getMessage(), e);
        }
    }

    /**
     * Gives an existing subject {@code rowsPerTable} more rows in each of five child tables, with
     * consistent foreign keys, for benchmarks of erasure and export on one very large subject. Inji:
     * addresses, orders (one per new address), order_items (one per new order), devices, usage_events
     * (one per new device). InService: vehicles, trips (one per new vehicle), trip_points (one per new
     * trip), call_logs, search_queries. Set-based SQL, one transaction.
     */
    public static void addHeavySubject(DataSource ds, Sample sample, long userId, int rowsPerTable) {
        if (rowsPerTable < 0) {
            throw new IllegalArgumentException("rowsPerTable must not be negative: " + rowsPerTable);
        }
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("select 1 from users where id = ?")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("No user " + userId + " in the " + sample.id() + " sample");
                    }
                }
            }
            for (String sql : sample == Sample.INJI ? HEAVY_INJI : HEAVY_INSERVICE) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, userId);
                    ps.setInt(2, rowsPerTable);
                    ps.executeUpdate();
                }
            }
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute(sample == Sample.INJI
                        ? "analyze addresses, orders, order_items, devices, usage_events"
                        : "analyze vehicles, trips, trip_points, call_logs, search_queries");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot add a heavy subject to the " + sample.id() + " sample: " + e.getMessage(), e);
        }
    }

    // Each statement takes (user id, rows per table) as its two parameters, through the CTE p.
    private static final List<String> HEAVY_INJI = List.of("""
            with p as (select ?::bigint as user_id, ?::int as n),
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
            select o.id, 1, 'Шаурма куриная', 1, 1800 from o""", """
            with p as (select ?::bigint as user_id, ?::int as n),
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
            from d""");

    private static final List<String> HEAVY_INSERVICE = List.of("""
            with p as (select ?::bigint as user_id, ?::int as n),
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
            from t""", """
            with p as (select ?::bigint as user_id, ?::int as n)
            insert into call_logs (user_id, direction, other_phone, duration_s, created_at)
            select p.user_id, (array['inbound', 'outbound', 'missed'])[1 + g % 3],
                   '+7727' || lpad((g % 10000000)::text, 7, '0'),
                   case when g % 3 = 2 then 0 else 30 + g % 600 end,
                   now() - (1 + g % 730) * interval '1 day'
            from p, generate_series(1, p.n) g""", """
            with p as (select ?::bigint as user_id, ?::int as n)
            insert into search_queries (user_id, query, ip, created_at)
            select p.user_id, (array['замена масла', 'шиномонтаж рядом', 'развал схождение цена', 'диагностика ходовой'])[1 + g % 4],
                   ('37.99.' || (g % 256) || '.' || (g / 256 % 256))::inet,
                   now() - (1 + g % 730) * interval '1 day'
            from p, generate_series(1, p.n) g""");

    /**
     * Drops the keys and indexes the schema just created and returns the statements that put them back.
     * Loading first and constraining after is what pg_restore does: checked and indexed row by row
     * during COPY they took more than half of the load time, while adding one back builds its index
     * with one sort and checks a foreign key with one join (in the same transaction, so a bad row
     * still fails the load).
     */
    private static List<String> dropConstraintsAndIndexes(Statement s) throws SQLException {
        List<String> drop = new ArrayList<>();
        List<String> recreate = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(CONSTRAINTS_AND_INDEXES)) {
            while (rs.next()) {
                drop.add(rs.getString(1));
                recreate.add(rs.getString(2));
            }
        }
        Collections.reverse(drop); // foreign keys go before the keys they reference
        for (String sql : drop) {
            s.execute(sql);
        }
        return recreate;
    }

    private static String schema(Sample sample) throws IOException {
        String path = "demo/samples/" + sample.id() + "/schema.sql";
        try (InputStream in = SampleDatabase.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + path + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    /** One table's pending rows in COPY text format, and the next id for its random rows. */
    private static final class Table {
        private final String copySql;
        private final int columns;
        private final StringBuilder rows = new StringBuilder(1 << 16);
        private long nextId = FIRST_RANDOM_ID;

        Table(String name, String columnList) {
            this.copySql = "copy " + name + " (" + columnList + ") from stdin";
            this.columns = columnList.split(",").length;
        }

        long newId() {
            return nextId++;
        }

        /** Values in column order: null, String (escaped), or anything whose toString PostgreSQL parses. */
        void row(Object... values) {
            if (values.length != columns) {
                throw new IllegalArgumentException(copySql + ": " + values.length + " values for " + columns + " columns");
            }
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    rows.append('\t');
                }
                Object v = values[i];
                if (v == null) {
                    rows.append("\\N");
                } else if (v instanceof String s) {
                    escape(s);
                } else {
                    rows.append(v); // numbers, booleans, LocalDate, Instant (ISO-8601 UTC): nothing to escape
                }
            }
            rows.append('\n');
        }

        private void escape(String s) {
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '\\' -> rows.append("\\\\");
                    case '\t' -> rows.append("\\t");
                    case '\n' -> rows.append("\\n");
                    case '\r' -> rows.append("\\r");
                    default -> rows.append(ch);
                }
            }
        }

        int pending() {
            return rows.length();
        }

        void flush(CopyManager api) throws SQLException, IOException {
            if (rows.length() > 0) {
                api.copyIn(copySql, new ByteArrayInputStream(rows.toString().getBytes(UTF_8)));
                rows.setLength(0);
            }
        }
    }

    /**
     * The tables of one sample, flushed in the order they were declared (parents first), so a
     * child row always finds its parent whatever the batch boundaries.
     */
    private static final class Copy {
        /** Flushing in batches keeps memory flat however many subjects are asked for. */
        private static final int FLUSH_AT_CHARS = 8 << 20;

        private final CopyManager api;
        private final List<Table> tables = new ArrayList<>();

        Copy(CopyManager api) {
            this.api = api;
        }

        Table table(String name, String columnList) {
            Table t = new Table(name, columnList);
            tables.add(t);
            return t;
        }

        void flushIfFull() throws SQLException, IOException {
            long pending = 0;
            for (Table t : tables) {
                pending += t.pending();
            }
            if (pending >= FLUSH_AT_CHARS) {
                flush();
            }
        }

        void flush() throws SQLException, IOException {
            for (Table t : tables) {
                t.flush(api);
            }
        }
    }

    /** Writes one sample's rows: fixtures with literal ids, then random subjects one at a time. */
    private abstract static class Generator {
        protected final Copy copy;
        protected final Instant now;

        Generator(Copy copy, Instant now) {
            this.copy = copy;
            this.now = now;
        }

        abstract void fixtures();

        abstract void subject(long userId, SplittableRandom r);

        Instant ago(long days) {
            return now.minusSeconds(days * DAY);
        }

        /** {@code days} before the reference time, then {@code hours} on: a time of day (UTC) for fixtures. */
        Instant ago(long days, int hours) {
            return now.minusSeconds(days * DAY - hours * 3600L);
        }
    }

    /** Inji: phone-only delivery accounts in Uralsk with addresses, orders, payments and app analytics. */
    private static final class Inji extends Generator {
        private static final String APP_VERSION = "3.12.1";

        // Declaration order is load order: parents before children.
        private final Table users = copy.table("users", "id, phone, display_name, language, created_at, last_seen_at,"
                + " closed_at, processing_blocked, marketing_sms, marketing_push, analytics_consent");
        private final Table addresses = copy.table("addresses", "id, user_id, label, city, street, house, flat, floor,"
                + " entrance, courier_note, lat, lon, created_at");
        private final Table orders = copy.table("orders", "id, user_id, address_id, status, total_kzt, recipient_phone,"
                + " comment, created_at");
        private final Table items = copy.table("order_items", "order_id, line_no, product, quantity, price_kzt");
        private final Table notes = copy.table("order_item_notes", "order_id, line_no, note_no, note");
        private final Table payments = copy.table("payments", "id, order_id, provider, provider_ref, card_last4,"
                + " amount_kzt, paid_at");
        private final Table devices = copy.table("devices", "id, user_id, device_type, device_uid, os, os_version,"
                + " app_version, push_token, created_at");
        private final Table events = copy.table("usage_events", "id, device_id, event, ip, browser, created_at");

        /** users.phone is unique; the fixtures' numbers are taken from the start. */
        private final Set<String> phones = new HashSet<>(List.of("+77011234567", "+77021112233", "+77759876543"));

        Inji(Copy copy, Instant now) {
            super(copy, now);
        }

        @Override
        void fixtures() {
            // 1: Асель, every table filled.
            Instant lastEvent = ago(1, 9);
            users.row(1, "+77011234567", "Асель", "ru", ago(900, 7), lastEvent, null, false, true, true, true);
            addresses.row(1, 1, "Дом", "Уральск", "пр. Назарбаева", "212", "45", "5", "2",
                    "Код домофона 45К, позвоните за 5 минут", deg(51.205210), deg(51.380540), ago(900, 7));
            addresses.row(2, 1, "Работа", "Уральск", "ул. Жангир хана", "51/1", null, "3", null,
                    "Офис 305, охрана на входе", deg(51.229870), deg(51.365120), ago(600, 4));
            long total1 = order(1, 1, 1L, "delivered", null, "Позвоните за 10 минут", ago(500, 13), List.of(
                    new Line("Бешбармак", 1, 3900), new Line("Баурсаки (10 шт)", 1, 1200), new Line("Айран 1 л", 2, 650)));
            notes.row(1, 1, 1, "Побольше лука");
            notes.row(1, 1, 2, "Бульон отдельно");
            long total2 = order(2, 1, 2L, "delivered", null, null, ago(120, 6), List.of(
                    new Line("Пицца Маргарита 30 см", 1, 3490), new Line("Кока-Кола 1 л", 2, 590)));
            long total3 = order(3, 1, 1L, "delivered", null, null, ago(10, 14), List.of(
                    new Line("Лагман", 2, 2200), new Line("Самса с говядиной", 3, 450)));
            payments.row(1, 1, "Kaspi Pay", "4817263095", null, total1, ago(500, 13).plusSeconds(120));
            payments.row(2, 2, "Halyk ePay", "512047338164", "4412", total2, ago(120, 6).plusSeconds(95));
            payments.row(3, 3, "CloudPayments", "1873302245", "5678", total3, ago(10, 14).plusSeconds(60));
            devices.row(1, 1, "phone", "a3f1c29e7b5d4e10", "Android", "14", APP_VERSION,
                    "dQw4w9WgXcQ:APA91bH7xK2mLp0sQz8vT3nYcR5uJ6wE1fG9hA4bD2kM7oN0pS", ago(900, 7));
            for (int i = 0; i < 8; i++) {
                events.row(1 + i, 1, Kz.EVENTS[i % Kz.EVENTS.length], "95.56.14." + (20 + i), "Inji App " + APP_VERSION,
                        ago(365 - 22L * i, 5 + i));
            }
            for (int i = 0; i < 12; i++) {
                events.row(9 + i, 1, Kz.EVENTS[i % Kz.EVENTS.length], "95.56.14.31", "Inji App " + APP_VERSION,
                        i == 11 ? lastEvent : ago(12 - i, 3 + i % 10));
            }

            // 2: Данияр, one of each.
            users.row(2, "+77021112233", "Данияр", "kk", ago(200, 11), ago(30, 8), null, false, true, false, true);
            addresses.row(3, 2, "Дом", "Уральск", "ул. Евразия", "77", "12", "3", "1", null,
                    deg(51.211430), deg(51.401870), ago(200, 11));
            long total4 = order(4, 2, 3L, "delivered", null, null, ago(30, 8), List.of(new Line("Шаурма куриная", 2, 1800)));
            payments.row(4, 4, "Kaspi Pay", "4820011772", null, total4, ago(30, 8).plusSeconds(80));
            devices.row(2, 2, "phone", "6F1B8C2A-93D4-4E57-A0B1-2C3D4E5F6A7B", "iOS", "17.5.1", APP_VERSION,
                    "9b1f0c7e5a3d2b4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d", ago(200, 11));

            // 3: closed four years ago, only an old order left.
            users.row(3, "+77759876543", null, "ru", ago(1826, 10), ago(1461, 9), ago(1461, 9), false, false, false, false);
            long total5 = order(5, 3, null, "delivered", null, null, ago(1500, 12), List.of(new Line("Плов", 1, 2500)));
            payments.row(5, 5, "CloudPayments", "1034557810", "9012", total5, ago(1500, 12).plusSeconds(70));
        }

        @Override
        void subject(long userId, SplittableRandom r) {
            Kz.Person person = Kz.person(r);
            Instant created = between(r, now.minusSeconds(4 * YEAR), now.minusSeconds(DAY));
            Instant closed = chance(r, 0.03) ? between(r, created.plusSeconds(DAY), now) : null;
            Instant end = closed != null ? closed : now;
            String phone;
            do {
                phone = Kz.mobile(r);
            } while (!phones.add(phone));

            // Addresses are saved soon after sign-up; an order uses one that existed at the time.
            Kz.City home = chance(r, 0.85) ? Kz.URALSK : pick(r, Kz.CITIES);
            Instant[] addressTimes = new Instant[1 + r.nextInt(3)];
            long[] addressIds = new long[addressTimes.length];
            for (int i = 0; i < addressTimes.length; i++) {
                addressTimes[i] = i == 0 ? created : between(r, created, earlier(end, created.plusSeconds(180 * DAY)));
            }
            Arrays.sort(addressTimes);
            for (int i = 0; i < addressTimes.length; i++) {
                addressIds[i] = address(userId, i == 0 || chance(r, 0.8) ? home : pick(r, Kz.CITIES),
                        pick(r, i == 0 ? Kz.FIRST_ADDRESS_LABELS : Kz.ADDRESS_LABELS), addressTimes[i], r);
            }

            Instant ordersFrom = later(created, now.minusSeconds(3 * YEAR));
            Instant[] orderTimes = new Instant[ordersFrom.isBefore(end) ? r.nextInt(16) : 0];
            for (int i = 0; i < orderTimes.length; i++) {
                orderTimes[i] = between(r, ordersFrom, end);
            }
            Arrays.sort(orderTimes); // ids grow with time, as they do in production
            for (Instant at : orderTimes) {
                int usable = 0;
                while (usable < addressTimes.length && !addressTimes[usable].isAfter(at)) {
                    usable++;
                }
                Long addressId = usable == 0 ? null : addressIds[r.nextInt(usable)];
                randomOrder(userId, addressId, at, closed, r);
            }

            String[] ips = new String[1 + r.nextInt(3)];
            for (int i = 0; i < ips.length; i++) {
                ips[i] = Kz.ip(r);
            }
            Instant lastSeen = null;
            int deviceCount = chance(r, 0.3) ? 2 : 1;
            int eventsLeft = r.nextInt(61);
            for (int d = 0; d < deviceCount; d++) {
                Instant deviceCreated = d == 0 ? created : between(r, created, end);
                boolean ios = chance(r, 0.35);
                long deviceId = device(userId, deviceCreated, ios, r);
                int n = d == deviceCount - 1 ? eventsLeft : r.nextInt(eventsLeft + 1);
                eventsLeft -= n;
                Instant from = later(deviceCreated, now.minusSeconds(400 * DAY));
                if (n == 0 || !from.isBefore(end)) {
                    continue;
                }
                String browser = pick(r, ios ? Kz.IOS_BROWSERS : Kz.ANDROID_BROWSERS);
                Instant[] times = new Instant[n];
                for (int i = 0; i < n; i++) {
                    times[i] = between(r, from, end);
                }
                Arrays.sort(times); // ids grow with time, as they do in production
                for (Instant t : times) {
                    events.row(events.newId(), deviceId, pick(r, Kz.EVENTS), pick(r, ips), browser, t);
                }
                lastSeen = later(lastSeen, times[n - 1]);
            }
            if (lastSeen == null) {
                lastSeen = between(r, created, end);
            }
            String language = Kz.language(r, person);
            users.row(userId, phone, displayName(person, r), language, created, lastSeen, closed, chance(r, 0.01),
                    chance(r, 0.7), chance(r, 0.75), chance(r, 0.8));
        }

        private static String displayName(Kz.Person p, SplittableRandom r) {
            double x = r.nextDouble();
            if (x < 0.5) {
                return p.first();
            } else if (x < 0.7) {
                return p.first() + " " + p.last().charAt(0) + ".";
            } else if (x < 0.85) {
                String latin = Kz.latin(p.first());
                return Character.toUpperCase(latin.charAt(0)) + latin.substring(1);
            }
            return null;
        }

        private long address(long userId, Kz.City city, String label, Instant at, SplittableRandom r) {
            long id = addresses.newId();
            boolean privateHouse = chance(r, 0.2);
            String house = (1 + r.nextInt(privateHouse ? 250 : 120)) + (chance(r, 0.12) ? pick(r, Kz.HOUSE_SUFFIXES) : "");
            String note = null;
            if (chance(r, 0.15)) {
                note = "Код домофона " + (1 + r.nextInt(200)) + "К" + Kz.digits(r, 4);
            } else if (chance(r, 0.25)) {
                note = pick(r, Kz.COURIER_NOTES);
            }
            addresses.row(id, userId, label, city.name(), pick(r, city.streets()), house,
                    privateHouse ? null : String.valueOf(1 + r.nextInt(180)),
                    privateHouse ? null : String.valueOf(1 + r.nextInt(12)),
                    privateHouse ? null : String.valueOf(1 + r.nextInt(6)),
                    note, deg(city.lat() + r.nextGaussian() * 0.02), deg(city.lon() + r.nextGaussian() * 0.03), at);
            return id;
        }

        private void randomOrder(long userId, Long addressId, Instant at, Instant closed, SplittableRandom r) {
            String status;
            if (closed == null && Duration.between(at, now).toHours() < 3) {
                status = chance(r, 0.5) ? "created" : "in_delivery";
            } else {
                status = chance(r, 0.88) ? "delivered" : "cancelled";
            }
            int lineCount = 1 + r.nextInt(5);
            boolean[] taken = new boolean[Kz.PRODUCTS.length];
            List<Line> lines = new ArrayList<>(lineCount);
            while (lines.size() < lineCount) {
                int p = r.nextInt(Kz.PRODUCTS.length);
                if (!taken[p]) {
                    taken[p] = true;
                    lines.add(new Line(Kz.PRODUCTS[p], chance(r, 0.75) ? 1 : 2 + r.nextInt(3), Kz.PRICES[p]));
                }
            }
            long orderId = orders.newId();
            long total = order(orderId, userId, addressId, status, chance(r, 0.08) ? Kz.mobile(r) : null,
                    chance(r, 0.2) ? pick(r, Kz.ORDER_COMMENTS) : null, at, lines);
            for (int line = 1; line <= lines.size(); line++) {
                if (chance(r, 0.12)) {
                    int count = chance(r, 0.8) ? 1 : 2;
                    for (int n = 1; n <= count; n++) {
                        notes.row(orderId, line, n, pick(r, Kz.ITEM_NOTES));
                    }
                }
            }
            if (status.equals("delivered") || status.equals("in_delivery")) {
                String provider = pick(r, Kz.PAYMENT_PROVIDERS);
                String ref;
                String last4 = Kz.digits(r, 4);
                switch (provider) {
                    case "Kaspi Pay" -> {
                        ref = "4" + Kz.digits(r, 9);
                        last4 = chance(r, 0.4) ? null : last4; // paid by QR from the Kaspi app: no card
                    }
                    case "Halyk ePay" -> ref = Kz.digits(r, 12);
                    default -> ref = "1" + Kz.digits(r, 9);
                }
                payments.row(payments.newId(), orderId, provider, ref, last4, total, at.plusSeconds(30 + r.nextInt(300)));
            }
        }

        private record Line(String product, int quantity, long priceKzt) {
        }

        /** Writes an order and its lines; the total is the lines plus delivery (free from 5,000 KZT). */
        private long order(long id, long userId, Long addressId, String status, String recipientPhone, String comment,
                           Instant at, List<Line> lines) {
            long sum = 0;
            for (int i = 0; i < lines.size(); i++) {
                Line l = lines.get(i);
                items.row(id, i + 1, l.product(), l.quantity(), l.priceKzt());
                sum += l.quantity() * l.priceKzt();
            }
            long total = sum + (sum >= 5000 ? 0 : 500);
            orders.row(id, userId, addressId, status, total, recipientPhone, comment, at);
            return total;
        }

        private long device(long userId, Instant at, boolean ios, SplittableRandom r) {
            long id = devices.newId();
            if (ios) {
                devices.row(id, userId, chance(r, 0.9) ? "phone" : "tablet", Kz.uuid(r).toUpperCase(Locale.ROOT), "iOS",
                        pick(r, Kz.IOS_VERSIONS), pick(r, Kz.APP_VERSIONS), Kz.hex(r, 64), at);
            } else {
                devices.row(id, userId, chance(r, 0.95) ? "phone" : "tablet", Kz.hex(r, 16), "Android",
                        pick(r, Kz.ANDROID_VERSIONS), pick(r, Kz.APP_VERSIONS),
                        Kz.token(r, 11) + ":APA91b" + Kz.token(r, 134), at);
            }
            return id;
        }
    }

    /** InService: car owners with documents, vehicles, bookings, trips, call/SMS logs and erasure holds. */
    private static final class Inservice extends Generator {
        // Declaration order is load order: parents before children.
        private final Table users = copy.table("users", "id, email, full_name, birth_date, gender, city, phone,"
                + " created_at, closed_at, status, processing_blocked");
        private final Table consents = copy.table("consents", "user_id, purpose, granted, updated_at");
        private final Table preferences = copy.table("marketing_preferences", "user_id, email_news, sms_offers, push_offers");
        private final Table vehicles = copy.table("vehicles", "id, user_id, plate, make, model, year, colour, vin");
        private final Table documents = copy.table("id_documents", "id, user_id, doc_type, doc_number, iin, issued_on,"
                + " expires_on");
        private final Table licences = copy.table("driver_licences", "id, user_id, licence_number, categories,"
                + " issued_on, expires_on");
        private final Table bookings = copy.table("service_bookings", "id, user_id, vehicle_id, workshop, booked_for,"
                + " status, price_kzt, created_at");
        private final Table invoices = copy.table("invoices", "id, user_id, booking_id, amount_kzt, issued_at");
        private final Table trips = copy.table("trips", "id, user_id, vehicle_id, started_at, ended_at, distance_km");
        private final Table points = copy.table("trip_points", "trip_id, seq, lat, lon, recorded_at");
        private final Table calls = copy.table("call_logs", "id, user_id, direction, other_phone, duration_s, created_at");
        private final Table sms = copy.table("sms_log", "id, user_id, route, phone, sent_at");
        private final Table searches = copy.table("search_queries", "id, user_id, query, ip, created_at");
        private final Table devices = copy.table("devices", "id, user_id, device_uid, platform, os_version, ip, created_at");
        private final Table debts = copy.table("debts", "id, user_id, amount_kzt, reason, created_at, settled_at");
        private final Table disputes = copy.table("disputes", "id, user_id, subject, opened_at, closed_at");
        private final Table bans = copy.table("bans", "user_id, reason, banned_at");

        /** users.email is unique; random users also keep clear of the fixtures' phones so tests find one user each. */
        private final Set<String> emails = new HashSet<>();
        private final Set<String> phones = new HashSet<>();

        Inservice(Copy copy, Instant now) {
            super(copy, now);
        }

        @Override
        void fixtures() {
            // Fixed streams, so the fixtures' tracks and ids are the same whatever the seed.
            SplittableRandom r = new SplittableRandom(1);

            // 1: Айгерим Нурланова, every table filled.
            LocalDate aigerimBirth = LocalDate.of(1992, 3, 14);
            user(1, "aigerim.nurlanova@example.kz", "Айгерим Нурланова", aigerimBirth, true, Kz.ALMATY,
                    "+77015550101", ago(1000, 6), null, "active", true);
            vehicles.row(1, 1, "123 ABC 02", "Toyota", "Camry", 2019, "белый", "JTNBF3HK0K3123456");
            documents.row(1, 1, "id_card", "045123789", Kz.iin(aigerimBirth, true, 1234),
                    LocalDate.of(2019, 5, 20), LocalDate.of(2029, 5, 19));
            licences.row(1, 1, "AB123456", "B", LocalDate.of(2021, 7, 1), LocalDate.of(2031, 7, 1));
            Instant serviced = ago(60, 5);
            bookings.row(1, 1, 1, "Toyota Центр, Алматы", serviced, "completed", 85000, ago(65, 9));
            invoices.row(1, 1, 1, 85000, serviced.plusSeconds(4 * 3600));
            bookings.row(2, 1, 1, "Шиномонтаж 24/7, Алматы", now.plusSeconds(5 * DAY + 6 * 3600), "scheduled", 25000,
                    ago(2, 13));
            trip(1, 1, 1L, Kz.ALMATY, ago(20, 3), 6, r);
            trip(2, 1, 1L, Kz.ALMATY, ago(3, 12), 8, r);
            calls.row(1, 1, "outbound", "+77272501234", 184, ago(66, 4));
            calls.row(2, 1, "inbound", "+77272501234", 95, ago(60, 9));
            calls.row(3, 1, "missed", "+77019876543", 0, ago(4, 14));
            sms.row(1, 1, "otp", "+77015550101", ago(1000, 6));
            sms.row(2, 1, "booking_reminder", "+77015550101", ago(61, 13));
            searches.row(1, 1, "замена масла Toyota Camry", "37.99.41.12", ago(70, 15));
            searches.row(2, 1, "Toyota Центр Алматы", "37.99.41.12", ago(66, 3));
            searches.row(3, 1, "шиномонтаж рядом", "37.99.41.12", ago(3, 11));
            searches.row(4, 1, "дөңгелек ауыстыру", "2.134.76.200", ago(2, 7));
            devices.row(1, 1, "6F1B8C2A-93D4-4E57-A0B1-2C3D4E5F6A7B", "ios", "17.5.1", "37.99.41.12", ago(1000, 6));

            // 2: an unpaid debt (a legal hold).
            LocalDate bauyrzhanBirth = LocalDate.of(1985, 11, 2);
            user(2, "debtor@example.kz", "Бауыржан Ахметов", bauyrzhanBirth, false, Kz.ASTANA, "+77012220202",
                    ago(700, 8), null, "active", false);
            documents.row(2, 2, "id_card", "038765432", Kz.iin(bauyrzhanBirth, false, 5678),
                    LocalDate.of(2017, 2, 10), LocalDate.of(2027, 2, 9));
            debts.row(1, 2, 45000, "Неоплаченный ремонт", ago(90, 10), null);

            // 3: an open dispute (a legal hold).
            LocalDate olgaBirth = LocalDate.of(1990, 6, 25);
            user(3, "dispute@example.kz", "Ольга Смирнова", olgaBirth, true, Kz.KARAGANDA, "+77052220303",
                    ago(500, 12), null, "active", false);
            documents.row(3, 3, "passport", "N12876543", Kz.iin(olgaBirth, true, 2468),
                    LocalDate.of(2020, 9, 1), LocalDate.of(2030, 8, 31));
            disputes.row(1, 3, "Повреждение автомобиля на СТО", ago(20, 6), null);

            // 4: banned.
            LocalDate timurBirth = LocalDate.of(1998, 1, 30);
            user(4, "banned@example.kz", "Тимур Касымов", timurBirth, false, Kz.SHYMKENT, "+77770000004",
                    ago(400, 15), null, "banned", false);
            documents.row(4, 4, "id_card", "047700004", Kz.iin(timurBirth, false, 1357),
                    LocalDate.of(2022, 3, 15), LocalDate.of(2032, 3, 14));
            bans.row(4, "Мошенничество с оплатой (chargeback)", ago(45, 10));

            // 5: a settled debt and a closed dispute: no hold applies.
            LocalDate erlanBirth = LocalDate.of(1988, 9, 9);
            user(5, "erlan.saparov@example.kz", "Ерлан Сапаров", erlanBirth, false, Kz.ATYRAU, "+77051234567",
                    ago(800, 9), null, "active", true);
            vehicles.row(2, 5, "777 KZ 06", "Hyundai", "Accent", 2017, "серебристый", "KMHCT41DAHU281734");
            documents.row(5, 5, "id_card", "041112233", Kz.iin(erlanBirth, false, 4321),
                    LocalDate.of(2018, 10, 5), LocalDate.of(2028, 10, 4));
            debts.row(2, 5, 12000, "Штраф за неявку", ago(400, 5), ago(380, 8));
            disputes.row(2, 5, "Несогласие с суммой счёта", ago(300, 7), ago(280, 11));

            // 6: values that break naive string-built SQL.
            LocalDate robertBirth = LocalDate.of(1979, 4, 1);
            user(6, "o'brien@example.kz", "Robert'); DROP TABLE users;--", robertBirth, false, Kz.ALMATY,
                    "+77014440606", ago(300, 4), null, "active", true);
            documents.row(6, 6, "passport", "N09988776", Kz.iin(robertBirth, false, 9753),
                    LocalDate.of(2021, 1, 12), LocalDate.of(2031, 1, 11));
            searches.row(5, 6, "1' OR '1'='1", "5.76.10.1", ago(5, 16));
        }

        /** A user row with its four consents and marketing preferences (all granted, or only service). */
        private void user(long id, String email, String name, LocalDate birth, boolean female, Kz.City city,
                          String phone, Instant created, Instant closed, String status, boolean allGranted) {
            users.row(id, email, name, birth, female ? "female" : "male", city.name(), phone, created, closed, status, false);
            emails.add(email);
            phones.add(phone);
            for (String purpose : Kz.PURPOSES) {
                consents.row(id, purpose, allGranted || purpose.equals("service"), created);
            }
            preferences.row(id, allGranted, allGranted, allGranted);
        }

        @Override
        void subject(long userId, SplittableRandom r) {
            Kz.Person person = Kz.person(r);
            Kz.City city = pick(r, Kz.CAR_CITIES);
            Instant created = between(r, now.minusSeconds(6 * YEAR), now.minusSeconds(DAY));
            Instant closed = chance(r, 0.05) ? between(r, created.plusSeconds(DAY), now) : null;
            Instant end = closed != null ? closed : now;
            String email = chance(r, 0.95) ? uniqueEmail(person, r) : null;
            String phone = null;
            if (chance(r, 0.97)) {
                do {
                    phone = Kz.mobile(r);
                } while (!phones.add(phone));
            }
            boolean banned = chance(r, 0.01);
            users.row(userId, email, person.fullName(), person.birth(), person.female() ? "female" : "male", city.name(),
                    phone, created, closed, banned ? "banned" : "active", chance(r, 0.01));
            if (banned) {
                bans.row(userId, pick(r, Kz.BAN_REASONS), between(r, created, end));
            }

            boolean marketing = chance(r, 0.55);
            consents.row(userId, "service", true, created);
            consents.row(userId, "analytics", chance(r, 0.8), between(r, created, end));
            consents.row(userId, "marketing", marketing, between(r, created, end));
            consents.row(userId, "partners", chance(r, 0.25), between(r, created, end));
            preferences.row(userId, marketing && chance(r, 0.85), marketing && chance(r, 0.7), marketing && chance(r, 0.8));

            identity(userId, person, r);

            int vehicleCount = r.nextInt(3);
            long[] vehicleIds = new long[vehicleCount];
            String carName = null;
            for (int i = 0; i < vehicleCount; i++) {
                Kz.Model m = pick(r, Kz.MODELS);
                int year = m.since() + r.nextInt(Math.max(1, now.atZone(ZoneOffset.UTC).getYear() - m.since() + 1));
                vehicleIds[i] = vehicles.newId();
                vehicles.row(vehicleIds[i], userId, Kz.plate(r, city), m.make(), m.model(), year,
                        pick(r, Kz.COLOURS), Kz.vin(r, m, year));
                carName = m.make() + " " + m.model();
            }

            int bookingCount = r.nextInt(6);
            Instant bookingsFrom = later(created, now.minusSeconds(3 * YEAR));
            for (int i = 0; i < bookingCount && bookingsFrom.isBefore(end); i++) {
                booking(userId, vehicleCount == 0 ? null : vehicleIds[r.nextInt(vehicleCount)], city,
                        between(r, bookingsFrom, end), closed, r);
            }

            int tripCount = r.nextInt(6);
            Instant tripsFrom = later(created, now.minusSeconds(2 * YEAR));
            Instant tripsTo = end.minusSeconds(3 * 3600);
            for (int i = 0; i < tripCount && tripsFrom.isBefore(tripsTo); i++) {
                trip(trips.newId(), userId, vehicleCount == 0 ? null : vehicleIds[r.nextInt(vehicleCount)], city,
                        between(r, tripsFrom, tripsTo), 5 + r.nextInt(36), r);
            }

            // Logs cover the last two years of the account (older ones were purged by retention).
            Instant logsFrom = later(created, now.minusSeconds(2 * YEAR));
            if (logsFrom.isBefore(end)) {
                int callCount = r.nextInt(21);
                for (int i = 0; i < callCount; i++) {
                    String direction = pick(r, Kz.CALL_DIRECTIONS);
                    calls.row(calls.newId(), userId, direction, chance(r, 0.6) ? Kz.landline(r, city) : Kz.mobile(r),
                            direction.equals("missed") ? 0 : 10 + r.nextInt(900), between(r, logsFrom, end));
                }
                int smsCount = phone == null ? 0 : r.nextInt(11);
                for (int i = 0; i < smsCount; i++) {
                    sms.row(sms.newId(), userId, pick(r, Kz.SMS_ROUTES), phone, between(r, logsFrom, end));
                }
                int searchCount = r.nextInt(21);
                String ip = Kz.ip(r);
                for (int i = 0; i < searchCount; i++) {
                    String query = carName != null && chance(r, 0.3)
                            ? pick(r, Kz.CAR_SEARCHES) + " " + carName
                            : pick(r, Kz.SEARCHES);
                    searches.row(searches.newId(), userId, query, chance(r, 0.8) ? ip : Kz.ip(r), between(r, logsFrom, end));
                }
            }

            int deviceCount = chance(r, 0.3) ? 2 : 1;
            for (int i = 0; i < deviceCount; i++) {
                device(userId, i == 0 ? created : between(r, created, end), r);
            }

            double hold = r.nextDouble();
            if (hold < 0.03) {
                debts.row(debts.newId(), userId, 500 * (4 + r.nextInt(300)), pick(r, Kz.DEBT_REASONS),
                        between(r, created, end), null);
            } else if (hold < 0.08) {
                Instant owed = between(r, created, end);
                debts.row(debts.newId(), userId, 500 * (4 + r.nextInt(300)), pick(r, Kz.DEBT_REASONS), owed,
                        earlier(now, owed.plusSeconds((1 + r.nextInt(60)) * DAY)));
            }
            double dispute = r.nextDouble();
            if (dispute < 0.02) {
                disputes.row(disputes.newId(), userId, pick(r, Kz.DISPUTE_SUBJECTS), between(r, created, end), null);
            } else if (dispute < 0.06) {
                Instant opened = between(r, created, end);
                disputes.row(disputes.newId(), userId, pick(r, Kz.DISPUTE_SUBJECTS), opened,
                        earlier(now, opened.plusSeconds((3 + r.nextInt(60)) * DAY)));
            }
        }

        private String uniqueEmail(Kz.Person p, SplittableRandom r) {
            String first = Kz.latin(p.first());
            String last = Kz.latin(p.last());
            String yy = String.valueOf(p.birth().getYear()).substring(2);
            String local = switch (r.nextInt(4)) {
                case 0 -> first + "." + last;
                case 1 -> first + last + yy;
                case 2 -> first.charAt(0) + "." + last;
                default -> first + "_" + yy;
            };
            String domain = pick(r, Kz.EMAIL_DOMAINS);
            String email = local + "@" + domain;
            for (int n = 2; !emails.add(email); n++) {
                email = local + n + "@" + domain;
            }
            return email;
        }

        /** One identity document whose IIN agrees with the birth date and gender; a licence for most. */
        private void identity(long userId, Kz.Person p, SplittableRandom r) {
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            LocalDate issued = randomDate(r, latest(p.birth().plusYears(16), today.minusYears(10)), today);
            boolean idCard = chance(r, 0.8);
            documents.row(documents.newId(), userId, idCard ? "id_card" : "passport",
                    idCard ? "0" + Kz.digits(r, 8) : "N" + Kz.digits(r, 8), Kz.iin(p.birth(), p.female(), r.nextInt(10_000)),
                    issued, issued.plusYears(10).minusDays(1));
            if (chance(r, 0.6)) {
                LocalDate licensed = randomDate(r, latest(p.birth().plusYears(18), today.minusYears(10)), today);
                licences.row(licences.newId(), userId, Kz.letters(r, 2) + Kz.digits(r, 6), pick(r, Kz.LICENCE_CATEGORIES),
                        licensed, licensed.plusYears(10));
            }
        }

        private void booking(long userId, Long vehicleId, Kz.City city, Instant created, Instant closed,
                             SplittableRandom r) {
            long id = bookings.newId();
            // Workshops open 09:00–18:00 Kazakhstan time (UTC+5).
            Instant bookedFor = created.truncatedTo(ChronoUnit.DAYS)
                    .plusSeconds((1 + r.nextInt(14)) * DAY + (4 + r.nextInt(9)) * 3600L + 1800L * r.nextInt(2));
            long price = 500L * (16 + r.nextInt(480));
            String status;
            if (closed != null && bookedFor.isAfter(closed)) {
                status = "cancelled";
            } else if (bookedFor.plusSeconds(8 * 3600).isAfter(now)) {
                status = "scheduled";
            } else {
                double x = r.nextDouble();
                status = x < 0.75 ? "completed" : x < 0.9 ? "cancelled" : "no_show";
            }
            bookings.row(id, userId, vehicleId, pick(r, Kz.WORKSHOPS) + ", " + city.name(), bookedFor, status, price, created);
            if (status.equals("completed")) {
                invoices.row(invoices.newId(), userId, id, price, bookedFor.plusSeconds((2 + r.nextInt(5)) * 3600L));
            }
        }

        /** A GPS track: a fix every 15–60 s, driving at 15–60 km/h with a wandering heading. */
        private void trip(long tripId, long userId, Long vehicleId, Kz.City city, Instant start, int fixes,
                          SplittableRandom r) {
            double lat = city.lat() + r.nextGaussian() * 0.03;
            double lon = city.lon() + r.nextGaussian() * 0.04;
            double heading = r.nextDouble() * 2 * Math.PI;
            double km = 0;
            Instant t = start;
            points.row(tripId, 1, deg(lat), deg(lon), t);
            for (int seq = 2; seq <= fixes; seq++) {
                int seconds = 15 + r.nextInt(46);
                double step = (15 + r.nextDouble() * 45) * seconds / 3600;
                heading += r.nextGaussian() * 0.4;
                lat += step / 111.32 * Math.cos(heading);
                lon += step / (111.32 * Math.cos(Math.toRadians(lat))) * Math.sin(heading);
                km += step;
                t = t.plusSeconds(seconds);
                points.row(tripId, seq, deg(lat), deg(lon), t);
            }
            trips.row(tripId, userId, vehicleId, start, t, BigDecimal.valueOf(Math.round(km * 100), 2));
        }

        private void device(long userId, Instant at, SplittableRandom r) {
            double x = r.nextDouble();
            String platform = x < 0.55 ? "android" : x < 0.9 ? "ios" : "web";
            String uid = switch (platform) {
                case "android" -> Kz.hex(r, 16);
                case "ios" -> Kz.uuid(r).toUpperCase(Locale.ROOT);
                default -> Kz.uuid(r);
            };
            String version = switch (platform) {
                case "android" -> pick(r, Kz.ANDROID_VERSIONS);
                case "ios" -> pick(r, Kz.IOS_VERSIONS);
                default -> pick(r, Kz.DESKTOP_OSES);
            };
            devices.row(devices.newId(), userId, uid, platform, version, Kz.ip(r), at);
        }
    }

    /** Realistic Kazakhstan values: people, places, phones, documents, cars, network. */
    private static final class Kz {
        record City(String name, String plateRegion, String areaCode, double lat, double lon, String... streets) {
        }

        record Person(String first, String last, boolean female, boolean kazakh, LocalDate birth) {
            String fullName() {
                return first + " " + last;
            }
        }

        record Model(String make, String model, int since, String wmi) {
        }

        static final City URALSK = new City("Уральск", "07", "7112", 51.2333, 51.3667, "пр. Назарбаева",
                "ул. Жангир хана", "ул. Евразия", "ул. Сырыма Датова", "ул. Курмангазы", "ул. Мухита",
                "ул. Есенжанова", "ул. Ихсанова", "пр. Абулхаир хана", "ул. Гагарина", "ул. Чагатая", "мкр. Строитель");
        static final City ALMATY = new City("Алматы", "02", "727", 43.2389, 76.8897, "пр. Абая", "пр. Аль-Фараби",
                "ул. Толе би", "ул. Жибек Жолы", "пр. Достык", "ул. Сатпаева", "ул. Розыбакиева",
                "ул. Кабанбай батыра", "пр. Райымбека", "ул. Наурызбай батыра", "мкр. Самал-2", "мкр. Аксай-4");
        static final City ASTANA = new City("Астана", "01", "7172", 51.1694, 71.4491, "пр. Мангилик Ел",
                "пр. Республики", "ул. Кенесары", "пр. Кабанбай батыра", "ул. Сыганак", "пр. Туран", "ул. Сауран",
                "ул. Достык", "пр. Абая", "ул. Бейбитшилик");
        static final City AKTOBE = new City("Актобе", "04", "7132", 50.2839, 57.1670, "пр. Абилкайыр хана",
                "ул. Есет батыра", "пр. Санкибай батыра", "ул. Маресьева", "пр. Алии Молдагуловой", "ул. Бокенбай батыра");
        static final City ATYRAU = new City("Атырау", "06", "7122", 47.1167, 51.8833, "пр. Азаттык", "ул. Сатпаева",
                "пр. Студенческий", "ул. Махамбета", "ул. Смагулова", "мкр. Нурсая");
        static final City SHYMKENT = new City("Шымкент", "17", "7252", 42.3417, 69.5901, "пр. Тауке хана",
                "ул. Байтурсынова", "пр. Республики", "ул. Мадели кожа", "ул. Толе би", "мкр. Нурсат");
        static final City KARAGANDA = new City("Караганда", "09", "7212", 49.8047, 73.1094, "пр. Бухар жырау",
                "пр. Нуркена Абдирова", "ул. Ерубаева", "ул. Гоголя", "пр. Строителей");
        static final City AKTAU = new City("Актау", "12", "7292", 43.6500, 51.1600, "мкр. 5", "мкр. 11", "мкр. 14",
                "мкр. 27", "мкр. Шыгыс-2");
        static final City PAVLODAR = new City("Павлодар", "14", "7182", 52.2873, 76.9674, "ул. Ломова",
                "ул. Торайгырова", "ул. Академика Сатпаева", "ул. Естая", "ул. Кутузова");
        static final City KOSTANAY = new City("Костанай", "10", "7142", 53.2198, 63.6354, "пр. Аль-Фараби",
                "ул. Байтурсынова", "пр. Абая", "ул. Тарана");
        static final City TARAZ = new City("Тараз", "08", "7262", 42.9000, 71.3667, "ул. Толе би", "пр. Жамбыла",
                "ул. Казыбек би", "ул. Абая");
        static final City OSKEMEN = new City("Усть-Каменогорск", "16", "7232", 49.9483, 82.6279, "ул. Казахстан",
                "пр. Абая", "ул. Протозанова", "ул. Тохтарова");

        static final City[] CITIES = {URALSK, ALMATY, ASTANA, AKTOBE, ATYRAU, SHYMKENT, KARAGANDA, AKTAU, PAVLODAR,
            KOSTANAY, TARAZ, OSKEMEN};
        /** Where InService's customers live: mostly the two biggest cities. */
        static final City[] CAR_CITIES = {ALMATY, ALMATY, ALMATY, ALMATY, ASTANA, ASTANA, ASTANA, SHYMKENT, SHYMKENT,
            URALSK, AKTOBE, ATYRAU, KARAGANDA, AKTAU, PAVLODAR, KOSTANAY, TARAZ, OSKEMEN};

        static final String[] KAZAKH_FEMALE = {"Айгерим", "Асель", "Динара", "Жанар", "Гульнара", "Мадина", "Аружан",
            "Дана", "Камила", "Жансая", "Алия", "Сауле", "Айжан", "Томирис", "Индира", "Меруерт", "Карлыгаш", "Балжан",
            "Назерке", "Акбота", "Салтанат", "Ботагоз", "Айдана", "Дильназ"};
        static final String[] KAZAKH_MALE = {"Ерлан", "Данияр", "Нурлан", "Асхат", "Бауыржан", "Ержан", "Айбек",
            "Арман", "Марат", "Тимур", "Санжар", "Ерболат", "Нурсултан", "Алишер", "Дастан", "Ернар", "Жандос", "Канат",
            "Руслан", "Серик", "Талгат", "Азамат", "Бекзат", "Олжас"};
        static final String[] RUSSIAN_FEMALE = {"Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Екатерина", "Ирина",
            "Светлана", "Мария", "Юлия", "Анастасия", "Виктория", "Людмила", "Валентина"};
        static final String[] RUSSIAN_MALE = {"Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Владимир",
            "Евгений", "Максим", "Игорь", "Николай", "Павел", "Виктор", "Денис", "Артём"};
        /** Masculine forms; {@link #person} makes the feminine ones. */
        static final String[] KAZAKH_SURNAMES = {"Нурланов", "Сапаров", "Ахметов", "Жумабаев", "Серикбаев", "Касымов",
            "Омаров", "Абдрахманов", "Садыков", "Исмаилов", "Бекмухамбетов", "Тулеуов", "Кенжебаев", "Муканов",
            "Рахимов", "Утегенов", "Есенов", "Байжанов", "Искаков", "Жаксылыков", "Сулейменов", "Нуркенов",
            "Досмухамбетов", "Мухамедиев", "Габдуллин", "Ибраев", "Шаймерденов", "Каримов"};
        static final String[] RUSSIAN_SURNAMES = {"Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов",
            "Лебедев", "Козлов", "Новиков", "Морозов", "Волков", "Павлов", "Семенов", "Голубев", "Никитин", "Захаров",
            "Фролов", "Белов"};
        /** Korean and Ukrainian surnames common in Kazakhstan; the same for women and men. */
        static final String[] INVARIANT_SURNAMES = {"Ким", "Пак", "Цой", "Ли", "Шевченко", "Бондаренко", "Ковальчук"};

        static final String[] MOBILE_CODES = {"700", "701", "702", "705", "707", "708", "747", "771", "775", "777", "778"};
        /** Address blocks of Kazakh operators (Kazakhtelecom, Beeline, Kcell, Tele2). */
        static final String[] IP_PREFIXES = {"2.132", "2.133", "2.134", "2.135", "5.76", "5.251", "37.99", "37.150",
            "37.151", "46.34", "82.200", "89.218", "92.46", "92.47", "95.56", "95.57", "95.59", "178.88", "178.89",
            "178.90", "178.91", "212.96"};
        static final String[] EMAIL_DOMAINS = {"example.kz", "example.com", "example.org", "example.net",
            "mail.example.kz", "inbox.example.ru"};

        static final String[] FIRST_ADDRESS_LABELS = {"Дом", "Дом", "Дом", null};
        static final String[] ADDRESS_LABELS = {"Работа", "Работа", "Мама", "Офис", "Дача", "Үй", null, null};
        static final String[] HOUSE_SUFFIXES = {"А", "Б", "/1", "/2", "/3", " к2"};
        static final String[] COURIER_NOTES = {"Домофон не работает, позвоните", "Оставить у двери",
            "Собака во дворе, не заходить", "Шлагбаум, позвоните охране", "Вход со двора",
            "Не звонить в дверь, ребёнок спит", "Третий подъезд от дороги", "Қоңырау шалыңыз"};
        static final String[] PRODUCTS = {"Бешбармак", "Лагман", "Плов", "Манты (5 шт)", "Самса с говядиной",
            "Шаурма куриная", "Шаурма говяжья", "Пицца Маргарита 30 см", "Пицца Пепперони 30 см",
            "Бургер классический", "Картофель фри", "Баурсаки (10 шт)", "Куырдак", "Казы (0,5 кг)", "Айран 1 л",
            "Кумыс 1 л", "Шубат 0,5 л", "Кока-Кола 1 л", "Вода Tassay 1,5 л", "Хлеб Бородинский", "Молоко 2,5% 1 л",
            "Яйца С1 (10 шт)", "Чак-чак", "Курт (200 г)", "Салат Цезарь", "Суши-сет «Филадельфия»",
            "Чай Пиала (100 пак.)", "Сахар 1 кг", "Кофе латте 0,4 л"};
        static final long[] PRICES = {3900, 2200, 2500, 2400, 450, 1800, 2100, 3490, 3990, 2290, 890, 1200, 3200, 5500,
            650, 1500, 1100, 590, 350, 420, 560, 890, 1500, 1300, 2400, 6900, 1650, 520, 1200};
        static final String[] ORDER_COMMENTS = {"Позвоните за 10 минут", "Сдача с 10 000", "Оставить у двери",
            "Побыстрее, пожалуйста", "Без пакета", "Приборы не нужны", "Курьеру: подъезд с торца"};
        static final String[] ITEM_NOTES = {"Без лука", "Острое", "Побольше соуса", "Соус отдельно", "Без майонеза",
            "Хорошо прожарить", "Нарезать", "Негазированная", "Пияз салмаңыз"};
        /** Kaspi dominates payments in Kazakhstan. */
        static final String[] PAYMENT_PROVIDERS = {"Kaspi Pay", "Kaspi Pay", "Kaspi Pay", "Kaspi Pay", "Kaspi Pay",
            "Kaspi Pay", "Halyk ePay", "Halyk ePay", "Halyk ePay", "CloudPayments"};
        static final String[] EVENTS = {"app_open", "app_open", "app_open", "search", "view_product", "view_product",
            "add_to_cart", "checkout", "order_placed", "push_open", "login", "logout"};
        /** Most events come from the app; the rest from the mobile site in the phone's browser. */
        static final String[] ANDROID_BROWSERS = {"Inji App 3.12.1", "Inji App 3.12.1", "Inji App 3.11.0",
            "Chrome Mobile 124", "Samsung Internet 24", "Yandex Browser 24.4"};
        static final String[] IOS_BROWSERS = {"Inji App 3.12.1", "Inji App 3.12.1", "Inji App 3.11.0",
            "Mobile Safari 17.4", "Chrome Mobile iOS 124"};
        static final String[] APP_VERSIONS = {"3.12.1", "3.12.1", "3.12.0", "3.11.0", "3.9.4"};
        static final String[] ANDROID_VERSIONS = {"10", "11", "12", "13", "14", "14"};
        static final String[] IOS_VERSIONS = {"15.8.2", "16.7.8", "17.4.1", "17.5.1", "18.1"};
        static final String[] DESKTOP_OSES = {"Windows 10", "Windows 11", "macOS 14.5"};

        static final Model[] MODELS = {
            new Model("Toyota", "Camry", 2006, "JTN"), new Model("Toyota", "Corolla", 2007, "JTD"),
            new Model("Toyota", "Land Cruiser Prado", 2005, "JTE"), new Model("Toyota", "RAV4", 2010, "JTM"),
            new Model("Hyundai", "Accent", 2011, "KMH"), new Model("Hyundai", "Elantra", 2012, "KMH"),
            new Model("Hyundai", "Tucson", 2016, "KMH"), new Model("Lada", "Granta", 2012, "XTA"),
            new Model("Lada", "Vesta", 2016, "XTA"), new Model("Lada", "Niva Legend", 2010, "XTA"),
            new Model("Kia", "Rio", 2012, "Z94"), new Model("Kia", "Sportage", 2016, "KNA"),
            new Model("Chevrolet", "Cobalt", 2013, "XWB"), new Model("Chevrolet", "Nexia", 2016, "XWB"),
            new Model("Volkswagen", "Polo", 2011, "XW8"), new Model("Skoda", "Octavia", 2009, "TMB"),
            new Model("Nissan", "X-Trail", 2008, "JN1"), new Model("Mitsubishi", "Outlander", 2008, "JMB"),
            new Model("Lexus", "RX 350", 2010, "JTJ"), new Model("Haval", "Jolion", 2021, "LGW"),
            new Model("Chery", "Tiggo 7 Pro", 2020, "LVV"), new Model("JAC", "S3", 2016, "LJ1"),
            new Model("Daewoo", "Nexia", 2005, "XWB"), new Model("Mercedes-Benz", "E 200", 2010, "WDD")};
        static final String[] COLOURS = {"белый", "белый", "белый", "чёрный", "чёрный", "серебристый", "серебристый",
            "серый", "серый", "синий", "красный", "бежевый", "вишнёвый", "коричневый"};
        static final String[] LICENCE_CATEGORIES = {"B", "B", "B", "B", "B", "B", "B, C", "B, C", "A, B", "A, B",
            "B, BE", "B, C, D", "A1, B", "B, C, CE"};
        static final String[] WORKSHOPS = {"СТО «Автомастер»", "Toyota Центр", "Hyundai Сервис", "Kia Сервис",
            "Bosch Car Service", "СТО «Гараж №1»", "Шиномонтаж 24/7", "Автосервис «Фортуна»", "Lada Сервис",
            "Автоцентр «Мотор»", "СТО «Жол»"};
        static final String[] SEARCHES = {"замена масла", "шиномонтаж рядом", "развал схождение цена",
            "диагностика ходовой", "замена тормозных колодок", "компьютерная диагностика", "заправка кондиционера",
            "автомойка", "замена ремня ГРМ", "покраска бампера", "аккумулятор купить", "техосмотр",
            "ОГПО страховка", "штрафы по ИИН", "эвакуатор", "май ауыстыру", "дөңгелек ауыстыру", "көлік жуу"};
        static final String[] CAR_SEARCHES = {"замена масла", "колодки", "фильтр салона", "ТО-2", "свечи зажигания"};
        static final String[] CALL_DIRECTIONS = {"inbound", "outbound", "outbound", "missed"};
        static final String[] SMS_ROUTES = {"otp", "otp", "otp", "otp", "booking_reminder", "booking_reminder",
            "booking_reminder", "invoice", "invoice", "promo"};
        static final String[] PURPOSES = {"service", "analytics", "marketing", "partners"};
        static final String[] DEBT_REASONS = {"Неоплаченный ремонт", "Штраф за неявку", "Возврат платежа (chargeback)",
            "Доплата за запчасти"};
        static final String[] DISPUTE_SUBJECTS = {"Некачественный ремонт", "Списание без оказания услуги",
            "Повреждение автомобиля на СТО", "Несогласие с суммой счёта", "Двойное списание"};
        static final String[] BAN_REASONS = {"Мошенничество с оплатой (chargeback)", "Оскорбления сотрудников СТО",
            "Многократная неявка на запись", "Фиктивные бронирования"};

        private static final String PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ";
        /** VIN characters (no I, O, Q) and the model-year code at position 10 from 2001 on. */
        private static final String VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
        private static final String VIN_YEARS = "123456789ABCDEFGHJKLMNPRSTVWXY";
        private static final String TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        private static final int[] IIN_WEIGHTS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        private static final int[] IIN_WEIGHTS_AGAIN = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};

        private Kz() {
        }

        static Person person(SplittableRandom r) {
            boolean female = r.nextBoolean();
            double origin = r.nextDouble();
            String first;
            String last;
            if (origin < 0.72) {
                first = pick(r, female ? KAZAKH_FEMALE : KAZAKH_MALE);
                last = pick(r, KAZAKH_SURNAMES);
            } else {
                first = pick(r, female ? RUSSIAN_FEMALE : RUSSIAN_MALE);
                last = pick(r, origin < 0.95 ? RUSSIAN_SURNAMES : INVARIANT_SURNAMES);
            }
            if (female && (last.endsWith("ов") || last.endsWith("ев") || last.endsWith("ин"))) {
                last += "а";
            }
            LocalDate birth = LocalDate.of(1958 + r.nextInt(48), 1, 1).plusDays(r.nextInt(365));
            return new Person(first, last, female, origin < 0.72, birth);
        }

        /** Kazakh names mostly go with Kazakh or Russian; English is rare. */
        static String language(SplittableRandom r, Person p) {
            double x = r.nextDouble();
            if (x < 0.08) {
                return "en";
            }
            return p.kazakh() && x < 0.5 ? "kk" : "ru";
        }

        static String mobile(SplittableRandom r) {
            return "+7" + pick(r, MOBILE_CODES) + digits(r, 7);
        }

        /** A city landline in E.164: +7, the area code, then the subscriber number (10 digits after +7). */
        static String landline(SplittableRandom r, City city) {
            return "+7" + city.areaCode() + digits(r, 10 - city.areaCode().length());
        }

        static String ip(SplittableRandom r) {
            return pick(r, IP_PREFIXES) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
        }

        /**
         * An IIN: birth date YYMMDD, century-and-gender digit (3/4 for 1900s, 5/6 for 2000s; even for
         * women), a 4-digit serial, and the check digit. A serial whose check digit does not exist
         * is skipped for the next one.
         */
        static String iin(LocalDate birth, boolean female, int serial) {
            int centuryAndGender = (birth.getYear() < 2000 ? 3 : 5) + (female ? 1 : 0);
            String date = two(birth.getYear() % 100) + two(birth.getMonthValue()) + two(birth.getDayOfMonth());
            for (int s = serial; ; s = (s + 1) % 10_000) {
                String body = date + centuryAndGender + String.valueOf(10_000 + s).substring(1);
                int check = checkDigit(body, IIN_WEIGHTS);
                if (check == 10) {
                    check = checkDigit(body, IIN_WEIGHTS_AGAIN);
                }
                if (check < 10) {
                    return body + check;
                }
            }
        }

        private static int checkDigit(String body, int[] weights) {
            int sum = 0;
            for (int i = 0; i < 11; i++) {
                sum += (body.charAt(i) - '0') * weights[i];
            }
            return sum % 11;
        }

        /** "123 ABC 02" (a private car) or, one in ten, "123 AB 02" (a company car); the suffix is the region. */
        static String plate(SplittableRandom r, City city) {
            return String.valueOf(1000 + 1 + r.nextInt(999)).substring(1) + " " + letters(r, chance(r, 0.9) ? 3 : 2)
                    + " " + city.plateRegion();
        }

        /** Manufacturer code, 5 descriptor characters, check position, model year, plant, 6-digit serial. */
        static String vin(SplittableRandom r, Model m, int year) {
            StringBuilder v = new StringBuilder(17).append(m.wmi());
            for (int i = 0; i < 5; i++) {
                v.append(VIN_CHARS.charAt(r.nextInt(VIN_CHARS.length())));
            }
            v.append(r.nextInt(10));
            v.append(VIN_YEARS.charAt(Math.floorMod(year - 2001, VIN_YEARS.length())));
            v.append(VIN_CHARS.charAt(r.nextInt(VIN_CHARS.length())));
            return v.append(digits(r, 6)).toString();
        }

        static String latin(String cyrillic) {
            StringBuilder out = new StringBuilder(cyrillic.length() + 4);
            for (char ch : cyrillic.toLowerCase(Locale.ROOT).toCharArray()) {
                out.append(switch (ch) {
                    case 'а', 'ә' -> "a";
                    case 'б' -> "b";
                    case 'в' -> "v";
                    case 'г', 'ғ' -> "g";
                    case 'д' -> "d";
                    case 'е', 'ё', 'э' -> "e";
                    case 'ж' -> "zh";
                    case 'з' -> "z";
                    case 'и', 'і' -> "i";
                    case 'й', 'ы' -> "y";
                    case 'к', 'қ' -> "k";
                    case 'л' -> "l";
                    case 'м' -> "m";
                    case 'н', 'ң' -> "n";
                    case 'о', 'ө' -> "o";
                    case 'п' -> "p";
                    case 'р' -> "r";
                    case 'с' -> "s";
                    case 'т' -> "t";
                    case 'у', 'ұ', 'ү' -> "u";
                    case 'ф' -> "f";
                    case 'х', 'һ' -> "kh";
                    case 'ц' -> "ts";
                    case 'ч' -> "ch";
                    case 'ш' -> "sh";
                    case 'щ' -> "sch";
                    case 'ю' -> "yu";
                    case 'я' -> "ya";
                    case 'ъ', 'ь' -> "";
                    default -> String.valueOf(ch);
                });
            }
            return out.toString();
        }

        static String digits(SplittableRandom r, int n) {
            StringBuilder s = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                s.append((char) ('0' + r.nextInt(10)));
            }
            return s.toString();
        }

        static String letters(SplittableRandom r, int n) {
            StringBuilder s = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                s.append(PLATE_LETTERS.charAt(r.nextInt(PLATE_LETTERS.length())));
            }
            return s.toString();
        }

        static String hex(SplittableRandom r, int n) {
            StringBuilder s = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                s.append(Character.forDigit(r.nextInt(16), 16));
            }
            return s.toString();
        }

        /** Base64url characters, as in FCM push tokens. */
        static String token(SplittableRandom r, int n) {
            StringBuilder s = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                s.append(TOKEN_CHARS.charAt(r.nextInt(TOKEN_CHARS.length())));
            }
            return s.toString();
        }

        /** A version-4 UUID drawn from the subject's stream (UUID.randomUUID would not be reproducible). */
        static String uuid(SplittableRandom r) {
            long high = (r.nextLong() & ~0xF000L) | 0x4000L;
            long low = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            return new UUID(high, low).toString();
        }

        private static String two(int n) {
            return n < 10 ? "0" + n : String.valueOf(n);
        }
    }

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    private static boolean chance(SplittableRandom r, double p) {
        return r.nextDouble() < p;
    }

    /** A whole second in [from, to]; {@code from} when the interval is empty. */
    private static Instant between(SplittableRandom r, Instant from, Instant to) {
        long span = to.getEpochSecond() - from.getEpochSecond();
        return span <= 0 ? from : from.plusSeconds(r.nextLong(span + 1));
    }

    private static LocalDate randomDate(SplittableRandom r, LocalDate from, LocalDate to) {
        long span = to.toEpochDay() - from.toEpochDay();
        return span <= 0 ? from : from.plusDays(r.nextLong(span + 1));
    }

    /** The later of two instants; a null one (no value yet) loses. */
    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static Instant earlier(Instant a, Instant b) {
        return b.isBefore(a) ? b : a;
    }

    private static LocalDate latest(LocalDate a, LocalDate b) {
        return b.isAfter(a) ? b : a;
    }

    /** Degrees with the 6 decimals of numeric(9,6) (about 10 cm). */
    private static BigDecimal deg(double degrees) {
        return BigDecimal.valueOf(Math.round(degrees * 1_000_000), 6);
    }
}
