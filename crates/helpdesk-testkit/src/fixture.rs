//! [`Fixture`]: a small desk to drive a store with: tenants, actors, a
//! configuration with an SLA policy, a manual clock.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::notification::{Delivery, NotificationChannel, NotifyOn, Recipient};
use helpdesk_core::{
    Actor, ActorId, Command, CommentId, DeskConfig, GroupId, NewTicket, StatusTarget, TenantId,
    Ticket, TicketId,
};
use helpdesk_engine::store::{CommandRecord, OutboxMessage, StoredEvent};
use helpdesk_engine::{
    CommandId, Desk, DeskOptions, Executed, ManualClock, NoNotifier, Request, Store,
};

/// A desk over the store under test, with a cast of actors in two tenants.
///
/// The desk runs on [`config`], with its clock at [`start`]. Its helpers
/// panic when the store fails, naming the call, so cases stay short.
///
/// ```
/// use chrono::Duration;
/// use helpdesk_core::Change;
/// use helpdesk_core::sla::Metric;
/// use helpdesk_engine::{Clock, MemoryStore};
/// use helpdesk_testkit::Fixture;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let f = Fixture::new(MemoryStore::new());
/// let id = f.open("Printer jams").await;
/// f.run(&f.agent, id, helpdesk_testkit::reply("On my way.")).await;
/// let ticket = f.load(id).await.expect("the ticket is stored");
/// assert_eq!(ticket.conversation().len(), 1);
///
/// // The reply met the first response target; after nine hours the
/// // 8-hour resolution target is breached.
/// f.advance(Duration::hours(9));
/// f.desk.run_due(f.clock.now()).await?;
/// let breaches: Vec<Metric> = f.history(id, 1).await.into_iter()
///     .filter_map(|e| match e.event.change {
///         Change::SlaBreached { metric, .. } => Some(metric),
///         _ => None,
///     })
///     .collect();
/// assert_eq!(breaches, [Metric::Resolution]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
pub struct Fixture<S> {
    /// The desk.
    pub desk: Arc<Desk<S, NoNotifier, ManualClock>>,
    /// The clock the desk reads; move it to make SLA clocks fall due.
    pub clock: ManualClock,
    /// The first tenant.
    pub tenant: TenantId,
    /// Another tenant, for isolation checks.
    pub other_tenant: TenantId,
    /// The service desk group of the first tenant.
    pub group: GroupId,
    /// A second group of the first tenant.
    pub other_group: GroupId,
    /// A requester of the first tenant.
    pub requester: Actor,
    /// An agent of `group`.
    pub agent: Actor,
    /// An admin of the first tenant.
    pub admin: Actor,
    /// An admin of the other tenant.
    pub foreign_admin: Actor,
}

/// Monday 2026-03-02 09:00 UTC: where fixture clocks start.
///
/// ```
/// use chrono::{Datelike, Timelike, Weekday};
///
/// let start = helpdesk_testkit::start();
/// assert_eq!((start.weekday(), start.hour()), (Weekday::Mon, 9));
/// assert_eq!(start.to_rfc3339(), "2026-03-02T09:00:00+00:00");
/// ```
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("2026-03-02 09:00 UTC is one instant"))
}

/// The fixture desk's configuration: an SLA policy in calendar time (first
/// response 1h, resolution 8h at P3; warning at 50%).
///
/// ```
/// let config = helpdesk_testkit::config();
/// assert!(config.sla_policy("standard").is_some());
/// assert!(config.validate().is_ok());
/// ```
pub fn config() -> DeskConfig {
    let json = serde_json::json!({
        "sla_policies": [{
            "key": "standard",
            "targets": {
                "first_response": {"P1": "15m", "P2": "30m", "P3": "1h", "P4": "4h", "P5": "8h"},
                "resolution": {"P1": "2h", "P2": "4h", "P3": "8h", "P4": "24h", "P5": "48h"}
            },
            "warnings": [{"percent": 50}]
        }],
        "endpoints": {
            "audit": {"via": "webhook", "target": "https://audit.example.com/hooks/helpdesk"}
        },
        "notification_rules": [{
            "name": "audit",
            "on": NotifyOn::ALL,
            "to": [{"endpoint": "audit"}],
            "via": "webhook"
        }]
    });
    serde_json::from_value(json).expect("the fixture's configuration is valid")
}

/// The outbox message the fixture's configuration ([`config`]) writes for
/// `event`: every event a notification rule can fire on is told to the
/// `audit` endpoint, once.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
/// use helpdesk_engine::{ManualClock, MemoryStore, Store};
/// use helpdesk_testkit::{Fixture, announced};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let f = Fixture::new(MemoryStore::new());
/// let ticket = helpdesk_engine::new_ticket_id();
/// let ran = f.run(&f.admin, ticket, Command::Open(NewTicket::new(f.requester.id, "Printer jams", ""))).await;
/// let expected: Vec<_> = ran.events.iter().filter_map(announced).collect();
/// assert_eq!(f.store().pending_outbox(10).await.unwrap(), expected);
/// # });
/// ```
pub fn announced(event: &StoredEvent) -> Option<OutboxMessage> {
    NotifyOn::of(&event.event.change)?;
    let delivery = Delivery {
        rule: "audit".into(),
        recipient: Recipient::Endpoint("audit".into()),
        channel: NotificationChannel::Webhook,
        template: None,
    };
    Some(OutboxMessage::new(event, delivery))
}

impl<S: Store + 'static> Fixture<S> {
    /// A fixture over `store`.
    pub fn new(store: S) -> Self {
        let clock = ManualClock::new(start());
        let tenant = TenantId::from_u128(0x7e1);
        let other_tenant = TenantId::from_u128(0x7e2);
        let group = GroupId::from_u128(0x610);
        let other_group = GroupId::from_u128(0x611);
        Self {
            // Contention is not under test: the concurrent case races eight
            // writers on one ticket, so give each command room to retry.
            desk: Arc::new(
                Desk::with_options(
                    config(),
                    store,
                    NoNotifier,
                    clock.clone(),
                    DeskOptions {
                        max_attempts: 64,
                        ..DeskOptions::default()
                    },
                )
                .unwrap_or_else(|e| panic!("{e}")),
            ),
            clock,
            tenant,
            other_tenant,
            group,
            other_group,
            requester: Actor::requester(ActorId::from_u128(0xa1), tenant),
            agent: Actor::agent(ActorId::from_u128(0xa2), tenant, [group]),
            admin: Actor::admin(ActorId::from_u128(0xa3), tenant),
            foreign_admin: Actor::admin(ActorId::from_u128(0xa4), other_tenant),
        }
    }

    /// The store under test.
    pub fn store(&self) -> &S {
        self.desk.store()
    }

    /// The first tenant's `ticket` as the store loads it, panicking with
    /// the error if the load fails.
    pub async fn load(&self, ticket: TicketId) -> Option<Ticket> {
        match self.store().load(self.tenant, ticket).await {
            Ok(loaded) => loaded,
            Err(err) => panic!("load of ticket {ticket} failed: {err}"),
        }
    }

    /// The first tenant's `ticket`'s events from version `from`, panicking
    /// with the error if the read fails.
    pub async fn history(&self, ticket: TicketId, from: u64) -> Vec<StoredEvent> {
        match self.store().history(self.tenant, ticket, from).await {
            Ok(history) => history,
            Err(err) => panic!("history of ticket {ticket} failed: {err}"),
        }
    }

    /// The first tenant's record of `command`, panicking with the error if
    /// the read fails.
    pub async fn command(&self, command: CommandId) -> Option<CommandRecord> {
        match self.store().command(self.tenant, command).await {
            Ok(record) => record,
            Err(err) => panic!("command record of {command} failed: {err}"),
        }
    }

    /// Executes `command` on `ticket` as `actor`, panicking with the error
    /// if it fails (fixtures only send valid commands).
    ///
    /// ```
    /// use helpdesk_core::{Command, StatusCategory};
    /// use helpdesk_engine::MemoryStore;
    /// use helpdesk_testkit::Fixture;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let f = Fixture::new(MemoryStore::new());
    /// let id = f.open("Printer jams").await;
    /// let executed = f.run(&f.agent, id, helpdesk_testkit::pending()).await;
    /// assert_eq!(executed.ticket.status().category, StatusCategory::Pending);
    /// let tagged = f.run(&f.agent, id, Command::Tag { tag: "printer".into() }).await;
    /// assert_eq!(tagged.ticket.tags().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn run(&self, actor: &Actor, ticket: TicketId, command: Command) -> Ran {
        match self
            .desk
            .execute(Request::new(actor.clone(), ticket, command))
            .await
        {
            Ok(Executed {
                ticket: Some(seen),
                version,
                events,
                replayed,
            }) => Ran {
                ticket: seen,
                version,
                events,
                replayed,
            },
            Ok(_) => panic!("the fixture's actor no longer sees ticket {ticket}"),
            Err(err) => panic!("fixture command failed on ticket {ticket}: {err}"),
        }
    }

    /// Opens a ticket of the first tenant's requester in `group` with
    /// `subject`, as the admin. Returns its id.
    pub async fn open(&self, subject: &str) -> TicketId {
        self.open_as(
            &self.admin.clone(),
            self.requester.id,
            subject,
            Some(self.group),
        )
        .await
    }

    /// Opens a ticket as `actor` for `requester`, optionally in `group`.
    ///
    /// ```
    /// use helpdesk_engine::MemoryStore;
    /// use helpdesk_testkit::Fixture;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let f = Fixture::new(MemoryStore::new());
    /// let admin = f.admin.clone();
    /// let id = f.open_as(&admin, admin.id, "Elsewhere", Some(f.other_group)).await;
    /// // The agent works in `f.group` only.
    /// assert!(f.desk.ticket(&f.agent, id).await?.is_none());
    /// assert!(f.desk.ticket(&admin, id).await?.is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn open_as(
        &self,
        actor: &Actor,
        requester: ActorId,
        subject: &str,
        group: Option<GroupId>,
    ) -> TicketId {
        let id = helpdesk_engine::new_ticket_id();
        let mut new = NewTicket::new(requester, subject, "");
        new.group = group;
        self.run(actor, id, Command::Open(new)).await;
        id
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

/// What [`Fixture::run`] answers: a command's result as its actor saw it,
/// with the ticket they see.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The ticket after the command, as the actor sees it.
    pub ticket: Ticket,
    /// Its version.
    pub version: u64,
    /// The events the command appended, as the actor sees them.
    pub events: Vec<StoredEvent>,
    /// Whether this was a replay of an earlier command.
    pub replayed: bool,
}

/// A public reply with a fresh comment id.
pub fn reply(body: &str) -> Command {
    Command::Reply {
        comment: helpdesk_engine::new_comment_id(),
        body: body.to_owned(),
        attachments: Vec::new(),
    }
}

/// Sets a ticket pending.
pub fn pending() -> Command {
    Command::ChangeStatus {
        status: StatusTarget::Pending,
    }
}

/// A fixed comment id, for tests that need to repeat one.
///
/// ```
/// use helpdesk_core::{Command, DomainError};
/// use helpdesk_engine::{DeskError, MemoryStore, Request};
/// use helpdesk_testkit::Fixture;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let f = Fixture::new(MemoryStore::new());
/// let id = f.open("Printer jams").await;
/// let note = || Command::note(helpdesk_testkit::comment(1), "Toner is low.");
/// f.run(&f.agent, id, note()).await;
/// // Another command adding a comment with the same id is refused.
/// let again = f.desk.execute(Request::new(f.agent.clone(), id, note())).await;
/// assert!(matches!(again, Err(DeskError::Rejected(DomainError::Invalid(_)))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
pub fn comment(n: u128) -> CommentId {
    CommentId::from_u128(n)
}
