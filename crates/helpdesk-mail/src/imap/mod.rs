//! [`ImapSource`]: fetches mail from an IMAP mailbox, hands each message
//! to the host's handler once, and files it away.
//!
//! The source logs in, selects the mailbox, and on each
//! [`poll`](ImapSource::poll) fetches a batch of the waiting messages,
//! oldest first (`UID FETCH ... BODY.PEEK[]`, so nothing is marked read
//! before it is handled; as many messages a command as hold at most 32
//! MiB), gives each to the handler in the order it arrived, and then moves
//! the handled ones to [`processed`](ImapOptions::processed) or, those the
//! handler says failed, to [`failed`](ImapOptions::failed), one command a
//! folder (`UID MOVE` where the server has it, else `UID COPY`, `\Deleted`
//! and `UID EXPUNGE`; on a server without `UIDPLUS` either, a plain
//! `EXPUNGE`, which also removes any message another client flagged
//! `\Deleted` there: the mailbox is the source's own). A poll thus takes a
//! few round trips to the server, not two a message. Between polls,
//! [`wait`](ImapSource::wait) looks once more for mail and then holds an
//! `IDLE` until the server announces new mail or [`ImapOptions::idle`]
//! passes, or sleeps where the server has no `IDLE`; an `EXISTS` that
//! repeats the number of messages the source knows is no news (some
//! servers add one to every answer), nor, during the `IDLE`, is any other
//! response that does not change it. Every command is bounded by
//! [`ImapOptions::timeout`]: a connection that goes silent ends the poll
//! or wait in [`ImapError::Timeout`], and the next one reconnects.
//!
//! **Each message is applied once.** A handled message leaves the mailbox;
//! if the move fails, the source remembers its UID (under the mailbox's
//! `UIDVALIDITY`) and moves it again on the next poll instead of handing
//! it over twice (and, on a server without `MOVE`, without copying again
//! what it copied before the expunge failed). Should the host stop between
//! handling a poll's messages and moving them, the next run hands them
//! over again: the handler must be idempotent, as [`ingest`](crate) is by
//! the message's `Message-ID`.
//!
//! **No message holds up the others.** One larger than
//! [`ImapOptions::max_size`], or one the server will not give, goes to the
//! failed folder unread, counted in [`PollReport::rejected`]. A message in
//! a fetch (of sizes or of bytes) that broke the connection is fetched
//! alone, after the others, from then on, and given up after
//! [`FETCH_ATTEMPTS`](suspects::FETCH_ATTEMPTS) failures of its fetch alone
//! (see [`suspects`] for what counts); the next poll, on a fresh connection,
//! files it unread. A message whose size or bytes the server refuses
//! while giving others' (or whose size it leaves out of its answer to the
//! fetch of that message alone, which counts as a refusal) is struck at
//! once (the sizes of several refused together are asked again one by
//! one, as bytes are); the only message a poll asks for, refused (or its
//! size fetch breaking the connection), is struck only once that has gone
//! on for [`ImapOptions::give_up_after`] since the first time, so that a
//! message alone in the mailbox is not retried for ever either, nor given
//! up for a passing trouble. A refusal with an RFC 5530 code of temporary
//! trouble (`[UNAVAILABLE]`, `[INUSE]`, `[EXPUNGEISSUED]`) never counts. A
//! timeout, a broken connection or a `NO` to every fetch otherwise ends
//! the poll in an error, retried on the next one: no message is filed as
//! failed for the server's or the network's trouble, and a broken
//! connection that no one message's fetch was alone on counts against
//! none.

mod connection;
mod count;
mod error;
mod fetch;
mod filing;
mod options;
mod session;
mod suspects;
mod task;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use async_imap::Session;
use async_imap::extensions::idle::IdleResponse;

use connection::{Connection, server};
use count::{MessageCount, Said};
pub use error::ImapError;
use fetch::{Body, Rejection};
pub use options::{ImapOptions, ImapSecurity};
use session::{command_error, timed};
use suspects::{Fetching, Part, Suspect};
pub use task::{ImapTask, reconnect_delay, spawn_imap};

/// One message fetched from the mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Its UID in the mailbox.
    pub uid: u32,
    /// Its raw bytes, as the server holds them.
    pub raw: Vec<u8>,
}

/// What became of a message, as the handler tells the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Applied (or deliberately ignored): moved to the processed folder.
    Processed,
    /// Could not be applied: moved to the failed folder for a person to
    /// look at.
    Failed,
}

/// What one [`poll`](ImapSource::poll) did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PollReport {
    /// Messages moved to the processed folder.
    pub processed: usize,
    /// Messages moved to the failed folder.
    pub failed: usize,
    /// Messages moved to the failed folder without being handed over, so
    /// that they do not hold up the mail behind them: larger than
    /// [`ImapOptions::max_size`], or the server would not give their size
    /// or bytes ([`ImapSource::poll`] says when that is taken as the
    /// message's trouble). Each is logged (`warn`) with why.
    pub rejected: usize,
}

/// A logged-in IMAP session on the mailbox new mail arrives in.
///
/// ```no_run
/// # async fn run() -> Result<(), helpdesk_mail::ImapError> {
/// use helpdesk_mail::{Handled, ImapOptions, ImapSource};
///
/// let options = ImapOptions::new("imap.example.com", 993, "support@example.com", "secret");
/// let mut source = ImapSource::connect(options).await?;
/// loop {
///     let report = source
///         .poll(|mail| async move {
///             println!("message {} has {} bytes", mail.uid, mail.raw.len());
///             Handled::Processed
///         })
///         .await?;
///     if report.processed + report.failed + report.rejected == 0 {
///         source.wait().await?;
///     }
/// }
/// # }
/// ```
pub struct ImapSource {
    options: ImapOptions,
    session: Option<Session<Connection>>,
    can_idle: bool,
    can_move: bool,
    can_uidplus: bool,
    uid_validity: Option<u32>,
    /// Handled messages whose move has not succeeded yet, and where to.
    unmoved: BTreeSet<(u32, bool)>,
    /// Those of them already copied to their folder on a server without
    /// `MOVE`, whose expunge is what failed: not copied again.
    copied: BTreeSet<u32>,
    /// Messages in a fetch of bytes that failed (the connection broke,
    /// say), or refused as the only message a poll asked for, with their
    /// strikes and since when they are suspected: fetched alone, after the
    /// others, and filed as failed unread after
    /// [`FETCH_ATTEMPTS`](suspects::FETCH_ATTEMPTS). Forgotten once the
    /// server gives the message's bytes.
    suspects: BTreeMap<u32, Suspect>,
    /// Messages in a fetch of sizes that failed, or whose size the server
    /// refused alone (or left out of its answer), with their strikes and
    /// since when they are suspected: their sizes fetched alone, after the
    /// other messages are handed over, and filed as failed unread after
    /// [`FETCH_ATTEMPTS`](suspects::FETCH_ATTEMPTS). Forgotten once the
    /// server gives the message's size.
    size_suspects: BTreeMap<u32, Suspect>,
    /// The number of messages in the mailbox as the server last told it
    /// on this connection: an `EXISTS` is news to a wait only when it
    /// changes it.
    count: MessageCount,
    /// Messages an answer to the fetch of their size did not name, taken
    /// for gone from the mailbox: one the next search still finds is not
    /// gone, and its size left unnamed again is judged as a refusal.
    gone: BTreeSet<u32>,
}

impl std::fmt::Debug for ImapSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSource")
            .field("options", &self.options)
            .field("connected", &self.session.is_some())
            .field("can_idle", &self.can_idle)
            .field("can_move", &self.can_move)
            .field("can_uidplus", &self.can_uidplus)
            .finish()
    }
}

impl ImapSource {
    /// Connects, logs in, creates the processed and failed folders when
    /// missing and selects the mailbox.
    pub async fn connect(options: ImapOptions) -> Result<Self, ImapError> {
        let mut source = Self {
            options,
            session: None,
            can_idle: false,
            can_move: false,
            can_uidplus: false,
            uid_validity: None,
            unmoved: BTreeSet::new(),
            copied: BTreeSet::new(),
            suspects: BTreeMap::new(),
            size_suspects: BTreeMap::new(),
            count: MessageCount::default(),
            gone: BTreeSet::new(),
        };
        source.session().await?;
        Ok(source)
    }

    /// The options the source was connected with.
    pub fn options(&self) -> &ImapOptions {
        &self.options
    }

    /// Fetches the waiting messages (at most [`ImapOptions::batch`],
    /// oldest first), hands each to `handle` in that order, and then moves
    /// them as the handler decided, one command a folder. Messages handled
    /// earlier whose move failed are moved first, not handed over again.
    /// A message whose fetch broke the connection before comes after the
    /// others. One larger than [`ImapOptions::max_size`] is moved to the
    /// failed folder unread and counted in [`PollReport::rejected`]; so is
    /// one the server will not give, once the trouble is clearly the
    /// message's: its size or its bytes refused (or its size missing from
    /// the answer `OK` to its fetch alone) while the server gives other
    /// messages', or its bytes missing from the answer to its fetch alone,
    /// on two polls; or, on three polls in a row, a fetch of its size or
    /// its bytes breaking the connection or running out of time (with
    /// others the first time, alone after; the next poll files it, on a
    /// fresh connection). When it is the only message the poll asks for (a
    /// message alone in the mailbox), its size or bytes refused (its size
    /// missing from the answer too), or its size fetch breaking the
    /// connection, counts only once that has gone on for
    /// [`ImapOptions::give_up_after`] since the first time: it is filed by
    /// the second such poll after that. A refusal the server says is
    /// temporary (an RFC 5530 code: `[UNAVAILABLE]`, `[INUSE]`,
    /// `[EXPUNGEISSUED]`), a fetch of several messages that breaks the
    /// connection, and a refusal of every message's size or bytes count
    /// against none of them. A message that left the mailbox after the
    /// search (the answer `OK` to the fetch of its size alone names it not
    /// at all) is skipped: neither counted nor an error; one the next
    /// search still finds is judged refused.
    ///
    /// On an error the connection is dropped and the next call reconnects.
    pub async fn poll<F, Fut>(&mut self, mut handle: F) -> Result<PollReport, ImapError>
    where
        F: FnMut(Fetched) -> Fut,
        Fut: Future<Output = Handled>,
    {
        let result = self.poll_once(&mut handle).await;
        if result.is_err() {
            self.session = None;
        }
        result
    }

    async fn poll_once<F, Fut>(&mut self, handle: &mut F) -> Result<PollReport, ImapError>
    where
        F: FnMut(Fetched) -> Fut,
        Fut: Future<Output = Handled>,
    {
        let mut report = PollReport::default();
        self.file_unmoved().await?;
        let uids = self.batch(&mut report).await?;
        // Messages whose size fetch broke the connection before come after
        // the others are handed over, their sizes fetched alone.
        let (late, uids): (Vec<u32>, Vec<u32>) =
            (uids.into_iter()).partition(|uid| self.size_suspects.contains_key(uid));
        let mut fetching = Fetching {
            batch: uids.len() + late.len(),
            ..Fetching::default()
        };
        self.hand_over(&uids, handle, &mut report, &mut fetching)
            .await?;
        for uid in late {
            self.hand_over(&[uid], handle, &mut report, &mut fetching)
                .await?;
        }
        // A refusal of a message's size or bytes is the message's when the
        // server gave others in this poll; or, for the only message the
        // poll asked for, once `give_up_after` has passed since it was
        // first refused, so that it is not retried for ever. Else (or when the server says its
        // trouble is temporary) it is the server's, retried on the next
        // poll.
        if let Some(refused) = self.judge(fetching, &mut report) {
            // What was rejected or handled meanwhile is filed first.
            self.file_unmoved().await?;
            return Err(refused.error(&self.options, "UID FETCH"));
        }
        self.file_unmoved().await?;
        Ok(report)
    }

    /// Fetches the messages `uids` (their sizes, then their bytes), files
    /// those not to be fetched as failed, and hands the others to `handle`
    /// in order, noting in `fetching` what the server gave and refused.
    async fn hand_over<F, Fut>(
        &mut self,
        uids: &[u32],
        handle: &mut F,
        report: &mut PollReport,
        fetching: &mut Fetching,
    ) -> Result<(), ImapError>
    where
        F: FnMut(Fetched) -> Fut,
        Fut: Future<Output = Handled>,
    {
        let (chunks, rejected) = self.chunks(uids, fetching).await?;
        for (uid, why) in rejected {
            self.reject(uid, &why, report);
        }
        for chunk in chunks {
            fetching.asked += chunk.len();
            for (uid, body) in self.bodies(&chunk).await? {
                let raw = match body {
                    Body::Given(raw) => raw,
                    Body::Missing => {
                        self.strike(Part::Bytes, uid, "missing from the answer", report);
                        continue;
                    }
                    Body::Refused(refused) => {
                        fetching.refused.push((uid, refused));
                        continue;
                    }
                };
                fetching.given = true;
                self.suspects.remove(&uid);
                let disposition = handle(Fetched { uid, raw }).await;
                let failed = disposition == Handled::Failed;
                self.unmoved.insert((uid, failed));
                match disposition {
                    Handled::Processed => report.processed += 1,
                    Handled::Failed => report.failed += 1,
                }
            }
        }
        Ok(())
    }

    /// Files the message `uid` as failed without handing it over, and
    /// says why.
    fn reject(&mut self, uid: u32, why: &Rejection, report: &mut PollReport) {
        tracing::warn!(
            server = %server(&self.options),
            mailbox = %self.options.mailbox,
            uid,
            reason = %why,
            "an IMAP message is filed as failed without being handed over"
        );
        self.unmoved.insert((uid, true));
        report.rejected += 1;
    }

    /// Waits for new mail: an `IDLE` until the server announces new mail
    /// or [`ImapOptions::idle`] passes since it began, or, on a server
    /// without `IDLE`, a sleep of [`ImapOptions::poll`].
    ///
    /// Before it idles it looks once more: mail waiting already (announced
    /// in the answer to one of the last poll's commands, say, which an
    /// `IDLE` would not announce again) ends the wait at once, and so does
    /// mail the server announces meanwhile (`* N EXISTS` with a number of
    /// messages other than the one the source knows). An `EXISTS` that
    /// only repeats that number, as some servers add to every answer, does
    /// not, before the `IDLE` or during it; nor does any other response
    /// during it (a `FETCH` of flags, an `EXPUNGE`), unless the source no
    /// longer knows the number.
    pub async fn wait(&mut self) -> Result<(), ImapError> {
        let result = self.wait_once().await;
        if result.is_err() {
            self.session = None;
        }
        result
    }

    async fn wait_once(&mut self) -> Result<(), ImapError> {
        self.session().await?;
        if !self.can_idle {
            tokio::time::sleep(self.options.poll).await;
            return Ok(());
        }
        // Mail that arrived during the search is announced in its answer,
        // which an `IDLE` would not announce again, yet may be missing
        // from what it found.
        let (waiting, announced) = self.waiting().await?;
        if announced || !waiting.is_empty() {
            return Ok(());
        }
        let Some(session) = self.session.take() else {
            return Ok(());
        };
        let news = session.unsolicited_responses.clone();
        let options = &self.options;
        let mut idle = session.idle();
        timed(options, "IDLE", idle.init())
            .await?
            .map_err(|e| command_error(options, "IDLE", e))?;
        // Mail announced since the search, before the server's `+`, is
        // where async-imap puts what no command asked for.
        let said = std::iter::from_fn(|| news.try_recv().ok());
        let mut heard = self.count.hear(news.is_full(), said);
        // One deadline for the whole wait: async-imap starts its timer
        // anew on every response, the server's keep-alives too, and a
        // response that is no news (an `EXISTS` repeated, a `FETCH` of
        // flags, an `EXPUNGE`) goes on waiting for what is left of it.
        let deadline = tokio::time::Instant::now() + options.idle;
        while !heard {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                break;
            }
            // Each call reads on from the same IDLE; the stop source is
            // kept while it runs, as dropping it would end it.
            let (waiting, _stop) = idle.wait_with_timeout(left);
            let Ok(outcome) = tokio::time::timeout_at(deadline, waiting).await else {
                break;
            };
            match outcome.map_err(|e| command_error(options, "IDLE", e))? {
                // The response that ended it is handed here, not kept;
                // what async-imap queued meanwhile is heard with it.
                IdleResponse::NewData(data) => {
                    let said = Said::of(data.parsed());
                    let queued = std::iter::from_fn(|| news.try_recv().ok());
                    heard = self.count.hear_idle(said, news.is_full(), queued);
                }
                // Silence until the deadline; or the end of the stream
                // (async-imap's word for a closed connection), which the
                // `DONE` below finds.
                IdleResponse::Timeout | IdleResponse::ManualInterrupt => break,
            }
        }
        let session = timed(options, "DONE", idle.done())
            .await?
            .map_err(|e| command_error(options, "DONE", e))?;
        self.session = Some(session);
        Ok(())
    }

    /// Logs out; the connection closes.
    pub async fn logout(mut self) -> Result<(), ImapError> {
        if let Some(mut session) = self.session.take() {
            let done = timed(&self.options, "LOGOUT", session.logout()).await?;
            done.map_err(|e| self.command("LOGOUT", e))?;
        }
        Ok(())
    }
}
