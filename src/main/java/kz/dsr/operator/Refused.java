package kz.dsr.operator;

/** An operator action that cannot be done as asked: nothing is changed (exit 1). */
public final class Refused extends RuntimeException {

    Refused(String message) {
        super(message);
    }
}
