package kz.dsr.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import kz.dsr.intake.ParsedMail;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every mail read from the mailbox: its parsed record and, for a while, its raw MIME. */
public final class InboundStore {

    /** What became of an inbound mail. */
    public enum Disposition {
        PENDING, NEW_REQUEST, THREAD_REPLY, FLOOD_MERGED, NOISE,
        /** Not a data-subject request: left to the human support team, not answered automatically. */
        FOR_SUPPORT
    }

    private final JdbcTemplate jdbc;

    public InboundStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the mail under its message key, or returns null when that key is already recorded
     * (a mail seen before a crash or by another node). Another node's uncommitted insert of the same
     * key makes this call wait for that transaction: whichever commits first owns the mail.
     */
    public Long claim(ParsedMail mail, byte[] raw, Instant keepRawUntil) {
        // One round trip: the record and its raw bytes, or nothing at all when the key is taken.
        return jdbc.query(
                "with claimed as (insert into inbound_message (message_key, message_id, sender, subject, sent_at, "
                        + "in_reply_to, new_text, quoted_text, signature, disposition, size_bytes, attachments, "
                        + "limit_reason, problems) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "on conflict (message_key) do nothing returning id) "
                        + "insert into inbound_raw (inbound_id, raw, keep_until) select id, ?, ? from claimed "
                        + "returning inbound_id",
                rs -> rs.next() ? rs.getLong(1) : null,
                mail.messageKey(), mail.messageId(), mail.fromAddress(), mail.subject(),
                mail.sentAt() == null ? null : Timestamp.from(mail.sentAt()), mail.inReplyTo(),
                mail.newText(), mail.quotedText(), mail.signature(), Disposition.PENDING.name(),
                mail.sizeBytes(), Json.write(mail.attachments()), mail.limitReason(), Json.write(mail.problems()),
                raw, Timestamp.from(keepRawUntil));
    }

    /** What a mail already recorded under a message key became; {@code reference} is its request's, or null. */
    public record Recorded(Disposition disposition, String noiseKind, String reference) {
    }

    /**
     * What the mail recorded under this key became (committed by whichever transaction claimed it), so a
     * mail seen again goes where the first sighting sent it. Empty when the key is not recorded.
     */
    public Optional<Recorded> recorded(String messageKey) {
        return jdbc.query("select m.disposition, m.noise_kind, r.reference from inbound_message m "
                        + "left join request r on r.id = m.request_id where m.message_key = ?",
                (rs, n) -> new Recorded(Disposition.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3)),
                messageKey).stream().findFirst();
    }

    /** Records what the mail became, and the request it belongs to (null for noise). */
    public void settle(long inboundId, Disposition disposition, String noiseKind, Long requestId) {
        jdbc.update("update inbound_message set disposition = ?, noise_kind = ?, request_id = ? where id = ?",
                disposition.name(), noiseKind, requestId, inboundId);
    }

    /** The mail that opened a request: what a later reply threads onto. */
    public record Opening(String subject, String messageId) {
    }

    public Optional<Opening> opening(long requestId) {
        return jdbc.query("select subject, message_id from inbound_message where request_id = ? order by id limit 1",
                (rs, n) -> new Opening(rs.getString(1), rs.getString(2)), requestId).stream().findFirst();
    }
}
