package kz.dsr.demo;

import java.util.Locale;

/**
 * The two sample application databases the executor can run against: Inji (delivery app, phone-only
 * accounts) and InService (car-service app with documents, holds and bans). They are different on
 * purpose, so that nothing in the executor can silently depend on one company's schema.
 */
public enum Sample {
    INJI,
    INSERVICE;

    /** Lower-case name, as used in resource paths ({@code demo/samples/<id>/schema.sql}) and database names. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
