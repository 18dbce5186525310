//! An adversarial property test of the trust boundaries, for any store.
//!
//! [`check_adversary`] runs random sequences of [`Step`]s (proptest) on a
//! desk over a fresh store per case, with a cast of two tenants: in tenant
//! A the requesters alice and bob, an agent of group G1, an agent of G2, a
//! supervisor of G1 and an admin; in tenant B a requester and an admin.
//! The steps open tickets, reply, add internal notes, assign, move between
//! groups, tag, resolve, reopen, merge and link known tickets, send earlier
//! requests again (as they were, by someone else, on another ticket or with
//! other content), and read: tickets, histories, lists (random filters and
//! orders, pages of 1 to 3 rows, following `next` cursors) and searches
//! (for planted secrets, for pieces of them and for public words).
//!
//! Secrets are planted: every internal note holds `SECRET-NOTE-<n>`, every
//! other text of tenant B `SECRET-TENANT-B-<n>`, tenant A's public text on
//! a ticket in G2 (the subjects of tickets opened there, say)
//! `SECRET-G2-<n>`, and the rest of tenant A's public text
//! `PUBLIC-TEXT-<n>`; each `<n>` is planted once. Beside the desk runs a
//! model of where each marker was written and of each ticket's requester,
//! group and assignee, from which it knows who may see what: a requester
//! the public text of their own tickets; agents and supervisors every text
//! of the tickets of their groups, in no group or assigned to them; admins
//! their whole tenant; nobody another tenant's, and nobody a text whose
//! command was refused.
//!
//! After every step, everything the acting actor received (the answer's
//! debug form, or the error's message and debug form) is searched for
//! markers, and each one found must be one the actor may see now. The step
//! also checks what it can predict cheaply:
//!
//! - a command on a ticket out of the actor's reach, or of another tenant,
//!   is refused; an open succeeds exactly when the actor may open it;
//! - a command id sent again answers the first result when it is the same
//!   request, and [`DeskError::CommandIdReused`] naming what differs when
//!   it is not; an id recorded only in another tenant is a new command;
//! - `ticket` answers a ticket exactly when it is in reach, `history` is
//!   empty exactly when it is not, and a requester's never holds a note;
//! - a list's pages, followed by their cursors, hold exactly the tickets in
//!   reach that match the filter, in the query's order, `min(limit,
//!   remaining)` per page, with a `next` cursor exactly when rows remain;
//! - a search answers exactly the first `limit` tickets in reach whose
//!   text the actor may find holds every word, most recently updated first.
//!
//! ```
//! use helpdesk_engine::MemoryStore;
//! use helpdesk_testkit::adversary::{adversary_config, check_adversary};
//!
//! let mut config = adversary_config();
//! config.cases = 2;
//! check_adversary(|| async { MemoryStore::new() }, config);
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::future::Future;

use chrono::Duration;
use helpdesk_core::{
    Actor, ActorId, Change, Command, DomainError, GroupId, Link, LinkKind, NewTicket, Resolution,
    ResolutionCode, Role, SearchText, StatusCategory, TenantId, Ticket, TicketId, Visibility,
};
use helpdesk_engine::store::{
    Cursor, Filter, Order, SearchQuery, StoredEvent, TicketQuery, TicketRow, sort_key,
};
use helpdesk_engine::{
    CommandId, Desk, DeskError, Executed, ManualClock, NoNotifier, Request, Reuse, Store,
};
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestError, TestRunner};

/// How many cases [`adversary_config`] runs unless `PROPTEST_CASES` says
/// otherwise.
pub const DEFAULT_CASES: u32 = 64;

/// The first tenant.
pub const TENANT_A: TenantId = TenantId::from_u128(0xad_0a);
/// The second tenant.
pub const TENANT_B: TenantId = TenantId::from_u128(0xad_0b);

/// The cases' configuration: [`DEFAULT_CASES`] cases, or as many as the
/// environment variable `PROPTEST_CASES` asks; no failure file is written
/// (the failing sequence is in the panic message).
///
/// ```
/// let config = helpdesk_testkit::adversary::adversary_config();
/// assert!(config.cases > 0);
/// ```
pub fn adversary_config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_048,
        ..ProptestConfig::default()
    }
}

/// Runs `config.cases` random sequences of [`steps`], each on a desk over
/// a fresh store from `make`, and panics with the smallest failing
/// sequence proptest finds and what it broke.
///
/// `make` is called once per case (and once per shrinking attempt) and
/// must give an empty store. Each case runs on its own single-threaded
/// tokio runtime; the function blocks until every case has run, so call it
/// from a plain `#[test]`.
///
/// ```no_run
/// use helpdesk_engine::MemoryStore;
/// use helpdesk_testkit::adversary::{adversary_config, check_adversary};
///
/// #[test]
/// fn adversary() {
///     check_adversary(|| async { MemoryStore::new() }, adversary_config());
/// }
/// # fn main() {}
/// ```
pub fn check_adversary<S, F, Fut>(make: F, config: ProptestConfig)
where
    S: Store,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    let cases = config.cases;
    let total = RefCell::new(Tally::default());
    let run = |steps: &[Step]| -> Result<Tally, Violation> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("no runtime for a case: {e}"));
        runtime.block_on(async { run_case(make().await, steps).await })
    };
    let mut runner = TestRunner::new(config);
    let outcome = runner.run(&steps(), |steps| {
        let tally = run(&steps).map_err(|v| TestCaseError::fail(v.to_string()))?;
        total.borrow_mut().add(&tally);
        Ok(())
    });
    match outcome {
        Ok(()) => {}
        // The smallest failing sequence, run again to show it up to the
        // step that failed.
        Err(TestError::Fail(reason, steps)) => {
            let (failed, upto) = match run(&steps) {
                Err(violation) => (violation.to_string(), violation.step + 1),
                Ok(_) => (format!("{reason} (passed when run again)"), steps.len()),
            };
            let listed: String = steps[..upto.min(steps.len())]
                .iter()
                .enumerate()
                .map(|(at, step)| format!("\n  {at:>2}: {step:?}"))
                .collect();
            panic!(
                "the adversary broke a trust boundary at {failed}\n\nthe steps up to it:{listed}"
            );
        }
        Err(other) => panic!("the adversary could not run: {other}"),
    }
    // Enough cases do each of these many times over; none of them means
    // the steps no longer reach what they are meant to attack.
    let total = total.into_inner();
    if cases >= 16 {
        for (count, what) in [
            (total.executed, "executed a command"),
            (total.replayed, "had a retry answered as a replay"),
            (total.refused, "had a command refused"),
            (total.shown, "received a planted marker it may see"),
            (total.listed, "listed a ticket"),
            (total.found, "found a ticket by search"),
        ] {
            assert!(
                count > 0,
                "in {cases} cases no actor {what}: the steps no longer exercise the desk ({total:?})"
            );
        }
    }
}

/// What the steps of cases did, to show they did something.
#[derive(Debug, Default)]
struct Tally {
    /// Commands executed (not replays).
    executed: usize,
    /// Retries answered as replays.
    replayed: usize,
    /// Commands refused.
    refused: usize,
    /// Markers received by an actor who may see them.
    shown: usize,
    /// Rows listed.
    listed: usize,
    /// Rows found by search.
    found: usize,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.executed += other.executed;
        self.replayed += other.replayed;
        self.refused += other.refused;
        self.shown += other.shown;
        self.listed += other.listed;
        self.found += other.found;
    }
}

/// Runs `steps` on a desk over `store` (empty), checking after each step
/// what its actor received; the first broken promise is returned.
///
/// ```
/// use helpdesk_engine::MemoryStore;
/// use helpdesk_testkit::adversary::{Group, Step, Who, run_steps};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let steps = [
///     Step::Open { by: Who::Admin, requester: Some(Who::Alice), group: Some(Group::G2), described: false },
///     Step::Note { by: Who::AgentG2, ticket: 0 },
///     Step::Read { by: Who::Alice, ticket: 0 },
///     Step::Search { by: Who::Alice, words: vec![helpdesk_testkit::adversary::Word::Common(0)], limit: 2 },
/// ];
/// run_steps(MemoryStore::new(), &steps).await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
pub async fn run_steps<S: Store>(store: S, steps: &[Step]) -> Result<(), Violation> {
    run_case(store, steps).await.map(|_| ())
}

/// Runs `steps` as [`run_steps`] does, and tells what they did.
async fn run_case<S: Store>(store: S, steps: &[Step]) -> Result<Tally, Violation> {
    let clock = ManualClock::new(crate::start());
    let desk =
        Desk::new(crate::config(), store, NoNotifier, clock.clone()).map_err(|e| Violation {
            step: 0,
            message: format!("the desk refused its configuration: {e}"),
        })?;
    let mut run = Run {
        desk,
        clock,
        model: Model::default(),
        tally: Tally::default(),
    };
    for (at, step) in steps.iter().enumerate() {
        run.clock.advance(Duration::minutes(1));
        run.step(step).await.map_err(|message| Violation {
            step: at,
            message: format!("{step:?}: {message}"),
        })?;
    }
    Ok(run.tally)
}

/// A broken promise: the index of the step that broke it and what broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The index of the step in the sequence.
    pub step: usize,
    /// What was expected and what was received.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {}: {}", self.step, self.message)
    }
}

impl std::error::Error for Violation {}

/// Who acts: the cast of both tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Who {
    /// A requester of tenant A.
    Alice,
    /// Another requester of tenant A.
    Bob,
    /// An agent of group G1 (tenant A).
    AgentG1,
    /// An agent of group G2 (tenant A).
    AgentG2,
    /// A supervisor of group G1 (tenant A).
    SupervisorG1,
    /// The admin of tenant A.
    Admin,
    /// A requester of tenant B.
    RequesterB,
    /// The admin of tenant B.
    AdminB,
}

impl Who {
    /// The whole cast.
    pub const ALL: [Who; 8] = [
        Who::Alice,
        Who::Bob,
        Who::AgentG1,
        Who::AgentG2,
        Who::SupervisorG1,
        Who::Admin,
        Who::RequesterB,
        Who::AdminB,
    ];

    /// The actor as the host would build it.
    ///
    /// ```
    /// use helpdesk_core::Role;
    /// use helpdesk_testkit::adversary::{TENANT_B, Who};
    ///
    /// assert_eq!(Who::SupervisorG1.actor().role, Role::Supervisor);
    /// assert_eq!(Who::AdminB.actor().tenant, TENANT_B);
    /// ```
    pub fn actor(self) -> Actor {
        let id = ActorId::from_u128(0xad_00 + self as u128);
        match self {
            Who::Alice | Who::Bob => Actor::requester(id, TENANT_A),
            Who::AgentG1 => Actor::agent(id, TENANT_A, [Group::G1.id()]),
            Who::AgentG2 => Actor::agent(id, TENANT_A, [Group::G2.id()]),
            Who::SupervisorG1 => Actor::supervisor(id, TENANT_A, [Group::G1.id()]),
            Who::Admin => Actor::admin(id, TENANT_A),
            Who::RequesterB => Actor::requester(id, TENANT_B),
            Who::AdminB => Actor::admin(id, TENANT_B),
        }
    }

    /// Who `actor` is, if one of the cast.
    fn of(actor: &Actor) -> Option<Who> {
        Who::ALL.into_iter().find(|who| who.actor() == *actor)
    }
}

/// A group of tenant A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// The group of `AgentG1` and `SupervisorG1`.
    G1,
    /// The group of `AgentG2`.
    G2,
}

impl Group {
    /// The group's id.
    pub fn id(self) -> GroupId {
        match self {
            Group::G1 => GroupId::from_u128(0xad_61),
            Group::G2 => GroupId::from_u128(0xad_62),
        }
    }
}

/// How an earlier request is sent again, under its command id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// As it was.
    Same,
    /// By someone else (of either tenant), otherwise as it was.
    By(Who),
    /// By the same actor on the same ticket with other content (new
    /// planted text; a command without text becomes a reply).
    Changed,
    /// By the same actor on another known ticket (an index, as in
    /// [`Step`]).
    OnTicket(usize),
}

/// A list filter, by members of the cast.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListFilter {
    /// In this group.
    pub group: Option<Group>,
    /// Assigned to this member of the cast.
    pub assignee: Option<Who>,
    /// Requested by this member of the cast.
    pub requester: Option<Who>,
    /// In this status category.
    pub status: Option<StatusCategory>,
    /// With the tag of this index in the tags steps use.
    pub tag: Option<usize>,
}

/// A word of a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    /// A whole planted marker, in capitals or in small letters.
    Marker {
        /// The marker's index, modulo the number of markers to pick from.
        index: usize,
        /// Whether to pick among the markers written on tickets the
        /// searcher reaches (internal notes included), rather than among
        /// all planted so far (refused ones included).
        near: bool,
        /// Whether in capitals.
        upper: bool,
    },
    /// A piece of a planted marker.
    Piece {
        /// The marker's index, modulo the number of markers to pick from.
        index: usize,
        /// Whether to pick as [`Word::Marker`] does when `near`.
        near: bool,
        /// Where the piece starts, modulo the marker's length.
        from: usize,
        /// How long it is, modulo what is left of the marker (at least 1).
        len: usize,
    },
    /// A common word of the planted texts (of subjects, replies or notes),
    /// by its index.
    Common(usize),
}

/// One step of an adversary. Tickets are named by an index, modulo the
/// number of tickets it picks from: below 192, of the tickets opened so far
/// in the acting actor's tenant; from 192, of those of both tenants; from
/// 224, of every id an `Open` step sent (refused ones too). Every id is
/// known to everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `by` opens a ticket for `requester` (themselves when `None`) in
    /// `group`, with a description when `described`.
    Open {
        /// Who opens it.
        by: Who,
        /// For whom; `None` for themselves.
        requester: Option<Who>,
        /// In which group.
        group: Option<Group>,
        /// Whether it has a description.
        described: bool,
    },
    /// A public reply.
    Reply {
        /// Who replies.
        by: Who,
        /// On which ticket.
        ticket: usize,
    },
    /// An internal note holding a `SECRET-NOTE`.
    Note {
        /// Who adds it.
        by: Who,
        /// On which ticket.
        ticket: usize,
    },
    /// Assigns the ticket.
    Assign {
        /// Who assigns it.
        by: Who,
        /// Which ticket.
        ticket: usize,
        /// To whom.
        to: Who,
    },
    /// Takes the ticket from its assignee.
    Unassign {
        /// Who does it.
        by: Who,
        /// Which ticket.
        ticket: usize,
    },
    /// Moves the ticket to a group or out of any.
    SetGroup {
        /// Who moves it.
        by: Who,
        /// Which ticket.
        ticket: usize,
        /// Where to.
        group: Option<Group>,
    },
    /// Tags the ticket.
    Tag {
        /// Who tags it.
        by: Who,
        /// Which ticket.
        ticket: usize,
        /// The index of the tag.
        tag: usize,
    },
    /// Resolves the ticket, with a resolution note of public text.
    Resolve {
        /// Who resolves it.
        by: Who,
        /// Which ticket.
        ticket: usize,
    },
    /// Reopens the ticket.
    Reopen {
        /// Who reopens it.
        by: Who,
        /// Which ticket.
        ticket: usize,
    },
    /// Merges the ticket into another.
    Merge {
        /// Who merges.
        by: Who,
        /// Which ticket.
        ticket: usize,
        /// Into which.
        into: usize,
    },
    /// Links the ticket to another as related.
    Link {
        /// Who links.
        by: Who,
        /// Which ticket.
        ticket: usize,
        /// To which.
        to: usize,
    },
    /// Sends an earlier request again under its command id.
    Retry {
        /// Which request: below 192, by its index among those executed so
        /// far; from 192 on, among all sent (refused ones too); modulo
        /// their number.
        request: usize,
        /// How.
        resend: Resend,
    },
    /// Reads the ticket.
    Read {
        /// Who reads it.
        by: Who,
        /// Which ticket.
        ticket: usize,
    },
    /// Reads the ticket's history.
    History {
        /// Who reads it.
        by: Who,
        /// Which ticket.
        ticket: usize,
    },
    /// Lists tickets, page by page, following the cursors.
    List {
        /// Who lists.
        by: Who,
        /// Which tickets.
        filter: ListFilter,
        /// By due instant, or by update time when set.
        by_update: bool,
        /// Rows per page (1 to 3).
        limit: u32,
        /// Start after the row of this ticket (of either tenant, in reach
        /// or not), as a cursor forged from it would, rather than at the
        /// first row.
        after: Option<usize>,
    },
    /// Searches.
    Search {
        /// Who searches.
        by: Who,
        /// The words.
        words: Vec<Word>,
        /// At most this many rows (1 to 3).
        limit: u32,
    },
    /// The clock moves on by some hours and the SLA scheduler runs.
    Later {
        /// How many hours.
        hours: u8,
    },
}

/// The tags steps use.
const TAGS: [&str; 3] = ["vip", "printer", "billing"];

/// The common words of planted text (subjects take two of the first
/// eight; replies, notes, descriptions and resolutions their own word).
const COMMON: [&str; 12] = [
    "printer", "jams", "vpn", "drops", "laptop", "slow", "mail", "bounces", "still", "internal",
    "details", "fixed",
];

/// The random sequences [`check_adversary`] runs: a few opens, then 16 to
/// 34 steps of every kind.
pub fn steps() -> impl Strategy<Value = Vec<Step>> {
    (
        prop::collection::vec(open(), 3..6),
        prop::collection::vec(step(), 16..35),
    )
        .prop_map(|(mut opens, rest)| {
            opens.extend(rest);
            opens
        })
}

fn who() -> impl Strategy<Value = Who> {
    prop::sample::select(Who::ALL.to_vec())
}

/// Who writes: mostly tenant A's staff, who reach the most tickets.
fn writer() -> impl Strategy<Value = Who> {
    prop_oneof![
        3 => Just(Who::Admin),
        2 => Just(Who::AgentG1),
        2 => Just(Who::AgentG2),
        2 => Just(Who::SupervisorG1),
        1 => Just(Who::Alice),
        1 => Just(Who::Bob),
        1 => Just(Who::RequesterB),
        2 => Just(Who::AdminB),
    ]
}

/// Who reads: requesters and agents, whose reach is the narrowest, more
/// often.
fn reader() -> impl Strategy<Value = Who> {
    prop_oneof![
        2 => Just(Who::Alice),
        2 => Just(Who::Bob),
        2 => Just(Who::AgentG1),
        2 => Just(Who::AgentG2),
        1 => Just(Who::SupervisorG1),
        1 => Just(Who::Admin),
        2 => Just(Who::RequesterB),
        1 => Just(Who::AdminB),
    ]
}

/// Whom tickets are assigned to: mostly the staff of tenant A.
fn assignee() -> impl Strategy<Value = Who> {
    prop_oneof![
        2 => Just(Who::AgentG1),
        2 => Just(Who::AgentG2),
        2 => Just(Who::SupervisorG1),
        1 => who(),
    ]
}

fn group() -> impl Strategy<Value = Option<Group>> {
    prop::option::of(prop::sample::select(vec![Group::G1, Group::G2]))
}

fn index() -> impl Strategy<Value = usize> {
    0usize..256
}

/// Opens: by requesters mostly for themselves and without a group (the
/// rest is refused), by staff mostly for a requester.
fn open() -> impl Strategy<Value = Step> {
    let requester = || prop::sample::select(vec![Who::Alice, Who::Bob, Who::RequesterB]);
    let some_group = || prop::sample::select(vec![Group::G1, Group::G2]);
    let own = (
        requester(),
        prop::option::weighted(0.1, who()),
        prop::option::weighted(0.1, some_group()),
    );
    let staff = (
        prop::sample::select(vec![
            Who::AgentG1,
            Who::AgentG2,
            Who::SupervisorG1,
            Who::Admin,
            Who::AdminB,
        ]),
        prop::option::weighted(0.8, prop_oneof![3 => requester(), 1 => who()]),
        group(),
    );
    (prop_oneof![own, staff], any::<bool>()).prop_map(|((by, requester, group), described)| {
        Step::Open {
            by,
            requester,
            group,
            described,
        }
    })
}

fn writes() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (writer(), index()).prop_map(|(by, ticket)| Step::Reply { by, ticket }),
        3 => (writer(), index()).prop_map(|(by, ticket)| Step::Note { by, ticket }),
        2 => (writer(), index(), assignee())
            .prop_map(|(by, ticket, to)| Step::Assign { by, ticket, to }),
        1 => (writer(), index()).prop_map(|(by, ticket)| Step::Unassign { by, ticket }),
        4 => (writer(), index(), group())
            .prop_map(|(by, ticket, group)| Step::SetGroup { by, ticket, group }),
        1 => (writer(), index(), 0..TAGS.len())
            .prop_map(|(by, ticket, tag)| Step::Tag { by, ticket, tag }),
        1 => (writer(), index()).prop_map(|(by, ticket)| Step::Resolve { by, ticket }),
        1 => (writer(), index()).prop_map(|(by, ticket)| Step::Reopen { by, ticket }),
        1 => (writer(), index(), index())
            .prop_map(|(by, ticket, into)| Step::Merge { by, ticket, into }),
        1 => (writer(), index(), index()).prop_map(|(by, ticket, to)| Step::Link { by, ticket, to }),
    ]
}

fn resend() -> impl Strategy<Value = Resend> {
    prop_oneof![
        3 => Just(Resend::Same),
        2 => who().prop_map(Resend::By),
        1 => Just(Resend::Changed),
        1 => index().prop_map(Resend::OnTicket),
    ]
}

fn list_filter() -> impl Strategy<Value = ListFilter> {
    let status = prop::sample::select(vec![
        StatusCategory::New,
        StatusCategory::Open,
        StatusCategory::Resolved,
        StatusCategory::Merged,
    ]);
    (
        prop::option::weighted(0.2, prop::sample::select(vec![Group::G1, Group::G2])),
        prop::option::weighted(0.15, assignee()),
        prop::option::weighted(0.15, who()),
        prop::option::weighted(0.15, status),
        prop::option::weighted(0.1, 0..TAGS.len()),
    )
        .prop_map(|(group, assignee, requester, status, tag)| ListFilter {
            group,
            assignee,
            requester,
            status,
            tag,
        })
}

fn word() -> impl Strategy<Value = Word> {
    prop_oneof![
        3 => (index(), any::<bool>(), any::<bool>())
            .prop_map(|(index, near, upper)| Word::Marker { index, near, upper }),
        3 => (index(), any::<bool>(), 0usize..20, 0usize..20)
            .prop_map(|(index, near, from, len)| Word::Piece { index, near, from, len }),
        2 => (0..COMMON.len()).prop_map(Word::Common),
    ]
}

fn reads() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (reader(), index()).prop_map(|(by, ticket)| Step::Read { by, ticket }),
        2 => (reader(), index()).prop_map(|(by, ticket)| Step::History { by, ticket }),
        4 => (
            reader(),
            list_filter(),
            any::<bool>(),
            1u32..=3,
            prop::option::weighted(0.2, index()),
        )
            .prop_map(|(by, filter, by_update, limit, after)| Step::List {
                by,
                filter,
                by_update,
                limit,
                after,
            }),
        4 => (reader(), prop::collection::vec(word(), 1..=2), 1u32..=3)
            .prop_map(|(by, words, limit)| Step::Search { by, words, limit }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => open(),
        10 => writes(),
        5 => (index(), resend()).prop_map(|(request, resend)| Step::Retry { request, resend }),
        9 => reads(),
        1 => (1u8..12).prop_map(|hours| Step::Later { hours }),
    ]
}

/// What kind of text a marker is planted in.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Note,
    TenantB,
    G2,
    Public,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Note => "SECRET-NOTE-",
            Kind::TenantB => "SECRET-TENANT-B-",
            Kind::G2 => "SECRET-G2-",
            Kind::Public => "PUBLIC-TEXT-",
        }
    }
}

/// Every marker prefix, in small letters.
const PREFIXES: [&str; 4] = [
    "secret-note-",
    "secret-tenant-b-",
    "secret-g2-",
    "public-text-",
];

/// The numbers of the markers in `text`, with where each starts.
fn markers_in(text: &str) -> Vec<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    for prefix in PREFIXES {
        for (at, _) in lower.match_indices(prefix) {
            let digits: String = lower[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse() {
                found.push((n, at));
            }
        }
    }
    found
}

/// Where a marker was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    tenant: TenantId,
    ticket: TicketId,
    internal: bool,
}

/// A ticket as the model knows it.
#[derive(Debug, Clone)]
struct Known {
    tenant: TenantId,
    requester: ActorId,
    group: Option<GroupId>,
    assignee: Option<ActorId>,
    /// Its searchable public text, as written.
    public: Vec<String>,
    /// Its internal notes, as written.
    internal: Vec<String>,
    /// Its row as the store last loaded it after a write.
    row: TicketRow,
}

/// A command as first recorded.
#[derive(Debug, Clone)]
struct Recorded {
    actor: ActorId,
    ticket: TicketId,
    command: Command,
}

/// What the desk has done, as the test knows it.
#[derive(Debug, Default)]
struct Model {
    /// Every ticket id an open was sent for, in order.
    ids: Vec<TicketId>,
    /// The tickets opened, in order, with their tenant.
    opened: Vec<(TenantId, TicketId)>,
    /// Tickets that exist, by tenant and id.
    tickets: BTreeMap<(TenantId, TicketId), Known>,
    /// Every request sent.
    requests: Vec<Request>,
    /// Every request executed (not replayed), in order.
    executed: Vec<Request>,
    /// Commands recorded, by tenant and id.
    recorded: HashMap<(TenantId, CommandId), Recorded>,
    /// Every marker planted, written or not.
    planted: Vec<String>,
    /// Where each marker was written, by its number.
    written: HashMap<usize, Vec<Place>>,
}

/// Whether `actor` reaches `ticket`: the scopes of the authorization table.
fn reaches(actor: &Actor, ticket: &Known) -> bool {
    ticket.tenant == actor.tenant
        && match actor.role {
            Role::Requester => ticket.requester == actor.id,
            Role::Agent | Role::Supervisor => {
                ticket.group.is_none_or(|g| actor.groups.contains(&g))
                    || ticket.assignee == Some(actor.id)
            }
            Role::Admin | Role::System => true,
        }
}

impl Model {
    /// A new marker of `kind`.
    fn plant(&mut self, kind: Kind) -> String {
        let marker = format!("{}{}", kind.prefix(), self.planted.len());
        self.planted.push(marker.clone());
        marker
    }

    /// The kind of text `actor` writes on `ticket`.
    fn kind(&self, actor: &Actor, ticket: TicketId, note: bool) -> Kind {
        let in_g2 = self
            .tickets
            .get(&(actor.tenant, ticket))
            .is_some_and(|t| t.group == Some(Group::G2.id()));
        if note {
            Kind::Note
        } else if actor.tenant == TENANT_B {
            Kind::TenantB
        } else if in_g2 {
            Kind::G2
        } else {
            Kind::Public
        }
    }

    /// The ticket of index `n` for an actor of `tenant` (see [`Step`]),
    /// or an id never opened when there is none to pick from.
    fn id(&self, tenant: TenantId, n: usize) -> TicketId {
        let opened = |of: Option<TenantId>| -> Vec<TicketId> {
            self.opened
                .iter()
                .filter(|(t, _)| of.is_none_or(|of| of == *t))
                .map(|(_, id)| *id)
                .collect()
        };
        let (own, any) = (opened(Some(tenant)), opened(None));
        let ids = match n {
            0..192 if !own.is_empty() => own,
            0..224 if !any.is_empty() => any,
            _ => self.ids.clone(),
        };
        match ids.len() {
            0 => TicketId::from_u128(0xad_404),
            len => ids[n % len],
        }
    }

    fn known(&self, actor: &Actor, ticket: TicketId) -> Option<&Known> {
        self.tickets.get(&(actor.tenant, ticket))
    }

    /// Whether `actor` reaches `ticket` of their tenant.
    fn reaches(&self, actor: &Actor, ticket: TicketId) -> bool {
        self.known(actor, ticket).is_some_and(|t| reaches(actor, t))
    }

    /// Whether `actor` may see what is written at `place`.
    fn may_see(&self, actor: &Actor, place: &Place) -> bool {
        (!place.internal || actor.role.is_staff())
            && self
                .tickets
                .get(&(place.tenant, place.ticket))
                .is_some_and(|t| reaches(actor, t))
    }

    /// Records where the markers of `text` now are.
    fn write(&mut self, text: &str, place: Place) {
        for (n, _) in markers_in(text) {
            self.written.entry(n).or_default().push(place);
        }
    }

    /// What an executed (not replayed) request changed.
    fn apply(&mut self, request: &Request, row: TicketRow) {
        let tenant = request.actor.tenant;
        let key = (tenant, request.ticket);
        let place = |internal| Place {
            tenant,
            ticket: request.ticket,
            internal,
        };
        if let Command::Open(new) = &request.command {
            let written: Vec<String> = [&new.subject, &new.description]
                .into_iter()
                .filter(|text| !text.is_empty())
                .cloned()
                .collect();
            for text in &written {
                self.write(text, place(false));
            }
            // The ticket's number (`#12`) is public text too.
            let public = row
                .number
                .iter()
                .map(ToString::to_string)
                .chain(written)
                .collect();
            self.opened.push(key);
            self.tickets.insert(
                key,
                Known {
                    tenant,
                    requester: new.requester,
                    group: new.group,
                    assignee: None,
                    public,
                    internal: Vec::new(),
                    row: row.clone(),
                },
            );
        }
        let Some(known) = self.tickets.get_mut(&key) else {
            return;
        };
        known.row = row;
        let mut written = None;
        match &request.command {
            Command::Reply { body, .. } => {
                known.public.push(body.clone());
                written = Some((body.clone(), false));
            }
            Command::AddNote { body, .. } => {
                known.internal.push(body.clone());
                written = Some((body.clone(), true));
            }
            Command::SetGroup { group } => known.group = *group,
            Command::Assign { assignee } => known.assignee = Some(*assignee),
            Command::Unassign => known.assignee = None,
            Command::Resolve { resolution, .. } => {
                written = Some((resolution.note.clone(), false));
            }
            _ => {}
        }
        if let Some((text, internal)) = written {
            self.write(&text, place(internal));
        }
    }

    /// Where marker `n` is, for messages.
    fn whereabouts(&self, n: usize) -> String {
        let Some(places) = self.written.get(&n) else {
            return "was never written (its command was refused)".to_owned();
        };
        let described: Vec<String> = places
            .iter()
            .map(|p| {
                let ticket = self.tickets.get(&(p.tenant, p.ticket));
                let owner = ticket
                    .and_then(|t| Who::ALL.into_iter().find(|w| w.actor().id == t.requester))
                    .map_or_else(|| "someone".to_owned(), |w| format!("{w:?}"));
                format!(
                    "{} of ticket {} (tenant {}, requested by {owner}, group {:?}, assignee {:?})",
                    if p.internal {
                        "an internal note"
                    } else {
                        "public text"
                    },
                    p.ticket,
                    if p.tenant == TENANT_A { "A" } else { "B" },
                    ticket.and_then(|t| t.group).map(|g| {
                        if g == Group::G1.id() {
                            Group::G1
                        } else {
                            Group::G2
                        }
                    }),
                    ticket
                        .and_then(|t| t.assignee)
                        .and_then(|a| Who::ALL.into_iter().find(|w| w.actor().id == a)),
                )
            })
            .collect();
        format!("is {}", described.join(" and "))
    }

    /// Checks that `actor` may see every marker in `received` (`what`
    /// they received), and counts them; the first they may not see is
    /// described.
    fn leaks(&self, actor: &Actor, what: &str, received: &str) -> Result<usize, String> {
        let markers = markers_in(received);
        for &(n, at) in &markers {
            let seen = self
                .written
                .get(&n)
                .is_some_and(|places| places.iter().any(|p| self.may_see(actor, p)));
            if !seen {
                let mut from = at.saturating_sub(120);
                while !received.is_char_boundary(from) {
                    from -= 1;
                }
                let mut to = (at + 120).min(received.len());
                while !received.is_char_boundary(to) {
                    to += 1;
                }
                return Err(format!(
                    "{} received marker {n} in {what}; it {}. Received: ...{}...",
                    name(actor),
                    self.whereabouts(n),
                    &received[from..to]
                ));
            }
        }
        Ok(markers.len())
    }
}

/// Whether `ticket` holds an internal note.
fn holds_a_note(ticket: &Ticket) -> bool {
    ticket
        .conversation()
        .any(|c| c.visibility == Visibility::Internal)
}

/// Whether `events` hold an internal note's.
fn holds_a_note_event(events: &[StoredEvent]) -> bool {
    events
        .iter()
        .any(|e| matches!(e.event.change, Change::NoteAdded { .. }))
}

/// The actor's name in the cast, for messages.
fn name(actor: &Actor) -> String {
    Who::of(actor).map_or_else(|| format!("{actor:?}"), |w| format!("{w:?}"))
}

/// What a command sent is expected to answer, from the model before it.
#[derive(Debug)]
enum Expected {
    /// The first result again.
    Replay,
    /// Refused as a reuse of the id.
    Reused(Reuse),
    /// A new command: refused when `refused`, answered or refused otherwise.
    New { refused: Option<String> },
}

/// The desk under attack and the model beside it.
struct Run<S> {
    desk: Desk<S, NoNotifier, ManualClock>,
    clock: ManualClock,
    model: Model,
    tally: Tally,
}

impl<S: Store> Run<S> {
    /// Checks and counts what `actor` received (see [`Model::leaks`]).
    fn received(&mut self, actor: &Actor, what: &str, received: &str) -> Result<(), String> {
        self.tally.shown += self.model.leaks(actor, what, received)?;
        Ok(())
    }

    async fn step(&mut self, step: &Step) -> Result<(), String> {
        match step {
            Step::Open {
                by,
                requester,
                group,
                described,
            } => {
                let actor = by.actor();
                let kind = if actor.tenant == TENANT_B {
                    Kind::TenantB
                } else if *group == Some(Group::G2) {
                    Kind::G2
                } else {
                    Kind::Public
                };
                let n = self.model.planted.len();
                let subject = format!(
                    "{} {} {}",
                    self.model.plant(kind),
                    COMMON[n % 8],
                    COMMON[(n / 8 + 1) % 8]
                );
                let description = if *described {
                    format!("{} details", self.model.plant(kind))
                } else {
                    String::new()
                };
                let mut new =
                    NewTicket::new(requester.unwrap_or(*by).actor().id, subject, description);
                new.group = group.map(Group::id);
                let id = helpdesk_engine::new_ticket_id();
                self.model.ids.push(id);
                self.send(Request::new(actor, id, Command::Open(new))).await
            }
            Step::Reply { by, ticket } | Step::Note { by, ticket } => {
                let (actor, id) = (by.actor(), self.model.id(by.actor().tenant, *ticket));
                let command = self.comment(&actor, id, matches!(step, Step::Note { .. }));
                self.send(Request::new(actor, id, command)).await
            }
            Step::Assign { by, ticket, to } => {
                let assignee = to.actor().id;
                self.command(*by, *ticket, Command::Assign { assignee })
                    .await
            }
            Step::Unassign { by, ticket } => self.command(*by, *ticket, Command::Unassign).await,
            Step::SetGroup { by, ticket, group } => {
                let group = group.map(Group::id);
                self.command(*by, *ticket, Command::SetGroup { group })
                    .await
            }
            Step::Tag { by, ticket, tag } => {
                let tag = TAGS[tag % TAGS.len()].to_owned();
                self.command(*by, *ticket, Command::Tag { tag }).await
            }
            Step::Resolve { by, ticket } => {
                let (actor, id) = (by.actor(), self.model.id(by.actor().tenant, *ticket));
                let note = format!(
                    "{} fixed",
                    self.model.plant(self.model.kind(&actor, id, false))
                );
                let resolution = Resolution::new(ResolutionCode::Solved, note);
                let resolve = Command::Resolve {
                    resolution,
                    sub_status: None,
                };
                self.send(Request::new(actor, id, resolve)).await
            }
            Step::Reopen { by, ticket } => self.command(*by, *ticket, Command::Reopen).await,
            Step::Merge { by, ticket, into } => {
                let into = self.model.id(by.actor().tenant, *into);
                self.command(*by, *ticket, Command::Merge { into }).await
            }
            Step::Link { by, ticket, to } => {
                let link = Link {
                    kind: LinkKind::Related,
                    ticket: self.model.id(by.actor().tenant, *to),
                };
                self.command(*by, *ticket, Command::Link { link }).await
            }
            Step::Retry { request, resend } => self.retry(*request, *resend).await,
            Step::Read { by, ticket } => self.read(*by, *ticket).await,
            Step::History { by, ticket } => self.history(*by, *ticket).await,
            Step::List {
                by,
                filter,
                by_update,
                limit,
                after,
            } => {
                let order = if *by_update {
                    Order::UpdatedAt
                } else {
                    Order::NextDue
                };
                self.list(*by, filter, order, *limit, *after).await
            }
            Step::Search { by, words, limit } => self.search(*by, words, *limit).await,
            Step::Later { hours } => self.later(*hours).await,
        }
    }

    /// A reply (or an internal note, when `note`) of `actor` on `ticket`,
    /// with a new comment id and new text.
    fn comment(&mut self, actor: &Actor, ticket: TicketId, note: bool) -> Command {
        let comment = helpdesk_engine::new_comment_id();
        let marker = self.model.plant(self.model.kind(actor, ticket, note));
        if note {
            let body = format!("{marker} internal only");
            Command::note(comment, body)
        } else {
            let body = format!("{marker} still broken");
            Command::Reply {
                comment,
                body,
                attachments: Vec::new(),
            }
        }
    }

    async fn command(&mut self, by: Who, ticket: usize, command: Command) -> Result<(), String> {
        let id = self.model.id(by.actor().tenant, ticket);
        self.send(Request::new(by.actor(), id, command)).await
    }

    async fn retry(&mut self, request: usize, resend: Resend) -> Result<(), String> {
        let sent = if request < 192 && !self.model.executed.is_empty() {
            &self.model.executed
        } else {
            &self.model.requests
        };
        let Some(first) = (match sent.len() {
            0 => None,
            len => sent.get(request % len).cloned(),
        }) else {
            return Ok(());
        };
        let again = match resend {
            Resend::Same => first,
            Resend::By(who) => Request {
                actor: who.actor(),
                ..first
            },
            Resend::Changed => {
                let command = self.changed(&first);
                Request { command, ..first }
            }
            Resend::OnTicket(n) => Request {
                ticket: self.model.id(first.actor.tenant, n),
                ..first
            },
        };
        self.send(again).await
    }

    /// `request`'s command with new content.
    fn changed(&mut self, request: &Request) -> Command {
        let (actor, id) = (&request.actor, request.ticket);
        match &request.command {
            Command::Open(new) => {
                let kind = match self.model.kind(actor, id, false) {
                    Kind::Public if new.group == Some(Group::G2.id()) => Kind::G2,
                    kind => kind,
                };
                let subject = format!("{} laptop slow", self.model.plant(kind));
                Command::Open(NewTicket {
                    subject,
                    ..new.clone()
                })
            }
            Command::AddNote { .. } => self.comment(actor, id, true),
            Command::Resolve { .. } => {
                let note = format!(
                    "{} fixed",
                    self.model.plant(self.model.kind(actor, id, false))
                );
                Command::Resolve {
                    resolution: Resolution::new(ResolutionCode::Workaround, note),
                    sub_status: None,
                }
            }
            _ => self.comment(actor, id, false),
        }
    }

    /// What `request` must answer, from the model before it runs.
    fn expect(&self, request: &Request) -> Expected {
        let actor = &request.actor;
        if let Some(first) = self.model.recorded.get(&(actor.tenant, request.id)) {
            return if first.actor != actor.id {
                Expected::Reused(Reuse::Actor)
            } else if first.ticket != request.ticket {
                Expected::Reused(Reuse::Ticket)
            } else if first.command != request.command {
                Expected::Reused(Reuse::Content)
            } else {
                Expected::Replay
            };
        }
        let known = self.model.known(actor, request.ticket);
        let refused = match &request.command {
            Command::Open(new) => {
                let allowed = match actor.role {
                    Role::Requester => {
                        new.requester == actor.id && new.group.is_none() && new.tags.is_empty()
                    }
                    Role::Agent | Role::Supervisor => {
                        new.group.is_none_or(|g| actor.groups.contains(&g))
                    }
                    Role::Admin | Role::System => true,
                };
                match (known, allowed) {
                    (Some(_), _) => Some("an open of a ticket that exists".to_owned()),
                    (None, false) => Some("an open the actor may not make".to_owned()),
                    (None, true) => None,
                }
            }
            _ if !known.is_some_and(|t| reaches(actor, t)) => {
                Some("a command on a ticket out of the actor's reach".to_owned())
            }
            Command::Reply { .. } | Command::Reopen | Command::Close => None,
            _ if actor.role == Role::Requester => {
                Some("a staff command sent by a requester".to_owned())
            }
            Command::Merge { into: target }
            | Command::Link {
                link: Link { ticket: target, .. },
            } if !self.model.reaches(actor, *target) => {
                Some("a merge or link to a ticket out of the actor's reach".to_owned())
            }
            _ => None,
        };
        Expected::New { refused }
    }

    /// The target of a merge or link that `actor` does not reach, if any:
    /// refused before a retry is looked up.
    fn unreachable_target(&self, request: &Request) -> Option<TicketId> {
        match &request.command {
            Command::Merge { into: target }
            | Command::Link {
                link: Link { ticket: target, .. },
            } if !self.model.reaches(&request.actor, *target) => Some(*target),
            _ => None,
        }
    }

    /// Sends `request`, updates the model and checks the answer.
    async fn send(&mut self, request: Request) -> Result<(), String> {
        self.model.requests.push(request.clone());
        let expected = self.expect(&request);
        let unreachable_target = self.unreachable_target(&request);
        let answer = self.desk.execute(request.clone()).await;
        let actor = &request.actor;
        let kind = request.command.kind();
        match (&expected, &answer) {
            (Expected::Replay, Ok(executed)) if executed.replayed => {}
            (Expected::Reused(differs), Err(DeskError::CommandIdReused { differs: d, .. }))
                if d == differs => {}
            (
                Expected::Replay | Expected::Reused(_),
                Err(DeskError::Rejected(DomainError::NotFound { ticket })),
            ) if unreachable_target == Some(*ticket) => {}
            (Expected::New { refused }, Ok(executed)) if !executed.replayed => {
                if let Some(refused) = refused {
                    return Err(format!(
                        "{refused} was executed for {}: {executed:?}",
                        name(actor)
                    ));
                }
                self.written(&request).await?;
            }
            (Expected::New { refused: Some(_) }, Err(DeskError::Rejected(_))) => {}
            (Expected::New { refused: None }, Err(DeskError::Rejected(_)))
                if !matches!(request.command, Command::Open(_)) => {}
            (expected, answer) => {
                return Err(format!(
                    "{} sent {kind:?} on ticket {}: expected {expected:?}, got {answer:?}",
                    name(actor),
                    request.ticket
                ));
            }
        }
        match &answer {
            Ok(executed) if executed.replayed => self.tally.replayed += 1,
            Ok(_) => self.tally.executed += 1,
            Err(_) => self.tally.refused += 1,
        }
        match &answer {
            Ok(executed) => self.check_executed(actor, request.ticket, executed, kind),
            Err(err) => {
                let received = format!("{err} {err:?}");
                self.received(actor, &format!("the error refusing {kind:?}"), &received)
            }
        }
    }

    /// Records what an executed request wrote, with the ticket's row as
    /// the store now has it, and checks the model against that row.
    async fn written(&mut self, request: &Request) -> Result<(), String> {
        let tenant = request.actor.tenant;
        let row = self.row(tenant, request.ticket).await?;
        self.model.recorded.insert(
            (tenant, request.id),
            Recorded {
                actor: request.actor.id,
                ticket: request.ticket,
                command: request.command.clone(),
            },
        );
        self.model.apply(request, row);
        // A merge or a link is recorded on the other ticket too, which
        // moves its row (its version and update instant).
        if let Some((other, _)) = request.command.counterpart(request.ticket) {
            let row = self.row(tenant, other).await?;
            if let Some(known) = self.model.tickets.get_mut(&(tenant, other)) {
                known.row = row;
            }
        }
        self.model.executed.push(request.clone());
        let Some(known) = self.model.tickets.get(&(tenant, request.ticket)) else {
            return Err(format!(
                "{:?} was executed on ticket {}, which the model never saw opened",
                request.command.kind(),
                request.ticket
            ));
        };
        let row = &known.row;
        if (row.requester, row.group, row.assignee)
            != (known.requester, known.group, known.assignee)
        {
            return Err(format!(
                "the store's row of ticket {} has requester, group and assignee {:?}, the model {:?}",
                request.ticket,
                (row.requester, row.group, row.assignee),
                (known.requester, known.group, known.assignee)
            ));
        }
        Ok(())
    }

    /// The row of `ticket` as the store loads it now.
    async fn row(&self, tenant: TenantId, ticket: TicketId) -> Result<TicketRow, String> {
        match self.desk.store().load(tenant, ticket).await {
            Ok(Some(loaded)) => Ok(TicketRow::of(&loaded, self.desk.config())),
            Ok(None) => Err(format!("ticket {ticket} was written but does not load")),
            Err(err) => Err(format!("loading ticket {ticket} failed: {err}")),
        }
    }

    /// What a command answered: only what the actor may see now.
    fn check_executed(
        &mut self,
        actor: &Actor,
        id: TicketId,
        executed: &Executed,
        kind: helpdesk_core::CommandKind,
    ) -> Result<(), String> {
        if let Some(ticket) = &executed.ticket {
            if !self.model.reaches(actor, ticket.id()) {
                return Err(format!(
                    "{} was answered ticket {} out of their reach after {kind:?} (replayed: {}): {executed:?}",
                    name(actor),
                    ticket.id(),
                    executed.replayed
                ));
            }
            if !actor.role.is_staff() && holds_a_note(ticket) {
                return Err(format!(
                    "requester {} was answered a ticket holding an internal note",
                    name(actor)
                ));
            }
        } else if !executed.replayed && self.model.reaches(actor, id) {
            return Err(format!(
                "{} was answered no ticket after {kind:?}, though they reach it",
                name(actor)
            ));
        }
        if !actor.role.is_staff() && holds_a_note_event(&executed.events) {
            return Err(format!(
                "requester {} was answered an internal note's event",
                name(actor)
            ));
        }
        self.received(
            actor,
            &format!("the answer to {kind:?}"),
            &format!("{executed:?}"),
        )
    }

    async fn read(&mut self, by: Who, ticket: usize) -> Result<(), String> {
        let (actor, id) = (by.actor(), self.model.id(by.actor().tenant, ticket));
        let answer = self.desk.ticket(&actor, id).await;
        self.received(&actor, "a ticket read", &format!("{answer:?}"))?;
        let seen = answer.map_err(|e| format!("reading ticket {id} failed: {e}"))?;
        let reaches = self.model.reaches(&actor, id);
        if seen.is_some() != reaches {
            return Err(format!(
                "{by:?} reading ticket {id} got {seen:?}; in reach: {reaches}"
            ));
        }
        if let Some(seen) = seen
            && !actor.role.is_staff()
            && holds_a_note(&seen)
        {
            return Err(format!("requester {by:?} read an internal note"));
        }
        Ok(())
    }

    async fn history(&mut self, by: Who, ticket: usize) -> Result<(), String> {
        let (actor, id) = (by.actor(), self.model.id(by.actor().tenant, ticket));
        let answer = self.desk.history(&actor, id).await;
        self.received(&actor, "a history", &format!("{answer:?}"))?;
        let events = answer.map_err(|e| format!("the history of {id} failed: {e}"))?;
        let reaches = self.model.reaches(&actor, id);
        if events.is_empty() == reaches {
            return Err(format!(
                "{by:?} got {} events of ticket {id}; in reach: {reaches}",
                events.len()
            ));
        }
        if !actor.role.is_staff() && holds_a_note_event(&events) {
            return Err(format!("requester {by:?} got a note in a history"));
        }
        Ok(())
    }

    /// The rows of the tickets `actor` reaches, by the model's reach and
    /// the store's rows.
    fn in_reach<'a>(&'a self, actor: &'a Actor) -> impl Iterator<Item = &'a Known> + 'a {
        self.model
            .tickets
            .values()
            .filter(move |t| reaches(actor, t))
    }

    async fn list(
        &mut self,
        by: Who,
        filter: &ListFilter,
        order: Order,
        limit: u32,
        after: Option<usize>,
    ) -> Result<(), String> {
        let actor = by.actor();
        let start = after.and_then(|n| {
            let id = self.model.id(actor.tenant, n);
            let row = self
                .model
                .tickets
                .values()
                .map(|t| &t.row)
                .find(|r| r.id == id);
            row.map(|row| Cursor::after(row, order))
        });
        let filter = Filter {
            group: filter.group.map(Group::id),
            assignee: filter.assignee.map(|w| w.actor().id),
            status: filter.status,
            tag: filter.tag.map(|t| TAGS[t % TAGS.len()].to_owned()),
            requester: filter.requester.map(|w| w.actor().id),
        };
        let mut expected: Vec<&TicketRow> = self
            .in_reach(&actor)
            .map(|t| &t.row)
            .filter(|row| filter.matches(row) && start.is_none_or(|c| c.admits(row)))
            .collect();
        expected.sort_by_key(|row| sort_key(row, order));
        let expected: Vec<TicketId> = expected.iter().map(|row| row.id).collect();
        let mut query = TicketQuery::new(filter, order, limit);
        query.after = start;
        let mut listed: Vec<TicketId> = Vec::new();
        for page in 1..=expected.len() + 1 {
            let answer = self.desk.list(&actor, query.clone()).await;
            self.received(
                &actor,
                &format!("page {page} of a list"),
                &format!("{answer:?}"),
            )?;
            let answer = answer.map_err(|e| format!("page {page} of the list failed: {e}"))?;
            let remaining = expected.len() - listed.len();
            let rows = answer.rows.len();
            self.tally.listed += rows;
            listed.extend(answer.rows.iter().map(|row| row.id));
            let holds = remaining.min(limit as usize);
            if rows != holds || listed[..] != expected[..listed.len().min(expected.len())] {
                return Err(format!(
                    "page {page} (limit {limit}) of {by:?}'s list ({query:?}) holds {rows} rows {:?}; expected {holds} of {:?} after {:?}",
                    answer.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
                    &expected[expected.len() - remaining..],
                    &listed[..listed.len() - rows]
                ));
            }
            let more = listed.len() < expected.len();
            match answer.next {
                Some(next) if more && answer.rows.last().map(|r| r.id) == Some(next.id) => {
                    query.after = Some(next);
                }
                None if !more => return Ok(()),
                next => {
                    return Err(format!(
                        "page {page} of {by:?}'s list has next {next:?} with {} of {} rows listed",
                        listed.len(),
                        expected.len()
                    ));
                }
            }
        }
        Err(format!("{by:?}'s list did not end"))
    }

    async fn search(&mut self, by: Who, words: &[Word], limit: u32) -> Result<(), String> {
        let actor = by.actor();
        let text = words
            .iter()
            .map(|w| self.word(&actor, *w))
            .collect::<Vec<_>>()
            .join(" ");
        let query = SearchQuery::new(&text, limit).map_err(|e| format!("search {text:?}: {e}"))?;
        let staff = actor.role.is_staff();
        let mut expected: Vec<&TicketRow> = self
            .in_reach(&actor)
            .filter(|t| {
                let lower = |parts: &[String]| -> Vec<String> {
                    parts.iter().map(|p| p.to_lowercase()).collect()
                };
                let text = SearchText {
                    public: lower(&t.public),
                    internal: lower(&t.internal),
                };
                text.matches(&query.words, staff)
            })
            .map(|t| &t.row)
            .collect();
        expected.sort_by_key(|row| sort_key(row, Order::UpdatedAt));
        let expected: Vec<TicketId> = expected
            .iter()
            .take(limit as usize)
            .map(|row| row.id)
            .collect();
        let answer = self.desk.search(&actor, &text, limit).await;
        self.received(
            &actor,
            &format!("a search for {text:?}"),
            &format!("{answer:?}"),
        )?;
        let rows = answer.map_err(|e| format!("search {text:?} failed: {e}"))?;
        let found: Vec<TicketId> = rows.iter().map(|row| row.id).collect();
        self.tally.found += found.len();
        if found != expected {
            return Err(format!(
                "{by:?}'s search for {text:?} (limit {limit}) found {found:?}; expected {expected:?}"
            ));
        }
        Ok(())
    }

    /// The text of a search word.
    fn word(&self, actor: &Actor, word: Word) -> String {
        let planted = &self.model.planted;
        let mut near: Vec<&String> = planted
            .iter()
            .enumerate()
            .filter(|(n, _)| {
                self.model.written.get(n).is_some_and(|places| {
                    places.iter().any(|p| {
                        self.model
                            .tickets
                            .get(&(p.tenant, p.ticket))
                            .is_some_and(|t| reaches(actor, t))
                    })
                })
            })
            .map(|(_, marker)| marker)
            .collect();
        if near.is_empty() {
            near = planted.iter().collect();
        }
        let marker = |index: usize, close: bool| {
            let among: Vec<&String> = if close {
                near.clone()
            } else {
                planted.iter().collect()
            };
            among
                .get(index % among.len().max(1))
                .map_or("secret", |marker| marker.as_str())
        };
        match word {
            Word::Marker {
                index,
                near,
                upper: true,
            } => marker(index, near).to_uppercase(),
            Word::Marker { index, near, .. } => marker(index, near).to_lowercase(),
            Word::Piece {
                index,
                near,
                from,
                len,
            } => {
                let marker = marker(index, near);
                let from = from % marker.len();
                let len = 1 + len % (marker.len() - from);
                marker[from..from + len].to_owned()
            }
            Word::Common(n) => COMMON[n % COMMON.len()].to_owned(),
        }
    }

    async fn later(&mut self, hours: u8) -> Result<(), String> {
        self.clock.advance(Duration::hours(i64::from(hours)));
        let report = self
            .desk
            .run_due(helpdesk_engine::Clock::now(&self.clock))
            .await
            .map_err(|e| format!("the scheduler failed: {e}"))?;
        if report.failed > 0 {
            return Err(format!("the scheduler failed on some tickets: {report:?}"));
        }
        let keys: Vec<(TenantId, TicketId)> = self.model.tickets.keys().copied().collect();
        for (tenant, id) in keys {
            let row = self.row(tenant, id).await?;
            if let Some(known) = self.model.tickets.get_mut(&(tenant, id)) {
                known.row = row;
            }
        }
        Ok(())
    }
}
