//! [`Facts`]: what routing conditions look at, prepared once per ticket.

use crate::config::DeskConfig;
use crate::ticket::Ticket;

/// A ticket as routing conditions see it: its text lowercased once, its
/// requester's email domain, and the configuration to resolve keys.
pub struct Facts<'a> {
    /// The ticket.
    pub ticket: &'a Ticket,
    /// The desk configuration.
    pub config: &'a DeskConfig,
    /// The subject, lowercased.
    pub subject: String,
    /// The description, lowercased.
    pub description: String,
    /// The domain of the requester's email address, lowercased.
    pub domain: Option<String>,
}

impl<'a> Facts<'a> {
    /// Prepares the facts of `ticket`.
    pub fn new(ticket: &'a Ticket, config: &'a DeskConfig) -> Self {
        Self {
            ticket,
            config,
            subject: ticket.subject().to_lowercase(),
            description: ticket.description().to_lowercase(),
            domain: ticket
                .requester_email()
                .and_then(|email| email.rsplit_once('@'))
                .map(|(_, domain)| domain.to_lowercase()),
        }
    }
}
