//! What a poll fetches, and how: the UIDs waiting, their sizes, then
//! their bytes (`BODY.PEEK[]`) in runs of at most [`FETCH_BYTES`] a
//! command; a message missing from an answer is fetched again alone, one
//! in a fetch that broke the connection becomes a suspect, fetched alone
//! after the others and given up after [`FETCH_ATTEMPTS`]; and why a
//! message is filed as failed unread ([`Rejection`]).

use async_imap::types::Fetch;
use futures_util::TryStreamExt;

use super::session::{command_error, timed};
use super::{ImapError, ImapSource, PollReport};

impl ImapSource {
    /// The UIDs waiting in the mailbox, oldest first. A poll files what it
    /// handled before it asks, so none of them is handled twice.
    pub(super) async fn waiting(&mut self) -> Result<Vec<u32>, ImapError> {
        let (session, options) = self.connected().await?;
        // NOOP lets the server announce mail that arrived since the last
        // command, which a search alone may not see.
        timed(options, "NOOP", session.noop())
            .await?
            .map_err(|e| command_error(options, "NOOP", e))?;
        let found = timed(options, "UID SEARCH", session.uid_search("UNDELETED")).await?;
        let found = found.map_err(|e| command_error(options, "UID SEARCH", e))?;
        let mut uids: Vec<u32> = found.into_iter().collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// The batch of waiting messages to fetch; those given up on after
    /// [`FETCH_ATTEMPTS`] are filed as failed instead.
    pub(super) async fn batch(&mut self, report: &mut PollReport) -> Result<Vec<u32>, ImapError> {
        let mut uids = self.waiting().await?;
        // Forget the suspects that left the mailbox.
        self.suspects
            .retain(|uid, _| uids.binary_search(uid).is_ok());
        uids.truncate(self.options.batch.max(1));
        let (uids, given_up): (Vec<u32>, Vec<u32>) = (uids.into_iter())
            .partition(|uid| self.suspects.get(uid).is_none_or(|&n| n < FETCH_ATTEMPTS));
        for uid in given_up {
            self.reject(uid, &Rejection::Unfetchable("bytes"), report);
        }
        Ok(uids)
    }

    /// `uids` in runs whose messages together hold at most
    /// [`FETCH_BYTES`] (a larger message runs alone), in order, each
    /// suspect alone after them; and those not to be fetched: larger than
    /// [`ImapOptions::max_size`](super::ImapOptions::max_size), or without
    /// a size (vanished meanwhile, or the server cannot say).
    pub(super) async fn chunks(&mut self, uids: &[u32]) -> Result<Chunks, ImapError> {
        if uids.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let sizes = self.fetch_each(uids, "RFC822.SIZE", |f| f.size).await?;
        let limit = self.options.max_size;
        let mut rejected = Vec::new();
        let (mut fetchable, mut suspects) = (Vec::new(), Vec::new());
        for (uid, size) in sizes {
            match size.map(u64::from) {
                None => rejected.push((uid, Rejection::Unfetchable("size"))),
                Some(size) if size > limit => {
                    rejected.push((uid, Rejection::TooLarge { size, limit }));
                }
                Some(_) if self.suspects.contains_key(&uid) => suspects.push(vec![uid]),
                Some(size) => fetchable.push((uid, size)),
            }
        }
        let uids: Vec<u32> = fetchable.iter().map(|(uid, _)| *uid).collect();
        let size_of = |uid| Some(fetchable.iter().find(|(u, _)| *u == uid)?.1);
        let mut chunks = runs(&uids, size_of, FETCH_BYTES);
        chunks.append(&mut suspects);
        Ok((chunks, rejected))
    }

    /// The bytes of the messages `uids`, in their order; `None` for a
    /// message the server did not give (see
    /// [`fetch_each`](Self::fetch_each)).
    pub(super) async fn bodies(
        &mut self,
        uids: &[u32],
    ) -> Result<Vec<(u32, Option<Vec<u8>>)>, ImapError> {
        self.fetch_each(uids, "BODY.PEEK[]", |f| f.body().map(<[u8]>::to_vec))
            .await
    }

    /// What `pick` takes from the `UID FETCH` of `items` for each of the
    /// messages `uids`, in their order: the others in one command, each
    /// suspect alone. Those missing from an answer are fetched again
    /// alone, so that one message the server will not give does not keep
    /// back the others (async-imap ends a fetch the server refuses as if
    /// it had worked, with what it got); `None` for a message missing from
    /// its own answer on a connection that still works.
    async fn fetch_each<T>(
        &mut self,
        uids: &[u32],
        items: &str,
        pick: impl Fn(&Fetch) -> Option<T>,
    ) -> Result<Vec<(u32, Option<T>)>, ImapError> {
        let pick_uid = |fetched: &[Fetch], uid| pick(fetched.iter().find(|f| f.uid == Some(uid))?);
        let together: Vec<u32> = (uids.iter())
            .filter(|uid| uids.len() > 1 && !self.suspects.contains_key(uid))
            .copied()
            .collect();
        let fetched = if together.is_empty() {
            Vec::new()
        } else {
            self.fetch_guarded(&together, items).await?
        };
        let mut each = Vec::with_capacity(uids.len());
        for &uid in uids {
            let mut picked = pick_uid(&fetched, uid);
            if picked.is_none() {
                picked = pick_uid(&self.fetch_guarded(&[uid], items).await?, uid);
                if picked.is_none() {
                    self.still_connected(uid).await?;
                }
            }
            each.push((uid, picked));
        }
        Ok(each)
    }

    /// [`fetch`](Self::fetch), which on a failure makes suspects of
    /// `uids`, or counts the failure against the one message fetched
    /// alone.
    async fn fetch_guarded(&mut self, uids: &[u32], items: &str) -> Result<Vec<Fetch>, ImapError> {
        let fetched = self.fetch(uids, items).await;
        if fetched.is_err() {
            self.suspect(uids);
        }
        fetched
    }

    /// Makes suspects of `uids`, or counts a failure against the one
    /// message fetched alone.
    fn suspect(&mut self, uids: &[u32]) {
        for &uid in uids {
            let failures = self.suspects.entry(uid).or_insert(0);
            if uids.len() == 1 {
                *failures += 1;
            }
        }
    }

    /// Whether the connection still works (`NOOP`) after the message
    /// `uid` was missing from the answer to its own fetch: if not (the
    /// server said `BYE` while fetching it), the failure counts against
    /// the message.
    async fn still_connected(&mut self, uid: u32) -> Result<(), ImapError> {
        let (session, options) = self.connected().await?;
        let noop = match timed(options, "NOOP", session.noop()).await {
            Ok(done) => done.map_err(|e| command_error(options, "NOOP", e)),
            Err(timeout) => Err(timeout),
        };
        if noop.is_err() {
            self.suspect(&[uid]);
        }
        noop
    }

    /// `UID FETCH` of `items` for the messages `uids`, the command and
    /// the reading of its answer bounded by
    /// [`ImapOptions::timeout`](super::ImapOptions::timeout).
    async fn fetch(&mut self, uids: &[u32], items: &str) -> Result<Vec<Fetch>, ImapError> {
        let (session, options) = self.connected().await?;
        let fetching = async {
            let stream = session.uid_fetch(uid_set(uids), items).await?;
            stream.try_collect().await
        };
        let fetched = timed(options, "UID FETCH", fetching).await?;
        fetched.map_err(|e| command_error(options, "UID FETCH", e))
    }
}

/// Runs of UIDs to fetch together, and the messages not to be fetched,
/// with why.
type Chunks = (Vec<Vec<u32>>, Vec<(u32, Rejection)>);

/// Why a message is filed as failed without being handed over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum Rejection {
    /// Larger than [`ImapOptions::max_size`](super::ImapOptions::max_size).
    #[error("{size} bytes, over the limit of {limit}")]
    TooLarge {
        /// Its `RFC822.SIZE`.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The server did not give its size or its bytes.
    #[error("the server did not give its {0}")]
    Unfetchable(&'static str),
}

/// How many times a message is fetched alone, each time breaking the
/// connection or running out of time, before it is filed as failed
/// unread.
pub(super) const FETCH_ATTEMPTS: u32 = 2;

/// The most bytes of messages one `UID FETCH` asks for.
const FETCH_BYTES: u64 = 32 << 20;

/// `uids` in order, in runs whose sizes (by `size_of`) add up to at most
/// `budget` (a larger one runs alone); those without a size are left out.
fn runs(uids: &[u32], size_of: impl Fn(u32) -> Option<u64>, budget: u64) -> Vec<Vec<u32>> {
    let mut runs: Vec<Vec<u32>> = Vec::new();
    let mut bytes = 0;
    for &uid in uids {
        let Some(size) = size_of(uid) else {
            continue;
        };
        match runs.last_mut() {
            Some(run) if bytes + size <= budget => {
                run.push(uid);
                bytes += size;
            }
            _ => {
                runs.push(vec![uid]);
                bytes = size;
            }
        }
    }
    runs
}

/// `uids` as an IMAP sequence set (`3,4,9`).
pub(super) fn uid_set(uids: &[u32]) -> String {
    let set: Vec<String> = uids.iter().map(u32::to_string).collect();
    set.join(",")
}

#[cfg(test)]
mod tests {
    use super::{Rejection, runs, uid_set};

    #[test]
    fn a_rejection_says_why() {
        let large = Rejection::TooLarge {
            size: 60,
            limit: 50,
        };
        assert_eq!(large.to_string(), "60 bytes, over the limit of 50");
        assert_eq!(
            Rejection::Unfetchable("bytes").to_string(),
            "the server did not give its bytes"
        );
    }

    #[test]
    fn messages_are_fetched_in_runs_within_the_budget_in_order() {
        // Given sizes of 40, 30, 50, 200 and 10 bytes, and one message gone.
        let size_of = |uid: u32| match uid {
            1 => Some(40),
            2 => Some(30),
            3 => Some(50),
            4 => Some(200),
            6 => Some(10),
            _ => None,
        };

        // When planned within 100 bytes a fetch.
        let planned = runs(&[1, 2, 3, 4, 5, 6], size_of, 100);

        // Then the runs keep the order, a larger message runs alone, and
        // the vanished one is left out.
        assert_eq!(planned, [vec![1, 2], vec![3], vec![4], vec![6]]);
        assert_eq!(uid_set(&[3, 4, 9]), "3,4,9");
        assert!(runs(&[], size_of, 100).is_empty());
    }
}
