//! A state-machine test of the ticket aggregate against a reference model.
//!
//! Random command sequences from a fixed cast of actors run through
//! `decide` and `apply`. Beside the real ticket runs a small model written
//! from the tables in the docs (the lifecycle table in `lifecycle`, the
//! authorization table in `authorization`, the check order of `decide`),
//! which predicts for every command whether it is accepted or which kind of
//! error it gets, and what the ticket's status, group, assignee, links,
//! watchers and comments are afterwards.
//!
//! After every step the test also checks the aggregate's own promises: a
//! rejected command changes nothing, the version grows by the number of
//! events, the history replays to the ticket (also after a JSON round trip
//! of every event), requesters never see internal notes and nobody outside
//! the ticket's tenant or requester sees the ticket at all.
//!
//! `PROPTEST_CASES` sets the number of cases (256 by default).

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::config::StatusDef;
use helpdesk_core::routing::RouteInput;
use helpdesk_core::{
    Actor, ActorId, ActorRef, AttachmentRef, Change, Command, CommandKind, CommentId, Context,
    DeskConfig, DomainError, Event, FieldDef, FieldKind, FieldValue, GroupId, Impact, Link,
    LinkKind, NewTicket, Priority, Resolution, ResolutionCode, Role, Status, StatusCategory,
    StatusTarget, TenantId, Ticket, TicketId, TicketNumber, TicketType, Urgency, Visibility, apply,
    decide,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

// ---------------------------------------------------------------------------
// The cast and the desk
// ---------------------------------------------------------------------------

const TENANT: TenantId = TenantId::from_u128(1);
const OTHER_TENANT: TenantId = TenantId::from_u128(2);
const TICKET: TicketId = TicketId::from_u128(1000);
const OTHER_TICKET: TicketId = TicketId::from_u128(1001);
const THIRD_TICKET: TicketId = TicketId::from_u128(1002);
const GROUP: GroupId = GroupId::from_u128(10);
const OTHER_GROUP: GroupId = GroupId::from_u128(20);
const NOBODYS_GROUP: GroupId = GroupId::from_u128(30);
const REQUESTER: ActorId = ActorId::from_u128(100);
const OTHER_REQUESTER: ActorId = ActorId::from_u128(101);
const GROUP_AGENT: ActorId = ActorId::from_u128(200);
const OTHER_AGENT: ActorId = ActorId::from_u128(201);
const SUPERVISOR: ActorId = ActorId::from_u128(300);
const ADMIN: ActorId = ActorId::from_u128(400);
const SYSTEM: ActorId = ActorId::from_u128(500);
const OTHER_TENANT_ADMIN: ActorId = ActorId::from_u128(900);
/// Not in the cast: a requester someone else opens a ticket for, or an
/// assignee who never acts.
const STRANGER: ActorId = ActorId::from_u128(999);

/// Who issues a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// The requester tickets are usually opened for.
    Requester,
    /// Another requester of the same tenant; never the ticket's requester.
    OtherRequester,
    /// An agent of the group tickets are usually opened in.
    GroupAgent,
    /// An agent of another group.
    OtherAgent,
    /// A supervisor of the usual group.
    Supervisor,
    /// An admin of the tenant.
    Admin,
    /// The host's automation.
    System,
    /// An admin of another tenant.
    OtherTenantAdmin,
}

const CAST: [Who; 8] = [
    Who::Requester,
    Who::OtherRequester,
    Who::GroupAgent,
    Who::OtherAgent,
    Who::Supervisor,
    Who::Admin,
    Who::System,
    Who::OtherTenantAdmin,
];

impl Who {
    fn actor(self) -> Actor {
        match self {
            Who::Requester => Actor::requester(REQUESTER, TENANT),
            Who::OtherRequester => Actor::requester(OTHER_REQUESTER, TENANT),
            Who::GroupAgent => Actor::agent(GROUP_AGENT, TENANT, [GROUP]),
            Who::OtherAgent => Actor::agent(OTHER_AGENT, TENANT, [OTHER_GROUP]),
            Who::Supervisor => Actor::supervisor(SUPERVISOR, TENANT, [GROUP]),
            Who::Admin => Actor::admin(ADMIN, TENANT),
            Who::System => Actor::system(SYSTEM, TENANT),
            Who::OtherTenantAdmin => Actor::admin(OTHER_TENANT_ADMIN, OTHER_TENANT),
        }
    }
}

const SITE: &str = "site"; // choice berlin | nyc, requester_editable
const COST_CENTER: &str = "cost_center"; // text up to 8 characters
const SEATS: &str = "seats"; // integer 1..=100

fn config() -> DeskConfig {
    let status = |key: &str, category| StatusDef {
        key: key.into(),
        label: key.into(),
        category,
    };
    let field = |key: &str, kind, requester_editable| FieldDef {
        key: key.into(),
        label: key.into(),
        kind,
        requester_editable,
        host_only: false,
    };
    let config = DeskConfig {
        statuses: vec![
            status("triaged", StatusCategory::Open),
            status("awaiting_customer", StatusCategory::Pending),
            status("awaiting_parts", StatusCategory::OnHold),
            status("fixed_remotely", StatusCategory::Resolved),
        ],
        fields: vec![
            field(
                SITE,
                FieldKind::Choice {
                    options: vec!["berlin".into(), "nyc".into()],
                },
                true,
            ),
            field(COST_CENTER, FieldKind::Text { max_chars: 8 }, false),
            field(
                SEATS,
                FieldKind::Integer {
                    min: Some(1),
                    max: Some(100),
                },
                false,
            ),
        ],
        ..DeskConfig::default()
    };
    // An SLA policy with short targets, so that clocks start, pause, warn
    // and breach within a case, and their events take part in every check.
    let mut json = serde_json::to_value(&config).unwrap();
    json["sla_policies"] = serde_json::json!([{
        "key": "standard",
        "targets": {
            "first_response": {"P1": "10m", "P2": "20m", "P3": "30m", "P4": "1h", "P5": "2h"},
            "resolution": {"P1": "30m", "P2": "45m", "P3": "1h", "P4": "2h", "P5": "4h"}
        },
        "warnings": [{"percent": 50}]
    }]);
    json["limits"]["max_watchers"] = serde_json::json!(MAX_WATCHERS);
    let config: DeskConfig = serde_json::from_value(json).unwrap();
    config.validate().unwrap();
    config
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

// ---------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------

/// How `decide` answers, without the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accepted,
    NotFound,
    AlreadyExists,
    Forbidden,
    IllegalTransition,
    Invalid,
}

impl Outcome {
    fn of(result: &Result<Vec<Event>, DomainError>) -> Self {
        match result {
            Ok(_) => Outcome::Accepted,
            Err(DomainError::NotFound { .. }) => Outcome::NotFound,
            Err(DomainError::AlreadyExists { .. }) => Outcome::AlreadyExists,
            Err(DomainError::Forbidden { .. }) => Outcome::Forbidden,
            Err(DomainError::IllegalTransition { .. }) => Outcome::IllegalTransition,
            Err(DomainError::Invalid(_)) => Outcome::Invalid,
            Err(other) => panic!("an error the model does not know: {other:?}"),
        }
    }
}

/// A cell of the lifecycle table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// `✓`: allowed, the status stays (apart from notes 1 to 4).
    Stay,
    /// A status name: allowed, moves there.
    To(StatusCategory),
    /// `target`: moves to the status the command names.
    Target,
    /// `✗`: illegal.
    No,
}

/// The lifecycle table, row by row. Columns: new, open, pending, on_hold,
/// resolved, closed, merged, cancelled.
fn lifecycle_row(command: CommandKind) -> [Cell; 8] {
    use Cell::{No, Stay, Target, To};
    use StatusCategory as S;
    const WORK: [Cell; 8] = [Stay, Stay, Stay, Stay, Stay, No, No, No];
    let active = |to| [To(to), To(to), To(to), To(to), No, No, No, No];
    match command {
        CommandKind::Open => [No; 8],
        CommandKind::Reply
        | CommandKind::AddNote
        | CommandKind::Attach
        | CommandKind::SetGroup
        | CommandKind::Assign
        | CommandKind::Unassign
        | CommandKind::SetImpactUrgency
        | CommandKind::OverridePriority
        | CommandKind::Tag
        | CommandKind::Untag
        | CommandKind::SetField
        | CommandKind::Watch
        | CommandKind::Unwatch
        | CommandKind::AddAsset
        | CommandKind::RemoveAsset
        | CommandKind::AcceptMerge
        | CommandKind::Link
        | CommandKind::Unlink => WORK,
        CommandKind::ChangeStatus => [Target, Target, Target, Target, No, No, No, No],
        CommandKind::Resolve => active(S::Resolved),
        CommandKind::Reopen => [No, No, No, No, To(S::Open), No, No, No],
        CommandKind::Close => [No, No, No, No, To(S::Closed), No, No, No],
        CommandKind::Cancel => active(S::Cancelled),
        CommandKind::Merge => active(S::Merged),
        CommandKind::Route | CommandKind::Escalate => [Stay, Stay, Stay, Stay, No, No, No, No],
        CommandKind::CheckSla | CommandKind::RecomputeSla => [Stay; 8],
    }
}

fn lifecycle(command: CommandKind, from: StatusCategory) -> Cell {
    let column = match from {
        StatusCategory::New => 0,
        StatusCategory::Open => 1,
        StatusCategory::Pending => 2,
        StatusCategory::OnHold => 3,
        StatusCategory::Resolved => 4,
        StatusCategory::Closed => 5,
        StatusCategory::Merged => 6,
        StatusCategory::Cancelled => 7,
    };
    lifecycle_row(command)[column]
}

/// A cell of the authorization table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Own,
    Group,
    Tenant,
    Never,
}

/// The authorization table: the scope of `command` for `role`.
fn scope_of(command: CommandKind, role: Role) -> Scope {
    use Scope::{Group, Never, Own, Tenant};
    // Columns: requester, agent, supervisor, admin, system.
    let row = match command {
        CommandKind::Open
        | CommandKind::Reply
        | CommandKind::Attach
        | CommandKind::Reopen
        | CommandKind::Close => [Own, Group, Group, Tenant, Tenant],
        CommandKind::SetField | CommandKind::Watch | CommandKind::Unwatch => {
            [Own, Group, Group, Tenant, Tenant]
        }
        CommandKind::OverridePriority => [Never, Never, Group, Tenant, Tenant],
        CommandKind::RecomputeSla => [Never, Never, Never, Tenant, Tenant],
        CommandKind::AddNote
        | CommandKind::SetGroup
        | CommandKind::Assign
        | CommandKind::Unassign
        | CommandKind::ChangeStatus
        | CommandKind::SetImpactUrgency
        | CommandKind::Tag
        | CommandKind::Untag
        | CommandKind::AddAsset
        | CommandKind::RemoveAsset
        | CommandKind::Resolve
        | CommandKind::Cancel
        | CommandKind::Merge
        | CommandKind::AcceptMerge
        | CommandKind::Link
        | CommandKind::Unlink
        | CommandKind::Route
        | CommandKind::Escalate
        | CommandKind::CheckSla => [Never, Group, Group, Tenant, Tenant],
    };
    row[match role {
        Role::Requester => 0,
        Role::Agent => 1,
        Role::Supervisor => 2,
        Role::Admin => 3,
        Role::System => 4,
    }]
}

/// What the model knows about the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Model {
    exists: bool,
    tenant: TenantId,
    requester: ActorId,
    ticket_type: TicketType,
    /// Category and sub-status.
    status: (StatusCategory, Option<String>),
    group: Option<GroupId>,
    assignee: Option<ActorId>,
    /// Each comment with its author.
    comments: BTreeMap<CommentId, ActorId>,
    links: BTreeSet<(LinkKind, TicketId)>,
    /// Each watcher with their role.
    watchers: BTreeMap<ActorId, Role>,
}

fn plain(category: StatusCategory) -> (StatusCategory, Option<String>) {
    (category, None)
}

// Input rules, written from the docs of the config, the limits and the
// value types (the pools below only reach these cases).

const SUBJECT_MAX_CHARS: usize = 250;
const BODY_MAX_BYTES: usize = 64 * 1024;
/// The model desk's `limits.max_watchers`, small so that cases reach it.
const MAX_WATCHERS: usize = 2;

fn body_ok(body: &str, may_be_empty: bool) -> bool {
    (may_be_empty || !body.trim().is_empty())
        && body.len() <= BODY_MAX_BYTES
        && !body.contains('\0')
}

fn subject_ok(subject: &str) -> bool {
    let subject = subject.trim();
    !subject.is_empty()
        && subject.chars().count() <= SUBJECT_MAX_CHARS
        && !subject.chars().any(char::is_control)
}

fn tag_ok(tag: &str) -> bool {
    tag.len() <= 64
        && tag
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && tag
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_:./".contains(c))
}

fn asset_ok(asset: &str) -> bool {
    !asset.trim().is_empty() && asset.chars().count() <= 200 && !asset.chars().any(char::is_control)
}

/// Whether `key` is a field of the desk, and whether requesters may set it.
fn field_def(key: &str) -> Option<bool> {
    match key {
        SITE => Some(true),
        COST_CENTER | SEATS => Some(false),
        _ => None,
    }
}

fn field_value_ok(key: &str, value: &FieldValue) -> bool {
    match (key, value) {
        (SITE, FieldValue::Choice(choice)) => choice == "berlin" || choice == "nyc",
        (COST_CENTER, FieldValue::Text(text)) => text.chars().count() <= 8,
        (SEATS, FieldValue::Integer(n)) => (1..=100).contains(n),
        _ => false,
    }
}

/// The category of a configured sub-status.
fn sub_status_category(key: &str) -> Option<StatusCategory> {
    match key {
        "triaged" => Some(StatusCategory::Open),
        "awaiting_customer" => Some(StatusCategory::Pending),
        "awaiting_parts" => Some(StatusCategory::OnHold),
        "fixed_remotely" => Some(StatusCategory::Resolved),
        _ => None,
    }
}

impl Model {
    fn new() -> Self {
        Self {
            exists: false,
            tenant: TenantId::from_u128(0),
            requester: ActorId::from_u128(0),
            ticket_type: TicketType::Incident,
            status: plain(StatusCategory::New),
            group: None,
            assignee: None,
            comments: BTreeMap::new(),
            links: BTreeSet::new(),
            watchers: BTreeMap::new(),
        }
    }

    /// Whether the ticket is in `scope` for `actor` (same tenant assumed).
    fn in_scope(&self, scope: Scope, actor: &Actor) -> bool {
        match scope {
            Scope::Own => self.requester == actor.id,
            Scope::Group => {
                self.group.is_none_or(|g| actor.groups.contains(&g))
                    || self.assignee == Some(actor.id)
            }
            Scope::Tenant => true,
            Scope::Never => false,
        }
    }

    /// Seeing follows the scopes of the table: own, group, tenant by role.
    fn visible_to(&self, actor: &Actor) -> bool {
        let scope = match actor.role {
            Role::Requester => Scope::Own,
            Role::Agent | Role::Supervisor => Scope::Group,
            Role::Admin | Role::System => Scope::Tenant,
        };
        self.exists && self.tenant == actor.tenant && self.in_scope(scope, actor)
    }

    /// Notes 1 and 2 of the authorization table.
    fn may_open(actor: &Actor, new: &NewTicket) -> bool {
        match actor.role {
            Role::Requester => {
                new.requester == actor.id
                    && new.group.is_none()
                    && new.impact.is_none()
                    && new.urgency.is_none()
                    && new.tags.is_empty()
                    && new.organization.is_none()
                    && new.requester_email.is_none()
                    && new.channel.is_none()
                    && new.ticket_type.is_none()
                    && new.fields.keys().all(|k| field_def(k) != Some(false))
            }
            Role::Agent | Role::Supervisor => new.group.is_none_or(|g| actor.groups.contains(&g)),
            Role::Admin | Role::System => true,
        }
    }

    fn open_input_ok(new: &NewTicket) -> bool {
        subject_ok(&new.subject)
            && body_ok(&new.description, true)
            && new.tags.iter().all(|t| tag_ok(t))
            && new.assets.iter().all(|a| asset_ok(a))
            && new
                .fields
                .iter()
                .all(|(k, v)| field_def(k).is_some() && field_value_ok(k, v))
    }

    fn link_ok(&self, link: &Link) -> bool {
        if link.ticket == TICKET || self.links.iter().any(|(_, t)| *t == link.ticket) {
            return false;
        }
        let type_ok = match link.kind {
            LinkKind::Problem => self.ticket_type == TicketType::Incident,
            LinkKind::Incident => self.ticket_type == TicketType::Problem,
            LinkKind::Parent | LinkKind::Child | LinkKind::Related => true,
        };
        let single = matches!(link.kind, LinkKind::Parent | LinkKind::Problem);
        type_ok && !(single && self.links.iter().any(|(k, _)| *k == link.kind))
    }

    /// What `decide` should answer to `command` from `actor`, and the
    /// model after it.
    fn step(&self, actor: &Actor, command: &Command) -> (Outcome, Model) {
        let mut next = self.clone();
        let kind = command.kind();
        let outcome = |o| (o, self.clone());

        // 1. existence
        if let Command::Open(new) = command {
            if self.exists {
                return outcome(Outcome::AlreadyExists);
            }
            if !Self::may_open(actor, new) {
                return outcome(Outcome::Forbidden);
            }
            if !Self::open_input_ok(new) {
                return outcome(Outcome::Invalid);
            }
            next.exists = true;
            next.tenant = actor.tenant;
            next.requester = new.requester;
            next.ticket_type = new.ticket_type.unwrap_or(TicketType::Incident);
            next.group = new.group;
            return (Outcome::Accepted, next);
        }
        // 2. authorization: not seen, then not allowed
        if !self.visible_to(actor) {
            return outcome(Outcome::NotFound);
        }
        if !self.in_scope(scope_of(kind, actor.role), actor) {
            return outcome(Outcome::Forbidden);
        }
        if let Command::SetField { key, .. } = command {
            // Note 3: requesters only set fields marked requester_editable;
            // unknown keys are left to validation.
            if actor.role == Role::Requester && field_def(key) == Some(false) {
                return outcome(Outcome::Forbidden);
            }
        }
        // 3. lifecycle
        let cell = lifecycle(kind, self.status.0);
        if cell == Cell::No {
            return outcome(Outcome::IllegalTransition);
        }
        // 4. input, and the effect. Files go on a comment of the ticket,
        // by its author only.
        if let Command::Attach {
            comment,
            attachments,
        } = command
        {
            return match comment.and_then(|c| self.comments.get(&c)) {
                None => outcome(Outcome::Invalid),
                Some(author) if *author != actor.id => outcome(Outcome::Forbidden),
                Some(_) if attachments.iter().any(|a| a.name.contains('/')) => {
                    outcome(Outcome::Invalid)
                }
                Some(_) => (Outcome::Accepted, next),
            };
        }
        // Watchers (note 5 of the authorization table): a requester only
        // themselves, as a requester; the ticket's requester only as a
        // requester; at most MAX_WATCHERS of them.
        if let Command::Watch { watcher } = command {
            if actor.role == Role::Requester && *watcher != actor.as_ref() {
                return outcome(Outcome::Forbidden);
            }
            if watcher.id == self.requester && watcher.role != Role::Requester {
                return outcome(Outcome::Invalid);
            }
            if !self.watchers.contains_key(&watcher.id) && self.watchers.len() >= MAX_WATCHERS {
                return outcome(Outcome::Invalid);
            }
            next.watchers.insert(watcher.id, watcher.role);
            return (Outcome::Accepted, next);
        }
        if let Command::Unwatch { watcher } = command {
            if actor.role == Role::Requester && *watcher != actor.id {
                return outcome(Outcome::Forbidden);
            }
            next.watchers.remove(watcher);
            return (Outcome::Accepted, next);
        }
        let valid = match command {
            Command::Open(_)
            | Command::Attach { .. }
            | Command::Watch { .. }
            | Command::Unwatch { .. } => unreachable!("handled above"),
            Command::Reply {
                comment,
                body,
                attachments,
            } => {
                body_ok(body, false)
                    && !self.comments.contains_key(comment)
                    && !attachments.iter().any(|a| a.name.contains('/'))
            }
            Command::AddNote { comment, body, .. } => {
                body_ok(body, false) && !self.comments.contains_key(comment)
            }
            Command::SetGroup { .. }
            | Command::Assign { .. }
            | Command::Unassign
            | Command::SetImpactUrgency { .. }
            | Command::Reopen
            | Command::Close
            | Command::Unlink { .. }
            | Command::CheckSla
            | Command::RecomputeSla
            | Command::Route(_) => true,
            // The model's desk defines no escalation rules.
            Command::Escalate { .. } => false,
            Command::ChangeStatus { status } => match status {
                StatusTarget::Open | StatusTarget::Pending | StatusTarget::OnHold => true,
                StatusTarget::Custom(key) => matches!(
                    sub_status_category(key),
                    Some(StatusCategory::Open | StatusCategory::Pending | StatusCategory::OnHold)
                ),
            },
            Command::OverridePriority { priority, reason } => {
                priority.is_none() || body_ok(reason, false)
            }
            Command::Tag { tag } | Command::Untag { tag } => tag_ok(tag),
            Command::SetField { key, value } => {
                field_def(key).is_some() && value.as_ref().is_none_or(|v| field_value_ok(key, v))
            }
            Command::AddAsset { asset } | Command::RemoveAsset { asset } => asset_ok(asset),
            Command::Resolve {
                resolution,
                sub_status,
            } => {
                body_ok(&resolution.note, true)
                    && sub_status.as_deref().is_none_or(|key| {
                        sub_status_category(key) == Some(StatusCategory::Resolved)
                    })
            }
            Command::Cancel { reason } => body_ok(reason, true),
            Command::Merge { into } => *into != TICKET,
            Command::AcceptMerge { from } => *from != TICKET,
            Command::Link { link } => {
                self.links.contains(&(link.kind, link.ticket)) || self.link_ok(link)
            }
        };
        if !valid {
            return outcome(Outcome::Invalid);
        }
        match command {
            Command::Reply { comment, .. } | Command::AddNote { comment, .. } => {
                next.comments.insert(*comment, actor.id);
            }
            Command::SetGroup { group } => next.group = *group,
            Command::Assign { assignee } => next.assignee = Some(*assignee),
            Command::Unassign => next.assignee = None,
            Command::Link { link } => {
                next.links.insert((link.kind, link.ticket));
            }
            Command::Unlink { link } => {
                next.links.remove(&(link.kind, link.ticket));
            }
            _ => {}
        }
        let from = self.status.0;
        next.status = match (cell, command) {
            (Cell::No, _) => unreachable!("rejected above"),
            (Cell::Target, Command::ChangeStatus { status }) => match status {
                StatusTarget::Open => plain(StatusCategory::Open),
                StatusTarget::Pending => plain(StatusCategory::Pending),
                StatusTarget::OnHold => plain(StatusCategory::OnHold),
                StatusTarget::Custom(key) => (sub_status_category(key).unwrap(), Some(key.clone())),
            },
            (Cell::Target, _) => unreachable!("only change_status has target cells"),
            (Cell::To(StatusCategory::Resolved), Command::Resolve { sub_status, .. }) => {
                (StatusCategory::Resolved, sub_status.clone())
            }
            (Cell::To(to), _) => plain(to),
            // Notes 1 to 3: public replies move the status.
            (Cell::Stay, Command::Reply { .. }) => match (from, actor.role) {
                (StatusCategory::New, Role::Agent | Role::Supervisor | Role::Admin)
                | (StatusCategory::Pending | StatusCategory::Resolved, Role::Requester) => {
                    plain(StatusCategory::Open)
                }
                _ => self.status.clone(),
            },
            // Note 4: assigning a new ticket opens it.
            (Cell::Stay, Command::Assign { .. }) if from == StatusCategory::New => {
                plain(StatusCategory::Open)
            }
            (Cell::Stay, _) => self.status.clone(),
        };
        (Outcome::Accepted, next)
    }

    /// Checks the real ticket against the model.
    fn agrees_with(&self, ticket: &Ticket) -> Result<(), TestCaseError> {
        prop_assert_eq!(ticket.exists(), self.exists);
        if !self.exists {
            return Ok(());
        }
        let status = Status {
            category: self.status.0,
            sub_status: self.status.1.clone(),
        };
        prop_assert_eq!(ticket.status(), &status);
        prop_assert_eq!(ticket.tenant(), self.tenant);
        prop_assert_eq!(ticket.requester(), self.requester);
        prop_assert_eq!(ticket.ticket_type(), self.ticket_type);
        prop_assert_eq!(ticket.group(), self.group);
        prop_assert_eq!(ticket.assignee(), self.assignee);
        let comments: BTreeMap<CommentId, ActorId> =
            ticket.conversation().map(|c| (c.id, c.author.id)).collect();
        prop_assert_eq!(&comments, &self.comments);
        prop_assert_eq!(comments.len(), ticket.conversation().len());
        let links: BTreeSet<(LinkKind, TicketId)> =
            ticket.links().iter().map(|l| (l.kind, l.ticket)).collect();
        prop_assert_eq!(&links, &self.links);
        let watchers: BTreeMap<ActorId, Role> = ticket.watchers().map(|w| (w.id, w.role)).collect();
        prop_assert_eq!(&watchers, &self.watchers);
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Commands: small pools with invalid values among them
// ---------------------------------------------------------------------------

/// One command from one member of the cast.
#[derive(Clone)]
struct Step {
    who: Who,
    command: Command,
}

/// Prints long runs of one character (oversized input) as `<'x' x 65537>`.
fn abbreviate(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|&&c| c == chars[i]).count();
        if run > 16 {
            out.push_str(&format!("<{:?} x {run}>", chars[i]));
        } else {
            out.extend(&chars[i..i + run]);
        }
        i += run;
    }
    out
}

impl fmt::Debug for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let command = abbreviate(&format!("{:?}", self.command));
        write!(f, "{:?}: {command}", self.who)
    }
}

fn big(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

/// Mostly actors who may act on the ticket, so sequences get somewhere.
fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        3 => Just(Who::Requester),
        1 => Just(Who::OtherRequester),
        4 => Just(Who::GroupAgent),
        1 => Just(Who::OtherAgent),
        2 => Just(Who::Supervisor),
        2 => Just(Who::Admin),
        1 => Just(Who::System),
        1 => Just(Who::OtherTenantAdmin),
    ]
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("Thanks, on it.".to_owned()),
        1 => Just(String::new()),
        1 => Just(" \n ".to_owned()),
        1 => Just("nul \0 byte".to_owned()),
        1 => Just(big('x', BODY_MAX_BYTES + 1)),
    ]
}

fn may_be_empty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("Rebooted the router".to_owned()),
        1 => Just(String::new()),
        1 => Just("nul \0 byte".to_owned()),
    ]
}

fn comment_id() -> impl Strategy<Value = CommentId> {
    (1u128..=3).prop_map(CommentId::from_u128)
}

fn group() -> impl Strategy<Value = Option<GroupId>> {
    prop::sample::select(vec![
        None,
        Some(GROUP),
        Some(GROUP),
        Some(OTHER_GROUP),
        Some(NOBODYS_GROUP),
    ])
}

fn assignee() -> impl Strategy<Value = ActorId> {
    prop::sample::select(vec![GROUP_AGENT, OTHER_AGENT, SUPERVISOR, ADMIN, STRANGER])
}

/// Watchers, among them the requester as an agent (refused), a stranger,
/// and the group agent in a second role.
fn watcher() -> impl Strategy<Value = ActorRef> {
    let as_ = |id, role| ActorRef { id, role };
    prop::sample::select(vec![
        as_(REQUESTER, Role::Requester),
        as_(REQUESTER, Role::Agent),
        as_(OTHER_REQUESTER, Role::Requester),
        as_(GROUP_AGENT, Role::Agent),
        as_(GROUP_AGENT, Role::Requester),
        as_(SUPERVISOR, Role::Supervisor),
        as_(STRANGER, Role::Requester),
    ])
}

fn status_target() -> impl Strategy<Value = StatusTarget> {
    prop::sample::select(vec![
        StatusTarget::Open,
        StatusTarget::Pending,
        StatusTarget::OnHold,
        StatusTarget::Custom("triaged".into()),
        StatusTarget::Custom("awaiting_customer".into()),
        StatusTarget::Custom("awaiting_parts".into()),
        StatusTarget::Custom("fixed_remotely".into()),
        StatusTarget::Custom("awaiting_part".into()),
        StatusTarget::Custom(String::new()),
    ])
}

fn impact() -> impl Strategy<Value = Impact> {
    prop::sample::select(vec![Impact::High, Impact::Medium, Impact::Low])
}

fn urgency() -> impl Strategy<Value = Urgency> {
    prop::sample::select(vec![Urgency::High, Urgency::Medium, Urgency::Low])
}

fn tag() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["vpn", "vip", "network:wifi"]).prop_map(str::to_owned),
        1 => prop::sample::select(vec!["Bad Tag", "", "-dash"]).prop_map(str::to_owned),
        1 => Just(big('t', 65)),
    ]
}

fn field() -> impl Strategy<Value = (String, Option<FieldValue>)> {
    let text = |s: &str| FieldValue::Text(s.into());
    let choice = |s: &str| FieldValue::Choice(s.into());
    prop::sample::select(vec![
        (SITE, Some(choice("berlin"))),
        (SITE, Some(choice("nyc"))),
        (SITE, Some(choice("paris"))),
        (SITE, Some(text("berlin"))),
        (SITE, None),
        (COST_CENTER, Some(text("CC-1"))),
        (COST_CENTER, Some(text("CC-123456789"))),
        (COST_CENTER, None),
        (SEATS, Some(FieldValue::Integer(5))),
        (SEATS, Some(FieldValue::Integer(0))),
        (SEATS, Some(FieldValue::Bool(true))),
        ("sight", Some(choice("berlin"))),
        ("unknown", None),
    ])
    .prop_map(|(key, value)| (key.to_owned(), value))
}

fn asset() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["laptop:SN-1", "printer:3F"]).prop_map(str::to_owned),
        1 => prop::sample::select(vec!["", "bell\u{7}", "  "]).prop_map(str::to_owned),
        1 => Just(big('a', 201)),
    ]
}

fn other_ticket() -> impl Strategy<Value = TicketId> {
    prop::sample::select(vec![TICKET, OTHER_TICKET, THIRD_TICKET])
}

fn link() -> impl Strategy<Value = Link> {
    let kind = prop::sample::select(vec![
        LinkKind::Parent,
        LinkKind::Child,
        LinkKind::Problem,
        LinkKind::Incident,
        LinkKind::Related,
    ]);
    let ticket = prop_oneof![
        2 => Just(OTHER_TICKET),
        2 => Just(THIRD_TICKET),
        1 => Just(TICKET),
    ];
    (kind, ticket).prop_map(|(kind, ticket)| Link { kind, ticket })
}

fn ticket_type() -> impl Strategy<Value = TicketType> {
    prop::sample::select(vec![
        TicketType::Incident,
        TicketType::Problem,
        TicketType::ServiceRequest,
    ])
}

fn new_ticket() -> impl Strategy<Value = NewTicket> {
    let subject = prop_oneof![
        4 => Just("Printer jams on 3F".to_owned()),
        1 => prop::sample::select(vec!["", "   ", "two\nlines"]).prop_map(str::to_owned),
        1 => Just(big('s', SUBJECT_MAX_CHARS + 1)),
    ];
    let fields = prop::sample::select(vec![
        vec![],
        vec![(SITE, FieldValue::Choice("nyc".into()))],
        vec![(SITE, FieldValue::Choice("paris".into()))],
        vec![(COST_CENTER, FieldValue::Text("CC-1".into()))],
        vec![("unknown", FieldValue::Bool(true))],
    ]);
    (
        prop::sample::select(vec![REQUESTER, REQUESTER, STRANGER]),
        subject,
        may_be_empty_text(),
        ticket_type(),
        prop::option::weighted(0.2, impact()),
        prop::option::weighted(0.2, urgency()),
        prop::sample::select(vec![None, None, Some(GROUP), Some(OTHER_GROUP)]),
        prop::collection::vec(tag(), 0..=1),
        fields,
        prop::collection::vec(asset(), 0..=1),
    )
        .prop_map(
            |(
                requester,
                subject,
                description,
                ty,
                impact,
                urgency,
                group,
                tags,
                fields,
                assets,
            )| {
                NewTicket {
                    requester,
                    subject,
                    description,
                    ticket_type: Some(ty),
                    impact,
                    urgency,
                    group,
                    tags,
                    fields: fields
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<BTreeMap<_, _>>(),
                    assets,
                    ..NewTicket::new(requester, "", "")
                }
            },
        )
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        1 => new_ticket().prop_map(Command::Open),
        3 => (comment_id(), body(), prop::sample::select(vec![None, Some("log.txt"), Some("../etc/passwd")]))
            .prop_map(|(comment, body, name)| Command::Reply {
                comment,
                body,
                attachments: name
                    .map(|name| AttachmentRef::new("0".repeat(64), name, "text/plain", 10))
                    .into_iter()
                    .collect(),
            }),
        3 => (comment_id(), body()).prop_map(|(comment, body)| Command::note(comment, body)),
        2 => (comment_id(), prop::sample::select(vec!["log.txt", "../etc/passwd"])).prop_map(
            |(comment, name)| Command::Attach {
                comment: Some(comment),
                attachments: vec![AttachmentRef::new("0".repeat(64), name, "text/plain", 10)],
            }
        ),
        2 => watcher().prop_map(|watcher| Command::Watch { watcher }),
        1 => prop::sample::select(vec![REQUESTER, OTHER_REQUESTER, GROUP_AGENT, STRANGER])
            .prop_map(|watcher| Command::Unwatch { watcher }),
        2 => group().prop_map(|group| Command::SetGroup { group }),
        3 => assignee().prop_map(|assignee| Command::Assign { assignee }),
        2 => Just(Command::Unassign),
        4 => status_target().prop_map(|status| Command::ChangeStatus { status }),
        2 => (impact(), urgency())
            .prop_map(|(impact, urgency)| Command::SetImpactUrgency { impact, urgency }),
        2 => (
            prop::option::of(prop::sample::select(Priority::ALL.to_vec())),
            prop::sample::select(vec!["VIP user", "", "  "]),
        )
            .prop_map(|(priority, reason)| Command::OverridePriority {
                priority,
                reason: reason.to_owned(),
            }),
        2 => tag().prop_map(|tag| Command::Tag { tag }),
        1 => tag().prop_map(|tag| Command::Untag { tag }),
        3 => field().prop_map(|(key, value)| Command::SetField { key, value }),
        1 => asset().prop_map(|asset| Command::AddAsset { asset }),
        1 => asset().prop_map(|asset| Command::RemoveAsset { asset }),
        5 => (
            prop::sample::select(vec![ResolutionCode::Solved, ResolutionCode::Workaround]),
            may_be_empty_text(),
            prop::sample::select(vec![
                None,
                None,
                Some("fixed_remotely"),
                Some("awaiting_parts"),
                Some("fixed"),
            ]),
        )
            .prop_map(|(code, note, sub_status)| Command::Resolve {
                resolution: Resolution::new(code, note),
                sub_status: sub_status.map(str::to_owned),
            }),
        3 => Just(Command::Reopen),
        4 => Just(Command::Close),
        1 => may_be_empty_text().prop_map(|reason| Command::Cancel { reason }),
        1 => other_ticket().prop_map(|into| Command::Merge { into }),
        1 => other_ticket().prop_map(|from| Command::AcceptMerge { from }),
        3 => link().prop_map(|link| Command::Link { link }),
        2 => link().prop_map(|link| Command::Unlink { link }),
        3 => Just(Command::CheckSla),
        1 => Just(Command::RecomputeSla),
        1 => Just(Command::Route(RouteInput::default())),
        1 => prop::sample::select(vec!["to_tier_2", ""]).prop_map(|rule| Command::Escalate {
            rule: rule.to_owned(),
            reason: "Stuck for a day".to_owned(),
        }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    (who(), command()).prop_map(|(who, command)| Step { who, command })
}

/// Mostly an open that goes through, so most cases work on a ticket.
fn opening() -> impl Strategy<Value = Step> {
    let by_requester = any::<bool>().prop_map(|site| {
        let mut new = NewTicket::new(REQUESTER, "VPN drops every hour", "Since Monday.");
        if site {
            new = new.field(SITE, FieldValue::Choice("berlin".into()));
        }
        Step {
            who: Who::Requester,
            command: Command::Open(new),
        }
    });
    let by_staff = (
        prop::sample::select(vec![
            Who::GroupAgent,
            Who::Supervisor,
            Who::Admin,
            Who::System,
        ]),
        ticket_type(),
        prop::sample::select(vec![None, Some(GROUP)]),
        any::<bool>(),
    )
        .prop_map(|(who, ty, group, tagged)| {
            let mut new = NewTicket::new(REQUESTER, "Printer jams", "").ticket_type(ty);
            new.group = group;
            if tagged {
                new = new.tag("printer").impact(Impact::High);
            }
            Step {
                who,
                command: Command::Open(new),
            }
        });
    prop_oneof![6 => by_requester, 6 => by_staff, 1 => step()]
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    (opening(), prop::collection::vec(step(), 0..40)).prop_map(|(first, mut rest)| {
        rest.insert(0, first);
        rest
    })
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

fn no_internal_notes(ticket: &Ticket) -> bool {
    ticket
        .conversation()
        .all(|c| c.visibility == Visibility::Public)
}

/// Runs `steps` on a fresh ticket beside the model, checking everything
/// after every step. Returns the ticket and its history.
fn run(steps: &[Step]) -> Result<(Ticket, Vec<Event>), TestCaseError> {
    let config = config();
    let mut ticket = Ticket::new(TICKET);
    let mut model = Model::new();
    let mut history: Vec<Event> = Vec::new();
    let mut read_back: Vec<Event> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let actor = step.who.actor();
        let now = start() + Duration::minutes(3 * i as i64);
        // Every step offers a new number; only an open takes it.
        let ctx =
            Context::new(&actor, now, &config).with_number(TicketNumber::new(1000 + i as u64));
        let before = ticket.clone();
        let (expected, next) = model.step(&actor, &step.command);
        let result = decide(&ticket, step.command.clone(), &ctx);
        prop_assert_eq!(
            Outcome::of(&result),
            expected,
            "step {}: {:?} on a ticket that is {} answered {:?}",
            i,
            step,
            ticket.status(),
            result.as_ref().map_err(ToString::to_string).map(Vec::len)
        );
        match result {
            Ok(events) => {
                for event in &events {
                    prop_assert_eq!(event.by, actor.as_ref());
                    prop_assert_eq!(event.at, now);
                    apply(&mut ticket, event);
                    let json = serde_json::to_string(event).unwrap();
                    let back: Event = serde_json::from_str(&json).unwrap();
                    prop_assert_eq!(&back, event, "JSON round trip of {}", json);
                    read_back.push(back);
                }
                prop_assert_eq!(ticket.version(), before.version() + events.len() as u64);
                history.extend(events);
            }
            // `decide` only reads the ticket, so a rejection cannot change
            // it; what can go wrong is the model moving on. The ticket is
            // compared below with the model and with its replayed history.
            Err(_) => prop_assert_eq!(&next, &model, "a rejected {:?} changed the model", step),
        }
        model = next;
        model.agrees_with(&ticket)?;
        let opened_with = history.iter().find_map(|e| match &e.change {
            Change::Opened(opened) => opened.number,
            _ => None,
        });
        prop_assert!(
            opened_with.is_some() == ticket.exists(),
            "an opened ticket has a number"
        );
        prop_assert_eq!(
            ticket.number(),
            opened_with,
            "the number is the open's, never changed"
        );
        prop_assert_eq!(&Ticket::replay(TICKET, &history), &ticket);
        check_views(&ticket)?;
    }
    // Every event already compared equal after its round trip; the history
    // read back from JSON must rebuild the ticket as well.
    prop_assert_eq!(&Ticket::replay(TICKET, &read_back), &ticket);
    Ok((ticket, history))
}

fn check_views(ticket: &Ticket) -> Result<(), TestCaseError> {
    if let Some(view) = ticket.view_for(&Who::Requester.actor()) {
        prop_assert!(no_internal_notes(&view), "requester sees an internal note");
        prop_assert!(
            view.watchers().all(|w| w.role == Role::Requester),
            "requester sees a staff watcher"
        );
        prop_assert_eq!(
            view.watchers().len(),
            ticket
                .watchers()
                .filter(|w| w.role == Role::Requester)
                .count()
        );
        prop_assert_eq!(view.conversation().len(), {
            ticket
                .conversation()
                .filter(|c| c.visibility == Visibility::Public)
                .count()
        });
    }
    prop_assert!(ticket.view_for(&Who::OtherRequester.actor()).is_none());
    if ticket.tenant() == TENANT {
        prop_assert!(ticket.view_for(&Who::OtherTenantAdmin.actor()).is_none());
    } else {
        for who in CAST.iter().filter(|w| **w != Who::OtherTenantAdmin) {
            prop_assert!(ticket.view_for(&who.actor()).is_none());
        }
    }
    if ticket.exists() {
        let own = Actor::requester(ticket.requester(), ticket.tenant());
        let view = ticket.view_for(&own);
        prop_assert!(view.is_some_and(|v| no_internal_notes(&v)));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn decide_and_apply_follow_the_model(steps in steps()) {
        run(&steps)?;
    }
}

// ---------------------------------------------------------------------------
// The model and the run on fixed sequences
// ---------------------------------------------------------------------------

fn s(who: Who, command: Command) -> Step {
    Step { who, command }
}

fn reply(id: u128, body: &str) -> Command {
    Command::Reply {
        comment: CommentId::from_u128(id),
        body: body.into(),
        attachments: Vec::new(),
    }
}

/// A whole life with every note of both tables, against outcomes worked out
/// by hand from the docs; `run` also holds the model to each of them.
#[test]
fn a_full_life_follows_the_tables() {
    use Outcome::{Accepted, Forbidden, IllegalTransition, Invalid, NotFound};
    let note = |id: u128| Command::note(CommentId::from_u128(id), "Known issue");
    let override_p1 = Command::OverridePriority {
        priority: Some(Priority::P1),
        reason: "VIP".into(),
    };
    let resolve = |sub_status: Option<&str>| Command::Resolve {
        resolution: Resolution::new(ResolutionCode::Solved, "Rebooted"),
        sub_status: sub_status.map(str::to_owned),
    };
    let open = NewTicket::new(REQUESTER, "VPN drops", "Since Monday.");
    let awaiting_customer = StatusTarget::Custom("awaiting_customer".into());
    let steps = [
        (
            Who::Requester,
            Command::Open(open),
            Accepted,
            StatusCategory::New,
        ),
        (
            Who::OtherRequester,
            reply(1, "me too"),
            NotFound,
            StatusCategory::New,
        ),
        (
            Who::OtherTenantAdmin,
            Command::Close,
            NotFound,
            StatusCategory::New,
        ),
        (
            Who::Requester,
            Command::Reopen,
            IllegalTransition,
            StatusCategory::New,
        ),
        (
            Who::Requester,
            Command::Unassign,
            Forbidden,
            StatusCategory::New,
        ),
        (
            Who::System,
            reply(3, "Received."),
            Accepted,
            StatusCategory::New,
        ),
        (
            Who::GroupAgent,
            Command::SetGroup { group: Some(GROUP) },
            Accepted,
            StatusCategory::New,
        ),
        (
            Who::OtherAgent,
            Command::Unassign,
            NotFound,
            StatusCategory::New,
        ),
        (
            Who::GroupAgent,
            reply(4, "Looking."),
            Accepted,
            StatusCategory::Open,
        ),
        (
            Who::GroupAgent,
            Command::ChangeStatus {
                status: awaiting_customer,
            },
            Accepted,
            StatusCategory::Pending,
        ),
        (
            Who::Requester,
            reply(5, "Here you go."),
            Accepted,
            StatusCategory::Open,
        ),
        (Who::GroupAgent, note(6), Accepted, StatusCategory::Open),
        (Who::GroupAgent, note(6), Invalid, StatusCategory::Open),
        (
            Who::GroupAgent,
            override_p1.clone(),
            Forbidden,
            StatusCategory::Open,
        ),
        (Who::Supervisor, override_p1, Accepted, StatusCategory::Open),
        (
            Who::GroupAgent,
            resolve(Some("fixed_remotely")),
            Accepted,
            StatusCategory::Resolved,
        ),
        (
            Who::Requester,
            reply(7, "Still broken."),
            Accepted,
            StatusCategory::Open,
        ),
        (
            Who::GroupAgent,
            Command::Assign {
                assignee: OTHER_AGENT,
            },
            Accepted,
            StatusCategory::Open,
        ),
        (
            Who::OtherAgent,
            resolve(None),
            Accepted,
            StatusCategory::Resolved,
        ),
        (
            Who::Requester,
            Command::Close,
            Accepted,
            StatusCategory::Closed,
        ),
        (
            Who::Admin,
            Command::Tag { tag: "vpn".into() },
            IllegalTransition,
            StatusCategory::Closed,
        ),
    ];
    let config = config();
    let mut ticket = Ticket::new(TICKET);
    for (i, (who, command, outcome, category)) in steps.iter().enumerate() {
        let actor = who.actor();
        let result = decide(
            &ticket,
            command.clone(),
            &Context::new(&actor, start(), &config),
        );
        assert_eq!(Outcome::of(&result), *outcome, "step {i}: {result:?}");
        for event in result.iter().flatten() {
            apply(&mut ticket, event);
        }
        assert_eq!(ticket.status().category, *category, "step {i}");
    }
    let steps: Vec<Step> = steps
        .into_iter()
        .map(|(who, command, _, _)| s(who, command))
        .collect();
    let (ticket, _) = run(&steps).unwrap();
    assert_eq!(ticket.priority(), Priority::P1);
    assert_eq!(ticket.conversation().len(), 5);
    let view = ticket.view_for(&Who::Requester.actor()).unwrap();
    assert_eq!(view.conversation().len(), 4);
}

/// The model itself, on cells of the tables that a wrong model would get
/// wrong.
#[test]
fn the_model_reads_the_tables() {
    let mut model = Model::new();
    let agent = Who::GroupAgent.actor();
    let requester = Who::Requester.actor();
    let (outcome, opened) = model.step(
        &requester,
        &Command::Open(NewTicket::new(REQUESTER, "Help", "")),
    );
    assert_eq!(outcome, Outcome::Accepted);
    model = opened;
    assert_eq!(model.status, plain(StatusCategory::New));
    let (outcome, _) = model.step(
        &requester,
        &Command::Resolve {
            resolution: Resolution::new(ResolutionCode::Solved, ""),
            sub_status: None,
        },
    );
    assert_eq!(outcome, Outcome::Forbidden);
    let (outcome, assigned) = model.step(&agent, &Command::Assign { assignee: STRANGER });
    assert_eq!(outcome, Outcome::Accepted);
    assert_eq!(assigned.status, plain(StatusCategory::Open));
    let (outcome, _) = model.step(&agent, &Command::Reopen);
    assert_eq!(outcome, Outcome::IllegalTransition);
    let (outcome, _) = model.step(&agent, &Command::Merge { into: TICKET });
    assert_eq!(outcome, Outcome::Invalid);
    let (outcome, _) = model.step(&Who::OtherTenantAdmin.actor(), &Command::Unassign);
    assert_eq!(outcome, Outcome::NotFound);
}

/// `decide` checks authorization (step 2) before the lifecycle (step 3), and
/// note 3 of the authorization table is part of authorization: a requester
/// may not set a field that is not `requester_editable`, whatever the
/// ticket's status. Found by `decide_and_apply_follow_the_model`.
#[test]
fn a_requester_setting_a_staff_field_is_forbidden_even_on_a_terminal_ticket() {
    let steps = [
        s(
            Who::Requester,
            Command::Open(NewTicket::new(REQUESTER, "VPN drops", "")),
        ),
        s(Who::GroupAgent, Command::Merge { into: OTHER_TICKET }),
        s(
            Who::Requester,
            Command::SetField {
                key: COST_CENTER.into(),
                value: Some(FieldValue::Text("CC-1".into())),
            },
        ),
    ];
    let config = config();
    let mut ticket = Ticket::new(TICKET);
    let mut last = None;
    for step in &steps {
        let actor = step.who.actor();
        let result = decide(
            &ticket,
            step.command.clone(),
            &Context::new(&actor, start(), &config),
        );
        for event in result.iter().flatten() {
            apply(&mut ticket, event);
        }
        last = Some(result);
    }
    assert_eq!(ticket.status().category, StatusCategory::Merged);
    let err = last.unwrap().unwrap_err();
    assert!(
        matches!(err, DomainError::Forbidden { .. }),
        "expected Forbidden, got {err:?}"
    );
}
