package kz.dsr.intake;

import kz.dsr.store.RequestStore.Request;

/** Who hears about a reply in a request's thread, inside the intake transaction (verification codes). */
public interface ThreadReplies {

    void onReply(Request request, ParsedMail mail);

    ThreadReplies NONE = (request, mail) -> { };

    /** Both hear every reply, in this order. */
    static ThreadReplies both(ThreadReplies first, ThreadReplies second) {
        return (request, mail) -> {
            first.onReply(request, mail);
            second.onReply(request, mail);
        };
    }
}
