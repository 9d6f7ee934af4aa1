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
import static kz.dsr.demo.Draws.pick;
import static kz.dsr.demo.Draws.token;
import static kz.dsr.demo.Draws.uuid;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import kz.dsr.demo.CopyLoader.Table;
import kz.dsr.demo.Kazakhstan.City;
import kz.dsr.demo.Kazakhstan.Person;

/**
 * Inji's random subjects: phone-only delivery accounts, mostly in Uralsk, with addresses, orders,
 * payments and app analytics. What they are made of is in {@code demo/samples/inji/reference.yaml}.
 */
final class InjiGenerator extends SubjectGenerator {

    private record Product(String name, long priceKzt) {
    }

    private record Line(String product, int quantity, long priceKzt) {
    }

    private final Kazakhstan kz;
    private final City homeCity;
    private final List<String> firstAddressLabels;
    private final List<String> addressLabels;
    private final List<String> houseSuffixes;
    private final List<String> courierNotes;
    private final List<Product> products = new ArrayList<>();
    private final List<String> orderComments;
    private final List<String> itemNotes;
    private final List<String> paymentProviders;
    private final List<String> events;
    private final List<String> androidBrowsers;
    private final List<String> iosBrowsers;
    private final List<String> appVersions;

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
    private final Table usageEvents = copy.table("usage_events", "id, device_id, event, ip, browser, created_at");

    /** users.phone is unique. */
    private final Set<String> phones = new HashSet<>();

    InjiGenerator(CopyLoader copy, Instant now, Kazakhstan kz) {
        super(copy, now);
        this.kz = kz;
        ReferenceFile ref = ReferenceFile.read("inji/reference.yaml");
        homeCity = kz.city(ref.string("home_city"), "demo/samples/inji/reference.yaml, home_city");
        firstAddressLabels = ref.strings("first_address_labels");
        addressLabels = ref.strings("address_labels");
        houseSuffixes = ref.strings("house_suffixes");
        courierNotes = ref.strings("courier_notes");
        for (Map.Entry<String, Long> p : ref.amounts("products").entrySet()) {
            products.add(new Product(p.getKey(), p.getValue()));
        }
        orderComments = ref.strings("order_comments");
        itemNotes = ref.strings("item_notes");
        paymentProviders = ref.strings("payment_providers");
        events = ref.strings("events");
        androidBrowsers = ref.strings("android_browsers");
        iosBrowsers = ref.strings("ios_browsers");
        appVersions = ref.strings("app_versions");
        ref.done();
    }

    @Override
    void avoidFixtureValues(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select phone from users")) {
            while (rs.next()) {
                phones.add(rs.getString(1));
            }
        }
    }

    @Override
    void subject(long userId, SplittableRandom r) {
        Person person = kz.person(r);
        Instant created = between(r, now.minusSeconds(4 * YEAR), now.minusSeconds(DAY));
        Instant closed = chance(r, 0.03) ? between(r, created.plusSeconds(DAY), now) : null;
        Instant end = closed != null ? closed : now;
        String phone;
        do {
            phone = kz.mobile(r);
        } while (!phones.add(phone));

        // Addresses are saved soon after sign-up; an order uses one that existed at the time.
        City home = chance(r, 0.85) ? homeCity : pick(r, kz.cities);
        Instant[] addressTimes = new Instant[1 + r.nextInt(3)];
        long[] addressIds = new long[addressTimes.length];
        for (int i = 0; i < addressTimes.length; i++) {
            addressTimes[i] = i == 0 ? created : between(r, created, earlier(end, created.plusSeconds(180 * DAY)));
        }
        Arrays.sort(addressTimes);
        for (int i = 0; i < addressTimes.length; i++) {
            addressIds[i] = address(userId, i == 0 || chance(r, 0.8) ? home : pick(r, kz.cities),
                    pick(r, i == 0 ? firstAddressLabels : addressLabels), addressTimes[i], r);
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
            order(userId, addressId, at, closed, r);
        }

        String[] ips = new String[1 + r.nextInt(3)];
        for (int i = 0; i < ips.length; i++) {
            ips[i] = kz.ip(r);
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
            String browser = pick(r, ios ? iosBrowsers : androidBrowsers);
            Instant[] times = new Instant[n];
            for (int i = 0; i < n; i++) {
                times[i] = between(r, from, end);
            }
            Arrays.sort(times); // ids grow with time, as they do in production
            for (Instant t : times) {
                usageEvents.row(usageEvents.newId(), deviceId, pick(r, events), pick(r, Arrays.asList(ips)), browser, t);
            }
            lastSeen = later(lastSeen, times[n - 1]);
        }
        if (lastSeen == null) {
            lastSeen = between(r, created, end);
        }
        String language = Kazakhstan.language(r, person);
        users.row(userId, phone, displayName(person, r), language, created, lastSeen, closed, chance(r, 0.01),
                chance(r, 0.7), chance(r, 0.75), chance(r, 0.8));
    }

    private static String displayName(Person p, SplittableRandom r) {
        double x = r.nextDouble();
        if (x < 0.5) {
            return p.first();
        } else if (x < 0.7) {
            return p.first() + " " + p.last().charAt(0) + ".";
        } else if (x < 0.85) {
            String latin = Kazakhstan.latin(p.first());
            return Character.toUpperCase(latin.charAt(0)) + latin.substring(1);
        }
        return null;
    }

    private long address(long userId, City city, String label, Instant at, SplittableRandom r) {
        long id = addresses.newId();
        boolean privateHouse = chance(r, 0.2);
        String house = (1 + r.nextInt(privateHouse ? 250 : 120)) + (chance(r, 0.12) ? pick(r, houseSuffixes) : "");
        String note = null;
        if (chance(r, 0.15)) {
            note = "Код домофона " + (1 + r.nextInt(200)) + "К" + digits(r, 4);
        } else if (chance(r, 0.25)) {
            note = pick(r, courierNotes);
        }
        addresses.row(id, userId, label, city.name(), pick(r, city.streets()), house,
                privateHouse ? null : String.valueOf(1 + r.nextInt(180)),
                privateHouse ? null : String.valueOf(1 + r.nextInt(12)),
                privateHouse ? null : String.valueOf(1 + r.nextInt(6)),
                note, deg(city.lat() + r.nextGaussian() * 0.02), deg(city.lon() + r.nextGaussian() * 0.03), at);
        return id;
    }

    private void order(long userId, Long addressId, Instant at, Instant closed, SplittableRandom r) {
        String status;
        if (closed == null && Duration.between(at, now).toHours() < 3) {
            status = chance(r, 0.5) ? "created" : "in_delivery";
        } else {
            status = chance(r, 0.88) ? "delivered" : "cancelled";
        }
        int lineCount = 1 + r.nextInt(5);
        boolean[] taken = new boolean[products.size()];
        List<Line> lines = new ArrayList<>(lineCount);
        while (lines.size() < lineCount) {
            int p = r.nextInt(products.size());
            if (!taken[p]) {
                taken[p] = true;
                Product product = products.get(p);
                lines.add(new Line(product.name(), chance(r, 0.75) ? 1 : 2 + r.nextInt(3), product.priceKzt()));
            }
        }
        long orderId = orders.newId();
        long sum = 0;
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            items.row(orderId, i + 1, l.product(), l.quantity(), l.priceKzt());
            sum += l.quantity() * l.priceKzt();
        }
        long total = sum + (sum >= 5000 ? 0 : 500); // delivery is free from 5,000 KZT
        orders.row(orderId, userId, addressId, status, total, chance(r, 0.08) ? kz.mobile(r) : null,
                chance(r, 0.2) ? pick(r, orderComments) : null, at);
        for (int line = 1; line <= lines.size(); line++) {
            if (chance(r, 0.12)) {
                int count = chance(r, 0.8) ? 1 : 2;
                for (int n = 1; n <= count; n++) {
                    notes.row(orderId, line, n, pick(r, itemNotes));
                }
            }
        }
        if (status.equals("delivered") || status.equals("in_delivery")) {
            String provider = pick(r, paymentProviders);
            String ref;
            String last4 = digits(r, 4);
            switch (provider) {
                case "Kaspi Pay" -> {
                    ref = "4" + digits(r, 9);
                    last4 = chance(r, 0.4) ? null : last4; // paid by QR from the Kaspi app: no card
                }
                case "Halyk ePay" -> ref = digits(r, 12);
                default -> ref = "1" + digits(r, 9);
            }
            payments.row(payments.newId(), orderId, provider, ref, last4, total, at.plusSeconds(30 + r.nextInt(300)));
        }
    }

    private long device(long userId, Instant at, boolean ios, SplittableRandom r) {
        long id = devices.newId();
        if (ios) {
            devices.row(id, userId, chance(r, 0.9) ? "phone" : "tablet", uuid(r).toUpperCase(Locale.ROOT), "iOS",
                    pick(r, kz.iosVersions), pick(r, appVersions), hex(r, 64), at);
        } else {
            devices.row(id, userId, chance(r, 0.95) ? "phone" : "tablet", hex(r, 16), "Android",
                    pick(r, kz.androidVersions), pick(r, appVersions), token(r, 11) + ":APA91b" + token(r, 134), at);
        }
        return id;
    }
}
