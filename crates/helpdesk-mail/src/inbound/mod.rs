//! The inbound side of the email channel: deciding what a mail is to the
//! desk, and doing it.

mod authentication;
mod channel;
mod config;
mod directory_senders;
#[cfg(test)]
mod earlier_versions;
mod in_flight;
mod keys;
mod outcome;
mod rate;
mod release;
mod senders;
mod subject;
mod thread;

pub use authentication::Authentication;
pub use channel::{Arrival, MailChannel};
pub use config::{InboundConfig, UnknownSenders, Unverified};
pub use directory_senders::DirectorySenders;
pub use outcome::{Held, Ignored, IngestError, Outcome};
pub use rate::SenderRate;
pub use release::Release;
pub use senders::{NoSenders, Senders};
pub use subject::{subject_tag, ticket_subject};
