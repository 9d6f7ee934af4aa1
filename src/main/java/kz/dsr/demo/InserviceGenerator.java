package kz.dsr.demo;

import static kz.dsr.demo.Draws.DAY;
import static kz.dsr.demo.Draws.YEAR;
import static kz.dsr.demo.Draws.between;
import static kz.dsr.demo.Draws.chance;
import static kz.dsr.demo.Draws.deg;
import static kz.dsr.demo.Draws.digits;
import static kz.dsr.demo.Draws.earlier;
import static kz.dsr.demo.Draws.hex;
import static kz.dsr.demo.Draws.later;
import static kz.dsr.demo.Draws.latest;
import static kz.dsr.demo.Draws.pick;
import static kz.dsr.demo.Draws.randomDate;
import static kz.dsr.demo.Draws.uuid;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import kz.dsr.demo.CopyLoader.Table;
import kz.dsr.demo.Kazakhstan.City;
import kz.dsr.demo.Kazakhstan.Person;

/**
 * InService's random subjects: car owners with documents, vehicles, bookings, GPS trips, call and
 * SMS logs, and now and then a debt, a dispute or a ban that holds an erasure. What they are made
 * of is in {@code demo/samples/inservice/reference.yaml}.
 */
final class InserviceGenerator extends SubjectGenerator {

    private record Model(String make, String model, int since, String wmi) {
    }

    /** VIN characters (no I, O, Q) and the model-year code at position 10 from 2001 on. */
    private static final String VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    private static final String VIN_YEARS = "123456789ABCDEFGHJKLMNPRSTVWXY";

    private final Kazakhstan kz;
    private final List<City> customerCities = new ArrayList<>();
    private final List<Model> models;
    private final List<String> colours;
    private final List<String> licenceCategories;
    private final List<String> workshops;
    private final List<String> searchTexts;
    private final List<String> carSearches;
    private final List<String> callDirections;
    private final List<String> smsRoutes;
    private final List<String> debtReasons;
    private final List<String> disputeSubjects;
    private final List<String> banReasons;

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

    InserviceGenerator(CopyLoader copy, Instant now, Kazakhstan kz) {
        super(copy, now);
        this.kz = kz;
        ReferenceFile ref = ReferenceFile.read("inservice/reference.yaml");
        for (String name : ref.strings("customer_cities")) {
            customerCities.add(kz.city(name, "demo/samples/inservice/reference.yaml, customer_cities"));
        }
        models = ref.records("models", m -> new Model(m.string("make"), m.string("model"), m.integer("since"),
                m.string("wmi")));
        colours = ref.strings("colours");
        licenceCategories = ref.strings("licence_categories");
        workshops = ref.strings("workshops");
        searchTexts = ref.strings("searches");
        carSearches = ref.strings("car_searches");
        callDirections = ref.strings("call_directions");
        smsRoutes = ref.strings("sms_routes");
        debtReasons = ref.strings("debt_reasons");
        disputeSubjects = ref.strings("dispute_subjects");
        banReasons = ref.strings("ban_reasons");
        ref.done();
    }

    @Override
    void avoidFixtureValues(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select email, phone from users")) {
            while (rs.next()) {
                if (rs.getString(1) != null) {
                    emails.add(rs.getString(1));
                }
                if (rs.getString(2) != null) {
                    phones.add(rs.getString(2));
                }
            }
        }
    }

    @Override
    void subject(long userId, SplittableRandom r) {
        Person person = kz.person(r);
        City city = pick(r, customerCities);
        Instant created = between(r, now.minusSeconds(6 * YEAR), now.minusSeconds(DAY));
        Instant closed = chance(r, 0.05) ? between(r, created.plusSeconds(DAY), now) : null;
        Instant end = closed != null ? closed : now;
        String email = chance(r, 0.95) ? uniqueEmail(person, r) : null;
        String phone = null;
        if (chance(r, 0.97)) {
            do {
                phone = kz.mobile(r);
            } while (!phones.add(phone));
        }
        boolean banned = chance(r, 0.01);
        users.row(userId, email, person.fullName(), person.birth(), person.female() ? "female" : "male", city.name(),
                phone, created, closed, banned ? "banned" : "active", chance(r, 0.01));
        if (banned) {
            bans.row(userId, pick(r, banReasons), between(r, created, end));
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
            Model m = pick(r, models);
            int year = m.since() + r.nextInt(Math.max(1, now.atZone(ZoneOffset.UTC).getYear() - m.since() + 1));
            vehicleIds[i] = vehicles.newId();
            vehicles.row(vehicleIds[i], userId, Kazakhstan.plate(r, city), m.make(), m.model(), year,
                    pick(r, colours), vin(r, m, year));
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
                String direction = pick(r, callDirections);
                calls.row(calls.newId(), userId, direction, chance(r, 0.6) ? Kazakhstan.landline(r, city) : kz.mobile(r),
                        direction.equals("missed") ? 0 : 10 + r.nextInt(900), between(r, logsFrom, end));
            }
            int smsCount = phone == null ? 0 : r.nextInt(11);
            for (int i = 0; i < smsCount; i++) {
                sms.row(sms.newId(), userId, pick(r, smsRoutes), phone, between(r, logsFrom, end));
            }
            int searchCount = r.nextInt(21);
            String ip = kz.ip(r);
            for (int i = 0; i < searchCount; i++) {
                String query = carName != null && chance(r, 0.3)
                        ? pick(r, carSearches) + " " + carName
                        : pick(r, searchTexts);
                searches.row(searches.newId(), userId, query, chance(r, 0.8) ? ip : kz.ip(r), between(r, logsFrom, end));
            }
        }

        int deviceCount = chance(r, 0.3) ? 2 : 1;
        for (int i = 0; i < deviceCount; i++) {
            device(userId, i == 0 ? created : between(r, created, end), r);
        }

        double hold = r.nextDouble();
        if (hold < 0.03) {
            debts.row(debts.newId(), userId, 500 * (4 + r.nextInt(300)), pick(r, debtReasons),
                    between(r, created, end), null);
        } else if (hold < 0.08) {
            Instant owed = between(r, created, end);
            debts.row(debts.newId(), userId, 500 * (4 + r.nextInt(300)), pick(r, debtReasons), owed,
                    earlier(now, owed.plusSeconds((1 + r.nextInt(60)) * DAY)));
        }
        double dispute = r.nextDouble();
        if (dispute < 0.02) {
            disputes.row(disputes.newId(), userId, pick(r, disputeSubjects), between(r, created, end), null);
        } else if (dispute < 0.06) {
            Instant opened = between(r, created, end);
            disputes.row(disputes.newId(), userId, pick(r, disputeSubjects), opened,
                    earlier(now, opened.plusSeconds((3 + r.nextInt(60)) * DAY)));
        }
    }

    private String uniqueEmail(Person p, SplittableRandom r) {
        String first = Kazakhstan.latin(p.first());
        String last = Kazakhstan.latin(p.last());
        String yy = String.valueOf(p.birth().getYear()).substring(2);
        String local = switch (r.nextInt(4)) {
            case 0 -> first + "." + last;
            case 1 -> first + last + yy;
            case 2 -> first.charAt(0) + "." + last;
            default -> first + "_" + yy;
        };
        String domain = pick(r, kz.emailDomains);
        String email = local + "@" + domain;
        for (int n = 2; !emails.add(email); n++) {
            email = local + n + "@" + domain;
        }
        return email;
    }

    /** One identity document whose IIN agrees with the birth date and gender; a licence for most. */
    private void identity(long userId, Person p, SplittableRandom r) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate issued = randomDate(r, latest(p.birth().plusYears(16), today.minusYears(10)), today);
        boolean idCard = chance(r, 0.8);
        documents.row(documents.newId(), userId, idCard ? "id_card" : "passport",
                idCard ? "0" + digits(r, 8) : "N" + digits(r, 8), Kazakhstan.iin(p.birth(), p.female(), r.nextInt(10_000)),
                issued, issued.plusYears(10).minusDays(1));
        if (chance(r, 0.6)) {
            LocalDate licensed = randomDate(r, latest(p.birth().plusYears(18), today.minusYears(10)), today);
            licences.row(licences.newId(), userId, Kazakhstan.letters(r, 2) + digits(r, 6), pick(r, licenceCategories),
                    licensed, licensed.plusYears(10));
        }
    }

    private void booking(long userId, Long vehicleId, City city, Instant created, Instant closed, SplittableRandom r) {
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
        bookings.row(id, userId, vehicleId, pick(r, workshops) + ", " + city.name(), bookedFor, status, price, created);
        if (status.equals("completed")) {
            invoices.row(invoices.newId(), userId, id, price, bookedFor.plusSeconds((2 + r.nextInt(5)) * 3600L));
        }
    }

    /** A GPS track: a fix every 15–60 s, driving at 15–60 km/h with a wandering heading. */
    private void trip(long tripId, long userId, Long vehicleId, City city, Instant start, int fixes, SplittableRandom r) {
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
            case "android" -> hex(r, 16);
            case "ios" -> uuid(r).toUpperCase(Locale.ROOT);
            default -> uuid(r);
        };
        String version = switch (platform) {
            case "android" -> pick(r, kz.androidVersions);
            case "ios" -> pick(r, kz.iosVersions);
            default -> pick(r, kz.desktopOses);
        };
        devices.row(devices.newId(), userId, uid, platform, version, kz.ip(r), at);
    }

    /** Manufacturer code, 5 descriptor characters, check position, model year, plant, 6-digit serial. */
    private static String vin(SplittableRandom r, Model m, int year) {
        StringBuilder v = new StringBuilder(17).append(m.wmi());
        for (int i = 0; i < 5; i++) {
            v.append(VIN_CHARS.charAt(r.nextInt(VIN_CHARS.length())));
        }
        v.append(r.nextInt(10));
        v.append(VIN_YEARS.charAt(Math.floorMod(year - 2001, VIN_YEARS.length())));
        v.append(VIN_CHARS.charAt(r.nextInt(VIN_CHARS.length())));
        return v.append(digits(r, 6)).toString();
    }
}
