package kz.dsr.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import kz.dsr.datamap.DataMapLoader;
import kz.dsr.request.RequestType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped processors files load against their data maps; every mistake names the file and the line. */
class ProcessorsFileTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final Map<String, String> ENV = Map.of(
            "DSR_PROCESSOR_PAYBOX_TOKEN", "t",
            "DSR_PROCESSOR_APPMETRICA_SECRET", SECRET, "DSR_PROCESSOR_CLOUDPAY_USER", "u",
            "DSR_PROCESSOR_CLOUDPAY_PASSWORD", "p", "DSR_PROCESSOR_FIREBASE_TOKEN", "t", "DSR_X", SECRET);

    @TempDir
    Path dir;

    private static Set<String> categories(String map) {
        return DataMapLoader.load(Path.of(map)).categories();
    }

    @Test
    void theShippedFilesLoadAgainstTheirDataMaps() {
        Processors inService = ProcessorsLoader.load(Path.of("config/processors.yaml"),
                categories("config/datamap.yaml"), ENV::get);
        assertEquals(2, inService.all().size());
        assertEquals(DataProcessor.Kind.OPENDSR, inService.byName("paybox").orElseThrow().kind());
        assertTrue(inService.byDomain("OPENDSR.paybox.example").isPresent());
        DataProcessor.OpenDsr paybox = inService.byName("paybox").orElseThrow().openDsr().orElseThrow();
        assertEquals(OpenDsrHeaders.OPENCOMPLIANCE, paybox.headers());
        assertEquals("/opencompliance_requests", paybox.requestPath());
        assertEquals(2, inService.receiving(RequestType.ERASURE, Set.of()).size());
        assertEquals(1, inService.receiving(RequestType.ACCESS, Set.of()).size());

        Processors inji = ProcessorsLoader.load(Path.of("config/processors-inji.yaml"),
                categories("config/datamap-inji.yaml"), ENV::get);
        assertEquals(3, inji.all().size());
        assertTrue(inji.byAddress("Privacy@Courier-Partner.example").isPresent());
        assertEquals("/opengdpr_requests", inji.byName("cloudpay").orElseThrow().openDsr().orElseThrow().requestPath());
        // A correction reaches only the processors holding the corrected field's category.
        assertEquals(1, inji.receiving(RequestType.RECTIFICATION, Set.of("location.address")).size());
        assertEquals(0, inji.receiving(RequestType.RECTIFICATION, Set.of("identity.name")).size());
    }

    @Test
    void aMissingFileMeansNoProcessors() {
        assertTrue(ProcessorsLoader.load(dir.resolve("none.yaml"), Set.of(), ENV::get).all().isEmpty());
    }

    private String error(String yaml) throws IOException {
        Path file = dir.resolve("processors.yaml");
        Files.writeString(file, yaml);
        return assertThrows(IllegalArgumentException.class,
                () -> ProcessorsLoader.load(file, Set.of("contact.email", "contact.phone", "payment"), ENV::get))
                .getMessage();
    }

    private static final String HEAD = "processors:\n  - name: pay\n";
    private static final String OPENDSR = "    kind: opendsr\n    types: [ERASURE]\n    confirm-within-days: 5\n"
            + "    identities:\n      - { from: email }\n    url: http://127.0.0.1:1/o\n";

    @Test
    void mistakesNameTheFileAndTheLine() throws IOException {
        String typo = error(HEAD + OPENDSR + "    poll-minuts: 5\n");
        assertTrue(typo.contains("processors.yaml, line 9") && typo.contains("did you mean 'poll-minutes'"), typo);

        String noWay = error(HEAD + OPENDSR + "    callbacks: false\n");
        assertTrue(noWay.contains("line 2") && noWay.contains("needs a way to confirm"), noWay);

        String rect = error(HEAD + OPENDSR.replace("[ERASURE]", "[ERASURE, RECTIFICATION]") + "    poll-minutes: 5\n");
        assertTrue(rect.contains("line 4") && rect.contains("OpenDSR carries only erasure and access"), rect);

        String category = error(HEAD + OPENDSR + "    poll-minutes: 5\n    categories: [paymnet]\n");
        assertTrue(category.contains("line 10") && category.contains("did you mean 'payment'"), category);

        String env = error(HEAD + OPENDSR + "    poll-minutes: 5\n    auth: { scheme: bearer, token-env: DSR_NOT_SET }\n");
        assertTrue(env.contains("line 10") && env.contains("DSR_NOT_SET") && env.contains("is not set"), env);

        String literal = error(HEAD + OPENDSR + "    poll-minutes: 5\n    auth: { scheme: bearer, token-env: abc123 }\n");
        assertTrue(literal.contains("never written in config files"), literal);

        // OpenDSR callbacks are signed with the processor's certificate: the old shared secret is refused, saying so.
        String oldCallback = error(HEAD + OPENDSR + "    callback: { domain: pay.example, secret-env: DSR_X }\n");
        assertTrue(oldCallback.contains("line 9") && oldCallback.contains("signed with the processor's certificate")
                && oldCallback.contains("domain:"), oldCallback);
        String hmac = error(HEAD + OPENDSR + "    auth: { scheme: hmac, secret-env: DSR_X }\n");
        assertTrue(hmac.contains("line 9") && hmac.contains("hmac is for custom http APIs"), hmac);
        String family = error(HEAD + OPENDSR + "    headers: opendrs\n");
        assertTrue(family.contains("line 9") && family.contains("did you mean 'opendsr'"), family);
        String domain = error(HEAD + OPENDSR + "    domain: 'pay example'\n");
        assertTrue(domain.contains("line 9") && domain.contains("is not a DNS name"), domain);
        String onHttp = error(HEAD + "    kind: http\n    types: [ERASURE]\n    confirm-within-days: 5\n"
                + "    identities:\n      - { from: subject }\n    url: http://127.0.0.1:1/x\n    domain: x.example\n"
                + "    templates:\n      ERASURE: '{\"u\": \"{{subject}}\"}'\n");
        assertTrue(onHttp.contains("line 9") && onHttp.contains("'domain' does not apply to kind http"), onHttp);

        String json = error(HEAD + "    kind: http\n    types: [ERASURE]\n    confirm-within-days: 5\n"
                + "    identities:\n      - { from: subject }\n    url: http://127.0.0.1:1/x\n    templates:\n"
                + "      ERASURE: '{\"user\": \"{{subject}}\"'\n");
        assertTrue(json.contains("line 10") && json.contains("is not JSON"), json);

        String placeholder = error(HEAD + "    kind: http\n    types: [ERASURE]\n    confirm-within-days: 5\n"
                + "    identities:\n      - { from: subject }\n    url: http://127.0.0.1:1/x\n    templates:\n"
                + "      ERASURE: '{\"user\": \"${emial}\"}'\n");
        assertTrue(placeholder.contains("line 10") && placeholder.contains("${emial} is the old placeholder form")
                && placeholder.contains("write {{emial}}"), placeholder);

        String mustache = error(HEAD + "    kind: http\n    types: [ERASURE]\n    confirm-within-days: 5\n"
                + "    identities:\n      - { from: subject }\n    url: http://127.0.0.1:1/x\n    templates:\n"
                + "      ERASURE: '{\"user\": \"{{emial}}\"}'\n");
        assertTrue(mustache.contains("line 10") && mustache.contains("emial") && mustache.contains("did you mean 'email'"),
                mustache);

        String twice = error(HEAD + OPENDSR + "    poll-minutes: 5\n  - name: pay\n" + OPENDSR + "    poll-minutes: 5\n");
        assertTrue(twice.contains("line 10") && twice.contains("a second processor named 'pay'"), twice);
    }

    @Test
    void aTagThatCouldChangeTheJsonIsRefusedAtLoad() throws IOException {
        String http = HEAD + "    kind: http\n    types: [ERASURE]\n    confirm-within-days: 5\n"
                + "    identities:\n      - { from: subject }\n    url: http://127.0.0.1:1/x\n    templates:\n";
        String unescaped = error(http + "      ERASURE: '{\"user\": \"{{{subject}}}\"}'\n");
        assertTrue(unescaped.contains("line 10") && unescaped.contains("unescaped"), unescaped);
        String outsideQuotes = error(http + "      ERASURE: '{\"user\": {{subject}} }'\n");
        assertTrue(outsideQuotes.contains("line 10") && outsideQuotes.contains("is not JSON"), outsideQuotes);
        String partial = error(http + "      ERASURE: '{\"user\": \"{{> secrets}}\"}'\n");
        assertTrue(partial.contains("line 10") && partial.contains("partials are not read"), partial);
    }

    @Test
    void customTemplatesEscapeValues() {
        String body = PayloadTemplate.compile("{\"user\": \"{{email}}\"}", "test")
                .render(Map.of("email", "a\"}, \"admin\": true, \"x\": \"@b.kz"));
        assertEquals("{\"user\": \"a\\\"}, \\\"admin\\\": true, \\\"x\\\": \\\"@b.kz\"}", body);
    }
}
