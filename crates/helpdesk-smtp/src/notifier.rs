//! [`SmtpNotifier`]: the [`Notifier`] that sends notifications as mail.

use std::time::Duration;

use helpdesk_core::TicketId;
use helpdesk_engine::{Clock, DeliveryId, Notification, Notifier, NotifyError, SystemClock};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication;
use lettre::transport::smtp::client::{
    Certificate, CertificateStore, Tls as LettreTls, TlsParameters,
};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::message::{self, Composer, NAME};
use crate::options::{SmtpError, SmtpOptions, Tls};

/// A [`Notifier`] that sends each notification as one mail over SMTP, to
/// the notification's address, threaded with the ticket's other mail; see
/// the [crate documentation](crate) for the headers and what is retried.
///
/// Each attempt opens a connection of its own, sends, and closes it. The
/// `Date` header is read from its [`Clock`]: the [`SystemClock`] unless
/// built [`with_clock`](Self::with_clock).
///
/// ```
/// use helpdesk_smtp::{SmtpNotifier, SmtpOptions};
///
/// let options = SmtpOptions::new("smtp.example.com", "support@example.com", "help.example.com");
/// let notifier = SmtpNotifier::new(options)?;
/// assert_eq!(notifier.server(), "smtp.example.com:587");
/// # Ok::<(), helpdesk_smtp::SmtpError>(())
/// ```
pub struct SmtpNotifier<C = SystemClock> {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    composer: Composer,
    server: String,
    /// The user name of [`SmtpOptions::credentials`], for naming a login
    /// the server refused.
    login: Option<String>,
    timeout: Duration,
    clock: C,
}

impl<C> std::fmt::Debug for SmtpNotifier<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpNotifier")
            .field("server", &self.server)
            .field("from", &self.composer.from.to_string())
            .field("domain", &self.composer.domain)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SmtpNotifier<SystemClock> {
    /// A notifier sending as `options` say, dating its mail by the system
    /// clock. Nothing is sent, and the server is not reached, before the
    /// first notification.
    pub fn new(options: SmtpOptions) -> Result<Self, SmtpError> {
        Self::with_clock(options, SystemClock)
    }
}

impl<C: Clock> SmtpNotifier<C> {
    /// A notifier sending as `options` say, dating its mail by `clock`.
    pub fn with_clock(options: SmtpOptions, clock: C) -> Result<Self, SmtpError> {
        let checked = options.check()?;
        let tls = match options.tls {
            Tls::None => LettreTls::None,
            Tls::StartTls => {
                LettreTls::Required(tls_parameters(&options.host, &options.extra_roots)?)
            }
            Tls::Implicit => {
                LettreTls::Wrapper(tls_parameters(&options.host, &options.extra_roots)?)
            }
        };
        let hello = options
            .hello_name
            .as_deref()
            .unwrap_or(&checked.domain)
            .to_owned();
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(options.host.clone())
                .port(options.port)
                .tls(tls)
                .timeout(Some(options.timeout))
                .hello_name(ClientId::Domain(hello));
        let login = options.credentials.as_ref().map(|c| c.username.clone());
        if let Some(credentials) = options.credentials {
            builder = builder.credentials(authentication::Credentials::new(
                credentials.username,
                credentials.password,
            ));
        }
        Ok(Self {
            transport: builder.build(),
            composer: Composer {
                from: Mailbox::new(options.from.name, checked.from),
                domain: checked.domain,
                reply_to: options.reply_to,
            },
            server: format!("{}:{}", options.host, options.port),
            login,
            timeout: options.timeout,
            clock,
        })
    }

    /// The server mail goes to, as `host:port`.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The `Message-ID` of a delivery's mail: `<{delivery id}@{domain}>`,
    /// the same on every attempt. A mail telling of what requesters may not
    /// see (an internal note) is sent as `<{delivery id}.internal@{domain}>`
    /// instead ([`Notification::message_key`](helpdesk_engine::Notification::message_key)),
    /// so that a reply to it is kept internal.
    ///
    /// ```
    /// # use helpdesk_smtp::{SmtpNotifier, SmtpOptions};
    /// # let notifier = SmtpNotifier::new(SmtpOptions::new("smtp.example.com", "support@example.com", "help.example.com"))?;
    /// let id = helpdesk_engine::DeliveryId::from_uuid(uuid::Uuid::from_u128(1));
    /// assert_eq!(notifier.message_id(id), "<00000000-0000-0000-0000-000000000001@help.example.com>");
    /// # Ok::<(), helpdesk_smtp::SmtpError>(())
    /// ```
    pub fn message_id(&self, delivery: DeliveryId) -> String {
        message::message_id(&self.composer.domain, delivery)
    }

    /// The id every mail of `ticket` names in `In-Reply-To` and
    /// `References`: `<ticket-{ticket id}@{domain}>`. No mail carries it
    /// as its own `Message-ID`; it is the root mail clients thread under.
    ///
    /// ```
    /// # use helpdesk_smtp::{SmtpNotifier, SmtpOptions};
    /// # let notifier = SmtpNotifier::new(SmtpOptions::new("smtp.example.com", "support@example.com", "help.example.com"))?;
    /// let ticket = helpdesk_core::TicketId::from_u128(2);
    /// assert_eq!(notifier.thread_root(ticket), "<ticket-00000000-0000-0000-0000-000000000002@help.example.com>");
    /// # Ok::<(), helpdesk_smtp::SmtpError>(())
    /// ```
    pub fn thread_root(&self, ticket: TicketId) -> String {
        message::thread_root(&self.composer.domain, ticket)
    }

    /// The mail `notify` sends for `notification`, dated now by the
    /// notifier's clock, without sending it: for checking what recipients
    /// get, and for hosts that hand mail to a transport of their own.
    ///
    /// A header value with a line break and an address that does not
    /// parse are refused with a permanent [`NotifyError`] naming the
    /// header; they are never written.
    ///
    /// ```
    /// use helpdesk_core::{ActorId, TenantId, TicketId};
    /// use helpdesk_core::notification::{NotificationChannel, Recipient};
    /// use helpdesk_engine::{Addressee, DeliveryId, ManualClock, Notification, Rendered};
    /// use helpdesk_smtp::{SmtpNotifier, SmtpOptions};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let options = SmtpOptions::new("smtp.example.com", "support@example.com", "help.example.com");
    /// let clock = ManualClock::new("2026-03-02T09:00:00Z".parse()?);
    /// let notifier = SmtpNotifier::with_clock(options, clock)?;
    /// # use helpdesk_core::{ActorRef, Change, CommentId, Event, Role};
    /// # use helpdesk_engine::{CommandId, EventId, store::StoredEvent};
    /// # let event = StoredEvent {
    /// #     id: EventId::from_uuid(uuid::Uuid::from_u128(4)),
    /// #     tenant: TenantId::from_u128(1),
    /// #     ticket: TicketId::from_u128(2),
    /// #     version: 2,
    /// #     command: CommandId::from_uuid(uuid::Uuid::from_u128(5)),
    /// #     event: Event::new(
    /// #         "2026-03-02T08:59:00Z".parse()?,
    /// #         ActorRef { id: ActorId::from_u128(7), role: Role::Agent },
    /// #         Change::Replied { comment: CommentId::from_u128(6), body: "On my way.".into() },
    /// #     ),
    /// # };
    /// let mut notification = Notification {
    ///     id: DeliveryId::from_uuid(uuid::Uuid::from_u128(1)),
    ///     tenant: TenantId::from_u128(1),
    ///     ticket: TicketId::from_u128(2),
    ///     reference: "#00000002".into(),
    ///     event, // the event told of, as stored
    ///     rule: "Replies to the requester".into(),
    ///     channel: NotificationChannel::Email,
    ///     to: Addressee {
    ///         recipient: Recipient::Actor(ActorId::from_u128(3)),
    ///         name: Some("Alice Martin".into()),
    ///         address: Some("alice@example.com".into()),
    ///         locale: "en".into(),
    ///     },
    ///     content: Rendered {
    ///         subject: "[#00000002] Printer jams".into(),
    ///         text: "Maria replied.\n\nOn my way.".into(),
    ///         html: None,
    ///     },
    /// };
    /// let mail = String::from_utf8(notifier.message(&notification)?.formatted())?;
    /// assert!(mail.contains("Message-ID: <00000000-0000-0000-0000-000000000001@help.example.com>\r\n"));
    /// assert!(mail.contains("References: <ticket-00000000-0000-0000-0000-000000000002@help.example.com>\r\n"));
    /// assert!(mail.contains("Auto-Submitted: auto-generated\r\n"));
    /// assert!(mail.contains("Date: Mon, 02 Mar 2026 09:00:00 +0000\r\n"));
    ///
    /// notification.content.subject = "Printer jams\r\nBcc: everyone@example.com".into();
    /// let refused = notifier.message(&notification).err().expect("refused");
    /// assert!(refused.permanent);
    /// assert!(refused.reason.starts_with("the Subject header's subject holds a line break"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn message(&self, notification: &Notification) -> Result<Message, NotifyError> {
        self.composer.compose(notification, self.clock.now())
    }

    /// Maps a failed send to retryable or permanent; a login the server
    /// refused (`535`, `534`) names the credentials.
    fn failure(&self, delivery: DeliveryId, error: &lettre::transport::smtp::Error) -> NotifyError {
        let code = error.status().map(|code| code.to_string());
        let reason = match (&self.login, code.as_deref()) {
            (Some(user), Some("535" | "534")) => format!(
                "{}: the server refused the login of {user:?} (credentials): {}",
                self.server,
                chain(error)
            ),
            _ => format!("{}: {}", self.server, chain(error)),
        };
        if error.is_permanent() {
            NotifyError::permanent(NAME, delivery, reason)
        } else {
            NotifyError::retryable(NAME, delivery, reason)
        }
    }
}

/// The TLS settings for `host`: certificates checked against the
/// platform's trust store and `extra_roots`, for that name.
fn tls_parameters(host: &str, extra_roots: &[Vec<u8>]) -> Result<TlsParameters, SmtpError> {
    let mut builder = TlsParameters::builder(host.to_owned());
    for (index, der) in extra_roots.iter().enumerate() {
        let bad = |error: lettre::transport::smtp::Error| SmtpError::ExtraRoot {
            index,
            reason: chain(&error),
        };
        let root = || Certificate::from_der(der.clone()).map_err(bad);
        // Each root alone first, so that a bad one is named.
        TlsParameters::builder(host.to_owned())
            .certificate_store(CertificateStore::None)
            .add_root_certificate(root()?)
            .build()
            .map_err(bad)?;
        builder = builder.add_root_certificate(root()?);
    }
    builder.build().map_err(|error| SmtpError::Tls {
        host: host.to_owned(),
        reason: chain(&error),
    })
}

/// An error's text followed by its causes' that it does not already say.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl<C: Clock> Notifier for SmtpNotifier<C> {
    async fn notify(&self, notification: &Notification) -> Result<(), NotifyError> {
        let mail = self.message(notification)?;
        match tokio::time::timeout(self.timeout, self.transport.send(mail)).await {
            Ok(Ok(_accepted)) => Ok(()),
            Ok(Err(error)) => Err(self.failure(notification.id, &error)),
            Err(_elapsed) => Err(NotifyError::retryable(
                NAME,
                notification.id,
                format!(
                    "{}: no answer within {:?}; the server may still deliver it, under the same Message-ID",
                    self.server, self.timeout
                ),
            )),
        }
    }
}
