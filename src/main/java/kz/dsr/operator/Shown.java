package kz.dsr.operator;

import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import kz.dsr.request.RequestStatus;

/** How the operator commands print a request: times, masked addresses, empty values. */
public final class Shown {

    /** Closed for good: hidden by {@code list} unless asked for with --status, and with no days left. */
    public static final EnumSet<RequestStatus> HIDDEN =
            EnumSet.of(RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.EXPIRED);

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Shown() {
    }

    /** a***@example.kz: enough to recognise a requester, not to read their address. */
    public static String mask(String address) {
        if (address == null || address.isBlank()) {
            return "-";
        }
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return address.charAt(0) + "***" + address.substring(at);
    }

    static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }
}
