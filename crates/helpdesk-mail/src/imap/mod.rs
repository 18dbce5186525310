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
//! and `UID EXPUNGE`). A poll thus takes a few round trips to the server,
//! not two a message. Between polls, [`wait`](ImapSource::wait) holds an
//! `IDLE` until the server announces new mail, or sleeps where it has no
//! `IDLE`.
//!
//! **Each message is applied once.** A handled message leaves the mailbox;
//! if the move fails, the source remembers its UID (under the mailbox's
//! `UIDVALIDITY`) and moves it again on the next poll instead of handing
//! it over twice. Should the host stop between handling a poll's messages
//! and moving them, the next run hands them over again: the handler must be
//! idempotent, as [`ingest`](crate) is by the message's `Message-ID`.

mod connection;
mod error;
mod options;
mod task;

use std::collections::BTreeSet;
use std::future::Future;
use std::time::Duration;

use async_imap::types::Fetch;
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
///     if report.processed + report.failed == 0 {
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
    uid_validity: Option<u32>,
    /// Handled messages whose move has not succeeded yet, and where to.
    unmoved: BTreeSet<(u32, bool)>,
}

impl std::fmt::Debug for ImapSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSource")
            .field("options", &self.options)
            .field("connected", &self.session.is_some())
            .field("can_idle", &self.can_idle)
            .field("can_move", &self.can_move)
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
            uid_validity: None,
            unmoved: BTreeSet::new(),
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
        let uids = self.waiting().await?;
        for chunk in self.chunks(&uids).await? {
            for (uid, raw) in self.bodies(&chunk).await? {
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
            self.file(&uid_set(&uids), failed).await?;
            self.unmoved.retain(|(_, f)| *f != failed);
        }
        Ok(())
    }

    /// Waits for new mail: an `IDLE` until the server announces a change
    /// or [`ImapOptions::idle`] passes, or, on a server without `IDLE`, a
    /// sleep of [`ImapOptions::poll`].
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
        let Some(session) = self.session.take() else {
            return Ok(());
        };
        let mut idle = session.idle();
        self.timed("IDLE", idle.init())
            .await?
            .map_err(|e| self.command("IDLE", e))?;
        let (waiting, _stop) = idle.wait_with_timeout(self.options.idle);
        let outcome = waiting.await;
        outcome.map_err(|e| self.command("IDLE", e))?;
        let session = self
            .timed("DONE", idle.done())
            .await?
            .map_err(|e| self.command("DONE", e))?;
        self.session = Some(session);
        Ok(())
    }

    /// Logs out; the connection closes.
    pub async fn logout(mut self) -> Result<(), ImapError> {
        if let Some(mut session) = self.session.take() {
            let done = self.timed("LOGOUT", session.logout()).await?;
            done.map_err(|e| self.command("LOGOUT", e))?;
        }
        Ok(())
    }

    /// The UIDs waiting in the mailbox, oldest first, at most a batch. A
    /// poll files what it handled before it asks, so none of them is
    /// handled twice.
    async fn waiting(&mut self) -> Result<Vec<u32>, ImapError> {
        let session = self.session().await?;
        // NOOP lets the server announce mail that arrived since the last
        // command, which a search alone may not see.
        if let Err(e) = session.noop().await {
            return Err(self.command("NOOP", e));
        }
        let session = self.session().await?;
        let found = session.uid_search("UNDELETED").await;
        let found = found.map_err(|e| self.command("UID SEARCH", e))?;
        let mut uids: Vec<u32> = found.into_iter().collect();
        uids.sort_unstable();
        uids.truncate(self.options.batch.max(1));
        Ok(uids)
    }

    /// `uids` in runs whose messages together hold at most
    /// [`FETCH_BYTES`] (a larger message runs alone), in order; a message
    /// that vanished meanwhile is left out.
    async fn chunks(&mut self, uids: &[u32]) -> Result<Vec<Vec<u32>>, ImapError> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let sizes = self.fetch(uids, "RFC822.SIZE").await?;
        let size_of = |uid: u32| {
            let fetched = sizes.iter().find(|f| f.uid == Some(uid))?;
            fetched.size.map(u64::from)
        };
        Ok(runs(uids, size_of, FETCH_BYTES))
    }

    /// The bytes of the messages `uids`, in their order, in one command;
    /// a message that vanished meanwhile is left out.
    async fn bodies(&mut self, uids: &[u32]) -> Result<Vec<(u32, Vec<u8>)>, ImapError> {
        let fetched = self.fetch(uids, "BODY.PEEK[]").await?;
        Ok(uids
            .iter()
            .filter_map(|&uid| {
                let body = fetched.iter().find(|f| f.uid == Some(uid))?.body()?;
                Some((uid, body.to_vec()))
            })
            .collect())
    }

    /// `UID FETCH` of `items` for the messages `uids`.
    async fn fetch(&mut self, uids: &[u32], items: &str) -> Result<Vec<Fetch>, ImapError> {
        let session = self.session().await?;
        let fetched: Result<Vec<_>, _> = match session.uid_fetch(uid_set(uids), items).await {
            Ok(stream) => stream.try_collect().await,
            Err(e) => Err(e),
        };
        fetched.map_err(|e| self.command("UID FETCH", e))
    }

    /// Moves the handled messages of the UID set `set` to their folder.
    async fn file(&mut self, set: &str, failed: bool) -> Result<(), ImapError> {
        let folder = if failed {
            self.options.failed.clone()
        } else {
            self.options.processed.clone()
        };
        let can_move = self.can_move;
        let session = self.session().await?;
        let result = if can_move {
            session.uid_mv(set, &folder).await
        } else {
            copy_and_expunge(session, set, &folder).await
        };
        result.map_err(|e| ImapError::Command {
            server: server(&self.options),
            command: format!("move {set} to {folder}"),
            reason: e.to_string(),
        })
    }

    /// The session, connecting first when there is none.
    async fn session(&mut self) -> Result<&mut Session<Connection>, ImapError> {
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
        self.session.as_mut().ok_or_else(|| ImapError::Connection {
            server: server(&self.options),
            step: "log in",
            reason: "no session".into(),
        })
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
            self.uid_validity = mailbox.uid_validity;
        }
        Ok(session)
    }

    async fn timed<T>(
        &self,
        step: &'static str,
        work: impl Future<Output = T>,
    ) -> Result<T, ImapError> {
        tokio::time::timeout(self.options.timeout, work)
            .await
            .map_err(|_| ImapError::Timeout {
                server: server(&self.options),
                step,
                seconds: self.options.timeout.as_secs(),
            })
    }

    fn command(&self, command: &str, e: async_imap::error::Error) -> ImapError {
        command_error(&self.options, command, e)
    }
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
fn uid_set(uids: &[u32]) -> String {
    let set: Vec<String> = uids.iter().map(u32::to_string).collect();
    set.join(",")
}

/// `UID COPY`, `\Deleted` and `UID EXPUNGE`: a move on a server without
/// `MOVE` (RFC 6851).
async fn copy_and_expunge(
    session: &mut Session<Connection>,
    set: &str,
    folder: &str,
) -> Result<(), async_imap::error::Error> {
    session.uid_copy(set, folder).await?;
    {
        let stored = session.uid_store(set, "+FLAGS.SILENT (\\Deleted)").await?;
        let _: Vec<_> = stored.try_collect().await?;
    }
    let expunged = session.uid_expunge(set).await?;
    let _: Vec<_> = expunged.try_collect().await?;
    Ok(())
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
    use super::{runs, uid_set};

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
