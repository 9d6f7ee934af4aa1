package kz.dsr.health;

/** How an exception reads in a check's one line: its innermost message, which names the actual problem. */
final class Problems {

    private Problems() {
    }

    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message.strip();
    }

    /** Whether the error, or one of its causes, is of the given type. */
    static boolean has(Throwable error, Class<? extends Throwable> type) {
        return kz.dsr.store.ErrorText.cause(error, type).isPresent();
    }
}
