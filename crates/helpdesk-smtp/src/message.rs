//! A notification written as a mail: headers checked, ids of the delivery
//! and of the ticket's thread, plain text with an HTML alternative.

use std::str::FromStr;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use helpdesk_core::TicketId;
use helpdesk_engine::{DeliveryId, Notification, NotifyError};
use lettre::Address;
use lettre::Message;
use lettre::message::header::{self, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

use crate::reply::ReplyTo;

/// The notifier's name in its errors.
pub(crate) const NAME: &str = "smtp";

/// What every mail of one notifier shares.
#[derive(Debug, Clone)]
pub(crate) struct Composer {
    pub(crate) from: Mailbox,
    pub(crate) domain: String,
    pub(crate) reply_to: Option<ReplyTo>,
}

/// `<{delivery id}@{domain}>`. Its `id-left` is the key the desk binds
/// the sent mail to its ticket under
/// ([`MessageId::of_delivery`](helpdesk_engine::store::MessageId::of_delivery)),
/// so a reply's `In-Reply-To` leads back to the ticket.
pub(crate) fn message_id(domain: &str, id: DeliveryId) -> String {
    format!("<{id}@{domain}>")
}

/// The `Message-ID` of `notification`'s mail: `<{key}@{domain}>`, its key
/// the one the desk binds it under ([`Notification::message_key`]):
/// `{delivery id}.internal` for a mail telling of what requesters may not
/// see, so a reply to it is kept internal, and the delivery id otherwise.
pub(crate) fn notification_message_id(domain: &str, notification: &Notification) -> String {
    format!("<{}@{domain}>", notification.message_key().as_str())
}

/// `<ticket-{ticket id}@{domain}>`.
pub(crate) fn thread_root(domain: &str, ticket: TicketId) -> String {
    format!("<ticket-{ticket}@{domain}>")
}

impl Composer {
    /// The mail of `notification`, dated `now`.
    pub(crate) fn compose(
        &self,
        notification: &Notification,
        now: DateTime<Utc>,
    ) -> Result<Message, NotifyError> {
        let refuse = |reason: String| NotifyError::permanent(NAME, notification.id, reason);
        let to = &notification.to;
        let address = to.address.as_deref().ok_or_else(|| {
            refuse(format!(
                "no email address for {:?}: give the person an email in the directory, or the endpoint a target",
                to.recipient
            ))
        })?;
        header_text("To", "address", address).map_err(refuse)?;
        let recipient = address;
        if let Some(name) = &to.name {
            header_text("To", "name", name).map_err(refuse)?;
        }
        let subject = &notification.content.subject;
        header_text("Subject", "subject", subject).map_err(refuse)?;
        let address = Address::from_str(address).map_err(|error| {
            refuse(format!(
                "the To address {address:?} is not an email address: {error}"
            ))
        })?;
        let root = thread_root(&self.domain, notification.ticket);
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(to.name.clone(), address))
            .subject(subject.as_str())
            .date(SystemTime::from(now))
            .message_id(Some(notification_message_id(&self.domain, notification)))
            .in_reply_to(root.clone())
            .references(root)
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".into(),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Auto-Response-Suppress"),
                "All".into(),
            ));
        if let Some(reply_to) = &self.reply_to {
            let reply = reply_to.address_for(notification.tenant, notification.ticket, recipient);
            let reply = Address::from_str(&reply).map_err(|error| {
                refuse(format!(
                    "the Reply-To address {reply:?} is not an email address: {error}"
                ))
            })?;
            builder = builder.reply_to(Mailbox::new(self.from.name.clone(), reply));
        }
        let content = &notification.content;
        let built = match &content.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                content.text.clone(),
                html.clone(),
            )),
            // The body straight after the headers, as a single MIME part
            // would add a line break. The transport ends the message with
            // one (SMTP's `CRLF . CRLF`), so a text's own last line break
            // is left to it: the text arrives as written.
            None => {
                let text = &content.text;
                let text = text
                    .strip_suffix("\r\n")
                    .or_else(|| text.strip_suffix('\n'))
                    .unwrap_or(text);
                builder
                    .header(header::MIME_VERSION_1_0)
                    .header(ContentType::TEXT_PLAIN)
                    .body(text.to_owned())
            }
        };
        built.map_err(|error| refuse(format!("the mail could not be written: {error}")))
    }
}

/// Refuses a value bound for `header` that holds a line break (CR or LF)
/// or a NUL, which could end the header and start another.
fn header_text(header: &str, what: &str, value: &str) -> Result<(), String> {
    match value.find(['\r', '\n', '\0']) {
        Some(at) => Err(format!(
            "the {header} header's {what} holds a line break or NUL at byte {at}, and no header may: {value:?}"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use helpdesk_engine::store::MessageId;

    use super::*;

    #[test]
    fn a_mails_message_id_leads_back_to_the_key_the_desk_binds() {
        // Given a delivery and the Message-ID its mail is sent under
        let delivery = DeliveryId::from_uuid(uuid::Uuid::from_u128(0x1d));
        let written = message_id("desk.example.com", delivery);
        // When a reply quotes it, as the inbound side reads it
        let quoted: Result<MessageId, _> = format!(" {written}\r\n").parse();
        // Then its id-left is the key of the sent mail
        assert_eq!(
            quoted.ok().and_then(|id| id.id_left()),
            Some(MessageId::of_delivery(delivery))
        );
    }
}
