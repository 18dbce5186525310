//! What a poll fetches, and how: the UIDs waiting, their sizes, then
//! their bytes (`BODY.PEEK[]`) in runs of at most [`FETCH_BYTES`] a
//! command, each given [`ImapOptions::timeout`](super::ImapOptions::timeout)
//! plus the time its bytes take at [`FLOOR_RATE`]; a message missing from
//! an answer (or in a fetch of several the server refused, of sizes or of
//! bytes) is fetched again alone; one
//! in a fetch of sizes or of bytes that broke the connection becomes a
//! suspect of that fetch, fetched alone after the others; and why a
//! message is filed as failed unread ([`Rejection`]). Whose trouble a
//! failed fetch is, and when a message is given up: [`super::suspects`].
//!

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use async_imap::Session;
use async_imap::imap_proto::{AttributeValue, MailboxDatum, Response, Status};

use super::connection::Connection;
use super::count::Said;
use super::session::{command_error, timed, timed_for};
use super::suspects::{FETCH_ATTEMPTS, Fetching, Suspect, suspect};
use super::{ImapError, ImapOptions, ImapSource, PollReport};

impl ImapSource {
    /// The UIDs waiting in the mailbox, oldest first, and whether the
    /// server announced new mail while it searched (an `EXISTS` that
    /// changes the number of messages the source knows, see
    /// [`MessageCount`](super::count::MessageCount)): mail that arrived
    /// meanwhile, which the UIDs may lack. A poll files what it handled
    /// before it asks, so none of them is handed over twice.
    ///
    /// The search's answer is read to its tagged completion: async-imap's
    /// own `uid_search` ends quietly, with what it read so far, on a `NO`
    /// or a connection that closes, which would look like an empty mailbox
    /// (and make the source forget its suspects).
    pub(super) async fn waiting(&mut self) -> Result<(Vec<u32>, bool), ImapError> {
        let (session, options) = self.connected().await?;
        // NOOP lets the server announce mail that arrived since the last
        // command, which a search alone may not see.
        timed(options, "NOOP", session.noop())
            .await?
            .map_err(|e| command_error(options, "NOOP", e))?;
        // What the server said unasked so far (the answers to the last
        // poll's moves, to this NOOP): the mail it announced is in the
        // mailbox by now, for the search to find.
        let channel = &session.unsolicited_responses;
        let full = channel.is_full();
        let before: Vec<_> = std::iter::from_fn(|| channel.try_recv().ok()).collect();
        let (mut uids, mut said) = (Vec::new(), Vec::new());
        let searching = exchange(session, "UID SEARCH UNDELETED", |response| match response {
            Response::MailboxData(MailboxDatum::Search(found)) => uids.extend(found),
            other => said.extend(Said::of(other)),
        });
        let searched = timed(options, "UID SEARCH", searching).await?;
        let searched = searched.map_err(|e| command_error(options, "UID SEARCH", e))?;
        searched.map_err(|refused| refused.error(options, "UID SEARCH"))?;
        self.count.hear(full, before);
        let announced = self.count.note_all(said);
        uids.sort_unstable();
        uids.dedup();
        Ok((uids, announced))
    }

    /// The batch of waiting messages to fetch; those given up on after
    /// [`FETCH_ATTEMPTS`] strikes are filed as failed instead, unread
    /// (their fetch broke the last connection: this one is fresh).
    pub(super) async fn batch(&mut self, report: &mut PollReport) -> Result<Vec<u32>, ImapError> {
        // Mail announced during the search is found by the next one.
        let (mut uids, _) = self.waiting().await?;
        // Forget the suspects that left the mailbox.
        let waiting = |uid: &u32, _: &mut Suspect| uids.binary_search(uid).is_ok();
        self.suspects.retain(waiting);
        self.size_suspects.retain(waiting);
        self.gone.retain(|uid| uids.binary_search(uid).is_ok());
        uids.truncate(self.options.batch.max(1));
        let mut batch = Vec::with_capacity(uids.len());
        for uid in uids {
            match self.given_up(uid) {
                Some(what) => self.reject(uid, &Rejection::Unfetchable(what), report),
                None => batch.push(uid),
            }
        }
        Ok(batch)
    }

    /// What of the message `uid` the source gave up fetching after
    /// [`FETCH_ATTEMPTS`] strikes: its `"size"` or its `"bytes"`.
    fn given_up(&self, uid: u32) -> Option<&'static str> {
        let out = |suspects: &BTreeMap<u32, Suspect>| {
            suspects
                .get(&uid)
                .is_some_and(|suspect| suspect.strikes >= FETCH_ATTEMPTS)
        };
        if out(&self.size_suspects) {
            Some("size")
        } else if out(&self.suspects) {
            Some("bytes")
        } else {
            None
        }
    }

    /// `uids` with their sizes, in runs whose messages together hold at
    /// most [`FETCH_BYTES`] (a larger message runs alone), in order, each
    /// suspect alone after them; and those not to be fetched, larger than
    /// [`ImapOptions::max_size`](super::ImapOptions::max_size). Those whose
    /// size the server refused, or left out of its answer to their fetch
    /// alone, are in neither: noted in `fetching`; nor are those that
    /// answer does not name, gone from the mailbox.
    pub(super) async fn chunks(
        &mut self,
        uids: &[u32],
        fetching: &mut Fetching,
    ) -> Result<Chunks, ImapError> {
        if uids.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let sizes = self.sizes(uids, fetching).await?;
        let limit = self.options.max_size;
        let mut rejected = Vec::new();
        let (mut fetchable, mut suspects) = (Vec::new(), Vec::new());
        for (uid, size) in sizes {
            let size = u64::from(size);
            if size > limit {
                rejected.push((uid, Rejection::TooLarge { size, limit }));
            } else if self.suspects.contains_key(&uid) {
                suspects.push(vec![(uid, size)]);
            } else {
                fetchable.push((uid, size));
            }
        }
        let uids: Vec<u32> = fetchable.iter().map(|(uid, _)| *uid).collect();
        let size_of = |uid| Some(fetchable.iter().find(|(u, _)| *u == uid)?.1);
        let mut chunks: Vec<Vec<(u32, u64)>> = (runs(&uids, size_of, FETCH_BYTES).into_iter())
            .map(|run| {
                run.into_iter()
                    .filter_map(|uid| Some((uid, size_of(uid)?)))
                    .collect()
            })
            .collect();
        chunks.append(&mut suspects);
        Ok((chunks, rejected))
    }

    /// The `RFC822.SIZE` of each of the messages `uids`, in their order,
    /// fetched together; one missing from the answer, or all of them when
    /// the server refused the fetch, is asked for again alone. A size the
    /// server refuses alone, or leaves out of the `FETCH` of the message in
    /// its answer `OK` to the fetch alone too, is left out, noted in
    /// `fetching` as a refusal: whether it counts against the message is
    /// judged once the poll has fetched the others, as for any refusal, so
    /// that a server that leaves it out once does not have the message
    /// filed as failed. A message that answer `OK` does not name at all
    /// left the mailbox since the search (another client moved or expunged
    /// it): it is left out quietly and forgotten as a suspect, counting
    /// against nothing and ending no poll; but one the next search still
    /// finds is not gone, and an answer that names it not again is judged
    /// as a refused size. A fetch that fails ends
    /// the poll, making size suspects of its messages (and a strike against
    /// a size suspect fetched alone, when the poll asks for others too or
    /// [`ImapOptions::give_up_after`] has passed since it became one). A
    /// size given clears the message's strikes for its size.
    async fn sizes(
        &mut self,
        uids: &[u32],
        fetching: &mut Fetching,
    ) -> Result<Vec<(u32, u32)>, ImapError> {
        let lone = fetching.batch == 1;
        let (together, refused) = match self.sizes_guarded(uids, lone).await? {
            Ok(together) => (together, None),
            Err(refused) => (Vec::new(), Some(refused)),
        };
        let mut each = Vec::with_capacity(uids.len());
        for &uid in uids {
            // What the answer to its fetch alone (or the one together, when
            // that gave its size) held for it: its `FETCH`, with its size or
            // not, or none at all.
            let found = find(&together, uid).map(|item| item.size);
            let alone = match &refused {
                _ if matches!(found, Some(Some(_))) => found,
                // Fetched alone already; or the server said its trouble is
                // temporary, which asking each alone would only repeat, a
                // timeout each.
                Some(refused) if uids.len() == 1 || refused.temporary => {
                    fetching.sizes_refused.push((uid, refused.clone()));
                    continue;
                }
                None if uids.len() == 1 => found,
                _ => match self.sizes_guarded(&[uid], lone).await? {
                    Ok(alone) => find(&alone, uid).map(|item| item.size),
                    Err(refused) => {
                        fetching.sizes_refused.push((uid, refused));
                        continue;
                    }
                },
            };
            let size = match alone {
                Some(Some(size)) => size,
                // Named in an answer `OK` to its fetch alone, without its
                // size: a server's bug, judged as a refusal.
                Some(None) => {
                    let missing = Refusal::missing("RFC822.SIZE");
                    fetching.sizes_refused.push((uid, missing));
                    continue;
                }
                // Not named at all: gone since the search (another client
                // moved or expunged it), nothing to fetch nor to hold
                // against it; unless it was taken for gone before and the
                // search still found it, which is the server's trouble
                // with it, judged as a refusal.
                None => {
                    if self.gone.insert(uid) {
                        self.vanished(uid);
                    } else {
                        let missing = Refusal::missing("FETCH response");
                        fetching.sizes_refused.push((uid, missing));
                    }
                    continue;
                }
            };
            fetching.sizes_given = true;
            self.size_suspects.remove(&uid);
            self.gone.remove(&uid);
            each.push((uid, size));
        }
        Ok(each)
    }

    /// Forgets the message `uid`, taken to have left the mailbox between
    /// the search and the fetch of its size: no strike, no rejection, no
    /// error (should the next search still find it, it was not gone:
    /// [`sizes`](Self::sizes)).
    fn vanished(&mut self, uid: u32) {
        tracing::debug!(
            server = %super::connection::server(&self.options),
            mailbox = %self.options.mailbox,
            uid,
            "an IMAP message left the mailbox before its size was fetched"
        );
        self.size_suspects.remove(&uid);
        self.suspects.remove(&uid);
    }

    /// [`fetch`](Self::fetch) of the sizes of `uids`: on a failure (not a
    /// refusal) they become size suspects, and a size suspect fetched
    /// alone gets a strike (when the only message the poll asks for, once
    /// [`ImapOptions::give_up_after`] has passed since it became one).
    async fn sizes_guarded(&mut self, uids: &[u32], lone: bool) -> Result<Answer, ImapError> {
        let timeout = self.options.timeout;
        let fetched = self.fetch(uids, "RFC822.SIZE", timeout).await;
        if fetched.is_err() {
            let span = if lone {
                self.options.give_up_after
            } else {
                Duration::ZERO
            };
            suspect(&mut self.size_suspects, uids, span);
        }
        fetched
    }

    /// The bytes of the messages `uids` (with their sizes), in their
    /// order: fetched together (a suspect is alone in its run), those
    /// missing from the answer, or all of them when the server refused
    /// the run, again alone. A fetch that breaks the connection or runs
    /// out of time ends the poll, making suspects of its messages (and a
    /// strike against a suspect fetched alone).
    pub(super) async fn bodies(
        &mut self,
        uids: &[(u32, u64)],
    ) -> Result<Vec<(u32, Body)>, ImapError> {
        let together: Vec<u32> = uids.iter().map(|(uid, _)| *uid).collect();
        let bytes = uids.iter().map(|(_, size)| size).sum();
        let (mut fetched, refused) = match self.fetch_guarded(&together, bytes).await? {
            Ok(fetched) => (fetched, None),
            Err(refused) => (Vec::new(), Some(refused)),
        };
        let mut each = Vec::with_capacity(uids.len());
        for &(uid, size) in uids {
            let body = match take_body(&mut fetched, uid) {
                Some(body) => Body::Given(body),
                // Fetched alone already, or refused for a trouble the
                // server said is temporary (not asked again one by one).
                None if uids.len() == 1 || refused.as_ref().is_some_and(|r| r.temporary) => {
                    refused.clone().map_or(Body::Missing, Body::Refused)
                }
                None => match self.fetch_guarded(&[uid], size).await? {
                    Ok(mut alone) => take_body(&mut alone, uid).map_or(Body::Missing, Body::Given),
                    Err(refused) => Body::Refused(refused),
                },
            };
            each.push((uid, body));
        }
        Ok(each)
    }

    /// [`fetch`](Self::fetch) of the bytes of `uids`, `bytes` in all: on
    /// a failure (not a refusal) they become suspects, and a suspect
    /// fetched alone gets a strike.
    async fn fetch_guarded(&mut self, uids: &[u32], bytes: u64) -> Result<Answer, ImapError> {
        let budget = body_budget(&self.options, bytes);
        let fetched = self.fetch(uids, "BODY.PEEK[]", budget).await;
        if fetched.is_err() {
            suspect(&mut self.suspects, uids, Duration::ZERO);
        }
        fetched
    }

    /// `UID FETCH` of `items` for the messages `uids`, the command and the
    /// reading of its answer bounded by `budget`: what the server gave, or
    /// its refusal of the command (`NO`, `BAD`; async-imap's own
    /// `uid_fetch` ends quietly on one, as if it had worked). A connection
    /// that breaks or goes silent is an error.
    async fn fetch(
        &mut self,
        uids: &[u32],
        items: &str,
        budget: Duration,
    ) -> Result<Answer, ImapError> {
        let (session, options) = self.connected().await?;
        let command = format!("UID FETCH {} {items}", uid_set(uids));
        let mut said = Vec::new();
        let fetching = async {
            let mut fetched = Vec::new();
            // What no command asked for only counts the messages: the
            // mail an `EXISTS` announces is found by the next search.
            let done = exchange(session, &command, |response| match response {
                Response::Fetch(_, attributes) => fetched.push(Item::of(attributes)),
                other => said.extend(Said::of(other)),
            })
            .await?;
            Ok(done.map(|()| fetched))
        };
        let answer = timed_for(options, "UID FETCH", budget, fetching).await?;
        let answer = answer.map_err(|e| command_error(options, "UID FETCH", e));
        self.count.note_all(said);
        answer
    }
}

/// Sends `command` and reads its answer to its tagged completion, passing
/// every response before it to `each`: `Ok(Ok(()))`, or the server's
/// refusal (`NO`, `BAD`) as `Ok(Err)`; a connection that breaks or closes
/// first is an `Err`.
async fn exchange(
    session: &mut Session<Connection>,
    command: &str,
    mut each: impl FnMut(&Response<'_>),
) -> Result<Result<(), Refusal>, async_imap::error::Error> {
    let tag = session.run_command(command).await?;
    loop {
        let Some(response) = session.read_response().await? else {
            return Err(async_imap::error::Error::ConnectionLost);
        };
        match response.parsed() {
            Response::Done {
                tag: done,
                status,
                code,
                information,
            } if *done == tag => {
                let said = format!("code: {code:?}, info: {information:?}");
                let said = match status {
                    Status::Ok => return Ok(Ok(())),
                    Status::No => async_imap::error::Error::No(said),
                    _ => async_imap::error::Error::Bad(said),
                };
                return Ok(Err(Refusal {
                    said: said.to_string(),
                    temporary: temporary(information.as_deref()),
                }));
            }
            other => each(other),
        }
    }
}

/// Whether the text of a refusal starts with an RFC 5530 response code
/// saying the server's trouble is passing: `UNAVAILABLE`, `INUSE` or
/// `EXPUNGEISSUED` (`SERVERBUG` and `LIMIT` are often a message's own
/// lasting trouble: a file the server cannot read, a limit it hits every
/// time, so they count as plain refusals) (imap-proto parses none of them,
/// so they stay in the text).
fn temporary(information: Option<&str>) -> bool {
    let Some(text) = information.and_then(|text| text.trim_start().strip_prefix('[')) else {
        return false;
    };
    let code = text.split([']', ' ']).next().unwrap_or_default();
    TEMPORARY_CODES
        .iter()
        .any(|temporary| code.eq_ignore_ascii_case(temporary))
}

/// The RFC 5530 response codes of a server's temporary trouble.
const TEMPORARY_CODES: [&str; 3] = ["UNAVAILABLE", "INUSE", "EXPUNGEISSUED"];

/// The server's refusal (`NO`, `BAD`) of a command, or an answer `OK`
/// that lacks what a fetch of one message asked for (judged alike).
#[derive(Debug, Clone)]
pub(super) struct Refusal {
    /// What the server said, or what its answer lacked.
    pub(super) said: String,
    /// Whether it said its trouble is temporary (an RFC 5530 code such as
    /// `[UNAVAILABLE]`): then it counts against no message.
    pub(super) temporary: bool,
}

impl Refusal {
    /// The item `item` (its `RFC822.SIZE`, or its whole `FETCH response`)
    /// left out of an answer `OK` to the fetch of one message alone: not
    /// said to be temporary.
    pub(super) fn missing(item: &str) -> Self {
        Self {
            said: format!("the answer OK to the fetch of the message lacks its {item}"),
            temporary: false,
        }
    }

    /// The error of a poll or wait whose `command` the server refused.
    pub(super) fn error(self, options: &ImapOptions, command: &str) -> ImapError {
        ImapError::Command {
            server: super::connection::server(options),
            command: format!("{command} ({})", options.mailbox),
            reason: self.said,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.said)
    }
}

/// The time a fetch of messages holding `bytes` may take:
/// [`ImapOptions::timeout`] plus their bytes at [`FLOOR_RATE`].
fn body_budget(options: &ImapOptions, bytes: u64) -> Duration {
    options.timeout + Duration::from_secs_f64(bytes as f64 / FLOOR_RATE as f64)
}

/// The slowest transfer a fetch of a message's bytes is given time for,
/// in bytes a second, on top of [`ImapOptions::timeout`].
pub(super) const FLOOR_RATE: u64 = 256 << 10;

/// What one `UID FETCH` gave for one message.
#[derive(Debug, Default)]
struct Item {
    uid: Option<u32>,
    size: Option<u32>,
    body: Option<Vec<u8>>,
}

impl Item {
    fn of(attributes: &[AttributeValue<'_>]) -> Self {
        let mut item = Self::default();
        for attribute in attributes {
            match attribute {
                AttributeValue::Uid(uid) => item.uid = Some(*uid),
                AttributeValue::Rfc822Size(size) => item.size = Some(*size),
                AttributeValue::BodySection {
                    section: None,
                    data: Some(body),
                    ..
                }
                | AttributeValue::Rfc822(Some(body)) => item.body = Some(body.to_vec()),
                _ => {}
            }
        }
        item
    }
}

/// The answer to one `UID FETCH`: what it gave, or the server's refusal
/// of the whole command.
type Answer = Result<Vec<Item>, Refusal>;

/// The message `uid` in what a fetch gave.
fn find(fetched: &[Item], uid: u32) -> Option<&Item> {
    fetched.iter().find(|item| item.uid == Some(uid))
}

/// Takes the bytes of the message `uid` out of what a fetch gave.
fn take_body(fetched: &mut [Item], uid: u32) -> Option<Vec<u8>> {
    fetched
        .iter_mut()
        .find(|item| item.uid == Some(uid))?
        .body
        .take()
}

/// What a poll got for one message's bytes.
#[derive(Debug)]
pub(super) enum Body {
    /// Its bytes.
    Given(Vec<u8>),
    /// Missing from the answer `OK` to its fetch alone.
    Missing,
    /// Its fetch alone was refused (`NO`, `BAD`), with what the server
    /// said: judged once the poll has fetched the others
    /// ([`ImapSource::judge`]).
    Refused(Refusal),
}

/// Runs of UIDs to fetch together, and the messages not to be fetched,
/// with why.
type Chunks = (Vec<Vec<(u32, u64)>>, Vec<(u32, Rejection)>);

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
    use std::time::Duration;

    use super::{Rejection, body_budget, runs, temporary, uid_set};
    use crate::ImapOptions;

    #[test]
    fn a_fetch_of_bytes_gets_the_timeout_plus_their_time_at_the_floor_rate() {
        let options = ImapOptions::new("imap.example.com", 993, "user", "secret");
        assert_eq!(body_budget(&options, 0), Duration::from_secs(30));
        assert_eq!(
            body_budget(&options, 40 << 20),
            Duration::from_secs(30 + 160)
        );
    }

    #[test]
    fn only_the_codes_of_passing_trouble_are_temporary() {
        for passing in ["[UNAVAILABLE] Try later", " [inuse]", "[EXPUNGEISSUED]"] {
            assert!(temporary(Some(passing)), "{passing}");
        }
        let lasting = [
            "[SERVERBUG] Internal error occurred",
            "[LIMIT] Too big",
            "UNAVAILABLE without brackets",
            "[UNAVAILABLEX]",
            "",
        ];
        for said in lasting {
            assert!(!temporary(Some(said)), "{said}");
        }
        assert!(!temporary(None));
    }

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
