//! `helpdesk`: the help desk command line.
//!
//! Two commands work on a desk configuration (a
//! [`DeskConfig`](helpdesk_core::DeskConfig) written as TOML or JSON,
//! told apart by the file's extension), such as `examples/desk.toml`.
//!
//! # `helpdesk check DESK`
//!
//! Reports every problem of the configuration at once, errors and
//! warnings, each with its path in the file and a suggestion where there
//! is one, the way a compiler does, then a summary line:
//!
//! ```text
//! $ helpdesk check desk.toml
//! error: unknown group "netwrok" (did you mean "network"?)
//!   --> desk.toml: routing_rules[3].then.group
//!
//! warning: can never match: routing_rules[0] ("VPN") matches every ticket this rule matches, and stops
//!   --> desk.toml: routing_rules[4].when
//!
//! desk.toml: 1 error, 1 warning
//! ```
//!
//! A configuration without problems prints `desk.toml: ok`.
//!
//! # `helpdesk explain DESK TICKET [--at INSTANT]`
//!
//! Opens and routes a new ticket under the configuration, exactly as a
//! host would, and shows:
//!
//! - every routing rule, whether it matched and why;
//! - the resulting group, tier, priority, tags and assignee, each with the
//!   rule that decided it;
//! - the assignment candidates: every agent of the group with their
//!   verdict (eligible, off shift by their calendar, missing skills...),
//!   all counted with no open tickets;
//! - the SLA policy and every clock's warnings and deadline;
//! - the escalation rules of the ticket's tier, with what sets each off and
//!   when, if nothing else happens to the ticket.
//!
//! `TICKET` holds a new ticket as JSON (or TOML, by extension), as
//! [`NewTicket`](helpdesk_core::NewTicket) reads it. Only `subject` is
//! required; the requester, when missing, is a placeholder:
//!
//! ```json
//! {
//!   "subject": "VPN drops every hour",
//!   "description": "Since this morning's update.",
//!   "channel": "email",
//!   "requester_email": "alice@example.com",
//!   "fields": {"site": {"choice": "berlin"}}
//! }
//! ```
//!
//! `--at` is the instant the ticket is opened, in RFC 3339 such as
//! `2026-03-02T10:00:00+01:00`; it defaults to now. Times are shown in UTC.
//!
//! # `helpdesk report DB --from DATE --to DATE [--by DIMENSION] [--every day|week] [--tenant TENANT]`
//!
//! The morning report of a desk, read through the store's event feed from
//! its SQLite file `DB`, or from PostgreSQL: `DB` a `postgres://` URL, or
//! `--postgres URL` (a URL or a libpq connection string such as
//! `host=127.0.0.1 user=postgres dbname=test`), with `--schema` naming the
//! schema that holds the desk's tables. The same desk gives the same report
//! on either store. The figures: created, resolved, closed counts; the backlog and
//! its ages; medians and 90th percentiles of first response, next
//! response and resolution times (calendar and business time on the SLA
//! calendars of `--desk`, the configuration); SLA compliance per metric;
//! first contact resolution, reopen and escalation rates; each agent's
//! load and throughput; a series per day or week in `--tz`; and the
//! problems rising in the period's last week, with clusters of
//! near-identical subjects. `helpdesk_core::metrics` defines each figure.
//!
//! `--from` and `--to` are dates (midnight in `--tz`, UTC by default) or
//! RFC 3339 instants; `--to` is excluded. `--tenant` (a UUID) counts only
//! that tenant's tickets; without it, the report covers every tenant in
//! the store. `--by` groups by `group`, `tier`, `assignee`, `priority`,
//! `channel`, `type`, `tag`, `asset` or `organization`. `--format` is `text`, `json`, `csv` (a row per group and
//! bucket) or `html` (a self-contained page with SVG charts of the backlog,
//! created against resolved, SLA compliance, first response times and
//! rising problems):
//!
//! ```text
//! $ helpdesk report desk.db --desk desk.toml --from 2026-03-02 --to 2026-03-09 \
//!     --tz Europe/Berlin --by group --format html > morning.html
//! ```
//!
//! # `helpdesk dead-letters list DB --tenant TENANT` and `helpdesk dead-letters revive ID DB --tenant TENANT`
//!
//! The notifications of a tenant whose every attempt failed (an endpoint
//! that answered HTTP 410, a mailbox that refused, too many timeouts), over
//! the desk's SQLite file `DB` or a PostgreSQL database (`--postgres URL`,
//! `--schema`, as `report` takes them). `list` shows each with its id, the
//! event, ticket, channel and recipient, the attempts, when it died and
//! the last error, oldest first, `--limit` a page (50 by default) and
//! `--after CURSOR` for the next; `revive` makes one claimable again, its
//! attempts kept, and a desk's dispatcher sends it on its next run. The
//! command acts as an admin of `--tenant`: whoever may open the store may
//! handle its dead letters. Both take `--format json`.
//!
//! ```text
//! $ helpdesk dead-letters list desk.db --tenant 3f0c…
//! desk.db: 1 dead letter of tenant 3f0c…
//!   id  event   ticket  channel  recipient       attempts  died                      last error
//!   17  opened  9b1e…   webhook  endpoint:audit  8         Mon 2026-03-02 09:40 UTC  HTTP 503
//! $ helpdesk dead-letters revive 17 desk.db --tenant 3f0c…
//! ```
//!
//! # Output and exit status
//!
//! `check` and `explain` take `--format json` for one JSON document on standard
//! output instead of text. Problems that stop a command (a file that cannot
//! be read; a syntax error, a wrong type or an unknown key, with its line
//! and column; a ticket the desk would reject) go to standard error,
//! prefixed with the file's name.
//!
//! | status | meaning |
//! |--------|---------|
//! | 0 | done; `check` found no errors (warnings allowed) |
//! | 1 | the configuration has errors; `dead-letters revive` found no dead letter of that id in the tenant |
//! | 2 | a file or store cannot be read or parsed, the ticket is rejected, or the command line is wrong |

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

mod check;
mod dead_letters;
mod explain;
mod load;
mod render;
mod report;
mod source;

use render::Format;

/// Check a help desk configuration, and explain what it does with a ticket.
#[derive(Debug, Parser)]
#[command(name = "helpdesk", version, about, long_about = None)]
#[command(after_help = "Exit status: 0 done, 1 the configuration has errors, \
    2 a file cannot be read or parsed (or the ticket is rejected).")]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Report every error and warning of a desk configuration.
    ///
    /// Prints each problem with its path in the file, then a summary line
    /// such as "desk.toml: 2 errors, 1 warning" or "desk.toml: ok". Exits 0
    /// when there are no errors (warnings are allowed), 1 when there are,
    /// and 2 when the file cannot be read or parsed (a syntax error, a
    /// wrong type, an unknown key).
    Check {
        /// The desk configuration, a .toml or .json file.
        desk: PathBuf,
        /// How to write the result.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show how a new ticket would be routed, assigned, timed and escalated.
    ///
    /// Opens the ticket under the configuration, runs it through the
    /// routing rules, and shows which rules matched and why, the resulting
    /// group, tier, priority and assignee candidates (every agent at zero
    /// load, on shift by their calendar), the SLA policy with every
    /// deadline, and which escalation rules would fire when. Exits 1 when
    /// the configuration has errors, 2 when a file cannot be read or parsed
    /// (an unknown key included) or the ticket is rejected.
    Explain {
        /// The desk configuration, a .toml or .json file.
        desk: PathBuf,
        /// The new ticket, a .json (or .toml) file; only "subject" is
        /// required.
        ticket: PathBuf,
        /// When the ticket is opened, in RFC 3339 (2026-03-02T10:00:00+01:00);
        /// now by default.
        #[arg(long, value_name = "INSTANT", value_parser = parse_instant)]
        at: Option<DateTime<Utc>>,
        /// How to write the result.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Report a period of a desk's SQLite file or PostgreSQL database:
    /// counts, backlog, response
    /// and resolution times, SLA compliance, rates, agents, a series per
    /// day or week, and rising problems.
    ///
    /// Exits 2 when the file cannot be read, an argument is wrong, or the
    /// configuration cannot be read.
    Report {
        #[command(flatten)]
        store: source::StoreArgs,
        /// The desk configuration (.toml or .json), for SLA calendars and
        /// the names of groups and agents.
        #[arg(long)]
        desk: Option<PathBuf>,
        /// The period's first day (midnight in --tz) or instant (RFC 3339).
        #[arg(long)]
        from: String,
        /// The day (or instant) after the period.
        #[arg(long)]
        to: String,
        /// Group by group, tier, assignee, priority, channel, type, tag,
        /// asset or organization.
        #[arg(long, value_parser = parse_dimension)]
        by: Option<helpdesk_core::metrics::Dimension>,
        /// A series per day or week; by day up to 62 days, else by week.
        #[arg(long, value_parser = parse_interval)]
        every: Option<helpdesk_core::metrics::Interval>,
        /// The desk's time zone (IANA), for days and weeks.
        #[arg(long, default_value = "UTC", value_parser = parse_tz)]
        tz: chrono_tz::Tz,
        /// Only this tenant (a UUID).
        #[arg(long, value_parser = parse_tenant)]
        tenant: Option<helpdesk_core::TenantId>,
        /// How to write the report.
        #[arg(long, value_enum, default_value_t = report::ReportFormat::Text)]
        format: report::ReportFormat,
    },
    /// List a tenant's dead letters (notifications whose every attempt
    /// failed) and revive them, over a desk's SQLite file or PostgreSQL
    /// database.
    DeadLetters {
        #[command(subcommand)]
        action: dead_letters::Action,
    },
}

fn parse_dimension(text: &str) -> Result<helpdesk_core::metrics::Dimension, String> {
    text.parse()
}

fn parse_interval(text: &str) -> Result<helpdesk_core::metrics::Interval, String> {
    text.parse()
}

fn parse_tz(text: &str) -> Result<chrono_tz::Tz, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not an IANA time zone such as Europe/Berlin"))
}

fn parse_tenant(text: &str) -> Result<helpdesk_core::TenantId, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a tenant id (a UUID)"))
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| format!("{e}: write an RFC 3339 instant such as 2026-03-02T10:00:00+01:00"))
}

/// What a command produced, and how the process ends.
pub struct Outcome {
    stdout: String,
    stderr: String,
    code: u8,
}

impl Outcome {
    /// A finished command: exit 1 when it `failed` (found errors).
    pub fn done(stdout: String, failed: bool) -> Self {
        Self {
            stdout,
            stderr: String::new(),
            code: u8::from(failed),
        }
    }

    /// A command that found errors in the configuration.
    pub fn failed(stdout: String) -> Self {
        Self::done(stdout, true)
    }

    /// A command that could not run on its input: exit 2.
    pub fn unusable(error: impl std::fmt::Display) -> Self {
        Self {
            stdout: String::new(),
            stderr: format!("error: {error}\n"),
            code: 2,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Commands::Check { desk, format } => check::run(&desk, format),
        Commands::Explain {
            desk,
            ticket,
            at,
            format,
        } => {
            let at = at.unwrap_or_else(|| DateTime::<Utc>::from(std::time::SystemTime::now()));
            explain::run(&desk, &ticket, at, format)
        }
        Commands::Report {
            store,
            desk,
            from,
            to,
            by,
            every,
            tz,
            tenant,
            format,
        } => match store.source() {
            Ok(source) => report::run(&report::Args {
                source,
                desk,
                from,
                to,
                by,
                every,
                tz,
                tenant,
                format,
            }),
            Err(e) => Outcome::unusable(e),
        },
        Commands::DeadLetters { action } => dead_letters::run(action),
    };
    // A closed pipe (`helpdesk check desk.toml | head`) is not an error.
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(outcome.code)
}
