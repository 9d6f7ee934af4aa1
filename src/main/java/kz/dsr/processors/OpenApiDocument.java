package kz.dsr.processors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI description of what processors exchange with us (docs/openapi.yaml, packaged as
 * {@code openapi/openapi.yaml}), as {@code GET /opendsr/openapi.yaml} serves it: a processor's developers
 * read the callback's contract from the pipeline they integrate with.
 */
public final class OpenApiDocument {

    private final byte[] document;

    public OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/openapi/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi/openapi.yaml is not on the class path (docs/openapi.yaml"
                        + " is packaged there by the build)");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] document() {
        return document.clone();
    }
}
