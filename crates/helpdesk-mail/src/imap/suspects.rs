//! Whose trouble a failed fetch is: the messages suspected of breaking
//! their fetches, their strikes, and when a message is given up.
//!
//! A failure counts against a message (a strike) only when it was fetched
//! alone: its size or its bytes fetched as a suspect breaking the
//! connection or running out of time, an answer `OK` without its bytes, or
//! a `NO` to its size or its bytes (or an answer `OK` naming it without its
//! size) while the server gave other messages' in the same poll. When it is
//! the only message whose size or bytes the poll asked for, such a failure
//! (a size fetch breaking the connection, a `NO`, an answer `OK` naming it
//! without its size) first makes it a suspect, and counts only once
//! [`ImapOptions::give_up_after`](super::ImapOptions::give_up_after) has
//! passed since. A `NO` with an RFC 5530 code of temporary trouble
//! (`[UNAVAILABLE]`, say) never counts. A fetch that fails otherwise (a run
//! of messages, the sizes of several, a `NO` to the size or the bytes of
//! every message asked) ends the poll in an error, retried on the next one,
//! and counts against no message. After [`FETCH_ATTEMPTS`] strikes for its
//! size or for its bytes a message is filed as failed unread. A message's
//! strikes for its size are forgotten once the server gives its size, all
//! of them once it gives its bytes or once an answer `OK` to the fetch of
//! its size alone names it not at all (it left the mailbox).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::fetch::{Refusal, Rejection};
use super::{ImapSource, PollReport};

impl ImapSource {
    /// Counts a strike against the message `uid`'s `part`, fetched alone;
    /// files it as failed unread at [`FETCH_ATTEMPTS`] strikes, and says
    /// whether it did.
    pub(super) fn strike(
        &mut self,
        part: Part,
        uid: u32,
        why: &str,
        report: &mut PollReport,
    ) -> bool {
        let suspect = self.suspects_of(part).entry(uid).or_default();
        suspect.strikes += 1;
        let strikes = suspect.strikes;
        tracing::warn!(
            server = %super::connection::server(&self.options),
            mailbox = %self.options.mailbox,
            uid,
            strikes,
            reason = why,
            "the IMAP server did not give a message's {}",
            part.name()
        );
        let given_up = strikes >= FETCH_ATTEMPTS;
        if given_up {
            self.reject(uid, &Rejection::Unfetchable(part.name()), report);
        }
        given_up
    }

    /// The suspects of fetches of `part`.
    fn suspects_of(&mut self, part: Part) -> &mut BTreeMap<u32, Suspect> {
        match part {
            Part::Size => &mut self.size_suspects,
            Part::Bytes => &mut self.suspects,
        }
    }

    /// Judges the refusals of what the poll fetched alone, once it fetched
    /// everything: a strike for each that counts against its message (see
    /// [`refusal_counts`](Self::refusal_counts)); the refusal,
    /// when one is taken as the server's trouble or a strike leaves the
    /// poll with nothing given, to end the poll in an error.
    pub(super) fn judge(&mut self, fetching: Fetching, report: &mut PollReport) -> Option<Refusal> {
        let Fetching {
            batch,
            sizes_refused,
            sizes_given,
            refused,
            given,
            asked,
        } = fetching;
        let mut temporary = None;
        let judged = [
            (Part::Size, sizes_refused, sizes_given, batch == 1),
            (Part::Bytes, refused, given, asked == 1),
        ];
        for (part, refusals, given, lone) in judged {
            for (uid, refused) in refusals {
                // Not given up yet, with nothing given: the poll failed.
                if !self.refusal_counts(part, uid, &refused, given, lone)
                    || (!self.strike(part, uid, &refused.said, report) && !given)
                {
                    temporary = Some(refused);
                }
            }
        }
        temporary
    }

    /// Whether the server's refusal of the message `uid`'s `part`, fetched
    /// alone, counts against the message: never when the server says its
    /// trouble is temporary ([`Refusal::temporary`]); else when the server
    /// gave other messages' `part` in the poll (`given`); or, when it is
    /// the only message the poll asked for (`lone`), once
    /// [`ImapOptions::give_up_after`](super::ImapOptions::give_up_after)
    /// has passed since it was first refused (or broke the connection):
    /// the first refusal of a lone message makes it a suspect.
    fn refusal_counts(
        &mut self,
        part: Part,
        uid: u32,
        refused: &Refusal,
        given: bool,
        lone: bool,
    ) -> bool {
        if refused.temporary {
            return false;
        }
        let span = self.options.give_up_after;
        let suspects = self.suspects_of(part);
        match suspects.get(&uid) {
            _ if given => true,
            Some(suspect) => lone && suspect.since.elapsed() >= span,
            None => {
                if lone {
                    suspects.insert(uid, Suspect::default());
                }
                false
            }
        }
    }
}

/// How many strikes a message gets, for its size or for its bytes, before
/// it is filed as failed unread (the [module](self) says what strikes). A
/// fetch of it alone that breaks the connection makes it a suspect the
/// first time and strikes it after: a message whose fetch keeps breaking
/// the connection is given up at its `FETCH_ATTEMPTS + 1`-th failure in a
/// row. The only message a poll asks for, refused or its size fetch
/// breaking the connection, is struck only once
/// [`ImapOptions::give_up_after`](super::ImapOptions::give_up_after) has
/// passed since its first failure.
pub(super) const FETCH_ATTEMPTS: u32 = 2;

/// What of a message a fetch asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// Its `RFC822.SIZE`.
    Size,
    /// Its bytes (`BODY.PEEK[]`).
    Bytes,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Self::Size => "size",
            Self::Bytes => "bytes",
        }
    }
}

/// A message whose fetch failed: how many failures counted against it,
/// and since when it is suspected (its first failure).
#[derive(Debug, Clone, Copy)]
pub(super) struct Suspect {
    /// The failures counted against it (strikes).
    pub(super) strikes: u32,
    /// When it became a suspect.
    pub(super) since: Instant,
}

impl Default for Suspect {
    /// A suspect from now, without a strike.
    fn default() -> Self {
        Self {
            strikes: 0,
            since: Instant::now(),
        }
    }
}

/// What a poll's fetches came to, to tell whose trouble a refusal is.
#[derive(Debug, Default)]
pub(super) struct Fetching {
    /// How many messages the poll asks for (their sizes).
    pub(super) batch: usize,
    /// The messages whose size fetched alone the server refused, or left
    /// out of its answer.
    pub(super) sizes_refused: Vec<(u32, Refusal)>,
    /// Whether the server gave any message's size.
    pub(super) sizes_given: bool,
    /// The messages whose bytes fetched alone the server refused.
    pub(super) refused: Vec<(u32, Refusal)>,
    /// Whether the server gave any message's bytes.
    pub(super) given: bool,
    /// How many messages' bytes the poll asked for.
    pub(super) asked: usize,
}

/// Counts a failed fetch (not a refusal) of the messages `uids` in
/// `suspects`: each not suspected yet becomes a suspect, and a suspect
/// fetched alone gets a strike once `span` has passed since it became
/// one. A fetch of several counts against none of them: which one broke
/// it is not known.
pub(super) fn suspect(suspects: &mut BTreeMap<u32, Suspect>, uids: &[u32], span: Duration) {
    for &uid in uids {
        match suspects.get_mut(&uid) {
            Some(suspect) if uids.len() == 1 && suspect.since.elapsed() >= span => {
                suspect.strikes += 1;
            }
            Some(_) => {}
            None => {
                suspects.insert(uid, Suspect::default());
            }
        }
    }
}
