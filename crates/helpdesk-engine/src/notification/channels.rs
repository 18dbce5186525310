//! [`Channels`]: one notifier per channel, as one notifier.

use helpdesk_core::notification::NotificationChannel;

use crate::notification::Notification;
use crate::notifier::{Notifier, NotifyError};

/// The notifier of a channel nobody set: every notification sent to it
/// fails for good, naming the channel, and becomes a dead letter.
///
/// ```
/// use helpdesk_engine::Unrouted;
/// let _nothing_here = Unrouted;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Unrouted;

impl Notifier for Unrouted {
    async fn notify(&self, notification: &Notification) -> Result<(), NotifyError> {
        Err(NotifyError::permanent(
            "unrouted",
            notification.id,
            format!("no notifier is set for {}", notification.channel),
        ))
    }
}

/// A notifier for each channel: hands each notification to the one of its
/// channel. A desk's notifier when its rules send by more than one.
///
/// ```
/// use helpdesk_engine::{Channels, NoNotifier};
/// // Email to the host's own mailer, webhooks and NATS nowhere (their
/// // notifications become dead letters naming the channel).
/// let notifier = Channels::new().email(NoNotifier);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Channels<E = Unrouted, W = Unrouted, B = Unrouted> {
    /// Sends email.
    pub email: E,
    /// Sends webhooks.
    pub webhook: W,
    /// Publishes to NATS.
    pub nats: B,
}

impl Channels {
    /// No channel set yet.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<E, W, B> Channels<E, W, B> {
    /// With `email` sending email.
    pub fn email<T: Notifier>(self, email: T) -> Channels<T, W, B> {
        Channels {
            email,
            webhook: self.webhook,
            nats: self.nats,
        }
    }

    /// With `webhook` sending webhooks.
    pub fn webhook<T: Notifier>(self, webhook: T) -> Channels<E, T, B> {
        Channels {
            email: self.email,
            webhook,
            nats: self.nats,
        }
    }

    /// With `nats` publishing to NATS.
    pub fn nats<T: Notifier>(self, nats: T) -> Channels<E, W, T> {
        Channels {
            email: self.email,
            webhook: self.webhook,
            nats,
        }
    }
}

impl<E: Notifier, W: Notifier, B: Notifier> Notifier for Channels<E, W, B> {
    async fn notify(&self, notification: &Notification) -> Result<(), NotifyError> {
        match notification.channel {
            NotificationChannel::Email => self.email.notify(notification).await,
            NotificationChannel::Webhook => self.webhook.notify(notification).await,
            NotificationChannel::Nats => self.nats.notify(notification).await,
            _ => Unrouted.notify(notification).await,
        }
    }
}
