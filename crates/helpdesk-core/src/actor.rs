//! Who acts: the [`Actor`] behind every command and its [`Role`].

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::id::{ActorId, GroupId, TenantId};

/// The role an actor plays on a desk. What each role may do is set out in
/// [`crate::authorization`].
///
/// ```
/// use helpdesk_core::Role;
/// assert!(Role::Agent.is_staff());
/// assert!(!Role::Requester.is_staff());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Role {
    /// The person who asked for help (an end user or customer).
    Requester,
    /// A support agent, acting within the groups they belong to.
    Agent,
    /// A team lead: an agent of their groups who may also override priority.
    Supervisor,
    /// Administers the whole tenant.
    Admin,
    /// An automation of the host (routing, SLA checks, integrations),
    /// scoped to one tenant.
    System,
}

impl Role {
    /// Every role, in the order of the authorization table.
    pub const ALL: [Role; 5] = [
        Role::Requester,
        Role::Agent,
        Role::Supervisor,
        Role::Admin,
        Role::System,
    ];

    /// Whether the role works on the help desk side (everyone but the
    /// requester). Staff see internal notes.
    pub const fn is_staff(self) -> bool {
        !matches!(self, Role::Requester)
    }

    /// The role's name with its indefinite article, for messages: "an agent".
    pub const fn with_article(self) -> &'static str {
        match self {
            Role::Requester => "a requester",
            Role::Agent => "an agent",
            Role::Supervisor => "a supervisor",
            Role::Admin => "an admin",
            Role::System => "the system",
        }
    }

    /// The role's name as used in serialized forms, such as `"supervisor"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Requester => "requester",
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::System => "system",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The one who issues a command: an id, the tenant they belong to, their
/// role and, for agents and supervisors, their groups.
///
/// The host authenticates the caller and builds the actor; the domain then
/// checks every command against it.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, GroupId, Role, TenantId};
///
/// let tenant = TenantId::from_u128(1);
/// let agent = Actor::agent(ActorId::from_u128(2), tenant, [GroupId::from_u128(10)]);
/// assert_eq!(agent.role, Role::Agent);
/// assert!(agent.in_group(GroupId::from_u128(10)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Actor {
    /// Who this is.
    pub id: ActorId,
    /// The tenant the actor belongs to; they never act outside it.
    pub tenant: TenantId,
    /// What the actor is allowed to do.
    pub role: Role,
    /// The groups an agent or supervisor works in. Ignored for other roles.
    #[serde(default)]
    pub groups: BTreeSet<GroupId>,
}

impl Actor {
    /// A requester (end user) of `tenant`.
    pub fn requester(id: ActorId, tenant: TenantId) -> Self {
        Self::with_role(id, tenant, Role::Requester, [])
    }

    /// An agent of `tenant` working in `groups`.
    pub fn agent(id: ActorId, tenant: TenantId, groups: impl IntoIterator<Item = GroupId>) -> Self {
        Self::with_role(id, tenant, Role::Agent, groups)
    }

    /// A supervisor of `tenant` leading `groups`.
    pub fn supervisor(
        id: ActorId,
        tenant: TenantId,
        groups: impl IntoIterator<Item = GroupId>,
    ) -> Self {
        Self::with_role(id, tenant, Role::Supervisor, groups)
    }

    /// An administrator of `tenant`.
    pub fn admin(id: ActorId, tenant: TenantId) -> Self {
        Self::with_role(id, tenant, Role::Admin, [])
    }

    /// An automation of the host acting in `tenant`, identified by `id`.
    pub fn system(id: ActorId, tenant: TenantId) -> Self {
        Self::with_role(id, tenant, Role::System, [])
    }

    fn with_role(
        id: ActorId,
        tenant: TenantId,
        role: Role,
        groups: impl IntoIterator<Item = GroupId>,
    ) -> Self {
        Self {
            id,
            tenant,
            role,
            groups: groups.into_iter().collect(),
        }
    }

    /// Whether the actor works in `group`.
    pub fn in_group(&self, group: GroupId) -> bool {
        self.groups.contains(&group)
    }

    /// Whether the actor reaches a ticket of their tenant with this
    /// requester, group and assignee: a requester their own tickets; agents
    /// and supervisors the tickets of their groups, in no group, or assigned
    /// to them; admins and the system every ticket. The one rule behind
    /// what an actor may see, whether they read a ticket or a list.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, GroupId, TenantId};
    /// let tenant = TenantId::from_u128(1);
    /// let agent = Actor::agent(ActorId::from_u128(2), tenant, [GroupId::from_u128(10)]);
    /// let requester = ActorId::from_u128(3);
    /// assert!(agent.reaches(requester, Some(GroupId::from_u128(10)), None));
    /// assert!(agent.reaches(requester, None, None), "the triage queue");
    /// assert!(!agent.reaches(requester, Some(GroupId::from_u128(11)), None));
    /// assert!(agent.reaches(requester, Some(GroupId::from_u128(11)), Some(agent.id)));
    /// ```
    pub fn reaches(
        &self,
        requester: ActorId,
        group: Option<GroupId>,
        assignee: Option<ActorId>,
    ) -> bool {
        match self.role {
            Role::Requester => requester == self.id,
            Role::Agent | Role::Supervisor => {
                group.is_none_or(|g| self.in_group(g)) || assignee == Some(self.id)
            }
            Role::Admin | Role::System => true,
        }
    }

    /// The id and role, as recorded on every event.
    pub fn as_ref(&self) -> ActorRef {
        ActorRef {
            id: self.id,
            role: self.role,
        }
    }
}

/// Who caused an event: the actor's id and the role they acted in. Kept on
/// every event so the audit trail says who did what, as what.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, ActorRef, Role, TenantId};
/// let admin = Actor::admin(ActorId::from_u128(5), TenantId::from_u128(1));
/// assert_eq!(admin.as_ref(), ActorRef { id: ActorId::from_u128(5), role: Role::Admin });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ActorRef {
    /// The actor's id.
    pub id: ActorId,
    /// The role they acted in.
    pub role: Role,
}
