package kz.dsr.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorTextTest {

    @Test
    void rowValuesAndAddressesNeverReachTheLog() {
        String pg = "PSQLException: ERROR: new row for relation \"inbound_message\" violates check constraint \"x\"\n"
                + "  Detail: Failing row contains (1, key, aigerim@example.kz, Удалите меня, ...)";
        assertEquals("PSQLException: ERROR: new row for relation \"inbound_message\" violates check constraint \"x\"",
                ErrorText.forLog(pg));
        assertEquals("SMTPSendFailedException: 550 5.1.1 <<address>>: Recipient address rejected",
                ErrorText.forLog("SMTPSendFailedException: 550 5.1.1 <dana.smith@example.com>: Recipient address rejected"));
        // An internationalised address (RFC 6531) is an address too.
        assertEquals("SMTPAddressFailedException: 550 5.1.1 <<address>>: Recipient address rejected",
                ErrorText.forLog("SMTPAddressFailedException: 550 5.1.1 <айгерим@пример.қаз>: Recipient address rejected"));
    }

    @Test
    void theFullTextNamesTheRootCause() {
        Exception e = new RuntimeException("outer", new java.net.ConnectException("Connection refused"));
        assertEquals("ConnectException: Connection refused", ErrorText.full(e));
    }
}
