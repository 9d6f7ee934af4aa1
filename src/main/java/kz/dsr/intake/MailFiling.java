package kz.dsr.intake;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailBoxPostProcessAction;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files the mails of one poll into their folders once the poll has recorded them: one IMAP MOVE per
 * folder for the whole poll (where the server has MOVE; else one COPY and one flagging per folder),
 * instead of a folder lookup, a copy and a flagging per mail. A mail is named for its folder only after
 * its record committed; a mail the move does not reach (the server went away, the node stopped) stays in
 * the inbox, read, and the next poll recognises it as recorded and files it then.
 *
 * <p>It is the mailbox consumer's post-process action (route parameter {@code postProcessAction}),
 * which Camel runs after the poll's last mail, on the same open inbox. What a poll named is forgotten
 * when the next poll begins ({@link #pollBegins}): a poll that failed half-way leaves its mail in the
 * inbox, and the message numbers of its session mean nothing to the next.
 */
public final class MailFiling implements MailBoxPostProcessAction {

    private static final Logger LOG = LoggerFactory.getLogger(MailFiling.class);

    /** Folder name to the mails of this poll that belong there, in the order they were recorded. */
    private final Map<String, List<Message>> named = new LinkedHashMap<>();

    /** Called before every poll of the mailbox. */
    public synchronized void pollBegins() {
        named.clear();
    }

    /** Names the folder this exchange's mail goes to when the poll ends. */
    public synchronized void fileIn(Exchange exchange, String folder) {
        named.computeIfAbsent(folder, f -> new ArrayList<>()).add(MailboxAdapter.polled(exchange));
    }

    @Override
    public void process(Folder inbox) {
        Map<String, List<Message>> toFile;
        synchronized (this) {
            toFile = new LinkedHashMap<>(named);
            named.clear();
        }
        toFile.forEach((folder, mails) -> move(inbox, folder, mails));
    }

    private static void move(Folder inbox, String folderName, List<Message> mails) {
        // A mail another node filed meanwhile is gone from this session's inbox: nothing to move.
        Message[] present = mails.stream().filter(m -> !m.isExpunged()).toArray(Message[]::new);
        if (present.length == 0) {
            return;
        }
        try {
            Folder folder = inbox.getStore().getFolder(folderName);
            if (!folder.exists()) {
                folder.create(Folder.HOLDS_MESSAGES);
            }
            if (inbox instanceof IMAPFolder imap && imap.getStore() instanceof IMAPStore store
                    && store.hasCapability("MOVE")) {
                imap.moveMessages(present, folder);
            } else {
                // Copied, then flagged deleted: the inbox's copies go when the consumer closes the inbox. A
                // node that stops between the two leaves both; the next poll removes the inbox's copy.
                inbox.copyMessages(present, folder);
                inbox.setFlags(present, new Flags(Flags.Flag.DELETED), true);
            }
        } catch (MessagingException e) {
            LOG.warn("{} recorded mails could not be moved to the mailbox folder {} ({}); they stay in the inbox"
                            + " and the next poll files them. If this repeats, check that the folder can be created"
                            + " and the mail server is reachable.", present.length, folderName,
                    kz.dsr.store.ErrorText.forLog(kz.dsr.store.ErrorText.full(e)));
        }
    }
}
