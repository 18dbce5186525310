//! [`Desk`]: executes commands against a store, and answers queries, for
//! one desk configuration.

use std::sync::Arc;

use helpdesk_core::notification::Recipient;
use helpdesk_core::{
    Actor, ActorId, Command, Context, DeskConfig, DomainError, Reach, Ticket, TicketId,
    TicketNumber, ValidationError, Vouched, apply, decide,
};

use crate::clock::Clock;
use crate::dispatcher::DispatchOptions;
use crate::error::{ConfigError, DeskError, Reuse};
use crate::ids::{CommandId, EventId};
use crate::notification::{ConfigDirectory, Directory, Templates, watcher};
use crate::notifier::Notifier;
use crate::store::TicketCache;
use crate::store::{
    Append, Appended, CommandRecord, Fingerprint, MessageId, Page, SearchQuery, Store, StoreError,
    StoredEvent, TicketQuery, TicketRow,
};
use crate::turns::Turns;

/// A command as a caller sends it: who, on which ticket, what, under which
/// caller-chosen id.
///
/// A host that retries a request (after a timeout, say) sends the same
/// `Request` again, id included, so the command is applied once.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
/// use helpdesk_engine::{Request, new_ticket_id};
///
/// let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
/// let open = Request::new(
///     alice.clone(),
///     new_ticket_id(),
///     Command::Open(NewTicket::new(alice.id, "Printer jams", "")),
/// );
/// let retry = open.clone();
/// assert_eq!(retry.id, open.id);
/// // Each new request gets a fresh id.
/// let close = Request::new(alice, open.ticket, Command::Close);
/// assert_ne!(close.id, open.id);
/// ```
#[derive(Debug, Clone)]
pub struct Request {
    /// The caller's id for this command; a retry sends the same id.
    pub id: CommandId,
    /// Who acts.
    pub actor: Actor,
    /// On which ticket (a new id for `open`).
    pub ticket: TicketId,
    /// What.
    pub command: Command,
    /// What the host vouches for about the person and the conversation
    /// (organization, address, channel, type, host-only fields): the facts
    /// routing and SLA policies read, which a requester may not claim.
    pub vouched: Vouched,
    /// The version the caller last saw the ticket at (an HTTP `If-Match`),
    /// if it wants the command refused once the ticket has moved on
    /// ([`DeskError::VersionMismatch`]); `None` decides on whatever the
    /// ticket is now. A retry of a command already executed answers its
    /// first result whatever the version.
    pub expected_version: Option<u64>,
    /// The Message-ID of the mail the command came from, bound to the
    /// ticket in the same append as the command's events
    /// ([`Append::message`]), so a mail is never half taken in: its
    /// comment without its binding, or the reverse. An id bound to another
    /// ticket of the tenant refuses the command with
    /// [`StoreError::MessageBound`], nothing written.
    pub message: Option<MessageId>,
    /// Whether the actor asked not to be answered automatically (a mail
    /// marked `X-Loop` by a system that guards against loops, its sender
    /// vouched for): the command's notifications to its actor are not
    /// planned; everyone else is told as the rules say. Not part of the
    /// command's fingerprint.
    pub no_auto_response: bool,
}

impl Request {
    /// A request with a fresh command id, vouching for nothing.
    pub fn new(actor: Actor, ticket: TicketId, command: Command) -> Self {
        Self {
            id: CommandId::new(),
            actor,
            ticket,
            command,
            vouched: Vouched::new(),
            expected_version: None,
            message: None,
            no_auto_response: false,
        }
    }

    /// The request binding the mail `message` to its ticket with the
    /// command's events, in one append (see [`Request::message`]).
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::store::MessageId;
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let mail = MessageId::new("<CAF=x+Y@mail.example.com>")?;
    /// let id = helpdesk_engine::new_ticket_id();
    /// let open = Command::Open(NewTicket::new(alice.id, "VPN drops", ""));
    /// desk.execute(Request::new(alice.clone(), id, open).with_message(mail.clone())).await?;
    ///
    /// assert_eq!(desk.store().ticket_of_message(alice.tenant, &mail).await?, Some(id));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub fn with_message(mut self, message: MessageId) -> Self {
        self.message = Some(message);
        self
    }

    /// The request telling its actor nothing automatically (see
    /// [`Request::no_auto_response`]): for a mail whose sender asked not
    /// to be answered by machines.
    ///
    /// ```
    /// use helpdesk_core::notification::Recipient;
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let config: DeskConfig = serde_json::from_str(r#"{
    ///     "notification_rules": [
    ///         {"name": "acknowledge", "on": ["opened"], "to": ["requester"], "via": "email",
    ///          "skip_actor": false}
    ///     ]
    /// }"#)?;
    /// let desk = Desk::new(config, MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let open = |subject: &str| Command::Open(NewTicket::new(alice.id, subject, ""));
    /// let id = helpdesk_engine::new_ticket_id;
    /// desk.execute(Request::new(alice.clone(), id(), open("VPN drops"))).await?;
    /// desk.execute(Request::new(alice.clone(), id(), open("Printer jams")).without_auto_response())
    ///     .await?;
    ///
    /// // Only the first opening is acknowledged.
    /// let outbox = desk.store().pending_outbox(100).await?;
    /// assert_eq!(outbox.len(), 1);
    /// assert_eq!(outbox[0].delivery.recipient, Recipient::Actor(alice.id));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub fn without_auto_response(mut self) -> Self {
        self.no_auto_response = true;
        self
    }

    /// The request refused with [`DeskError::VersionMismatch`] unless the
    /// ticket is at `version` when the command is decided.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, DeskError, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let agent = Actor::agent(ActorId::from_u128(2), TenantId::from_u128(1), []);
    /// let id = helpdesk_engine::new_ticket_id();
    /// let open = Command::Open(NewTicket::new(agent.id, "Printer jams", ""));
    /// let seen = desk.execute(Request::new(agent.clone(), id, open)).await?.version;
    ///
    /// let tag = |tag: &str| Command::Tag { tag: tag.into() };
    /// desk.execute(Request::new(agent.clone(), id, tag("printer")).expecting(seen)).await?;
    /// // A second change made on the same reading is refused.
    /// let stale = desk.execute(Request::new(agent, id, tag("floor-3")).expecting(seen)).await;
    /// assert!(matches!(stale, Err(DeskError::VersionMismatch { expected, .. }) if expected == seen));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub fn expecting(mut self, version: u64) -> Self {
        self.expected_version = Some(version);
        self
    }

    /// The request with the facts the host vouches for.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Channel, Command, NewTicket, TenantId, Vouched};
    /// use helpdesk_engine::{Request, new_ticket_id};
    ///
    /// let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
    /// // The mail gateway knows the sender's address and the channel.
    /// let facts = Vouched::new().requester_email("alice@example.com").channel(Channel::Email);
    /// let open = Command::Open(NewTicket::new(alice.id, "VPN drops", ""));
    /// let request = Request::new(alice, new_ticket_id(), open).vouched(facts);
    /// assert_eq!(request.vouched.channel, Some(Channel::Email));
    /// ```
    pub fn vouched(mut self, vouched: Vouched) -> Self {
        self.vouched = vouched;
        self
    }

    /// The fingerprint its command id is bound to: of the command, and of
    /// the vouched facts when there are any.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, TenantId, Vouched};
    /// use helpdesk_engine::store::Fingerprint;
    /// use helpdesk_engine::{Request, new_ticket_id};
    ///
    /// let agent = Actor::agent(ActorId::from_u128(2), TenantId::from_u128(1), []);
    /// let tag = Request::new(agent, new_ticket_id(), Command::Tag { tag: "vpn".into() });
    /// assert_eq!(tag.fingerprint(), Fingerprint::of(&tag.command));
    /// let vouched = tag.clone().vouched(Vouched::new().organization("ACME"));
    /// assert_ne!(vouched.fingerprint(), tag.fingerprint());
    /// ```
    pub fn fingerprint(&self) -> Fingerprint {
        if self.vouched.is_empty() {
            Fingerprint::of(&self.command)
        } else {
            Fingerprint::of(&(&self.command, &self.vouched))
        }
    }
}

/// What executing a command did, as the acting actor may see it; see
/// [`Desk::execute`] for an example.
///
/// A requester never finds an internal note in it: not in the ticket, not
/// among the events, not in a replay.
#[derive(Debug, Clone)]
pub struct Executed {
    /// The ticket after the command, as the actor may see it
    /// ([`Ticket::view_for`]); `None` when the command took it out of their
    /// reach (an agent moving it to a group not theirs, say).
    pub ticket: Option<Ticket>,
    /// The ticket's version after the command.
    pub version: u64,
    /// The events the command appended that the actor may see (none if it
    /// changed nothing).
    pub events: Vec<StoredEvent>,
    /// Whether this command id had been executed before, and this is the
    /// first result again, as the actor may see it now: when the ticket
    /// has since left their reach, without the ticket and its events.
    pub replayed: bool,
}

impl Executed {
    /// The result of a command as `actor` may see it.
    fn seen_by(
        actor: &Actor,
        ticket: &Ticket,
        mut events: Vec<StoredEvent>,
        replayed: bool,
    ) -> Self {
        events.retain(|e| e.event.is_visible_to(actor.role));
        Self {
            ticket: ticket.view_for(actor),
            version: ticket.version(),
            events,
            replayed,
        }
    }
}

/// How a desk behaves; pass them to [`Desk::with_options`].
///
/// ```
/// use helpdesk_engine::DeskOptions;
///
/// let options = DeskOptions::default();
/// assert_eq!(options.max_attempts, 8);
/// assert_eq!(options.recent_tickets, 1_000);
/// ```
#[derive(Debug, Clone)]
pub struct DeskOptions {
    /// How many times a command is decided again after losing a version
    /// race before giving up with [`DeskError::Contended`]. Only other
    /// desks on the same store race this one: its own commands on one
    /// ticket take turns.
    pub max_attempts: u32,
    /// The actor id the SLA scheduler acts as.
    pub scheduler: ActorId,
    /// How many tickets the desk keeps as it last wrote them, so the next
    /// command on one decides without loading it from the store (up to
    /// twice this many are kept; 0 keeps none). A kept ticket that another
    /// desk has moved on is caught by the store's version check and
    /// loaded; a command it refuses is decided again on the loaded ticket.
    /// Reads (`ticket`, `history`, `list`, `search`) always go to the
    /// store. Default: 1,000.
    pub recent_tickets: usize,
    /// How the outbox dispatcher claims and retries
    /// ([`Desk::run_dispatch`]).
    pub dispatch: DispatchOptions,
}

impl Default for DeskOptions {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            scheduler: ActorId::from_u128(0x5c4e_d01e_5c4e_d01e),
            recent_tickets: 1_000,
            dispatch: DispatchOptions::default(),
        }
    }
}

/// A help desk: a configuration, a store, a notifier and a clock.
///
/// `execute` loads the ticket (unless it keeps it, or the command opens
/// it), decides, and appends the events with the version it
/// loaded; when another writer got there first, it reloads and
/// decides again, up to [`DeskOptions::max_attempts`] times. A command id
/// executed before answers its first result: the store refuses to record
/// it twice, and a retry the domain would now refuse (resolving a resolved
/// ticket) is looked up before the refusal is returned.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, ManualClock, MemoryStore, NoNotifier, Request, new_ticket_id};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let clock = ManualClock::new(chrono::Utc::now());
/// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, clock)?;
/// let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
/// let open = Request::new(alice.clone(), new_ticket_id(),
///     Command::Open(NewTicket::new(alice.id, "Printer jams", "")));
/// let first = desk.execute(open.clone()).await?;
/// let again = desk.execute(open).await?;
/// assert!(again.replayed);
/// assert_eq!(again.events, first.events);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
pub struct Desk<S, N, C> {
    config: Arc<DeskConfig>,
    store: S,
    notifier: N,
    clock: C,
    options: DeskOptions,
    recent: TicketCache,
    turns: Turns,
    templates: Arc<Templates>,
    directory: Arc<dyn Directory>,
}

impl<S: Store, N: Notifier, C: Clock> Desk<S, N, C> {
    /// A desk with default options, once `config` validates
    /// ([`DeskConfig::validate`]); otherwise [`ConfigError`] with every
    /// error, so a desk never runs on a configuration that could make a
    /// decision fail later.
    ///
    /// ```
    /// use chrono::{DateTime, Duration, Utc};
    /// use helpdesk_core::DeskConfig;
    /// use helpdesk_engine::{Clock, Desk, DeskOptions, ManualClock, MemoryStore, NoNotifier};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let t0: DateTime<Utc> = "2026-03-02T09:00:00Z".parse()?;
    /// let clock = ManualClock::new(t0);
    /// let config = DeskConfig::default();
    /// let desk = Desk::new(config, MemoryStore::new(), NoNotifier, clock.clone())?;
    /// // The desk reads the clock it was given.
    /// clock.advance(Duration::minutes(5));
    /// assert_eq!(desk.clock().now(), t0 + Duration::minutes(5));
    /// assert_eq!(desk.options().max_attempts, DeskOptions::default().max_attempts);
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(config: DeskConfig, store: S, notifier: N, clock: C) -> Result<Self, ConfigError> {
        Self::with_options(config, store, notifier, clock, DeskOptions::default())
    }

    /// A desk with `options`, once `config` validates (see [`new`](Self::new)).
    ///
    /// ```
    /// use helpdesk_core::DeskConfig;
    /// use helpdesk_engine::{Desk, DeskOptions, MemoryStore, NoNotifier, SystemClock};
    ///
    /// # fn main() -> Result<(), helpdesk_engine::ConfigError> {
    /// // Keep no tickets between commands: every command loads its ticket.
    /// let options = DeskOptions {
    ///     recent_tickets: 0,
    ///     ..DeskOptions::default()
    /// };
    /// let desk = Desk::with_options(
    ///     DeskConfig::default(),
    ///     MemoryStore::new(),
    ///     NoNotifier,
    ///     SystemClock,
    ///     options,
    /// )?;
    /// assert_eq!(desk.options().recent_tickets, 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_options(
        config: DeskConfig,
        store: S,
        notifier: N,
        clock: C,
        options: DeskOptions,
    ) -> Result<Self, ConfigError> {
        config.validate().map_err(|errors| ConfigError { errors })?;
        let templates = Templates::compile(&config).map_err(|errors| ConfigError { errors })?;
        let directory = Arc::new(ConfigDirectory::new(&config));
        Ok(Self {
            templates: Arc::new(templates),
            directory,
            config: Arc::new(config),
            store,
            notifier,
            clock,
            recent: TicketCache::new(options.recent_tickets),
            turns: Turns::default(),
            options,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &DeskConfig {
        &self.config
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The notifier.
    pub fn notifier(&self) -> &N {
        &self.notifier
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// The options.
    pub fn options(&self) -> &DeskOptions {
        &self.options
    }

    /// The desk looking people up in `directory` to notify them and to
    /// name them in notifications, instead of the agents of its
    /// configuration ([`ConfigDirectory`]).
    ///
    /// ```
    /// use helpdesk_core::{ActorId, DeskConfig, TenantId};
    /// use helpdesk_engine::{Contact, Desk, Directory, DirectoryFuture, MemoryStore, NoNotifier, SystemClock};
    ///
    /// struct Everyone;
    /// impl Directory for Everyone {
    ///     fn contact(&self, _: TenantId, actor: ActorId) -> DirectoryFuture<'_> {
    ///         let email = format!("{}@example.com", actor.as_uuid().simple());
    ///         Box::pin(async move { Ok(Some(Contact { email: Some(email), ..Contact::default() })) })
    ///     }
    /// }
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?
    ///     .with_directory(Everyone);
    /// let found = desk.directory().contact(TenantId::from_u128(1), ActorId::from_u128(7)).await?;
    /// assert!(found.is_some_and(|c| c.email.is_some()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub fn with_directory(mut self, directory: impl Directory + 'static) -> Self {
        self.directory = Arc::new(directory);
        self
    }

    /// Where the desk looks people up.
    pub fn directory(&self) -> &dyn Directory {
        self.directory.as_ref()
    }

    /// The configuration's notification templates, compiled.
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// Executes `request` (see the type's documentation).
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, DeskError, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let id = helpdesk_engine::new_ticket_id();
    ///
    /// let open = Command::Open(NewTicket::new(alice.id, "VPN drops", "Every few minutes."));
    /// let executed = desk.execute(Request::new(alice.clone(), id, open)).await?;
    /// assert!(!executed.replayed);
    /// let ticket = executed.ticket.expect("alice sees her ticket");
    /// assert_eq!(ticket.subject(), "VPN drops");
    /// assert_eq!(executed.events[0].event.change.type_name(), "opened");
    /// assert_eq!(executed.version, executed.events.len() as u64);
    ///
    /// // The lifecycle does not allow reopening an open ticket; nothing is written.
    /// let reopen = desk.execute(Request::new(alice.clone(), id, Command::Reopen)).await;
    /// assert!(matches!(reopen, Err(DeskError::Rejected(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn execute(&self, request: Request) -> Result<Executed, DeskError> {
        // A retry whose target has left the actor's reach since answers
        // its first result, as far as the actor may still see it.
        let target = match self.check_targets(&request).await {
            Ok(target) => target,
            Err(refused) => {
                return match self.store.command(request.actor.tenant, request.id).await? {
                    Some(record) => self.replay(&request, request.fingerprint(), record).await,
                    None => Err(refused),
                };
            }
        };
        let (Some((target, command)), Some(ticket)) =
            (request.command.counterpart(request.ticket), target)
        else {
            return self.execute_one(&request).await;
        };
        // The other ticket's side is decided first, so a command either
        // side refuses writes nothing.
        let other = Request {
            id: request.id.counterpart(),
            actor: request.actor.clone(),
            ticket: target,
            command,
            vouched: Vouched::new(),
            expected_version: None,
            message: None,
            no_auto_response: request.no_auto_response,
        };
        let ctx = Context::new(&other.actor, self.clock.now(), &self.config);
        if let Err(refused) = decide(&ticket, other.command.clone(), &ctx)
            && self
                .store
                .command(other.actor.tenant, other.id)
                .await?
                .is_none()
        {
            // A closed, merged or cancelled ticket changes no more: a link
            // to it (or its unlink) is kept on this side only. The domain
            // checks who may act before the lifecycle, so a refusal by the
            // lifecycle means the actor may link there. A merge into such a
            // ticket is refused.
            let kept_here = matches!(other.command, Command::Link { .. } | Command::Unlink { .. })
                && matches!(refused, DomainError::IllegalTransition { .. })
                && ticket.status().category.is_terminal();
            if !kept_here {
                return Err(refused.into());
            }
            return self.execute_one(&request).await;
        }
        let done = self.execute_one(&request).await?;
        // Written (or replayed) on this ticket: record the other side. A
        // failure here leaves the first side written; the same request
        // again replays it and completes the other.
        self.execute_one(&other).await?;
        Ok(done)
    }

    /// Executes one request on its own ticket.
    async fn execute_one(&self, request: &Request) -> Result<Executed, DeskError> {
        let tenant = request.actor.tenant;
        let key = (tenant, request.ticket);
        // This desk's commands on the ticket wait for each other.
        let _turn = self.turns.take(key).await;
        let fingerprint = request.fingerprint();
        // A ticket being opened is new: it needs no load. If its id is
        // taken after all, the append's version check says so, and the
        // ticket is loaded like a kept one that fell behind.
        let mut cached = self.recent.get(key).or_else(|| {
            matches!(request.command, Command::Open(_)).then(|| Ticket::new(request.ticket))
        });
        // An open takes the tenant's next number once, however often it is
        // decided again; a number taken by an open that fails stays unused.
        let mut number = None;
        let mut attempts = 0;
        loop {
            let from_cache = cached.is_some();
            let ticket = match cached.take() {
                Some(ticket) => ticket,
                None => {
                    attempts += 1;
                    self.store
                        .load(tenant, request.ticket)
                        .await?
                        .unwrap_or_else(|| Ticket::new(request.ticket))
                }
            };
            // A ticket the actor may not see answers as the domain does
            // (not found), never with its version.
            if let Some(expected) = request.expected_version
                && ticket.version() != expected
                && ticket.is_visible_to(&request.actor)
            {
                if from_cache {
                    self.recent.forget(key);
                    continue;
                }
                return match self.store.command(tenant, request.id).await? {
                    Some(record) => self.replay(request, fingerprint, record).await,
                    None => Err(DeskError::VersionMismatch {
                        ticket: request.ticket,
                        expected,
                        actual: ticket.version(),
                    }),
                };
            }
            if number.is_none() && !ticket.exists() && matches!(request.command, Command::Open(_)) {
                number = Some(self.store.next_ticket_number(tenant).await?);
            }
            let ctx = Context::new(&request.actor, self.clock.now(), &self.config)
                .with_vouched(&request.vouched)
                .with_number(number);
            let events = match decide(&ticket, request.command.clone(), &ctx) {
                Ok(events) => events,
                // The store may hold a newer ticket that allows the command.
                Err(_) if from_cache => {
                    self.recent.forget(key);
                    continue;
                }
                // A retry of a command that was applied may be refused now
                // (resolving a resolved ticket): answer the first result.
                Err(rejected) => {
                    return match self.store.command(tenant, request.id).await? {
                        Some(record) => self.replay(request, fingerprint, record).await,
                        None => Err(rejected.into()),
                    };
                }
            };
            // Past the domain's checks (reach, authorization, the
            // requester's own role), a watcher's role must be the one the
            // host's directory knows, where it knows one.
            if let Command::Watch { watcher } = &request.command
                && let Err(refused) =
                    watcher::check_role(self.directory.as_ref(), tenant, *watcher).await
            {
                // A kept ticket may be behind the store's: decide on it.
                if from_cache {
                    self.recent.forget(key);
                    continue;
                }
                return match self.store.command(tenant, request.id).await? {
                    Some(record) => self.replay(request, fingerprint, record).await,
                    None => Err(refused),
                };
            }
            let from_version = ticket.version();
            let mut after = ticket;
            let mut stored = Vec::with_capacity(events.len());
            for event in events {
                apply(&mut after, &event);
                stored.push(StoredEvent {
                    id: EventId::new(),
                    tenant,
                    ticket: request.ticket,
                    version: after.version(),
                    command: request.id,
                    event,
                });
            }
            let record = CommandRecord {
                command: request.id,
                ticket: request.ticket,
                actor: request.actor.id,
                fingerprint,
                from_version,
                to_version: after.version(),
            };
            let mut append = Append::new(tenant, record, stored, after, &self.config);
            append.message = request.message.clone();
            if request.no_auto_response {
                let actor = Recipient::Actor(request.actor.id);
                append.outbox.retain(|m| m.delivery.recipient != actor);
            }
            let stored = append.events.clone();
            let after = append.ticket.clone();
            match self.store.append(append).await {
                Ok(Appended::Written) => {
                    if after.exists() {
                        self.recent.put(key, after.clone());
                    }
                    return Ok(Executed::seen_by(&request.actor, &after, stored, false));
                }
                Ok(Appended::Duplicate(first)) => {
                    return self.replay(request, fingerprint, first).await;
                }
                // A kept ticket was behind the store's: load it.
                Err(StoreError::Conflict { .. }) if from_cache => {
                    self.recent.forget(key);
                }
                Err(StoreError::Conflict { .. }) if attempts < self.options.max_attempts => {}
                Err(StoreError::Conflict { ticket, .. }) => {
                    self.recent.forget(key);
                    return Err(DeskError::Contended { ticket, attempts });
                }
                Err(other) => {
                    // Whether the append was written is unknown.
                    self.recent.forget(key);
                    return Err(other.into());
                }
            }
        }
    }

    /// Whether the configuration lists agents and `actor` is not one.
    fn unlisted_agent(&self, actor: ActorId) -> bool {
        !self.config.agents.is_empty() && self.config.agent_by_id(actor).is_none()
    }

    /// Refuses a command whose targets are not what it may act on: a merge
    /// or a link to a ticket missing from the tenant or out of the actor's
    /// reach (answered as the target not found), an assignment to someone
    /// who is not an agent of the desk's directory, or a staff watcher who
    /// is not one (when it lists agents). Answers the target ticket of a merge or a link, as loaded.
    async fn check_targets(&self, request: &Request) -> Result<Option<Ticket>, DeskError> {
        let target = match &request.command {
            Command::Merge { into } => Some(*into),
            Command::AcceptMerge { from } => Some(*from),
            Command::Link { link } | Command::Unlink { link } => Some(link.ticket),
            Command::Assign { assignee } => {
                if self.unlisted_agent(*assignee) {
                    return Err(DomainError::from(ValidationError::new(
                        "assignee",
                        format!("{assignee} is not an agent of the desk's directory"),
                    ))
                    .into());
                }
                None
            }
            // A person the configuration does not list as an agent watches
            // as a requester: staff watchers are told internal notes.
            Command::Watch { watcher } if watcher.role.is_staff() => {
                if self.unlisted_agent(watcher.id) {
                    return Err(DomainError::from(ValidationError::new(
                        "watcher.role",
                        format!(
                            "{} is not an agent of the desk's directory, so watches as a requester, not as {}",
                            watcher.id,
                            watcher.role.with_article()
                        ),
                    ))
                    .into());
                }
                None
            }
            _ => None,
        };
        let Some(target) = target else {
            return Ok(None);
        };
        let actor = &request.actor;
        match self.store.load(actor.tenant, target).await? {
            Some(found) if found.is_visible_to(actor) => Ok(Some(found)),
            _ => Err(DomainError::NotFound { ticket: target }.into()),
        }
    }

    /// The first result of an executed command, for a retry of it: the
    /// same actor, ticket and command, answered as the actor may see it
    /// now (nothing of a ticket that has left their reach since). Any
    /// other reuse of the id is refused without telling anything of the
    /// first use.
    async fn replay(
        &self,
        request: &Request,
        fingerprint: Fingerprint,
        record: CommandRecord,
    ) -> Result<Executed, DeskError> {
        let differs = if record.actor != request.actor.id {
            Some(Reuse::Actor)
        } else if record.ticket != request.ticket {
            Some(Reuse::Ticket)
        } else if record.fingerprint != fingerprint {
            Some(Reuse::Content)
        } else {
            None
        };
        if let Some(differs) = differs {
            return Err(DeskError::CommandIdReused {
                command: request.id,
                differs,
            });
        }
        let tenant = request.actor.tenant;
        let mut history = self.store.history(tenant, record.ticket, 1).await?;
        let after = history.partition_point(|e| e.version <= record.to_version);
        let then = Ticket::replay(record.ticket, history[..after].iter().map(|e| &e.event));
        // The ticket may have left the actor's reach since (moved to a
        // group not theirs, say): then the replay tells nothing of it, as
        // every other read would not.
        let mut now = then.clone();
        for stored in &history[after..] {
            apply(&mut now, &stored.event);
        }
        if !now.is_visible_to(&request.actor) {
            return Ok(Executed {
                ticket: None,
                version: record.to_version,
                events: Vec::new(),
                replayed: true,
            });
        }
        history.truncate(after);
        let events =
            history.split_off(history.partition_point(|e| e.version <= record.from_version));
        Ok(Executed::seen_by(&request.actor, &then, events, true))
    }

    /// The ticket as `actor` may see it, or `None` (missing, another
    /// tenant's, out of the actor's reach).
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let tenant = TenantId::from_u128(1);
    /// let alice = Actor::requester(ActorId::from_u128(1), tenant);
    /// let bob = Actor::requester(ActorId::from_u128(2), tenant);
    /// let id = helpdesk_engine::new_ticket_id();
    /// let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
    /// desk.execute(Request::new(alice.clone(), id, open)).await?;
    ///
    /// let seen = desk.ticket(&alice, id).await?.expect("alice sees her ticket");
    /// assert_eq!(seen.subject(), "Printer jams");
    /// assert!(desk.ticket(&bob, id).await?.is_none(), "another requester does not");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn ticket(
        &self,
        actor: &Actor,
        ticket: TicketId,
    ) -> Result<Option<Ticket>, DeskError> {
        Ok(self
            .store
            .load(actor.tenant, ticket)
            .await?
            .and_then(|t| t.view_for(actor)))
    }

    /// The tenant's ticket with number `number` as `actor` may see it, or
    /// `None`: missing, another tenant's (numbers are per tenant, so the
    /// actor's tenant is the only one looked in), out of the actor's reach.
    /// The answers for a ticket out of reach and for no ticket at all are
    /// the same, so a number tells nothing of a ticket the actor may not
    /// see, not even that it exists.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let tenant = TenantId::from_u128(1);
    /// let alice = Actor::requester(ActorId::from_u128(1), tenant);
    /// let bob = Actor::requester(ActorId::from_u128(2), tenant);
    /// let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
    /// let opened = desk.execute(Request::new(alice.clone(), helpdesk_engine::new_ticket_id(), open)).await?;
    /// let number = opened.ticket.and_then(|t| t.number()).expect("numbered at open");
    /// assert_eq!(number.to_string(), "#1", "the tenant's first ticket");
    ///
    /// let seen = desk.ticket_by_number(&alice, number).await?.expect("alice sees her ticket");
    /// assert_eq!(seen.subject(), "Printer jams");
    /// assert!(desk.ticket_by_number(&bob, number).await?.is_none(), "bob learns nothing");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn ticket_by_number(
        &self,
        actor: &Actor,
        number: TicketNumber,
    ) -> Result<Option<Ticket>, DeskError> {
        match self.store.ticket_by_number(actor.tenant, number).await? {
            Some(ticket) => self.ticket(actor, ticket).await,
            None => Ok(None),
        }
    }

    /// The ticket's history as `actor` may see it (requesters never see
    /// internal notes); empty when they may not see the ticket.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock, new_comment_id};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let tenant = TenantId::from_u128(1);
    /// let alice = Actor::requester(ActorId::from_u128(1), tenant);
    /// let agent = Actor::agent(ActorId::from_u128(2), tenant, []);
    /// let id = helpdesk_engine::new_ticket_id();
    /// let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
    /// desk.execute(Request::new(alice.clone(), id, open)).await?;
    /// let note = Command::note(new_comment_id(), "Toner is low.");
    /// desk.execute(Request::new(agent.clone(), id, note)).await?;
    ///
    /// let full = desk.history(&agent, id).await?;
    /// let public = desk.history(&alice, id).await?;
    /// assert_eq!(full.len(), public.len() + 1, "the note is hidden from alice");
    /// assert!(public.iter().all(|e| e.event.change.type_name() != "note_added"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn history(
        &self,
        actor: &Actor,
        ticket: TicketId,
    ) -> Result<Vec<StoredEvent>, DeskError> {
        let Some(current) = self.store.load(actor.tenant, ticket).await? else {
            return Ok(Vec::new());
        };
        if !current.is_visible_to(actor) {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .history(actor.tenant, ticket, 1)
            .await?
            .into_iter()
            .filter(|e| e.event.is_visible_to(actor.role))
            .collect())
    }

    /// Up to `limit` events of the ticket's history from version `from`, as
    /// `actor` may see them, and the version the next page starts from.
    /// `limit` is 1 to the configuration's `limits.history_page_max`
    /// ([`StoreError::InvalidQuery`] naming it otherwise). Events the actor
    /// may not see are left out, so a page may hold fewer events than the
    /// versions it covers; `next` is `None` after the last event.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let agent = Actor::agent(ActorId::from_u128(2), TenantId::from_u128(1), []);
    /// let id = helpdesk_engine::new_ticket_id();
    /// let open = Command::Open(NewTicket::new(agent.id, "Printer jams", ""));
    /// desk.execute(Request::new(agent.clone(), id, open)).await?;
    /// for tag in ["printer", "floor-3", "jam"] {
    ///     desk.execute(Request::new(agent.clone(), id, Command::Tag { tag: tag.into() })).await?;
    /// }
    ///
    /// let (first, next) = desk.history_page(&agent, id, 1, 2).await?;
    /// assert_eq!(first.iter().map(|e| e.version).collect::<Vec<_>>(), [1, 2]);
    /// let (rest, end) = desk.history_page(&agent, id, next.expect("more"), 2).await?;
    /// assert_eq!(rest.len() + 2, desk.history(&agent, id).await?.len());
    /// assert_eq!(end, None);
    /// assert!(desk.history_page(&agent, id, 1, 1_001).await.is_err(), "over the limit");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn history_page(
        &self,
        actor: &Actor,
        ticket: TicketId,
        from: u64,
        limit: u32,
    ) -> Result<(Vec<StoredEvent>, Option<u64>), DeskError> {
        let most = self.config.limits.history_page_max;
        if limit == 0 || limit as usize > most {
            return Err(StoreError::InvalidQuery {
                field: "limit",
                reason: format!("is {limit}; limits.history_page_max allows 1 to {most}"),
            }
            .into());
        }
        let visible = match self.store.load(actor.tenant, ticket).await? {
            Some(current) => current.is_visible_to(actor),
            None => false,
        };
        if !visible {
            return Ok((Vec::new(), None));
        }
        let mut events = self.store.history(actor.tenant, ticket, from).await?;
        let next = events.get(limit as usize).map(|e| e.version);
        events.truncate(limit as usize);
        events.retain(|e| e.event.is_visible_to(actor.role));
        Ok((events, next))
    }

    /// One page of the tickets `actor` may see: requesters only their own;
    /// agents and supervisors those of their groups, in no group, or
    /// assigned to them; admins the whole tenant. The store applies the
    /// actor's [`Reach`] before the limit and the cursor, so a page holds
    /// `limit` rows whenever that many are in reach.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::store::{Filter, Order, TicketQuery};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let tenant = TenantId::from_u128(1);
    /// let admin = Actor::admin(ActorId::from_u128(9), tenant);
    /// let alice = Actor::requester(ActorId::from_u128(1), tenant);
    /// for (requester, subject) in [(alice.id, "Printer jams"), (admin.id, "Rotate keys")] {
    ///     let open = Command::Open(NewTicket::new(requester, subject, ""));
    ///     desk.execute(Request::new(admin.clone(), helpdesk_engine::new_ticket_id(), open))
    ///         .await?;
    /// }
    ///
    /// let everything = TicketQuery::new(Filter::default(), Order::UpdatedAt, 50);
    /// assert_eq!(desk.list(&admin, everything.clone()).await?.rows.len(), 2);
    /// let mine = desk.list(&alice, everything).await?;
    /// assert_eq!(mine.rows.len(), 1);
    /// assert_eq!(mine.rows[0].subject, "Printer jams");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn list(&self, actor: &Actor, query: TicketQuery) -> Result<Page, DeskError> {
        Ok(self
            .store
            .query(actor.tenant, &Reach::of(actor), query)
            .await?)
    }

    /// Tickets of the actor's tenant matching `text`, as `actor` may see
    /// them: in their reach, and for requesters matched on public text only
    /// (an internal note's words never find a ticket for them).
    ///
    /// Every word of `text` must occur, ignoring case (see [`Store::search`]).
    /// A text of too many or too long words, or a `limit` out of range, is
    /// refused with [`StoreError::InvalidQuery`] naming the bound.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let admin = Actor::admin(ActorId::from_u128(9), TenantId::from_u128(1));
    /// for subject in ["Printer jams on floor 3", "VPN drops on floor 3"] {
    ///     let open = Command::Open(NewTicket::new(admin.id, subject, ""));
    ///     desk.execute(Request::new(admin.clone(), helpdesk_engine::new_ticket_id(), open))
    ///         .await?;
    /// }
    ///
    /// let rows = desk.search(&admin, "FLOOR printer", 10).await?;
    /// assert_eq!(rows.len(), 1);
    /// assert_eq!(rows[0].subject, "Printer jams on floor 3");
    /// assert_eq!(desk.search(&admin, "floor", 10).await?.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn search(
        &self,
        actor: &Actor,
        text: &str,
        limit: u32,
    ) -> Result<Vec<TicketRow>, DeskError> {
        let query = SearchQuery::bounded(text, limit, &self.config.limits)?;
        Ok(self
            .store
            .search(actor.tenant, &Reach::of(actor), &query)
            .await?)
    }
}
