//! [`Reach`]: which tickets of a tenant an actor reaches, as a value a
//! store can apply inside its own query.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::id::{ActorId, GroupId};

/// Which tickets of their tenant an actor reaches, and which text of them
/// they may find: the scopes of the [authorization table](crate::authorization)
/// as data, so a store applies them inside its query, before its limit and
/// its cursor.
///
/// - a requester reaches the tickets they requested, and finds only public
///   text (subject, description, public replies);
/// - agents and supervisors reach the tickets of their groups, tickets in
///   no group (the triage queue) and tickets assigned to them, and find
///   internal notes too;
/// - admins and the system reach every ticket of the tenant.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, GroupId, Reach, TenantId};
///
/// let tenant = TenantId::from_u128(1);
/// let network = GroupId::from_u128(10);
/// let agent = Actor::agent(ActorId::from_u128(2), tenant, [network]);
/// let reach = Reach::of(&agent);
/// let requester = ActorId::from_u128(3);
/// assert!(reach.admits(requester, Some(network), None));
/// assert!(reach.admits(requester, None, None), "the triage queue");
/// assert!(!reach.admits(requester, Some(GroupId::from_u128(11)), None));
/// assert!(reach.admits(requester, Some(GroupId::from_u128(11)), Some(agent.id)));
/// assert!(reach.finds_internal_text());
///
/// let alice = Actor::requester(requester, tenant);
/// assert_eq!(Reach::of(&alice), Reach::Requester(requester));
/// assert!(!Reach::of(&alice).finds_internal_text());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Every ticket of the tenant (admins and the system).
    Tenant,
    /// Tickets in one of `groups`, in no group, or assigned to `agent`
    /// (agents and supervisors).
    Groups {
        /// The agent or supervisor.
        agent: ActorId,
        /// Their groups.
        groups: BTreeSet<GroupId>,
    },
    /// Tickets this person requested (requesters); public text only.
    Requester(ActorId),
}

impl Reach {
    /// The reach of `actor`.
    pub fn of(actor: &Actor) -> Self {
        match actor.role {
            Role::Requester => Reach::Requester(actor.id),
            Role::Agent | Role::Supervisor => Reach::Groups {
                agent: actor.id,
                groups: actor.groups.clone(),
            },
            Role::Admin | Role::System => Reach::Tenant,
        }
    }

    /// Whether a ticket of the tenant with this requester, group and
    /// assignee is in reach.
    pub fn admits(
        &self,
        requester: ActorId,
        group: Option<GroupId>,
        assignee: Option<ActorId>,
    ) -> bool {
        match self {
            Reach::Tenant => true,
            Reach::Groups { agent, groups } => {
                group.is_none_or(|g| groups.contains(&g)) || assignee == Some(*agent)
            }
            Reach::Requester(id) => requester == *id,
        }
    }

    /// Whether internal text (notes) counts when searching: for everyone
    /// but requesters.
    pub fn finds_internal_text(&self) -> bool {
        !matches!(self, Reach::Requester(_))
    }
}
