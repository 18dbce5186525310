//! [`spawn_imap`]: an [`ImapSource`] run in the background, as the
//! engine's `spawn_dispatcher` and `spawn_scheduler` run theirs, and
//! [`reconnect_delay`], how long it waits before it tries again.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use futures_util::future::{Either, select};
use tokio::sync::watch;

use super::{Fetched, Handled, ImapError, ImapOptions, ImapSource};

/// The IMAP source running in the background, from [`spawn_imap`].
///
/// [`stop`](Self::stop) ends it: the messages of a poll in hand are
/// handled and filed first, a wait for new mail ends at once, and the
/// source logs out.
/// Dropping the handle stops the task the same way, without waiting for
/// it.
#[derive(Debug)]
#[must_use = "the task stops when its handle is dropped"]
pub struct ImapTask {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl ImapTask {
    /// Stops the task and waits until it has logged out.
    pub async fn stop(self) {
        self.stop.send_replace(true);
        if let Err(error) = self.task.await {
            tracing::warn!(%error, "the IMAP task ended abnormally");
        }
    }

    /// Whether the task has ended (it ends only when stopped, or when its
    /// handler panics).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

/// Runs an [`ImapSource`] on `options` in a tokio task, handing each
/// message to `handle` once and filing it as the handler says, until the
/// returned [`ImapTask`] is stopped.
///
/// Each poll is reported through `tracing`: the messages processed,
/// failed and rejected (`info`), an empty mailbox (`debug`), a failure to
/// connect, poll or wait (`warn`, with the error and the delay before the
/// next try).
/// After a poll that filled a batch the source polls again at once;
/// otherwise it waits for new mail ([`ImapSource::wait`]: `IDLE`, or a
/// sleep of [`ImapOptions::poll`]). After a failure it tries again after
/// [`reconnect_delay`], 1 s doubling to 5 minutes while failures last.
///
/// ```no_run
/// use helpdesk_mail::{Handled, ImapOptions, spawn_imap};
///
/// # async fn run() {
/// let options = ImapOptions::new("imap.example.com", 993, "support@example.com", "secret");
/// let task = spawn_imap(options, |mail| async move {
///     println!("message {} has {} bytes", mail.uid, mail.raw.len());
///     Handled::Processed
/// });
/// // ... until the host shuts down:
/// task.stop().await;
/// # }
/// ```
pub fn spawn_imap<H, Fut>(options: ImapOptions, handle: H) -> ImapTask
where
    H: FnMut(Fetched) -> Fut + Send + 'static,
    Fut: Future<Output = Handled> + Send + 'static,
{
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run(options, handle, stopped));
    ImapTask { stop, task }
}

async fn run<H, Fut>(options: ImapOptions, mut handle: H, mut stopped: watch::Receiver<bool>)
where
    H: FnMut(Fetched) -> Fut + Send + 'static,
    Fut: Future<Output = Handled> + Send + 'static,
{
    let server = format!("{}:{}", options.host, options.port);
    let batch = options.batch.max(1);
    let mut source = None;
    let mut failures = 0;
    loop {
        if source.is_none() {
            match unless_stopped(&mut stopped, ImapSource::connect(options.clone())).await {
                None => break,
                Some(Ok(connected)) => source = Some(connected),
                Some(Err(error)) => {
                    failures += 1;
                    if back_off(&mut stopped, failures, &error, "could not connect").await {
                        continue;
                    }
                    break;
                }
            }
        }
        let Some(current) = source.as_mut() else {
            continue;
        };
        // A poll is never cut short: a message handed over is filed.
        let waited = match current.poll(&mut handle).await {
            Ok(report) => {
                failures = 0;
                let handled = report.processed + report.failed + report.rejected;
                if handled > 0 {
                    tracing::info!(
                        %server,
                        processed = report.processed,
                        failed = report.failed,
                        rejected = report.rejected,
                        "IMAP mail handled"
                    );
                } else {
                    tracing::debug!(%server, "IMAP mailbox polled: nothing waiting");
                }
                if *stopped.borrow() {
                    break;
                }
                if handled >= batch {
                    continue;
                }
                match unless_stopped(&mut stopped, current.wait()).await {
                    None => break,
                    Some(waited) => waited,
                }
            }
            Err(error) => Err(error),
        };
        if let Err(error) = waited {
            failures += 1;
            if !back_off(&mut stopped, failures, &error, "failed").await {
                break;
            }
        }
    }
    if let Some(source) = source
        && let Err(error) = source.logout().await
    {
        tracing::debug!(%error, "the IMAP source could not log out");
    }
    tracing::debug!(%server, "the IMAP task stopped");
}

/// How long to wait before reconnecting after `failures` failures in a
/// row: 1 s doubling to 5 minutes.
pub fn reconnect_delay(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.min(8)).min(Duration::from_secs(300))
}

/// Reports `error` (the source `what`) and waits [`reconnect_delay`] for
/// `failures` in a row; false when the task is asked to stop meanwhile.
async fn back_off(
    stopped: &mut watch::Receiver<bool>,
    failures: u32,
    error: &ImapError,
    what: &str,
) -> bool {
    let retry_in = reconnect_delay(failures);
    tracing::warn!(%error, ?retry_in, "the IMAP source {what}");
    unless_stopped(stopped, tokio::time::sleep(retry_in))
        .await
        .is_some()
}

/// `work`'s output, or `None` once the task is asked to stop (or its
/// handle is dropped) first.
async fn unless_stopped<T>(
    stopped: &mut watch::Receiver<bool>,
    work: impl Future<Output = T>,
) -> Option<T> {
    if *stopped.borrow() {
        return None;
    }
    let asked = stopped.wait_for(|stop| *stop);
    match select(pin!(work), pin!(asked)).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(_) => None,
    }
}
