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
//! passes, or sleeps where the server has no `IDLE`. Every command is
//! bounded by [`ImapOptions::timeout`]: a connection that goes silent
//! ends the poll or wait in [`ImapError::Timeout`], and the next one
//! reconnects.
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
//! a fetch that broke the connection is fetched alone, after the others,
//! from then on, and given up after [`FETCH_ATTEMPTS`] such failures.

mod connection;
mod error;
mod options;
mod task;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::time::Duration;

use async_imap::types::{Fetch, UnsolicitedResponse};
use async_imap::{Client, Session};
use futures_util::TryStreamExt;

use connection::{Connection, server};
pub use error::ImapError;
pub use options::{ImapOptions, ImapSecurity};
pub use task::{ImapTask, spawn_imap};

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
    /// or bytes. Each is logged (`warn`) with why.
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
    /// Messages in a fetch that failed (the connection broke, say), with
    /// how many times a fetch of them alone failed since: fetched alone,
    /// after the others, and filed as failed unread after
    /// [`FETCH_ATTEMPTS`].
    suspects: BTreeMap<u32, u32>,
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
    /// others; one larger than [`ImapOptions::max_size`], or that the
    /// server will not give, is moved to the failed folder unread and
    /// counted in [`PollReport::rejected`].
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
        let (chunks, rejected) = self.chunks(&uids).await?;
        for (uid, why) in rejected {
            self.reject(uid, &why, &mut report);
        }
        for chunk in chunks {
            for (uid, raw) in self.bodies(&chunk).await? {
                let Some(raw) = raw else {
                    self.reject(uid, &Rejection::Unfetchable("bytes"), &mut report);
                    continue;
                };
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
        self.file_unmoved().await?;
        Ok(report)
    }

    /// The batch of waiting messages to fetch; those given up on after
    /// [`FETCH_ATTEMPTS`] are filed as failed instead.
    async fn batch(&mut self, report: &mut PollReport) -> Result<Vec<u32>, ImapError> {
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

    /// Moves the handled messages not moved yet, one command a folder.
    async fn file_unmoved(&mut self) -> Result<(), ImapError> {
        // Reconnect first: selecting the mailbox forgets the UIDs of the
        // one that was under its name before (another UIDVALIDITY), which
        // now name other messages.
        self.session().await?;
        for failed in [false, true] {
            let uids: Vec<u32> = (self.unmoved.iter())
                .filter(|(_, f)| *f == failed)
                .map(|(uid, _)| *uid)
                .collect();
            if uids.is_empty() {
                continue;
            }
            self.file(&uids, failed).await?;
            self.unmoved.retain(|(_, f)| *f != failed);
        }
        Ok(())
    }

    /// Waits for new mail: an `IDLE` until the server announces a change
    /// or [`ImapOptions::idle`] passes, or, on a server without `IDLE`, a
    /// sleep of [`ImapOptions::poll`].
    ///
    /// Before it idles it looks once more: mail waiting already (announced
    /// in the answer to one of the last poll's commands, say, which an
    /// `IDLE` would not announce again) ends the wait at once.
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
        // What the server said so far is covered by the search below.
        let (session, _) = self.connected().await?;
        announces_mail(|| session.unsolicited_responses.try_recv().ok());
        if !self.waiting().await?.is_empty() {
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
        if !announces_mail(|| news.try_recv().ok()) {
            let (waiting, _stop) = idle.wait_with_timeout(options.idle);
            // async-imap starts its timer anew on every response, the
            // server's keep-alives too: the whole wait is bounded here.
            if let Ok(outcome) = tokio::time::timeout(options.idle, waiting).await {
                outcome.map_err(|e| command_error(options, "IDLE", e))?;
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

    /// The UIDs waiting in the mailbox, oldest first. A poll files what it
    /// handled before it asks, so none of them is handled twice.
    async fn waiting(&mut self) -> Result<Vec<u32>, ImapError> {
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

    /// `uids` in runs whose messages together hold at most
    /// [`FETCH_BYTES`] (a larger message runs alone), in order, each
    /// suspect alone after them; and those not to be fetched: larger than
    /// [`ImapOptions::max_size`], or without a size (vanished meanwhile,
    /// or the server cannot say).
    async fn chunks(&mut self, uids: &[u32]) -> Result<Chunks, ImapError> {
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
    async fn bodies(&mut self, uids: &[u32]) -> Result<Vec<(u32, Option<Vec<u8>>)>, ImapError> {
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
    /// the reading of its answer bounded by [`ImapOptions::timeout`].
    async fn fetch(&mut self, uids: &[u32], items: &str) -> Result<Vec<Fetch>, ImapError> {
        let (session, options) = self.connected().await?;
        let fetching = async {
            let stream = session.uid_fetch(uid_set(uids), items).await?;
            stream.try_collect().await
        };
        let fetched = timed(options, "UID FETCH", fetching).await?;
        fetched.map_err(|e| command_error(options, "UID FETCH", e))
    }

    /// Moves the handled messages `uids` to their folder.
    async fn file(&mut self, uids: &[u32], failed: bool) -> Result<(), ImapError> {
        if self.can_move {
            self.move_to(uids, failed).await
        } else {
            self.copy_and_expunge(uids, failed).await
        }
    }

    /// `UID MOVE` of the messages `uids` to their folder.
    async fn move_to(&mut self, uids: &[u32], failed: bool) -> Result<(), ImapError> {
        let (session, options) = self.connected().await?;
        let (set, folder) = (uid_set(uids), folder(options, failed));
        let moved = timed(options, "UID MOVE", session.uid_mv(&set, folder)).await?;
        moved.map_err(|e| filing_error(options, "UID MOVE", &set, e))
    }

    /// A move on a server without `MOVE` (RFC 6851): `UID COPY` of those of
    /// `uids` not copied by an earlier try, then [`delete_and_expunge`].
    async fn copy_and_expunge(&mut self, uids: &[u32], failed: bool) -> Result<(), ImapError> {
        let fresh: Vec<u32> = (uids.iter())
            .filter(|uid| !self.copied.contains(uid))
            .copied()
            .collect();
        let expunge = if self.can_uidplus {
            Expunge::Uids
        } else {
            Expunge::Deleted
        };
        let (session, options) = self.connected().await?;
        let set = uid_set(uids);
        if !fresh.is_empty() {
            let copy = session.uid_copy(uid_set(&fresh), folder(options, failed));
            let copied = timed(options, "UID COPY", copy).await?;
            copied.map_err(|e| filing_error(options, "UID COPY", &set, e))?;
            self.copied.extend(fresh);
        }
        let (session, options) = self.connected().await?;
        delete_and_expunge(options, session, &set, expunge)
            .await?
            .map_err(|(step, e)| filing_error(options, step, &set, e))?;
        for uid in uids {
            self.copied.remove(uid);
        }
        Ok(())
    }

    /// The session, connecting first when there is none, and the options
    /// (borrowed apart, to bound the session's commands by their timeout).
    async fn connected(&mut self) -> Result<(&mut Session<Connection>, &ImapOptions), ImapError> {
        self.reconnect().await?;
        let session = self.session.as_mut().ok_or_else(|| ImapError::Connection {
            server: server(&self.options),
            step: "log in",
            reason: "no session".into(),
        })?;
        Ok((session, &self.options))
    }

    /// The session, connecting first when there is none.
    async fn session(&mut self) -> Result<&mut Session<Connection>, ImapError> {
        Ok(self.connected().await?.0)
    }

    /// Connects (logs in, creates the folders, selects the mailbox) when
    /// there is no session.
    async fn reconnect(&mut self) -> Result<(), ImapError> {
        if self.session.is_none() {
            let timeout = self.options.timeout;
            let session = tokio::time::timeout(timeout, self.open())
                .await
                .map_err(|_| ImapError::Timeout {
                    server: server(&self.options),
                    step: "log in",
                    seconds: timeout.as_secs(),
                })??;
            self.session = Some(session);
        }
        Ok(())
    }

    async fn open(&mut self) -> Result<Session<Connection>, ImapError> {
        let options = &self.options;
        let tcp = Connection::tcp(options).await?;
        let stream = match options.security {
            ImapSecurity::Implicit => Connection::tls(options, tcp).await?,
            ImapSecurity::None => Connection::Plain(tcp),
            ImapSecurity::StartTls => {
                let mut client = Client::new(tcp);
                greeting(options, &mut client).await?;
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|_| ImapError::Unsupported {
                        server: server(options),
                        capability: "STARTTLS",
                    })?;
                Connection::tls(options, client.into_inner()).await?
            }
        };
        let mut client = Client::new(stream);
        if options.security != ImapSecurity::StartTls {
            greeting(options, &mut client).await?;
        }
        let mut session = client
            .login(&options.username, &options.password)
            .await
            .map_err(|(e, _)| ImapError::Login {
                server: server(options),
                username: options.username.clone(),
                reason: e.to_string(),
            })?;
        let capabilities = session
            .capabilities()
            .await
            .map_err(|e| command_error(options, "CAPABILITY", e))?;
        self.can_idle = capabilities.has_str("IDLE");
        self.can_move = capabilities.has_str("MOVE");
        self.can_uidplus = capabilities.has_str("UIDPLUS");
        for folder in [&options.processed, &options.failed] {
            match session.create(folder).await {
                // NO: it exists already.
                Ok(()) | Err(async_imap::error::Error::No(_)) => {}
                Err(e) => return Err(command_error(options, "CREATE", e)),
            }
        }
        let mailbox = session
            .select(&options.mailbox)
            .await
            .map_err(|e| command_error(options, "SELECT", e))?;
        if mailbox.uid_validity != self.uid_validity {
            // Another mailbox under the same name: old UIDs mean nothing.
            self.unmoved.clear();
            self.copied.clear();
            self.suspects.clear();
            self.uid_validity = mailbox.uid_validity;
        }
        Ok(session)
    }

    fn command(&self, command: &str, e: async_imap::error::Error) -> ImapError {
        command_error(&self.options, command, e)
    }
}

/// Runs of UIDs to fetch together, and the messages not to be fetched,
/// with why.
type Chunks = (Vec<Vec<u32>>, Vec<(u32, Rejection)>);

/// Why a message is filed as failed without being handed over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum Rejection {
    /// Larger than [`ImapOptions::max_size`].
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
const FETCH_ATTEMPTS: u32 = 2;

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
fn uid_set(uids: &[u32]) -> String {
    let set: Vec<String> = uids.iter().map(u32::to_string).collect();
    set.join(",")
}

/// The folder the messages go to: [`ImapOptions::failed`] or
/// [`ImapOptions::processed`].
fn folder(options: &ImapOptions, failed: bool) -> &str {
    if failed {
        &options.failed
    } else {
        &options.processed
    }
}

/// The error of the command `step` of moving the UID set `set`.
fn filing_error(
    options: &ImapOptions,
    step: &str,
    set: &str,
    e: async_imap::error::Error,
) -> ImapError {
    ImapError::Command {
        server: server(options),
        command: format!("move {set} out of {}: {step}", options.mailbox),
        reason: e.to_string(),
    }
}

/// How the messages a poll copied leave the mailbox on a server without
/// `MOVE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expunge {
    /// `UID EXPUNGE` of just them (`UIDPLUS`, RFC 4315).
    Uids,
    /// `EXPUNGE`, on a server without `UIDPLUS`: it removes every message
    /// flagged `\Deleted` in the mailbox, the source's and any another
    /// client flagged, which the source never hands over. The mailbox is
    /// the source's own.
    Deleted,
}

/// Flags the messages of the UID set `set` `\Deleted` and expunges them,
/// the second half of a move on a server without `MOVE` (after their
/// `UID COPY`), each command bounded by [`ImapOptions::timeout`]; a
/// command the server refuses comes with its name. (async-imap's own
/// `uid_store` and `uid_expunge` end quietly on a `NO`, as if they had
/// worked.)
async fn delete_and_expunge(
    options: &ImapOptions,
    session: &mut Session<Connection>,
    set: &str,
    expunge: Expunge,
) -> Result<Result<(), (&'static str, async_imap::error::Error)>, ImapError> {
    let store = format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)");
    let stored = timed(
        options,
        "UID STORE",
        session.run_command_and_check_ok(store),
    )
    .await?;
    if let Err(e) = stored {
        return Ok(Err(("UID STORE", e)));
    }
    let (step, command) = match expunge {
        Expunge::Uids => ("UID EXPUNGE", format!("UID EXPUNGE {set}")),
        Expunge::Deleted => ("EXPUNGE", "EXPUNGE".to_string()),
    };
    let expunged = timed(options, step, session.run_command_and_check_ok(command)).await?;
    Ok(expunged.map_err(|e| (step, e)))
}

/// Whether the responses `next` yields, taken until it yields none,
/// announce new mail (`EXISTS`, `RECENT`).
fn announces_mail(mut next: impl FnMut() -> Option<UnsolicitedResponse>) -> bool {
    let mut announced = false;
    while let Some(response) = next() {
        announced |= matches!(
            response,
            UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
        );
    }
    announced
}

/// `work`, unless it takes longer than [`ImapOptions::timeout`]: then an
/// [`ImapError::Timeout`] naming `step`.
async fn timed<T>(
    options: &ImapOptions,
    step: &'static str,
    work: impl Future<Output = T>,
) -> Result<T, ImapError> {
    tokio::time::timeout(options.timeout, work)
        .await
        .map_err(|_| ImapError::Timeout {
            server: server(options),
            step,
            seconds: options.timeout.as_secs(),
        })
}

fn command_error(options: &ImapOptions, command: &str, e: async_imap::error::Error) -> ImapError {
    ImapError::Command {
        server: server(options),
        command: format!("{command} ({})", options.mailbox),
        reason: e.to_string(),
    }
}

async fn greeting<T>(options: &ImapOptions, client: &mut Client<T>) -> Result<(), ImapError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    match client.read_response().await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(ImapError::Connection {
            server: server(options),
            step: "greeting",
            reason: "the server closed the connection".into(),
        }),
        Err(e) => Err(ImapError::Connection {
            server: server(options),
            step: "greeting",
            reason: e.to_string(),
        }),
    }
}

/// How long to wait before reconnecting after `failures` failures in a
/// row: 1 s doubling to 5 minutes.
pub fn reconnect_delay(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.min(8)).min(Duration::from_secs(300))
}

#[cfg(test)]
mod tests {
    use async_imap::types::UnsolicitedResponse;

    use super::{Rejection, announces_mail, runs, uid_set};

    #[test]
    fn only_exists_and_recent_announce_mail_and_every_response_is_taken() {
        // Given what a server said unasked: an expunge, then new mail.
        let said = || {
            vec![
                UnsolicitedResponse::Expunge(3),
                UnsolicitedResponse::Exists(7),
                UnsolicitedResponse::Recent(1),
            ]
        };

        // When it is read, and when only the expunge is.
        let mut responses = said().into_iter();
        let announced = announces_mail(|| responses.next());
        let mut expunge = said().into_iter().take(1);

        // Then new mail is announced only in the first, and every response
        // was taken.
        assert!(announced);
        assert_eq!(responses.next(), None);
        assert!(!announces_mail(|| expunge.next()));
        assert!(!announces_mail(|| None));
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
