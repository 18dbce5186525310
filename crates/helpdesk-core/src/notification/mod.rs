//! Notification rules: on which events of a ticket whom to tell, and by
//! which channel, and [`plan`], which turns one event into the deliveries
//! the rules call for.
//!
//! The desk configuration holds the rules (`notification_rules`) and the
//! places that are not people (`endpoints`: a team mailbox, a webhook URL,
//! a NATS subject). Everything here is pure: the engine plans the
//! deliveries of each event it appends, renders each with its template and
//! hands it to the notifier of its channel.
//!
//! ```
//! use helpdesk_core::DeskConfig;
//! use helpdesk_core::notification::{NotificationChannel, NotifyOn};
//!
//! let config: DeskConfig = toml::from_str(r#"
//!     [endpoints.ops_chat]
//!     via = "webhook"
//!     target = "https://chat.example.com/hooks/ops"
//!     description = "The operations channel"
//!
//!     [[notification_rules]]
//!     name = "Answers to the requester"
//!     on = ["public_reply", "resolved"]
//!     to = ["requester"]
//!     via = "email"
//!     template = "requester_update"
//!
//!     [templates.requester_update.en]
//!     subject = "[{{ ticket.reference }}] {{ ticket.subject }}"
//!     text = "{{ event.body }}"
//!
//!     [[notification_rules]]
//!     name = "Breaches to ops"
//!     on = ["sla_breach", "escalated"]
//!     to = ["group_managers", { endpoint = "ops_chat" }]
//!     via = "webhook"
//! "#).unwrap();
//! config.validate().unwrap();
//! assert_eq!(config.endpoints["ops_chat"].via, NotificationChannel::Webhook);
//! assert_eq!(config.notification_rules[1].on, [NotifyOn::SlaBreach, NotifyOn::Escalated]);
//! ```
//!
//! Requesters are never told of internal notes: a rule that would tell
//! them is an error of the configuration, and [`plan`] leaves the
//! requester, and every watcher who watches as a requester, out of any
//! event they may not see, whatever the rules say. A rule may name
//! `watchers` for any kind of event: each watcher is told what their own
//! role may see.

mod audience;
mod channel;
mod endpoint;
mod kind;
mod lint;
mod plan;
mod rule;
mod template;

pub use audience::Audience;
pub use channel::NotificationChannel;
pub use endpoint::EndpointDef;
pub use kind::NotifyOn;
pub(crate) use lint::diagnose;
pub use plan::{Delivery, Recipient, plan};
pub use rule::NotificationRule;
pub use template::TemplateText;
