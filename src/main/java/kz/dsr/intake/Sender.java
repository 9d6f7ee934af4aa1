package kz.dsr.intake;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a From header names: its first address, lower-cased, and the display name, read leniently;
 * a broken header still gives the first thing shaped like an address.
 *
 * @param address null when the header has no usable address
 * @param name    the decoded display name, null when none
 */
record Sender(String address, String name) {

    private static final int MAX_NAME_CHARS = 255;
    private static final int MAX_ADDRESS_CHARS = 254;
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>()\\[\\],;:\"\\\\@]+@[^\\s<>()\\[\\],;:\"\\\\@]+");

    /** The first address of a From header (already unfolded and cleaned), parsed leniently. */
    static Sender of(String from, List<String> problems) {
        if (from == null) {
            return new Sender(null, null);
        }
        InternetAddress first;
        try {
            InternetAddress[] parsed = InternetAddress.parseHeader(from, false);
            first = parsed.length > 0 ? parsed[0] : null;
        } catch (AddressException e) {
            first = null;
        }
        String address = first == null ? null : saneAddress(first.getAddress());
        if (address == null) {
            // Broken syntax ("Ann <ann@example.kz", no '>'): take the first thing shaped like an address.
            Matcher found = ADDRESS.matcher(from);
            address = found.find() ? saneAddress(found.group()) : null;
            if (address == null) {
                problems.add("from: no usable address");
            }
            return new Sender(address, null);
        }
        String personal = first.getPersonal();
        String name = personal == null ? ""
                : SafeText.clean(HeaderDecoder.decodeWords(personal, "from", problems), MAX_NAME_CHARS);
        return new Sender(address, name.isEmpty() ? null : name);
    }

    private static String saneAddress(String address) {
        if (address == null) {
            return null;
        }
        String lower = address.strip().toLowerCase(Locale.ROOT);
        return lower.length() <= MAX_ADDRESS_CHARS && ADDRESS.matcher(lower).matches() ? lower : null;
    }
}
