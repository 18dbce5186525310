//! The [`Directory`] port: who a person is, for telling them things.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use helpdesk_core::notification::{NotificationChannel, NotifyOn};
use helpdesk_core::{ActorId, DeskConfig, GroupId, Role, TenantId};
use serde::{Deserialize, Serialize};

/// A future a [`Directory`] answers with, boxed so that a desk can hold
/// any directory.
pub type DirectoryFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<Contact>, DirectoryError>> + Send + 'a>>;

/// A future a [`Directory`] answers [`Directory::by_email`] with: the
/// person's id and contact, if it knows the address.
pub type ByEmailFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<(ActorId, Contact)>, DirectoryError>> + Send + 'a>>;

/// How to reach a person, and what they do not want to hear of.
///
/// ```
/// use helpdesk_core::notification::{NotificationChannel, NotifyOn};
/// use helpdesk_engine::{Contact, OptOut};
///
/// let ana = Contact {
///     name: Some("Ana Lima".into()),
///     email: Some("ana@example.com".into()),
///     locale: Some("pt-BR".into()),
///     opt_outs: vec![OptOut { on: Some(NotifyOn::StatusChanged), via: None }],
///     role: Some(helpdesk_core::Role::Requester),
///     groups: Default::default(),
/// };
/// assert!(ana.opted_out(NotifyOn::StatusChanged, NotificationChannel::Email));
/// assert!(!ana.opted_out(NotifyOn::PublicReply, NotificationChannel::Email));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The name to greet them by and to show as an author.
    pub name: Option<String>,
    /// Where email to them goes.
    pub email: Option<String>,
    /// The language tag their notifications are written in; the desk's
    /// default locale when absent.
    pub locale: Option<String>,
    /// What they asked not to be told.
    pub opt_outs: Vec<OptOut>,
    /// Their role on the desk, as the host's accounts know it: a
    /// customer is a requester, staff an agent, supervisor or admin; none
    /// when the directory does not say. When given, a watcher added as
    /// someone else's word must watch in this role: the desk refuses a
    /// [`Command::Watch`](helpdesk_core::Command::Watch) naming them in
    /// another (`watcher.role`), so a customer is never added as an agent
    /// and sent internal notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The groups they work in, for staff: what a mail from them reaches
    /// when the inbound email channel asks who sent it
    /// ([`Directory::by_email`]). Empty for requesters.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub groups: BTreeSet<GroupId>,
}

impl Contact {
    /// Whether they asked not to be told of `on` by `via`.
    pub fn opted_out(&self, on: NotifyOn, via: NotificationChannel) -> bool {
        self.opt_outs.iter().any(|o| o.covers(on, via))
    }
}

/// One thing a person asked not to be told: events of a kind, by a
/// channel, or both; `None` stands for every kind or every channel.
///
/// ```
/// use helpdesk_core::notification::{NotificationChannel, NotifyOn};
/// use helpdesk_engine::OptOut;
/// let no_email = OptOut { on: None, via: Some(NotificationChannel::Email) };
/// assert!(no_email.covers(NotifyOn::Resolved, NotificationChannel::Email));
/// assert!(!no_email.covers(NotifyOn::Resolved, NotificationChannel::Webhook));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptOut {
    /// The kind of event; every kind when `None`.
    pub on: Option<NotifyOn>,
    /// The channel; every channel when `None`.
    pub via: Option<NotificationChannel>,
}

impl OptOut {
    /// Whether this opt-out covers being told of `on` by `via`.
    pub fn covers(&self, on: NotifyOn, via: NotificationChannel) -> bool {
        self.on.is_none_or(|o| o == on) && self.via.is_none_or(|v| v == via)
    }
}

/// The directory could not answer (its database is down, say); the
/// dispatcher tries the delivery again later.
///
/// ```
/// let e = helpdesk_engine::DirectoryError("accounts database unreachable".into());
/// assert_eq!(e.to_string(), "the directory could not answer: accounts database unreachable");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the directory could not answer: {0}")]
pub struct DirectoryError(pub String);

/// Where the desk looks people up to notify them: the host's accounts.
///
/// The desk asks for a person by tenant and id when it delivers a
/// notification to them, for the names its templates show (the
/// assignee's, the author's), and for the role of a watcher being added
/// ([`Contact::role`]): a watcher named in a role the directory
/// contradicts is refused. `Ok(None)` means the directory does not
/// know them: the desk still sends what needs no address (a webhook), and
/// an email to the ticket's requester goes to the address the host vouched
/// for when the ticket was opened.
///
/// Without one, a desk uses [`ConfigDirectory`], the agents of its
/// configuration. A host's directory is set with
/// [`Desk::with_directory`](crate::Desk::with_directory):
///
/// ```
/// use std::collections::HashMap;
///
/// use helpdesk_core::{ActorId, TenantId};
/// use helpdesk_engine::{Contact, Directory, DirectoryFuture};
///
/// /// The host's accounts, here kept in memory.
/// struct Accounts(HashMap<(TenantId, ActorId), Contact>);
///
/// impl Directory for Accounts {
///     fn contact(&self, tenant: TenantId, actor: ActorId) -> DirectoryFuture<'_> {
///         let found = self.0.get(&(tenant, actor)).cloned();
///         Box::pin(async move { Ok(found) })
///     }
/// }
/// ```
pub trait Directory: Send + Sync {
    /// How to reach `actor` of `tenant`, if the directory knows them.
    fn contact(&self, tenant: TenantId, actor: ActorId) -> DirectoryFuture<'_>;

    /// Who in `tenant` has `email` (lower-cased) as their verified
    /// address, and how to reach them: the inbound email channel asks
    /// who sent a mail (`helpdesk_mail::DirectorySenders`), so that a host
    /// with a directory needs no second lookup. Answer only addresses the
    /// host has verified as the person's: a mail's sender is taken to be
    /// them, in their [`Contact::role`] and [`Contact::groups`].
    ///
    /// Default: nobody, so every sender is unknown to the channel (the
    /// configuration's agents, [`ConfigDirectory`], are never looked up
    /// by address: their addresses say where to write, not who writes).
    fn by_email(&self, tenant: TenantId, email: &str) -> ByEmailFuture<'_> {
        let _ = (tenant, email);
        Box::pin(async { Ok(None) })
    }
}

/// A shared directory answers as the directory it shares, so that a desk
/// ([`Desk::with_directory`](crate::Desk::with_directory)) and the inbound
/// email channel can hold the same one.
impl<D: Directory + ?Sized> Directory for Arc<D> {
    fn contact(&self, tenant: TenantId, actor: ActorId) -> DirectoryFuture<'_> {
        (**self).contact(tenant, actor)
    }

    fn by_email(&self, tenant: TenantId, email: &str) -> ByEmailFuture<'_> {
        (**self).by_email(tenant, email)
    }
}

/// The directory a desk uses unless the host gives one: the agents of the
/// desk configuration (`agents`: name, email, locale), in every tenant.
/// It knows no requester; their email is the address vouched for when the
/// ticket was opened.
///
/// ```
/// use helpdesk_core::{ActorId, DeskConfig, GroupId, Role, TenantId};
/// use helpdesk_engine::{ConfigDirectory, Directory};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let config: DeskConfig = toml::from_str(r#"
///     [agents.maria]
///     id = "00000000-0000-0000-0000-000000000007"
///     name = "Maria Keller"
///     email = "maria@example.com"
///     locale = "de"
/// "#)?;
/// let directory = ConfigDirectory::new(&config);
/// let tenant = TenantId::from_u128(1);
/// let maria = directory.contact(tenant, ActorId::from_u128(7)).await?.expect("an agent");
/// assert_eq!(maria.email.as_deref(), Some("maria@example.com"));
/// assert_eq!(maria.locale.as_deref(), Some("de"));
/// assert_eq!(directory.contact(tenant, ActorId::from_u128(8)).await?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ConfigDirectory {
    agents: BTreeMap<ActorId, Contact>,
}

impl ConfigDirectory {
    /// The agents of `config`.
    pub fn new(config: &DeskConfig) -> Self {
        let agents = config
            .agents
            .values()
            .map(|agent| {
                let contact = Contact {
                    name: Some(agent.name.clone()),
                    email: agent.email.clone(),
                    locale: agent.locale.clone(),
                    opt_outs: Vec::new(),
                    // The configuration lists people to assign and to
                    // name, not their role.
                    role: None,
                    groups: BTreeSet::new(),
                };
                (agent.id, contact)
            })
            .collect();
        Self { agents }
    }
}

impl Directory for ConfigDirectory {
    fn contact(&self, _tenant: TenantId, actor: ActorId) -> DirectoryFuture<'_> {
        let found = self.agents.get(&actor).cloned();
        Box::pin(async move { Ok(found) })
    }
}
