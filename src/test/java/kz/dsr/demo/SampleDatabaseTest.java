package kz.dsr.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import kz.dsr.testing.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The samples are what executor tests and the demo build on: they must load, hold exactly the
 * fixtures that {@code demo/samples/<sample>/fixtures.sql} documents, be reproducible, be realistic
 * in the ways the executor relies on (valid IINs, E.164 phones, data older than retention), and
 * refuse a reference file with a mistake in it rather than draw from the wrong list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleDatabaseTest {

    private static final int SUBJECTS = 300;

    private JdbcTemplate inji;
    private JdbcTemplate inservice;

    @BeforeAll
    void loadBothSamples() {
        inji = load(Sample.INJI, SUBJECTS, 42);
        inservice = load(Sample.INSERVICE, SUBJECTS, 42);
    }

    @Test
    void fixturesAndRandomSubjectsAreLoaded() {
        assertEquals(List.of(3, SUBJECTS), subjectCounts(inji));
        assertEquals(List.of(6, SUBJECTS), subjectCounts(inservice));
        assertEquals(1001L + SUBJECTS - 1, inji.queryForObject("select max(id) from users", Long.class));
        // Random subjects have children in every table, not only the fixtures.
        for (String table : List.of("addresses", "orders", "order_items", "order_item_notes", "payments", "devices",
                "usage_events")) {
            assertTrue(count(inji, "select count(*) from " + table) > SUBJECTS, table);
        }
        for (String table : List.of("consents", "marketing_preferences", "vehicles", "id_documents", "driver_licences",
                "service_bookings", "invoices", "trips", "trip_points", "call_logs", "sms_log", "search_queries",
                "devices", "debts", "disputes")) {
            assertTrue(count(inservice, "select count(*) from " + table) > 10, table);
        }
    }

    @Test
    void injiFixturesHoldWhatFixturesSqlSays() {
        Map<String, Object> asel = inji.queryForMap("select * from users where id = 1");
        assertEquals("+77011234567", asel.get("phone"));
        assertEquals("Асель", asel.get("display_name"));
        assertNull(asel.get("closed_at"));
        assertEquals(2, count(inji, "select count(*) from addresses where user_id = 1"));
        assertEquals(List.of(1L, 2L, 3L), inji.queryForList("select id from orders where user_id = 1 order by id", Long.class));
        assertEquals(7, count(inji, "select count(*) from order_items where order_id in (1, 2, 3)"));
        assertEquals(2, count(inji, "select count(*) from order_item_notes where order_id = 1 and line_no = 1"));
        assertEquals(2, count(inji, "select count(*) from order_item_notes where order_id in (1, 2, 3)"));
        assertEquals(3, count(inji, "select count(*) from payments where order_id in (1, 2, 3)"));
        assertEquals(0, count(inji, """
                select count(*) from orders o join payments p on p.order_id = o.id
                where o.user_id = 1 and p.amount_kzt <> o.total_kzt"""));
        assertEquals(List.of(1L), inji.queryForList("select id from devices where user_id = 1", Long.class));
        assertEquals(20, count(inji, "select count(*) from usage_events where device_id = 1"));
        assertEquals(8, count(inji, "select count(*) from usage_events where device_id = 1 and created_at < now() - interval '200 days'"));

        assertEquals("Данияр", inji.queryForObject("select display_name from users where phone = '+77021112233'", String.class));
        assertEquals(List.of(1, 1, 1), List.of(
                count(inji, "select count(*) from addresses where user_id = 2"),
                count(inji, "select count(*) from orders where user_id = 2"),
                count(inji, "select count(*) from devices where user_id = 2")));

        assertEquals(3L, inji.queryForObject("select id from users where phone = '+77759876543'", Long.class));
        assertTrue(count(inji, """
                select count(*) from users where id = 3
                and closed_at between now() - interval '1462 days' and now() - interval '1459 days'""") == 1);
        assertEquals(1, count(inji, "select count(*) from orders where user_id = 3 and created_at < now() - interval '4 years'"));
    }

    @Test
    void inserviceFixturesHoldWhatFixturesSqlSays() {
        Map<String, Object> aigerim = inservice.queryForMap("select * from users where id = 1");
        assertEquals("aigerim.nurlanova@example.kz", aigerim.get("email"));
        assertEquals("Айгерим Нурланова", aigerim.get("full_name"));
        assertEquals("+77015550101", aigerim.get("phone"));
        assertEquals("Алматы", aigerim.get("city"));
        assertEquals("123 ABC 02 Toyota Camry", inservice.queryForObject(
                "select plate || ' ' || make || ' ' || model from vehicles where user_id = 1", String.class));
        String iin = inservice.queryForObject("select iin from id_documents where user_id = 1", String.class);
        assertEquals("920314412346", iin); // documented in inservice/fixtures.sql
        assertTrue(validIin(iin), iin);
        assertEquals(1, count(inservice, "select count(*) from driver_licences where user_id = 1"));
        assertEquals(2, count(inservice, "select count(*) from service_bookings where user_id = 1"));
        assertEquals(1, count(inservice, "select count(*) from invoices where user_id = 1"));
        assertEquals(List.of(6, 8), inservice.queryForList(
                "select count(*)::int from trip_points p join trips t on t.id = p.trip_id where t.user_id = 1 group by t.id order by t.id",
                Integer.class));
        assertEquals(3, count(inservice, "select count(*) from call_logs where user_id = 1"));
        assertEquals(4, count(inservice, "select count(*) from search_queries where user_id = 1"));
        assertEquals(1, count(inservice, "select count(*) from devices where user_id = 1"));
        assertEquals(4, count(inservice, "select count(*) from consents where user_id = 1 and granted"));
        assertEquals(1, count(inservice,
                "select count(*) from marketing_preferences where user_id = 1 and email_news and sms_offers and push_offers"));

        assertEquals(2L, userId("debtor@example.kz"));
        assertEquals(1, count(inservice, "select count(*) from debts where user_id = 2 and settled_at is null"));
        assertEquals(3L, userId("dispute@example.kz"));
        assertEquals(1, count(inservice, "select count(*) from disputes where user_id = 3 and closed_at is null"));
        assertEquals(4L, userId("banned@example.kz"));
        assertEquals(1, count(inservice, """
                select count(*) from users u join bans b on b.user_id = u.id
                where u.id = 4 and u.status = 'banned' and u.phone = '+77770000004'"""));
        assertEquals(5L, userId("erlan.saparov@example.kz"));
        assertEquals("+77051234567", inservice.queryForObject("select phone from users where id = 5", String.class));
        assertEquals(List.of(1, 0, 1, 0), List.of(
                count(inservice, "select count(*) from debts where user_id = 5 and settled_at is not null"),
                count(inservice, "select count(*) from debts where user_id = 5 and settled_at is null"),
                count(inservice, "select count(*) from disputes where user_id = 5 and closed_at is not null"),
                count(inservice, "select count(*) from disputes where user_id = 5 and closed_at is null")));
        assertEquals(6L, userId("o'brien@example.kz"));
        assertEquals("Robert'); DROP TABLE users;--",
                inservice.queryForObject("select full_name from users where id = 6", String.class));

        // Fixture phones and e-mails name exactly one user each, whatever the random subjects drew.
        assertEquals(1, count(inservice, "select count(*) from users where phone = '+77015550101'"));
        assertEquals(1, count(inservice, "select count(*) from users where phone = '+77051234567'"));
    }

    /** The loader drops keys and indexes for speed; what it leaves must be exactly what schema.sql declares. */
    @Test
    void keysAndIndexesAreThoseOfSchemaSql() throws Exception {
        for (Sample sample : Sample.values()) {
            JdbcTemplate declared = newDatabase(sample);
            try (InputStream sql = getClass().getClassLoader().getResourceAsStream("demo/samples/" + sample.id() + "/schema.sql")) {
                declared.execute(new String(sql.readAllBytes(), StandardCharsets.UTF_8));
            }
            List<String> expected = keysAndIndexes(declared);
            assertTrue(expected.size() > 10, expected::toString);
            assertEquals(expected, keysAndIndexes(sample == Sample.INJI ? inji : inservice), sample.id());
        }
    }

    @Test
    void sameSeedGivesTheSameDataAndAnotherSeedOtherData() {
        Instant now = Instant.parse("2026-03-01T00:00:00Z");
        for (Sample sample : Sample.values()) {
            String first = checksum(load(sample, SUBJECTS, 7, now));
            String second = checksum(load(sample, SUBJECTS, 7, now));
            String other = checksum(load(sample, SUBJECTS, 8, now));
            assertEquals(first, second, sample.id());
            assertNotEquals(first, other, sample.id());
        }
    }

    @Test
    void everyIinHasAValidCheckDigit() {
        List<String> iins = inservice.queryForList("select iin from id_documents", String.class);
        assertEquals(6 + SUBJECTS, iins.size());
        for (String iin : iins) {
            assertTrue(validIin(iin), iin);
        }
    }

    @Test
    void everyPhoneIsKazakhE164() {
        String e164 = "'^\\+7\\d{10}$'";
        assertEquals(0, count(inji, "select count(*) from users where phone !~ " + e164));
        assertEquals(0, count(inji, "select count(*) from orders where recipient_phone !~ " + e164));
        assertTrue(count(inji, "select count(*) from orders where recipient_phone is not null") > 0);
        assertEquals(0, count(inservice, "select count(*) from users where phone !~ " + e164));
        assertEquals(0, count(inservice, "select count(*) from call_logs where other_phone !~ " + e164));
        assertEquals(0, count(inservice, "select count(*) from sms_log where phone !~ " + e164));
    }

    @Test
    void usageEventsReachBeyondA180DayRetention() {
        assertTrue(count(inji, "select count(*) from usage_events where device_id <> 1 and created_at < now() - interval '180 days'") > 100);
        assertTrue(count(inji, "select count(*) from usage_events where created_at >= now() - interval '180 days'") > 100);
        assertEquals(0, count(inji, "select count(*) from usage_events where created_at < now() - interval '402 days'"));
    }

    @Test
    void rowsReferToTheirOwnUser() {
        assertEquals(0, count(inji, """
                select count(*) from orders o join addresses a on a.id = o.address_id where a.user_id <> o.user_id"""));
        assertEquals(0, count(inservice, """
                select count(*) from service_bookings b join vehicles v on v.id = b.vehicle_id where v.user_id <> b.user_id"""));
        assertEquals(0, count(inservice, """
                select count(*) from invoices i join service_bookings b on b.id = i.booking_id
                where b.user_id <> i.user_id or b.status <> 'completed'"""));
    }

    @Test
    void addHeavySubjectAddsExactlyTheRowsAsked() {
        int rows = 2_000;
        JdbcTemplate db = load(Sample.INJI, 20, 1);
        List<Integer> before = injiRowsOf(db, 1);
        SampleDatabase.addHeavySubject(db.getDataSource(), Sample.INJI, 1, rows);
        List<Integer> after = injiRowsOf(db, 1);
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i) + rows, after.get(i), "inji table " + i);
        }

        db = load(Sample.INSERVICE, 20, 1);
        before = inserviceRowsOf(db, 1);
        SampleDatabase.addHeavySubject(db.getDataSource(), Sample.INSERVICE, 1, rows);
        after = inserviceRowsOf(db, 1);
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i) + rows, after.get(i), "inservice table " + i);
        }

        JdbcTemplate target = db;
        assertThrows(IllegalArgumentException.class,
                () -> SampleDatabase.addHeavySubject(target.getDataSource(), Sample.INSERVICE, 999_999, 1));
    }

    /** Reference files are edited by hand: a value is the text as written, whatever YAML would make of it. */
    @Test
    void referenceValuesAreTheTextAsWritten() {
        ReferenceFile f = ReferenceFile.parse("test.yaml", """
                labels: [Дом, ~, " к2"]
                cities:
                  - {name: Уральск, plate_region: 07, area_code: 7112, lat: 51.2333, lon: 51.3667, streets: [ул. Евразия]}
                """);
        assertEquals(Arrays.asList("Дом", null, " к2"), f.strings("labels"));
        List<List<Object>> cities = f.records("cities", c -> List.of(c.string("name"), c.string("plate_region"),
                c.string("area_code"), c.number("lat"), c.number("lon"), c.strings("streets")));
        assertEquals(List.of(List.of("Уральск", "07", "7112", 51.2333, 51.3667, List.of("ул. Евразия"))), cities);
        f.done();
    }

    @Test
    void aMisspeltOrMissingListIsRefusedWithTheFileAndLine() {
        ReferenceFile misspelt = ReferenceFile.parse("demo/samples/inservice/reference.yaml", """
                colours: [белый]
                colors: [чёрный]
                """);
        misspelt.strings("colours");
        assertEquals("demo/samples/inservice/reference.yaml, line 2: unknown key 'colors'",
                assertThrows(IllegalStateException.class, misspelt::done).getMessage());

        ReferenceFile missing = ReferenceFile.parse("demo/samples/inservice/reference.yaml", "colors: [чёрный]\n");
        assertEquals("demo/samples/inservice/reference.yaml: missing key 'colours'",
                assertThrows(IllegalStateException.class, () -> missing.strings("colours")).getMessage());
    }

    @Test
    void anEmptyListOrAWrongValueIsRefusedWithTheFileAndLine() {
        ReferenceFile empty = ReferenceFile.parse("names.yaml", "kazakh_male: []\n");
        assertEquals("names.yaml, line 1: kazakh_male must be a non-empty list",
                assertThrows(IllegalStateException.class, () -> empty.strings("kazakh_male")).getMessage());

        ReferenceFile city = ReferenceFile.parse("cities.yaml", """
                cities:
                  - name: Уральск
                    lat: north
                """);
        assertEquals("cities.yaml, line 3: lat must be a number, not 'north'", assertThrows(IllegalStateException.class,
                () -> city.records("cities", c -> c.number("lat"))).getMessage());

        ReferenceFile model = ReferenceFile.parse("inservice/reference.yaml", """
                models:
                  - {make: Kia, model: Rio, since: 2012, wmi: Z94, colour: red}
                """);
        assertEquals("inservice/reference.yaml, line 2: unknown key 'colour'", assertThrows(IllegalStateException.class,
                () -> model.records("models", m -> m.string("make") + m.string("model") + m.integer("since")
                        + m.string("wmi"))).getMessage());

        ReferenceFile menu = ReferenceFile.parse("inji/reference.yaml", "products:\n  Плов: 2500 тг\n");
        assertEquals("inji/reference.yaml, line 2: expected a whole number, not '2500 тг'",
                assertThrows(IllegalStateException.class, () -> menu.amounts("products")).getMessage());

        // "b" runs on into line 3 as one value, and its ":" is where the mapping breaks.
        assertEquals("broken.yaml, line 3: could not find expected ':'", assertThrows(IllegalStateException.class,
                () -> ReferenceFile.parse("broken.yaml", "a: [x]\nb\nc: [y]\n")).getMessage());
    }

    @Test
    void aSampleNamesOnlyCitiesOfTheSharedList() {
        assertEquals("demo/samples/inji/reference.yaml, home_city: no city 'Алма-Ата' in demo/samples/reference/cities.yaml",
                assertThrows(IllegalStateException.class, () -> Kazakhstan.load()
                        .city("Алма-Ата", "demo/samples/inji/reference.yaml, home_city")).getMessage());
    }

    private static List<Integer> injiRowsOf(JdbcTemplate db, long user) {
        return List.of(
                count(db, "select count(*) from addresses where user_id = " + user),
                count(db, "select count(*) from orders where user_id = " + user),
                count(db, "select count(*) from order_items i join orders o on o.id = i.order_id where o.user_id = " + user),
                count(db, "select count(*) from devices where user_id = " + user),
                count(db, "select count(*) from usage_events e join devices d on d.id = e.device_id where d.user_id = " + user));
    }

    private static List<Integer> inserviceRowsOf(JdbcTemplate db, long user) {
        return List.of(
                count(db, "select count(*) from vehicles where user_id = " + user),
                count(db, "select count(*) from trips where user_id = " + user),
                count(db, "select count(*) from trip_points p join trips t on t.id = p.trip_id where t.user_id = " + user),
                count(db, "select count(*) from call_logs where user_id = " + user),
                count(db, "select count(*) from search_queries where user_id = " + user));
    }

    private static JdbcTemplate load(Sample sample, int subjects, long seed) {
        JdbcTemplate db = newDatabase(sample);
        SampleDatabase.create(db.getDataSource(), sample, subjects, seed);
        return db;
    }

    private static JdbcTemplate load(Sample sample, int subjects, long seed, Instant now) {
        JdbcTemplate db = newDatabase(sample);
        SampleDatabase.create(db.getDataSource(), sample, subjects, seed, now);
        return db;
    }

    private static JdbcTemplate newDatabase(Sample sample) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(TestServers.get().newDatabase(sample.id()));
        ds.setUser("postgres");
        ds.setPassword("postgres");
        return new JdbcTemplate((DataSource) ds);
    }

    /** Fixtures (ids below 1001) and random subjects. */
    private static List<Integer> subjectCounts(JdbcTemplate db) {
        return List.of(count(db, "select count(*) from users where id < 1001"),
                count(db, "select count(*) from users where id >= 1001"));
    }

    private long userId(String email) {
        return inservice.queryForObject("select id from users where email = ?", Long.class, email);
    }

    private static List<String> keysAndIndexes(JdbcTemplate db) {
        return db.queryForList("""
                select conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                from pg_constraint where connamespace = 'public'::regnamespace
                union all
                select pg_get_indexdef(indexrelid) from pg_index i join pg_class t on t.oid = i.indrelid
                where t.relnamespace = 'public'::regnamespace
                order by 1""", String.class);
    }

    /** One md5 per table over all its rows, so a difference names the table. */
    private static String checksum(JdbcTemplate db) {
        StringBuilder sums = new StringBuilder();
        for (String table : db.queryForList(
                "select table_name from information_schema.tables where table_schema = 'public' order by 1", String.class)) {
            sums.append(table).append(' ').append(db.queryForObject(
                    "select md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from " + table + " t",
                    String.class)).append('\n');
        }
        return sums.toString();
    }

    /** The pipeline's own IIN check (the classifier's), not the generator's arithmetic. */
    private static boolean validIin(String iin) {
        return kz.dsr.classify.Contacts.isIin(iin);
    }

    private static int count(JdbcTemplate db, String sql) {
        Integer n = db.queryForObject(sql, Integer.class);
        return n == null ? 0 : n;
    }
}
