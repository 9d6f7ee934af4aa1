package kz.dsr.console;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * Camel's HTTP header filter with one difference: Cache-Control goes out. Camel drops it from every answer
 * as a hop-by-hop header, but the console's pages hold personal data and must say no-store to any cache.
 * Which headers go out at all is the console's choice: it drops every incoming one first.
 */
public final class ConsoleHeaders extends HttpHeaderFilterStrategy {

    public ConsoleHeaders() {
        getOutFilter().remove("cache-control");
    }
}
