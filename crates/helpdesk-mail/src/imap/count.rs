//! Telling new mail from an announcement repeated: the number of messages
//! the mailbox holds, kept as RFC 3501 has a client keep it (set by
//! `SELECT` and by each `* N EXISTS`, one less for each `* N EXPUNGE`), so
//! that an `EXISTS` is news only when its number differs from it. A server
//! that repeats an unchanged `* N EXISTS` in every answer thus does not
//! end every wait at once, while mail that arrives changes the number.
//!
//! `RECENT` is not taken as news: a server must announce the mail that
//! arrives with `EXISTS` (RFC 3501 §7.3.1, RFC 9051 §7.4.1), which is
//! enough, and a `RECENT` repeated cannot be told from new mail (its
//! number may stay the same as mail arrives, another session having seen
//! it first); IMAP4rev2 dropped it.

use async_imap::imap_proto::{MailboxDatum, Response};
use async_imap::types::UnsolicitedResponse;

/// What a response says of the number of messages in the mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Said {
    /// `* N EXISTS`: the mailbox holds `N`.
    Exists(u32),
    /// `* N EXPUNGE`: one message fewer.
    Expunge,
}

impl Said {
    /// What `response` says of the number, if anything.
    pub(super) fn of(response: &Response<'_>) -> Option<Self> {
        match response {
            Response::MailboxData(MailboxDatum::Exists(exists)) => Some(Self::Exists(*exists)),
            Response::Expunge(_) => Some(Self::Expunge),
            _ => None,
        }
    }

    /// What `response`, which no command asked for, says of the number.
    fn of_unsolicited(response: &UnsolicitedResponse) -> Option<Self> {
        match response {
            UnsolicitedResponse::Exists(exists) => Some(Self::Exists(*exists)),
            UnsolicitedResponse::Expunge(_) => Some(Self::Expunge),
            UnsolicitedResponse::Other(data) => Self::of(data.parsed()),
            _ => None,
        }
    }
}

/// The number of messages in the mailbox as the server last told it, or
/// unknown (before `SELECT`, or when responses may have been missed):
/// then any `EXISTS` is news.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct MessageCount(Option<u32>);

impl MessageCount {
    /// The number `SELECT` gave, on a new connection.
    pub(super) fn selected(exists: u32) -> Self {
        Self(Some(exists))
    }

    /// Notes `said`; whether it announces new mail: an `EXISTS` whose
    /// number differs from the count.
    pub(super) fn note(&mut self, said: Said) -> bool {
        match said {
            Said::Exists(exists) => {
                let news = self.0 != Some(exists);
                self.0 = Some(exists);
                news
            }
            // One below none: the count is wrong, so unknown.
            Said::Expunge => {
                self.0 = self.0.and_then(|count| count.checked_sub(1));
                false
            }
        }
    }

    /// Notes each of `said`, in order; whether any announced new mail.
    pub(super) fn note_all(&mut self, said: impl IntoIterator<Item = Said>) -> bool {
        (said.into_iter()).fold(false, |news, said| self.note(said) | news)
    }

    /// Notes what the server said that no command asked for: `responses`,
    /// taken from async-imap's channel of them, which was `full` (so that
    /// the responses after those may be lost: the count becomes unknown,
    /// and that is news); whether they announced new mail.
    pub(super) fn hear(
        &mut self,
        full: bool,
        responses: impl IntoIterator<Item = UnsolicitedResponse>,
    ) -> bool {
        let said = (responses.into_iter()).filter_map(|response| Said::of_unsolicited(&response));
        let news = self.note_all(said);
        if full {
            self.0 = None;
        }
        news || full
    }

    /// Notes `said`, what one response the server sent during `IDLE` says
    /// of the number (`None`: nothing, as a `FETCH` of flags), and what
    /// async-imap put meanwhile in its channel of responses no command
    /// asked for (`queued`, the channel `full`, as [`hear`](Self::hear));
    /// whether it ends the wait: news, or a count no longer known (one
    /// below none), after which no `EXISTS` could be told apart.
    pub(super) fn hear_idle(
        &mut self,
        said: Option<Said>,
        full: bool,
        queued: impl IntoIterator<Item = UnsolicitedResponse>,
    ) -> bool {
        let news = self.note_all(said);
        let heard = self.hear(full, queued);
        news || heard || self.0.is_none()
    }
}

#[cfg(test)]
mod tests {
    use async_imap::types::UnsolicitedResponse;

    use super::{MessageCount, Said};

    #[test]
    fn only_an_exists_that_changes_the_count_is_news() {
        // Given a mailbox of three messages, as SELECT said.
        let mut count = MessageCount::selected(3);

        // When the server says so again, then that one left and one came.
        let repeated = count.note(Said::Exists(3));
        let expunged = count.note(Said::Expunge);
        let arrived = count.note(Said::Exists(3));

        // Then only the last is news: the mailbox had held two.
        assert_eq!((repeated, expunged, arrived), (false, false, true));
        assert_eq!(count, MessageCount::selected(3));
        assert!(!count.note_all([Said::Exists(3), Said::Exists(3)]));
        assert!(count.note_all([Said::Exists(4), Said::Exists(4)]));
    }

    #[test]
    fn an_unknown_count_makes_any_exists_news() {
        // Given a count not known yet, and one that went below none.
        let mut unknown = MessageCount::default();
        let mut wrong = MessageCount::selected(0);
        wrong.note(Said::Expunge);

        // When the server says how many messages the mailbox holds.
        // Then it is news to both.
        assert!(unknown.note(Said::Exists(0)));
        assert!(wrong.note(Said::Exists(0)));
        assert!(!wrong.note(Said::Exists(0)));
    }

    #[test]
    fn responses_no_command_asked_for_are_noted_in_order_and_a_full_channel_is_news() {
        // Given two messages, and the server saying unasked that one left
        // and one came, with `RECENT` and other news that tell nothing of
        // the count.
        let said = || {
            vec![
                UnsolicitedResponse::Expunge(1),
                UnsolicitedResponse::Exists(2),
                UnsolicitedResponse::Recent(1),
            ]
        };
        let mut count = MessageCount::selected(2);

        // When it is heard, again, and from a channel that was full.
        let arrived = count.hear(false, said());
        let again = count.hear(false, [UnsolicitedResponse::Exists(2)]);
        let recent = count.hear(false, [UnsolicitedResponse::Recent(5)]);
        let full = count.hear(true, []);

        // Then the arrival is news, the repeat and `RECENT` are not, and a
        // full channel is, leaving the count unknown.
        assert_eq!((arrived, again, recent, full), (true, false, false, true));
        assert_eq!(count, MessageCount::default());
    }

    #[test]
    fn during_idle_only_a_changed_count_a_full_channel_or_an_unknown_count_ends_the_wait() {
        // Given a mailbox of one message, as SELECT said.
        let mut count = MessageCount::selected(1);

        // When the server repeats the number, sends a response that says
        // nothing of it (a `FETCH` of flags), expunges the message, and
        // then announces a new one.
        let repeated = count.hear_idle(Some(Said::Exists(1)), false, []);
        let flags = count.hear_idle(None, false, []);
        let expunged = count.hear_idle(Some(Said::Expunge), false, []);
        let arrived = count.hear_idle(Some(Said::Exists(1)), false, []);

        // Then only the new message ends the wait.
        assert_eq!(
            (repeated, flags, expunged, arrived),
            (false, false, false, true)
        );

        // And so does a response queued meanwhile that changes the count,
        // a channel that was full, and any response once the count went
        // below none.
        let queued = count.hear_idle(None, false, [UnsolicitedResponse::Exists(2)]);
        let full = count.hear_idle(Some(Said::Exists(2)), true, []);
        let mut wrong = MessageCount::selected(0);
        let below = wrong.hear_idle(Some(Said::Expunge), false, []);
        let after = wrong.hear_idle(None, false, []);
        assert_eq!((queued, full, below, after), (true, true, true, true));
    }
}
