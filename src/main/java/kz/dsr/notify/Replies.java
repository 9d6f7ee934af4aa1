package kz.dsr.notify;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kz.dsr.datamap.DataMap;
import kz.dsr.execute.Execution;
import kz.dsr.execute.TableOutcome;
import kz.dsr.store.InboundStore;
import kz.dsr.store.Outbox;
import kz.dsr.store.RequestStore.Request;
import kz.dsr.subject.Verification;

/**
 * Every message the lifecycle sends, composed by the one {@link MailComposer} from
 * {@code config/templates} in the request's language and queued in the one {@link Outbox}, each
 * under an event key so that a retry or a restart never sends it twice. Replies to the person thread
 * onto the mail that opened their request.
 */
public final class Replies implements Verification.Messages {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm");

    private final MailComposer composer;
    private final Outbox outbox;
    private final InboundStore inbound;
    private final kz.dsr.intake.MailIntake.Operator operator;
    private final DataMap map;
    private final ZoneId zone;

    public Replies(MailComposer composer, Outbox outbox, InboundStore inbound, kz.dsr.intake.MailIntake.Operator operator, DataMap map,
            ZoneId zone) {
        this.composer = composer;
        this.outbox = outbox;
        this.inbound = inbound;
        this.operator = operator;
        this.map = map;
        this.zone = zone;
    }

    /** A reply to the person, in the thread of the mail that opened the request. */
    private void reply(String key, Request r, String template, Map<String, ?> values,
            List<OutgoingMail.Attachment> files, String recipient) {
        if (recipient == null) {
            return;
        }
        InboundStore.Opening opening = inbound.opening(r.id()).orElse(new InboundStore.Opening("", null));
        OutgoingMail mail = composer.reply(template, r.language(), values, recipient, r.reference(), opening.subject(),
                opening.messageId(), List.of());
        outbox.enqueueMail(key + ":" + r.reference(), r.id(), files.isEmpty() ? mail : mail.withAttachments(files));
    }

    private static String single(String language) {
        return MailComposer.BILINGUAL.equals(language) ? "ru" : language;
    }

    @Override
    public void codeSentReply(Request r) {
        reply("verification", r, "verification", Map.of(), List.of(), r.requesterEmail());
    }

    @Override
    public void codeByMail(Request r, String key, String to, String code, Instant expires, boolean toNewAddress) {
        OutgoingMail mail = composer.notice(toNewAddress ? "code-address" : "code", single(r.language()),
                Map.of("code", code, "expires", WHEN.format(expires.atZone(zone))), to, r.reference(), null);
        outbox.enqueueMail(key, r.id(), mail);
    }

    @Override
    public void codeBySms(Request r, String key, String to, String code, Instant expires) {
        String text = composer.text("code-sms", r.language(), Map.of("code", code,
                "expires", WHEN.format(expires.atZone(zone))), r.reference());
        outbox.enqueueSms(key, r.id(), to, text);
    }

    @Override
    public void wrongCode(Request r, int triesLeft, String to) {
        reply("code-wrong-" + triesLeft, r, "code-wrong", Map.of("triesLeft", String.valueOf(triesLeft)), List.of(),
                to);
    }

    @Override
    public void expired(Request r, String why) {
        reply("expired", r, "expired", Map.of(), List.of(), r.requesterEmail());
    }

    @Override
    public void askOperator(Request r, String why) {
        OutgoingMail notice = composer.notice("review", operator.language(), Map.of("type", r.type().name(),
                "confidence", "-", "reason", why, "evidence", "-", "dueDate", r.dueDate().toString()),
                operator.address(), r.reference(), "Needs review");
        outbox.enqueueMail("review:" + r.reference() + ":" + Integer.toHexString(why.hashCode()), r.id(), notice);
    }

    /** The hold's reason, once per hold: a daily re-check that finds the same hold says nothing new. */
    public void onHold(Request r, DataMap.Hold hold) {
        reply("on-hold:" + hold.name(), r, "on-hold", Map.of("reason", hold.reason().in(single(r.language()))),
                List.of(), r.requesterEmail());
    }

    public void rejected(Request r, String reason) {
        reply("rejected", r, "rejected", Map.of("reason", reason), List.of(), r.requesterEmail());
    }

    /**
     * What was done, in plain words, to {@code recipient}: an address verified for the subject (an
     * access export goes nowhere else). {@code held}: the reply is written now but waits in the outbox
     * until the request completes (its processors confirm, or an operator closes it), when
     * {@code Outbox.release("completed:REF")} lets it go. {@code confirmedAddress}: the recipient is not
     * a registered address but one that proved itself with a code in this request.
     */
    public void completed(Request r, Execution e, List<OutgoingMail.Attachment> files, String recipient,
            boolean held, boolean confirmedAddress) {
        String lang = single(r.language());
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("deleted", String.valueOf(e.rows(TableOutcome.Action.DELETED)));
        v.put("anonymised", String.valueOf(e.rows(TableOutcome.Action.ANONYMISED)));
        v.put("changed", String.valueOf(e.rows(TableOutcome.Action.CHANGED) + e.rows(TableOutcome.Action.SET)));
        v.put("exported", String.valueOf(e.rows(TableOutcome.Action.EXPORTED)));
        v.put("kept", kept(e, lang));
        v.put("field", String.valueOf(e.facts().getOrDefault("field", "")));
        v.put("categories", map.exportedCategories().stream()
                .map(c -> Map.of("title", map.processing().categories().get(c).title().in(lang))).toList());
        String template = "completed-" + r.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (confirmedAddress && r.type() == kz.dsr.request.RequestType.ACCESS) {
            template = "completed-access-confirmed";
        }
        reply("completed", r, template, v, files, recipient);
        if (held) {
            outbox.hold("completed:" + r.reference());
        }
    }

    /**
     * Tells the account's former e-mail (or, without one, its former phone) that its registered
     * {@code field} was changed: whoever holds the old address learns of it at once.
     */
    public void identityChanged(Request r, String field, Optional<String> oldEmail, Optional<String> oldPhone) {
        Map<String, String> v = Map.of("field", field);
        if (oldEmail.isPresent()) {
            outbox.enqueueMail("identity-changed:" + r.reference(), r.id(),
                    composer.notice("identity-changed", single(r.language()), v, oldEmail.get(), r.reference(), null));
        } else if (oldPhone.isPresent()) {
            outbox.enqueueSms("identity-changed:" + r.reference(), r.id(), oldPhone.get(),
                    composer.text("identity-changed-sms", r.language(), v, r.reference()));
        }
    }

    /**
     * One item per kept table: rows, why and for how long, in the person's language where the map gives
     * it. The template lays the list out ({@code {{#kept}}…{{/kept}}}).
     */
    private List<Map<String, String>> kept(Execution e, String lang) {
        List<Map<String, String>> items = new ArrayList<>();
        for (TableOutcome t : e.tables()) {
            if (t.action() == TableOutcome.Action.KEPT && t.rows() > 0) {
                DataMap.Keep keep = map.table(t.table()).keep().orElseThrow();
                items.add(Map.of("rows", String.valueOf(t.rows()), "reason", keep.reason().in(lang),
                        "period", keep.periodText(lang)));
            }
        }
        return items;
    }
}
