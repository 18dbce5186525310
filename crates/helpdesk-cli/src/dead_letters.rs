//! `helpdesk dead-letters`: list a tenant's dead letters and revive one,
//! over a desk's SQLite file or PostgreSQL database.
//!
//! The command line acts as an admin of the tenant given: whoever may open
//! the store may handle its dead letters. It goes through the desk
//! ([`Desk::dead_letters`], [`Desk::revive_dead_letter`]), so it answers
//! what the HTTP API answers an admin.

use clap::Subcommand;
use helpdesk_core::{Actor, ActorId, DeskConfig, TenantId};
use helpdesk_engine::view::{DeadLetterView, Page};
use helpdesk_engine::{Desk, DeskError, NoNotifier, Store, SystemClock};
use serde::Serialize;

use crate::Outcome;
use crate::render::{self, Format};
use crate::source::{OnStore, Source, StoreArgs};

/// What `helpdesk dead-letters` does.
#[derive(Debug, Subcommand)]
pub enum Action {
    /// List the tenant's dead letters, oldest first: the event, ticket,
    /// channel and recipient of each, its attempts, last error and when
    /// it died.
    ///
    /// Exits 2 when the store cannot be opened or an argument is wrong.
    List {
        #[command(flatten)]
        store: StoreArgs,
        /// The tenant (a UUID).
        #[arg(long, value_parser = crate::parse_tenant)]
        tenant: TenantId,
        /// Start after this cursor, the `next` of an earlier page.
        #[arg(long, value_name = "CURSOR")]
        after: Option<String>,
        /// The most letters to list, 1 to 1000.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// How to write the result.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Make a dead letter of the tenant claimable again, its attempts
    /// kept: the dispatcher sends it on its next run.
    ///
    /// Exits 1 when the tenant has no dead letter of that id (none was
    /// there, or it was revived already), 2 when the store cannot be
    /// opened or an argument is wrong.
    Revive {
        /// The dead letter's id, as `list` shows it.
        id: u64,
        #[command(flatten)]
        store: StoreArgs,
        /// The tenant (a UUID).
        #[arg(long, value_parser = crate::parse_tenant)]
        tenant: TenantId,
        /// How to write the result.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// The JSON document of `list`.
#[derive(Debug, Serialize)]
struct Listed<'a> {
    db: String,
    tenant: TenantId,
    #[serde(flatten)]
    page: &'a Page<DeadLetterView>,
}

/// The JSON document of `revive`.
#[derive(Debug, Serialize)]
struct Revived<'a> {
    db: String,
    tenant: TenantId,
    revived: &'a DeadLetterView,
}

/// Runs `helpdesk dead-letters`.
pub fn run(action: Action) -> Outcome {
    match action {
        Action::List {
            store,
            tenant,
            after,
            limit,
            format,
        } => {
            let source = match store.source() {
                Ok(source) => source,
                Err(e) => return Outcome::unusable(e),
            };
            let after = after.as_deref();
            match source.run(List {
                tenant,
                after,
                limit,
            }) {
                Ok(Ok(page)) => Outcome::done(list(&source, tenant, &page, format), false),
                Ok(Err(e)) => Outcome::unusable(format!("{}: {e}", source.label())),
                Err(e) => Outcome::unusable(e),
            }
        }
        Action::Revive {
            id,
            store,
            tenant,
            format,
        } => {
            let source = match store.source() {
                Ok(source) => source,
                Err(e) => return Outcome::unusable(e),
            };
            match source.run(Revive { tenant, id }) {
                Ok(Ok(letter)) => {
                    Outcome::done(revived_text(&source, tenant, &letter, format), false)
                }
                Ok(Err(e @ DeskError::NoDeadLetter { .. })) => Outcome {
                    stdout: String::new(),
                    stderr: format!("error: {}: {e}\n", source.label()),
                    code: 1,
                },
                Ok(Err(e)) => Outcome::unusable(format!("{}: {e}", source.label())),
                Err(e) => Outcome::unusable(e),
            }
        }
    }
}

/// A page of the tenant's dead letters, as its admin.
struct List<'a> {
    tenant: TenantId,
    after: Option<&'a str>,
    limit: u32,
}

impl OnStore for List<'_> {
    type Output = Result<Page<DeadLetterView>, DeskError>;

    async fn on<S: Store>(self, store: S) -> Result<Self::Output, String> {
        let admin = admin(self.tenant);
        Ok(desk(store)?
            .dead_letters(&admin, self.after, self.limit)
            .await)
    }
}

/// A dead letter of the tenant revived, as its admin.
struct Revive {
    tenant: TenantId,
    id: u64,
}

impl OnStore for Revive {
    type Output = Result<DeadLetterView, DeskError>;

    async fn on<S: Store>(self, store: S) -> Result<Self::Output, String> {
        let admin = admin(self.tenant);
        Ok(desk(store)?.revive_dead_letter(&admin, self.id).await)
    }
}

/// The admin the command line acts as.
fn admin(tenant: TenantId) -> Actor {
    Actor::admin(ActorId::from_u128(0), tenant)
}

fn desk<S: Store>(store: S) -> Result<Desk<S, NoNotifier, SystemClock>, String> {
    Desk::new(DeskConfig::default(), store, NoNotifier, SystemClock).map_err(|e| e.to_string())
}

/// `list`'s output.
fn list(source: &Source, tenant: TenantId, page: &Page<DeadLetterView>, format: Format) -> String {
    if format == Format::Json {
        return render::json(&Listed {
            db: source.label(),
            tenant,
            page,
        });
    }
    let mut out = format!(
        "{}: {} of tenant {tenant}\n",
        source.label(),
        render::count(page.items.len(), "dead letter")
    );
    if !page.items.is_empty() {
        let mut rows = vec![
            [
                "id",
                "event",
                "ticket",
                "channel",
                "recipient",
                "attempts",
                "died",
                "last error",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        rows.extend(page.items.iter().map(|l| {
            vec![
                l.id.to_string(),
                l.event.clone(),
                l.ticket.to_string(),
                l.channel.clone(),
                l.recipient.clone(),
                l.attempts.to_string(),
                render::instant(l.died_at),
                l.last_error.clone(),
            ]
        }));
        out.push_str(&render::table("  ", &rows));
    }
    if let Some(next) = &page.next {
        out.push_str(&format!("more: --after {next}\n"));
    }
    out
}

/// `revive`'s output.
fn revived_text(
    source: &Source,
    tenant: TenantId,
    letter: &DeadLetterView,
    format: Format,
) -> String {
    if format == Format::Json {
        return render::json(&Revived {
            db: source.label(),
            tenant,
            revived: letter,
        });
    }
    format!(
        "{}: revived dead letter {} ({} of ticket {}, {} to {}, {} so far); the dispatcher sends it on its next run\n",
        source.label(),
        letter.id,
        letter.event,
        letter.ticket,
        letter.channel,
        letter.recipient,
        render::count(letter.attempts as usize, "attempt"),
    )
}
