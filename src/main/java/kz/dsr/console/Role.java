package kz.dsr.console;

import java.util.Locale;

/** What an operator of the console may do; each role can do everything the one before it can. */
public enum Role {
    /** Sees requests, timelines and figures; not mail bodies or exported data; decides nothing. */
    VIEWER,
    /** Also reads the mails and decides requests. */
    OPERATOR,
    /** Also the dead letters. */
    ADMIN;

    public boolean atLeast(Role other) {
        return ordinal() >= other.ordinal();
    }

    /** viewer, operator or admin, in any case; null for anything else. */
    public static Role parse(String text) {
        if (text == null) {
            return null;
        }
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(text.strip())) {
                return r;
            }
        }
        return null;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
