//! [`Wakeups`]: LISTEN/NOTIFY, so hosts run their dispatcher and scheduler
//! when another host commits work instead of polling fast.

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, NoTls};

use crate::error::{PostgresError, describe};

/// What a commit announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// New outbox messages: run the dispatcher.
    Outbox,
    /// A ticket's next due instant is now this: run the scheduler then.
    Due(DateTime<Utc>),
}

/// Announcements of commits by any host on the store's schema: every
/// append that writes outbox messages sends [`Wake::Outbox`], every append
/// that leaves its ticket with a due instant sends [`Wake::Due`], both at
/// its commit (PostgreSQL's `NOTIFY`, on the channel `helpdesk` or
/// `helpdesk.<schema>`). Notifications are a hint, not a queue: they are
/// lost while no one listens, so a host still runs its dispatcher and
/// scheduler on a slow timer, and wakes early on these.
///
/// ```no_run
/// use std::time::Duration;
///
/// use helpdesk_postgres::{PostgresOptions, PostgresStore, Wake};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = PostgresStore::connect("host=127.0.0.1 dbname=test", PostgresOptions::default()).await?;
/// let mut wakeups = store.listen().await?;
/// loop {
///     tokio::select! {
///         wake = wakeups.next() => match wake {
///             Some(Wake::Outbox) => { /* desk.run_dispatch(..) */ }
///             Some(Wake::Due(_at)) => { /* desk.run_due(..) at `_at` */ }
///             None => wakeups = store.listen().await?, // the connection dropped
///         },
///         _ = tokio::time::sleep(Duration::from_secs(30)) => { /* both, to catch up */ }
///     }
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Wakeups {
    received: mpsc::UnboundedReceiver<Wake>,
    _client: tokio_postgres::Client,
}

impl Wakeups {
    pub(crate) async fn listen(
        config: &tokio_postgres::Config,
        channel: &str,
    ) -> Result<Self, PostgresError> {
        let (client, mut connection) =
            config
                .connect(NoTls)
                .await
                .map_err(|e| PostgresError::Connect {
                    target: "the listening connection".into(),
                    reason: describe(&e),
                })?;
        let (send, received) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(Ok(message)) = messages.next().await {
                if let AsyncMessage::Notification(n) = message
                    && let Some(wake) = parse(n.payload())
                    && send.send(wake).is_err()
                {
                    break;
                }
            }
        });
        client
            .batch_execute(&format!("LISTEN \"{channel}\""))
            .await
            .map_err(|e| PostgresError::query("listen for commits", e))?;
        Ok(Self {
            received,
            _client: client,
        })
    }

    /// The next announcement; `None` once the listening connection is
    /// gone (listen again).
    pub async fn next(&mut self) -> Option<Wake> {
        self.received.recv().await
    }
}

/// A notification's payload: `outbox`, or `due <RFC 3339 instant>`.
fn parse(payload: &str) -> Option<Wake> {
    if payload == "outbox" {
        return Some(Wake::Outbox);
    }
    let at = payload.strip_prefix("due ")?;
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|at| Wake::Due(at.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::{Wake, parse};

    #[test]
    fn payloads_read_as_what_they_announce() {
        assert_eq!(parse("outbox"), Some(Wake::Outbox));
        let due = parse("due 2026-03-02T09:00:00.000000Z");
        assert_eq!(
            due,
            Some(Wake::Due(
                "2026-03-02T09:00:00Z".parse().expect("an instant")
            ))
        );
        assert_eq!(parse("something else"), None);
    }
}
