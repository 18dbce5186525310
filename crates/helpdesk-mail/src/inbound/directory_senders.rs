//! [`DirectorySenders`]: the [`Senders`] lookup answered by the desk's
//! [`Directory`].

use helpdesk_core::{Actor, Role, TenantId};
use helpdesk_engine::{Contact, Directory};

use super::senders::Senders;

/// The host's people by address, read from the same [`Directory`] the desk
/// notifies through ([`Directory::by_email`]), so a host that implements
/// a directory writes no second lookup.
///
/// The sender acts in the role the directory gives them
/// ([`Contact::role`]), within its [`Contact::groups`]; a person it knows
/// without a role is a requester, and so is one it names the host's
/// automation (`system`): a mail never acts as the host. A directory that
/// cannot answer leaves the sender unknown (reported through `tracing`),
/// which [`InboundConfig::unknown_senders`](crate::InboundConfig::unknown_senders)
/// then decides about: never more than a requester's say.
///
/// ```
/// use std::sync::Arc;
///
/// use helpdesk_core::{ActorId, Role, TenantId};
/// use helpdesk_engine::{ByEmailFuture, Contact, Directory, DirectoryFuture};
/// use helpdesk_mail::{DirectorySenders, Senders};
///
/// /// The host's accounts: one agent.
/// struct Accounts;
///
/// impl Directory for Accounts {
///     fn contact(&self, _: TenantId, _: ActorId) -> DirectoryFuture<'_> {
///         Box::pin(async { Ok(None) })
///     }
///     fn by_email(&self, _: TenantId, email: &str) -> ByEmailFuture<'_> {
///         let found = (email == "maria@example.com").then(|| {
///             let contact = Contact { role: Some(Role::Agent), ..Contact::default() };
///             (ActorId::from_u128(7), contact)
///         });
///         Box::pin(async move { Ok(found) })
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().expect("a runtime").block_on(async {
/// let accounts = Arc::new(Accounts);
/// // The same directory for the desk (`Desk::with_directory(accounts.clone())`) and the mail.
/// let senders = DirectorySenders::new(accounts.clone());
/// let tenant = TenantId::from_u128(1);
/// let maria = senders.actor(tenant, "maria@example.com").await.expect("known");
/// assert_eq!((maria.id, maria.role), (ActorId::from_u128(7), Role::Agent));
/// assert!(senders.actor(tenant, "stranger@example.com").await.is_none());
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct DirectorySenders<D> {
    directory: D,
}

impl<D: Directory> DirectorySenders<D> {
    /// Senders looked up in `directory`.
    pub fn new(directory: D) -> Self {
        Self { directory }
    }
}

impl<D: Directory> Senders for DirectorySenders<D> {
    async fn actor(&self, tenant: TenantId, address: &str) -> Option<Actor> {
        match self.directory.by_email(tenant, address).await {
            Ok(found) => found.map(|(id, contact)| actor(id, tenant, contact)),
            Err(error) => {
                tracing::warn!(%error, %tenant, "the directory could not tell who sent a mail: the sender is unknown");
                None
            }
        }
    }
}

/// The actor a mail from `contact` acts as.
fn actor(id: helpdesk_core::ActorId, tenant: TenantId, contact: Contact) -> Actor {
    match contact.role {
        Some(role @ (Role::Agent | Role::Supervisor | Role::Admin)) => Actor {
            id,
            tenant,
            role,
            groups: contact.groups,
        },
        Some(Role::Requester | Role::System) | None => Actor::requester(id, tenant),
    }
}
