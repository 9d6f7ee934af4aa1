package kz.dsr.intake;

import static kz.dsr.testing.TestMail.mail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.icegreen.greenmail.user.GreenMailUser;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import kz.dsr.testing.TestServers;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * A poll's mail goes to the folders its steps named, all at once when the poll ends; what a poll that
 * never reached its end named is forgotten, so the next poll cannot move mail by the old session's
 * message numbers.
 */
class MailFilingTest {

    @Test
    void aPollsMailGoesToTheFoldersNamedAndWhatAnUnfinishedPollNamedIsForgotten() throws Exception {
        String login = "filing-" + System.nanoTime() + "@dsr.test";
        GreenMailUser user = TestServers.get().mail().setUser(login, login, "secret");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            var m = mail().from("someone" + i + "@example.kz").subject("Письмо " + i).body("Текст " + i);
            ids.add(m.messageId());
            user.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(m.bytes())));
        }
        MailFiling filing = new MailFiling();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Store store = Session.getInstance(new Properties()).getStore("imap");
            store.connect("127.0.0.1", TestServers.get().imapPort(), login, "secret");
            try {
                // A poll that named two mails and broke off before its end.
                Folder inbox = open(store);
                filing.fileIn(polled(camel, inbox.getMessage(1)), "Processed");
                filing.fileIn(polled(camel, inbox.getMessage(2)), "Support");
                inbox.close(true);

                // The next poll names other mails and ends: only its own move.
                filing.pollBegins();
                inbox = open(store);
                filing.fileIn(polled(camel, inbox.getMessage(3)), "Processed");
                filing.fileIn(polled(camel, inbox.getMessage(4)), "Processed");
                filing.fileIn(polled(camel, inbox.getMessage(1)), "Support");
                filing.process(inbox);
                inbox.close(true);

                assertEquals(List.of(ids.get(1)), messageIds(store, "INBOX"));
                assertEquals(List.of(ids.get(2), ids.get(3)), messageIds(store, "Processed"));
                assertEquals(List.of(ids.get(0)), messageIds(store, "Support"));
            } finally {
                store.close();
            }
        }
    }

    private static Folder open(Store store) throws Exception {
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        return inbox;
    }

    /** An exchange as the mail consumer hands it over, after the route's first step. */
    private static Exchange polled(DefaultCamelContext camel, Message mail) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setIn(new MailMessage(exchange, mail, false));
        new MailboxAdapter(null).setAside(exchange);
        return exchange;
    }

    private static List<String> messageIds(Store store, String folderName) throws Exception {
        Folder folder = store.getFolder(folderName);
        if (!folder.exists()) {
            return List.of();
        }
        folder.open(Folder.READ_ONLY);
        try {
            List<String> ids = new ArrayList<>();
            for (Message m : folder.getMessages()) {
                ids.add(m.getHeader("Message-ID")[0].replaceAll("[<>]", ""));
            }
            return ids;
        } finally {
            folder.close(false);
        }
    }
}
