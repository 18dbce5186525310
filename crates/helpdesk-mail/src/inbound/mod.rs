//! The inbound side of the email channel: deciding what a mail is to the
//! desk, and doing it.

mod authentication;
mod rate;
mod subject;

pub use authentication::Authentication;
pub use rate::SenderRate;
pub use subject::{subject_tag, ticket_subject};
