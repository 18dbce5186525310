//! [`NatsNotifier`]: the [`Notifier`] that publishes to JetStream.

use std::error::Error as _;

use async_nats::jetstream::context::{GetStreamByNameErrorKind, PublishError, PublishErrorKind};
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::{self, ErrorCode, stream};
use helpdesk_engine::{Notification, Notifier, NotifyError};

use crate::envelope::Envelope;
use crate::error::NatsError;
use crate::options::{NatsOptions, check_subject_prefix};

/// The name this notifier gives in [`NotifyError::notifier`].
const NAME: &str = "nats";

/// What a header `Nats-Msg-Id: <uuid>` adds to a message on the wire, at
/// most: the server counts headers against its `max_payload`.
const HEADER_BYTES: usize = 64;

/// Publishes each notification to NATS JetStream, as an [`Envelope`] in
/// JSON, to the subject `<prefix>.<tenant>.<event type>` (such as
/// `helpdesk.0190f1c2-….replied`; see [`NatsNotifier::subject`] for the
/// prefix of an endpoint's target), with the delivery id in the
/// `Nats-Msg-Id` header, and waits for the stream's ack: a notification
/// counts as delivered only once the server has stored it. JetStream drops
/// a second publish of the same id within the stream's duplicate window,
/// so the dispatcher's redeliveries are stored once.
///
/// Failures, as [`Desk::run_dispatch`](helpdesk_engine::Desk::run_dispatch)
/// sees them:
///
/// | failure | error |
/// |---------|-------|
/// | no ack within [`NatsOptions::publish_timeout`] (the server is slow, the connection is down and the client is reconnecting) | retryable |
/// | the client is closed, the connection broke while waiting, too many acks pending | retryable |
/// | no responders, and a stream captures the subject (it has no leader yet) or the server cannot say | retryable |
/// | no stream captures the subject and [`NatsOptions::create_stream`] is true | the stream is created again and the message published once more |
/// | no stream captures the subject and [`NatsOptions::create_stream`] is false | permanent |
/// | the endpoint's target is not a subject under [`NatsOptions::prefix`] (the stream would not capture it) | permanent |
/// | the message is larger than the server's `max_payload` or the stream's maximum message size | permanent |
/// | the envelope cannot be encoded | permanent |
/// | any other refusal by JetStream (storage full, limits) | retryable |
///
/// ```no_run
/// use helpdesk_core::DeskConfig;
/// use helpdesk_engine::{Desk, MemoryStore, SystemClock};
/// use helpdesk_nats::{NatsNotifier, NatsOptions};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// // Every reply and note, to `helpdesk.<tenant>.<event type>`.
/// let config: DeskConfig = serde_json::from_str(r#"{
///     "endpoints": {"bus": {"via": "nats", "target": "helpdesk"}},
///     "notification_rules": [{
///         "name": "Conversation to the bus",
///         "on": ["public_reply", "internal_note"],
///         "to": [{"endpoint": "bus"}],
///         "via": "nats"
///     }]
/// }"#)?;
/// let notifier = NatsNotifier::connect("127.0.0.1:4222", NatsOptions::default()).await?;
/// let desk = Desk::new(config, MemoryStore::new(), notifier, SystemClock)?;
/// // Publish what the desk writes, as it writes it.
/// let desk = std::sync::Arc::new(desk);
/// helpdesk_engine::spawn_dispatcher(desk.clone(), std::time::Duration::from_millis(200));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct NatsNotifier {
    context: jetstream::Context,
    options: NatsOptions,
}

impl NatsNotifier {
    /// Connects to the NATS server at `url` (such as `127.0.0.1:4222` or
    /// `nats://host:4222`) with the client's default settings (it
    /// reconnects by itself when the connection drops), then does what
    /// [`NatsNotifier::new`] does. Fails at once when the server cannot be
    /// reached.
    ///
    /// ```
    /// use helpdesk_nats::{NatsError, NatsNotifier, NatsOptions};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // Nothing listens on port 1.
    /// let err = NatsNotifier::connect("127.0.0.1:1", NatsOptions::default()).await.unwrap_err();
    /// assert!(matches!(err, NatsError::Connect { .. }));
    /// assert!(err.to_string().starts_with("could not connect to the NATS server at 127.0.0.1:1"));
    /// # });
    /// ```
    pub async fn connect(url: &str, options: NatsOptions) -> Result<Self, NatsError> {
        options.check()?;
        let client = async_nats::connect(url)
            .await
            .map_err(|source| NatsError::Connect {
                url: url.to_owned(),
                source,
            })?;
        Self::new(jetstream::new(client), options).await
    }

    /// A notifier publishing through `context`, a JetStream context on a
    /// client the host connected (with its own authentication, TLS and
    /// reconnection settings). Checks the options; with
    /// [`NatsOptions::create_stream`] creates the stream when it does not
    /// exist, and fails when a stream of that name exists that does not
    /// capture `<prefix>.>`. Without it, touches nothing on the server.
    ///
    /// ```no_run
    /// use helpdesk_nats::{NatsNotifier, NatsOptions};
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = async_nats::ConnectOptions::new()
    ///     .name("helpdesk")
    ///     .connect("127.0.0.1:4222")
    ///     .await?;
    /// let options = NatsOptions { prefix: "acme.helpdesk".into(), stream: "ACME".into(), ..NatsOptions::default() };
    /// let notifier = NatsNotifier::new(async_nats::jetstream::new(client), options).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn new(context: jetstream::Context, options: NatsOptions) -> Result<Self, NatsError> {
        options.check()?;
        let notifier = Self { context, options };
        if notifier.options.create_stream {
            notifier.ensure_stream().await?;
        }
        Ok(notifier)
    }

    /// The options.
    pub fn options(&self) -> &NatsOptions {
        &self.options
    }

    /// The JetStream context it publishes through.
    pub fn context(&self) -> &jetstream::Context {
        &self.context
    }

    /// The subject `notification` goes to: `<prefix>.<tenant>.<event type>`,
    /// where the prefix is the notification's address (the target of the
    /// endpoint it is for) or, when it has none (a person, who has no
    /// subject of their own), [`NatsOptions::prefix`].
    ///
    /// The stream captures `<prefix>.>` of the options only, so an address
    /// must be that prefix or lie under it: `helpdesk` or
    /// `helpdesk.escalations` for the default prefix. Anything else, or an
    /// address that is not a subject (an empty token, a wildcard,
    /// whitespace), is refused for good, saying why.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
    /// use helpdesk_nats::{NatsNotifier, NatsOptions};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let config: DeskConfig = serde_json::from_str(r#"{
    ///     "endpoints": {"urgent": {"via": "nats", "target": "helpdesk.urgent"}},
    ///     "notification_rules": [
    ///         {"name": "openings", "on": ["opened"], "to": [{"endpoint": "urgent"}], "via": "nats"}
    ///     ]
    /// }"#)?;
    /// let desk = Desk::new(config, MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(7));
    /// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
    /// desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open)).await?;
    ///
    /// let message = &desk.store().pending_outbox(1).await?[0];
    /// let mut notification = desk.notification(message).await?.expect("the endpoint is told");
    /// assert_eq!(
    ///     NatsNotifier::subject(&NatsOptions::default(), &notification)?,
    ///     "helpdesk.urgent.00000000-0000-0000-0000-000000000007.opened"
    /// );
    ///
    /// // Without an address, the options' prefix.
    /// notification.to.address = None;
    /// assert_eq!(
    ///     NatsNotifier::subject(&NatsOptions::default(), &notification)?,
    ///     "helpdesk.00000000-0000-0000-0000-000000000007.opened"
    /// );
    ///
    /// // An address the stream does not capture.
    /// notification.to.address = Some("audit".into());
    /// let refused = NatsNotifier::subject(&NatsOptions::default(), &notification).unwrap_err();
    /// assert!(refused.permanent);
    /// assert!(refused.reason.contains("not under the prefix \"helpdesk\""), "{refused}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub fn subject(
        options: &NatsOptions,
        notification: &Notification,
    ) -> Result<String, NotifyError> {
        let prefix = match notification.to.address.as_deref() {
            None => options.prefix.as_str(),
            Some(address) => {
                let refuse =
                    |reason: String| Err(NotifyError::permanent(NAME, notification.id, reason));
                if let Err(reason) = check_subject_prefix(address) {
                    return refuse(format!(
                        "the endpoint's subject {address:?} is not a NATS subject: {reason}"
                    ));
                }
                if !options.covers(address) {
                    return refuse(format!(
                        "the endpoint's subject {address:?} is not under the prefix {:?}, \
                         so the stream {} (subjects {}) would not capture it",
                        options.prefix,
                        options.stream,
                        options.subjects()
                    ));
                }
                address
            }
        };
        Ok(format!(
            "{prefix}.{}.{}",
            notification.tenant,
            notification.event.event.change.type_name()
        ))
    }

    /// Creates the stream when it does not exist; fails when it exists
    /// without capturing `<prefix>.>`.
    async fn ensure_stream(&self) -> Result<(), NatsError> {
        let wanted = self.options.subjects();
        let config = stream::Config {
            name: self.options.stream.clone(),
            subjects: vec![wanted.clone()],
            duplicate_window: self.options.duplicate_window,
            storage: stream::StorageType::File,
            ..stream::Config::default()
        };
        let stream = self
            .context
            .get_or_create_stream(config)
            .await
            .map_err(|source| NatsError::Stream {
                stream: self.options.stream.clone(),
                source,
            })?;
        let subjects = &stream.cached_info().config.subjects;
        if !subjects.iter().any(|s| s == &wanted || s == ">") {
            return Err(NatsError::StreamSubjects {
                stream: self.options.stream.clone(),
                subjects: subjects.clone(),
                wanted,
            });
        }
        Ok(())
    }

    /// Publishes `payload` to `subject` and waits for the ack.
    async fn publish_once(
        &self,
        notification: &Notification,
        subject: &str,
        payload: &[u8],
    ) -> Result<(), PublishError> {
        let publish = PublishMessage::build()
            .payload(payload.to_vec().into())
            .message_id(notification.id.to_string());
        self.context
            .send_publish(subject.to_owned(), publish)
            .await?
            .await?;
        Ok(())
    }

    /// Publishes, and on "no responders" finds out whether a stream
    /// captures the subject: creates it again (once) when it is gone and
    /// the notifier may, refuses for good when it may not.
    async fn publish(&self, notification: &Notification) -> Result<(), NotifyError> {
        let retryable = |reason: String| NotifyError::retryable(NAME, notification.id, reason);
        let permanent = |reason: String| NotifyError::permanent(NAME, notification.id, reason);
        let subject = Self::subject(&self.options, notification)?;
        let payload = Envelope::encode(notification)
            .map_err(|e| permanent(format!("could not encode the message: {e}")))?;
        let max = self.context.client().server_info().max_payload;
        if max > 0 && payload.len() + HEADER_BYTES > max {
            return Err(permanent(format!(
                "the message is {} bytes, more than the server's max_payload of {max} bytes",
                payload.len()
            )));
        }
        let mut created = false;
        loop {
            let error = match self.publish_once(notification, &subject, &payload).await {
                Ok(()) => return Ok(()),
                Err(error) => error,
            };
            match error.kind() {
                PublishErrorKind::StreamNotFound => {}
                PublishErrorKind::Other => {
                    let refusal = error
                        .source()
                        .and_then(|s| s.downcast_ref::<jetstream::Error>());
                    return Err(match refusal {
                        Some(e) if e.error_code() == ErrorCode::STREAM_MESSAGE_EXCEEDS_MAXIMUM => {
                            permanent(format!("JetStream refused {subject}: {e}"))
                        }
                        Some(e) => retryable(format!("JetStream refused {subject}: {e}")),
                        None => retryable(format!(
                            "could not publish to {subject}: {}",
                            describe(&error)
                        )),
                    });
                }
                _ => {
                    return Err(retryable(format!(
                        "could not publish to {subject}: {}",
                        describe(&error)
                    )));
                }
            }
            // No responders: is there a stream for the subject at all?
            match self.context.stream_by_subject(subject.clone()).await {
                Ok(stream) => {
                    return Err(retryable(format!(
                        "no responders on {subject}: the stream {stream} did not answer"
                    )));
                }
                Err(e) if e.kind() == GetStreamByNameErrorKind::NotFound => {}
                Err(e) => {
                    return Err(retryable(format!(
                        "no responders on {subject}, and JetStream could not say which stream captures it: {}",
                        describe(&e)
                    )));
                }
            }
            if !self.options.create_stream {
                return Err(permanent(format!(
                    "no JetStream stream captures {subject} (the notifier is set not to create {})",
                    self.options.stream
                )));
            }
            if created {
                return Err(permanent(format!(
                    "no JetStream stream captures {subject}, even after creating {}",
                    self.options.stream
                )));
            }
            self.ensure_stream()
                .await
                .map_err(|e| retryable(format!("no stream captured {subject}, and {e}")))?;
            created = true;
        }
    }
}

/// An error with its sources, for a reason a person reads.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

impl Notifier for NatsNotifier {
    async fn notify(&self, notification: &Notification) -> Result<(), NotifyError> {
        match tokio::time::timeout(self.options.publish_timeout, self.publish(notification)).await {
            Ok(result) => result,
            Err(_) => Err(NotifyError::retryable(
                NAME,
                notification.id,
                format!(
                    "no ack from JetStream within {:?}",
                    self.options.publish_timeout
                ),
            )),
        }
    }
}
