package kz.dsr.console;

import static kz.dsr.testing.RunningPipeline.await;
import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kz.dsr.request.RequestStatus;
import kz.dsr.request.RequestType;
import kz.dsr.store.RequestStore;
import kz.dsr.testing.RunningPipeline;
import kz.dsr.testing.TestMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The operator console in a real headless Chromium (the machine's /usr/bin/chromium through its
 * chromedriver) against the running pipeline: what an operator sees and does, and what a viewer, a
 * forged form and a hostile subject line cannot do. One browser and one pipeline for the class.
 */
public class ConsoleBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    /** Cheapest bcrypt cost: the tests sign in often; the product writes cost 12. */
    private static final int TEST_ROUNDS = 4;
    private static final String PASSWORD = "correct horse battery";

    private static RunningPipeline pipeline;
    private static WebDriver browser;
    private static Path profile;
    private static String base;
    private static RequestStore requests;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("dsr-console");
        Operators accounts = new Operators(dir.resolve("operators.yaml"));
        accounts.put(new Operators.Account("aliya", Role.ADMIN, "en", Operators.hash(PASSWORD, TEST_ROUNDS)));
        accounts.put(new Operators.Account("bolat", Role.OPERATOR, "en", Operators.hash(PASSWORD, TEST_ROUNDS)));
        accounts.put(new Operators.Account("vera", Role.VIEWER, "en", Operators.hash(PASSWORD, TEST_ROUNDS)));
        accounts.put(new Operators.Account("dana", Role.OPERATOR, "ru", Operators.hash(PASSWORD, TEST_ROUNDS)));
        pipeline = RunningPipeline.start(Map.of("dsr.flow.poll-ms", "200", "dsr.operator.address", "operator@dsr.test",
                "dsr.console.operators-file", dir.resolve("operators.yaml").toString()));
        base = "http://127.0.0.1:" + pipeline.httpPort() + "/console";
        requests = new RequestStore(pipeline.store());

        profile = Files.createTempDirectory("dsr-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // This machine has no network beyond loopback: nothing of Chromium's own may try to go out.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Who the browser is signed in as (null: nobody, or not known): a test signs in only when it must. */
    private static String current;

    private static void signIn(String name, String password) {
        current = null;
        browser.manage().deleteAllCookies();
        browser.get(base + "/login");
        browser.findElement(By.id("name")).sendKeys(name);
        browser.findElement(By.id("password")).sendKeys(password);
        submit(browser.findElement(By.id("sign-in")));
    }

    private static void signedInAs(String name) {
        if (name.equals(current)) {
            browser.get(base + "/");
            List<WebElement> me = browser.findElements(By.id("me"));
            if (!me.isEmpty() && me.get(0).getText().equals(name)) {
                return;
            }
        }
        signIn(name, PASSWORD);
        assertEquals(name, browser.findElement(By.id("me")).getText(), "signed in as " + name);
        current = name;
    }

    /**
     * Clicks a button or link that loads a page, and waits until the page it was on has gone. Asked about
     * the old page in the moment it is being replaced, ChromeDriver may say its node "does not belong to
     * the document" instead of calling it stale: gone as well.
     */
    private static void submit(WebElement element) {
        WebElement page = browser.findElement(By.tagName("html"));
        element.click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> {
            try {
                page.isEnabled();
                return false;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        });
    }

    private static void shoot(String page) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(page + ".png"), png);
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneId.of("Asia/Almaty"));
    }

    private static RequestStore.Request open(RequestType type, RequestStatus status, String email, LocalDate due) {
        return requests.open(type, status, "ru", email, Instant.now(), due, 0.55, status == RequestStatus.NEEDS_REVIEW,
                Map.of("evidence", List.of("test: opened for the console"), "identifiers", Map.of()));
    }

    /** A mail with a one-time code in it (the code template's line, in any of its languages). */
    private static boolean holdsACode(jakarta.mail.internet.MimeMessage m) {
        String t = kz.dsr.subject.RequestLifecycleTest.text(m);
        return t.contains("одноразовый код:") || t.contains("one-time code:") || t.contains("Бір реттік кодыңыз:");
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static String status(String reference) {
        return pipeline.store().queryForObject("select status from request where reference = ?", String.class, reference);
    }

    private static String csrfOnPage() {
        return browser.findElement(By.cssSelector("form[action='/console/logout'] input[name=csrf]")).getAttribute("value");
    }

    private static String sessionCookie() {
        Cookie c = browser.manage().getCookieNamed(Console.COOKIE);
        return Console.COOKIE + "=" + c.getValue();
    }

    private static HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    // ---- sign-in ---------------------------------------------------------------------------------

    @Test
    void anOperatorSignsInAndOut() throws Exception {
        browser.manage().deleteAllCookies();
        browser.get(base + "/");
        assertTrue(browser.getCurrentUrl().endsWith("/console/login"), "the console asks for a sign-in first");
        assertTrue(browser.getPageSource().contains("Қош келдіңіз"), "the Kazakh welcome");
        shoot("login");
        signedInAs("bolat");
        submit(browser.findElement(By.cssSelector("button[name=lang][value=ru]")));
        assertEquals("Запросы", browser.findElement(By.cssSelector("nav a[href='/console/requests']")).getText(),
                "the operator switched to Russian");
        submit(browser.findElement(By.cssSelector("button[name=lang][value=en]")));
        assertEquals("Requests", browser.findElement(By.cssSelector("nav a[href='/console/requests']")).getText());
        submit(browser.findElement(By.id("sign-out")));
        current = null;
        assertTrue(browser.getCurrentUrl().endsWith("/console/login"));
        browser.get(base + "/requests");
        assertTrue(browser.getCurrentUrl().endsWith("/console/login"), "signed out: the list needs a sign-in again");
    }

    /** A sign-in as a script would try it (its own session and token), for the repeated wrong passwords. */
    private static String signInOverHttp(String name, String password) throws Exception {
        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                .matcher(login.body());
        assertTrue(csrf.find());
        return post("/login", cookie, "csrf=" + csrf.group(1) + "&name=" + name + "&password="
                + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8)).body();
    }

    @Test
    void aWrongPasswordAndAnUnknownNameGetTheSameAnswerAndFiveLockTheName() throws Exception {
        signIn("dana", "not her password");
        String wrong = text("error");
        assertTrue(wrong.contains("Неверное имя или пароль"), wrong);
        signIn("nobody-at-all", "whatever it is");
        assertEquals(wrong, text("error"), "an unknown name is answered as a wrong password");
        for (int i = 2; i <= 4; i++) {
            assertTrue(signInOverHttp("dana", "not her password " + i).contains(wrong));
        }
        assertTrue(signInOverHttp("dana", "not her password 5").contains("15"), "the fifth wrong password locks");
        signIn("dana", PASSWORD);
        assertTrue(browser.findElements(By.id("me")).isEmpty(), "locked: even the right password waits");
        String locked = text("error");
        assertTrue(locked.contains("15"), locked);
        for (int i = 1; i <= 4; i++) {
            assertTrue(signInOverHttp("ghost", "guess " + i).contains(wrong));
        }
        signIn("ghost", "guess 5");
        assertEquals(locked, text("error"), "an unknown name locks the same way");
    }

    @Test
    void everyAnswerForbidsCachingFramingAndScriptsAndTheCookieIsHttpOnlyAndStrict() throws Exception {
        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode());
        assertEquals("no-store", login.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("DENY", login.headers().firstValue("X-Frame-Options").orElse(""));
        String csp = login.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && !csp.contains("script-src"), csp);
        String cookie = login.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
    }

    // ---- dashboard and list ------------------------------------------------------------------------

    @Test
    void theDashboardShowsTheStoresNumbers() throws Exception {
        open(RequestType.ERASURE, RequestStatus.NEEDS_REVIEW, "dash1@example.kz", today().minusDays(2));
        open(RequestType.ACCESS, RequestStatus.NEEDS_REVIEW, "dash2@example.kz", today().plusDays(20));
        signedInAs("bolat");
        browser.get(base + "/");
        shoot("dashboard");
        int review = pipeline.count("select count(*) from request where status = 'NEEDS_REVIEW'");
        int overdue = pipeline.count("select count(*) from request where due_date < ? and status not in "
                + RequestStatus.closedSqlList(), java.sql.Date.valueOf(today()));
        assertEquals(String.valueOf(review), browser.findElement(By.cssSelector("#tile-review .n")).getText());
        assertEquals(String.valueOf(overdue), browser.findElement(By.cssSelector("#tile-overdue .n")).getText());
        assertEquals(String.valueOf(review), browser.findElement(By.cssSelector("td[data-status=NEEDS_REVIEW]")).getText());
        submit(browser.findElement(By.id("tile-review")));
        List<WebElement> rows = browser.findElements(By.cssSelector("#requests tbody tr"));
        assertEquals(review, rows.size(), "the number links to the list it counts");
    }

    @Test
    void theListFiltersAndASearchByAddressKeepsTheAddressOutOfTheUrl() throws Exception {
        RequestStore.Request rect = open(RequestType.RECTIFICATION, RequestStatus.NEEDS_REVIEW, "filter.me@example.kz",
                today().plusDays(5));
        open(RequestType.ERASURE, RequestStatus.NEEDS_REVIEW, "other@example.kz", today().plusDays(6));
        signedInAs("bolat");
        browser.get(base + "/requests?type=RECTIFICATION");
        List<WebElement> types = browser.findElements(By.cssSelector("#requests tbody tr td:nth-child(3)"));
        assertFalse(types.isEmpty());
        types.forEach(t -> assertEquals("RECTIFICATION", t.getText()));
        shoot("requests");
        browser.get(base + "/requests");
        browser.findElement(By.id("q")).sendKeys("filter.me@example.kz");
        submit(browser.findElement(By.id("search")));
        List<WebElement> found = browser.findElements(By.cssSelector("#requests tbody tr td:first-child a"));
        assertEquals(1, found.size());
        assertEquals(rect.reference(), found.get(0).getText());
        assertFalse(browser.getCurrentUrl().contains("filter.me"), browser.getCurrentUrl());
    }

    // ---- decisions -----------------------------------------------------------------------------------

    @Test
    void approvingARequestInReviewSendsTheCodeToTheAccount() throws Exception {
        // A known account of the sample application (matching finds it by the sender's address).
        RequestStore.Request r = open(RequestType.ERASURE, RequestStatus.NEEDS_REVIEW, "aigerim.nurlanova@example.kz",
                today().plusDays(30));
        signedInAs("bolat");
        browser.get(base + "/requests/" + r.reference());
        shoot("request");
        submit(browser.findElement(By.id("approve")));
        assertFalse(text("flash").isBlank());
        assertNotEquals("NEEDS_REVIEW", text("status"), "the page shows the decision at once");
        assertTrue(text("timeline").contains("operator:bolat"), text("timeline"));
        await("the code mail", WAIT, () -> pipeline.mailsAbout("aigerim.nurlanova@example.kz", r.reference()).stream()
                .anyMatch(ConsoleBrowserTest::holdsACode));
        String mailText = pipeline.mailsAbout("aigerim.nurlanova@example.kz", r.reference()).stream()
                .filter(ConsoleBrowserTest::holdsACode).map(kz.dsr.subject.RequestLifecycleTest::text).findFirst().orElseThrow();
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("(?<![\\d-])(\\d{6})(?![\\d-])").matcher(mailText);
        assertTrue(code.find(), mailText);
        browser.navigate().refresh();
        // Listed, its code blanked: by the console while it waits, by the outbox once sent.
        assertTrue(browser.getPageSource().contains("••••••")
                || browser.getPageSource().contains("removed when the message ended"), "the code reply is listed");
        assertFalse(browser.getPageSource().contains(code.group(1)), "the one-time code is nowhere on the page");
    }

    @Test
    void whenTwoAccountsMatchTheOperatorChoosesOneAndItsCodeGoesOut() throws Exception {
        // The sample's debtor writes from one account's address and names another account's phone.
        long id = pipeline.requestOf(mail().from("debtor@example.kz").subject("Данные")
                .body("Какие персональные данные вы храните обо мне? Второй мой номер 87051234567."), WAIT);
        pipeline.awaitStatus(id, "AWAITING_VERIFICATION", WAIT);
        await("held without a code", WAIT, () -> pipeline.count("select count(*) from verification_code where"
                + " request_id = ? and purpose = 'DECOY'", id) == 1);
        String ref = pipeline.reference(id);
        signedInAs("bolat");
        browser.get(base + "/requests/" + ref);
        WebElement subject = browser.findElement(By.id("approve-subject"));
        assertEquals("select", subject.getTagName(), "the matching accounts are offered");
        new Select(subject).selectByVisibleText("2");
        submit(browser.findElement(By.id("approve")));
        assertTrue(text("timeline").contains("operator:bolat"), text("timeline"));
        await("the code to the chosen account", WAIT, () -> pipeline.mailsAbout("debtor@example.kz", ref).stream()
                .anyMatch(ConsoleBrowserTest::holdsACode));
        assertEquals("2", pipeline.store().queryForObject("select subject_ref from request where id = ?", String.class, id));
    }

    @Test
    void reclassifyingChangesTheTypeAndKeepsTheDueDate() throws Exception {
        RequestStore.Request r = open(RequestType.ACCESS, RequestStatus.NEEDS_REVIEW, "reclassify@example.kz",
                today().plusDays(12));
        signedInAs("bolat");
        browser.get(base + "/requests/" + r.reference());
        new Select(browser.findElement(By.id("reclassify-type"))).selectByVisibleText("ERASURE");
        browser.findElement(By.id("reclassify-reason")).sendKeys("asks to delete, not to see");
        submit(browser.findElement(By.id("reclassify")));
        assertEquals("ERASURE", text("type"));
        assertEquals(today().plusDays(12).toString(), text("due"));
        assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind = 'RECLASSIFIED'"
                + " and actor = 'operator:bolat'", r.id()));
    }

    @Test
    void rejectingTellsThePersonWhy() throws Exception {
        RequestStore.Request r = open(RequestType.ERASURE, RequestStatus.NEEDS_REVIEW, "reject.me@example.kz",
                today().plusDays(30));
        signedInAs("bolat");
        browser.get(base + "/requests/" + r.reference());
        browser.findElement(By.id("reject-reason")).sendKeys("not a request about personal data");
        submit(browser.findElement(By.id("reject")));
        assertEquals("REJECTED", text("status"));
        await("the rejected reply", WAIT, () -> !pipeline.mailsAbout("reject.me@example.kz", r.reference()).isEmpty());
        assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                + " 'STATUS_REJECTED' and actor = 'operator:bolat'", r.id()));
    }

    @Test
    void extendingMovesTheDueDateByTheDaysGiven() throws Exception {
        RequestStore.Request r = open(RequestType.ACCESS, RequestStatus.NEEDS_REVIEW, "extend@example.kz",
                today().plusDays(10));
        signedInAs("bolat");
        browser.get(base + "/requests/" + r.reference());
        WebElement days = browser.findElement(By.id("extend-days"));
        days.clear();
        days.sendKeys("20");
        browser.findElement(By.id("extend-reason")).sendKeys("the person sent a second address to search");
        submit(browser.findElement(By.id("extend")));
        assertEquals(today().plusDays(30).toString(), text("due"));
        assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind ="
                + " 'DUE_DATE_EXTENDED' and actor = 'operator:bolat'", r.id()));
    }

    @Test
    void closingARequestWaitingForItsProcessorsCompletesIt() throws Exception {
        RequestStore.Request r = open(RequestType.ERASURE, RequestStatus.AWAITING_PROCESSORS, "close.me@example.kz",
                today().plusDays(30));
        pipeline.store().update("insert into processor_task (request_id, processor, kind, subject_request_id, status,"
                + " due_at) values (?, 'appmetrica', 'HTTP', gen_random_uuid(), 'SENT', now() + interval '1 day')", r.id());
        signedInAs("bolat");
        browser.get(base + "/requests/" + r.reference());
        assertTrue(browser.findElements(By.id("approve-form")).isEmpty(), "nothing to approve while processors work");
        browser.findElement(By.id("close-reason")).sendKeys("appmetrica confirmed by phone");
        submit(browser.findElement(By.id("close")));
        assertEquals("COMPLETED", text("status"));
        assertEquals("CLOSED", pipeline.store().queryForObject("select status from processor_task where request_id = ?",
                String.class, r.id()));
    }

    @Test
    void aSecondDecisionOnTheSameRequestIsToldWhoDecidedFirst() throws Exception {
        RequestStore.Request r = open(RequestType.ERASURE, RequestStatus.NEEDS_REVIEW, "twice@example.kz",
                today().plusDays(30));
        signedInAs("bolat");
        browser.get(base + "/requests/" + r.reference());
        // Meanwhile another operator rejects it (through the same decisions the console uses).
        kz.dsr.app.Components parts = pipeline.context().getRegistry().lookupByNameAndType("components",
                kz.dsr.app.Components.class);
        parts.decisions().reject(r.reference(), "aliya", "duplicate of an earlier request");
        submit(browser.findElement(By.id("approve")));
        assertTrue(text("flash").contains("aliya"), text("flash"));
        assertEquals("REJECTED", status(r.reference()));
        assertEquals(1, pipeline.count("select count(*) from request_event where request_id = ? and kind like 'STATUS_%'",
                r.id()), "one decision, not two");
    }

    @Test
    void aSupportMailIsMadeARequestWithItsDueDateFromItsArrival() throws Exception {
        TestMail m = mail().from("buyer@example.kz").subject("Заказ").body("Здравствуйте, где мой заказ? Жду уже два часа.");
        pipeline.deliver(m.bytes());
        await("the support mail", WAIT, () -> pipeline.count("select count(*) from inbound_message where message_key = ?"
                + " and disposition = 'FOR_SUPPORT'", m.messageId()) == 1);
        long inbound = pipeline.store().queryForObject("select id from inbound_message where message_key = ?",
                Long.class, m.messageId());
        signedInAs("bolat");
        browser.get(base + "/support");
        shoot("support");
        WebElement mailBox = browser.findElement(By.id("support-" + inbound));
        new Select(mailBox.findElement(By.name("type"))).selectByVisibleText("ERASURE");
        mailBox.findElement(By.name("reason")).sendKeys("the order is a pretext: she asks to delete her data");
        submit(mailBox.findElement(By.className("make-request")));
        String ref = text("reference").split(" ")[0];
        assertTrue(ref.startsWith("DSR-"), ref);
        Map<String, Object> row = pipeline.store().queryForMap("select r.received_at = m.received_at as same, r.type from"
                + " request r join inbound_message m on m.request_id = r.id where m.id = ?", inbound);
        assertEquals(Boolean.TRUE, row.get("same"), "received (and due) from the mail's arrival");
        assertEquals("ERASURE", row.get("type"));
        assertEquals(1, pipeline.count("select count(*) from request_event e join request r on r.id = e.request_id where"
                + " r.reference = ? and e.kind = 'MADE_A_REQUEST_FROM_SUPPORT_MAIL' and e.actor = 'operator:bolat'", ref));
    }

    // ---- who may do what ---------------------------------------------------------------------------------

    @Test
    void aViewerSeesNoDecisionFormAndAForgedDecisionIsRefused() throws Exception {
        RequestStore.Request r = open(RequestType.ERASURE, RequestStatus.NEEDS_REVIEW, "viewer.case@example.kz",
                today().plusDays(30));
        signedInAs("vera");
        browser.get(base + "/requests/" + r.reference());
        assertTrue(browser.findElements(By.tagName("form")).stream()
                .noneMatch(f -> f.getAttribute("action").contains("/requests/")), "no decision form for a viewer");
        assertFalse(browser.getPageSource().contains("viewer.case@example.kz"), "the sender is masked");
        HttpResponse<String> forged = post("/requests/" + r.reference() + "/approve", sessionCookie(),
                "csrf=" + csrfOnPage() + "&reason=forged&seen=NEEDS_REVIEW");
        assertEquals(403, forged.statusCode());
        assertEquals("NEEDS_REVIEW", status(r.reference()));
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
        RequestStore.Request r = open(RequestType.ERASURE, RequestStatus.NEEDS_REVIEW, "csrf.case@example.kz",
                today().plusDays(30));
        signedInAs("bolat");
        browser.get(base + "/requests/" + r.reference());
        assertEquals(403, post("/requests/" + r.reference() + "/reject", sessionCookie(), "reason=no+token").statusCode());
        assertEquals(403, post("/requests/" + r.reference() + "/reject", sessionCookie(), "csrf=wrong&reason=bad+token")
                .statusCode());
        assertEquals("NEEDS_REVIEW", status(r.reference()));
    }

    @Test
    void markupInASubjectLineIsShownAsText() throws Exception {
        String subject = "<script>document.title='owned'</script> \"><img src=x onerror=alert(1)> Удалите мои данные";
        TestMail m = mail().from("markup@example.kz").subject(subject)
                .body("Здравствуйте! Прошу удалить мой аккаунт и все мои персональные данные.");
        long id = pipeline.requestOf(m, WAIT);
        signedInAs("bolat");
        browser.get(base + "/requests/" + pipeline.reference(id));
        browser.findElement(By.className("mail-subject")).getLocation();
        shoot("request-with-mail");
        assertEquals(subject, browser.findElement(By.className("mail-subject")).getText());
        assertTrue(browser.findElements(By.tagName("img")).isEmpty(), "no element made of the subject");
        assertTrue(browser.findElements(By.tagName("script")).isEmpty());
        assertNotEquals("owned", browser.getTitle());
    }

    @Test
    void theReportIsACsvPerType() throws Exception {
        signedInAs("aliya");
        browser.get(base + "/report");
        shoot("report");
        HttpResponse<String> csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                + "/report.csv?from=" + today().minusDays(1) + "&to=" + today())).header("Cookie", sessionCookie()).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, csv.statusCode());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertTrue(csv.body().startsWith("from,to,type,received,closed,closed_on_time,on_time_rate"), csv.body());
        assertTrue(csv.body().contains(",ALL,"), csv.body());
    }

    // ---- dead letters ---------------------------------------------------------------------------------------

    @Test
    void anAdminRetriesAMailFromTheDeadLettersAndIntakeTakesItAgain() throws Exception {
        TestMail m = mail().from("retry.me@example.kz").subject("Удаление аккаунта")
                .body("Здравствуйте! Прошу удалить мой аккаунт и все мои персональные данные.");
        kz.dsr.store.DeadLetters letters = new kz.dsr.store.DeadLetters(pipeline.store());
        long retry = letters.record("intake", m.messageId(), "jakarta.mail.MessagingException: the store was away", m.bytes());
        long discard = letters.record("intake", "<junk@example.kz>", "MIME beyond repair", "junk".getBytes());
        signedInAs("bolat");
        browser.get(base + "/dead-letters");
        assertTrue(browser.findElements(By.id("dead-letters-list")).isEmpty(), "an operator does not see dead letters");
        signedInAs("aliya");
        browser.get(base + "/dead-letters/" + retry);
        shoot("dead-letters");
        assertTrue(text("dead-letter").contains("the store was away"));
        submit(browser.findElement(By.id("retry")));
        assertTrue(text("flash").contains("NEW_REQUEST"), text("flash"));
        assertEquals(1, pipeline.count("select count(*) from inbound_message where message_key = ? and request_id is"
                + " not null", m.messageId()));
        assertTrue(text("resolution").contains("retried by operator:aliya"), text("resolution"));
        browser.get(base + "/dead-letters/" + discard);
        browser.findElement(By.id("discard-reason")).sendKeys("spam, nothing to answer");
        submit(browser.findElement(By.id("discard")));
        assertTrue(text("resolution").contains("discarded by operator:aliya: spam"), text("resolution"));
        assertEquals(0, pipeline.count("select count(*) from dead_letter where id in (?, ?) and resolved_at is null",
                retry, discard));
    }

    static {
        // Selenium must use the machine's chromedriver and never look for (or download) one of its own.
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        new HashMap<>();
    }
}
