//! [`MessageId`]: a mail's `Message-ID`, normalised, as the store keys the
//! mail threads it remembers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::DeliveryId;

/// What ends the key of a mail the desk sent about what requesters may
/// not see.
const INTERNAL: &str = ".internal";

/// A mail's `Message-ID` (or one of its `In-Reply-To` and `References`
/// entries), normalised to the key [`Store::remember_message`] and
/// [`Store::ticket_of_message`] use:
///
/// 1. whitespace around it is stripped;
/// 2. then one pair of enclosing angle brackets, `<` first and `>` last,
///    and whitespace inside them next to the brackets;
/// 3. the rest is kept exactly, case included (`id-left@id-right`; RFC
///    5322 gives no part of it a case-insensitive meaning).
///
/// What remains must be 1 to [`MessageId::MAX_LEN`] bytes of visible
/// ASCII (`!` to `~`) other than `<` and `>`; anything else is refused
/// with a [`MessageIdError`] naming the reason.
///
/// A mail the desk sent is keyed by its delivery:
/// [`MessageId::of_delivery`] is the [`DeliveryId`]'s hyphenated text,
/// the `id-left` of the `Message-ID` the SMTP notifier writes,
/// `<{delivery id}@{domain}>`. So an inbound reference is looked up
/// whole (a mail the desk received), then by its
/// [`id_left`](MessageId::id_left) (a mail the desk sent) when its
/// `id-right` is the domain the desk's mail goes out under.
///
/// [`Store::remember_message`]: crate::Store::remember_message
/// [`Store::ticket_of_message`]: crate::Store::ticket_of_message
///
/// ```
/// use helpdesk_engine::store::MessageId;
///
/// let id: MessageId = "  <CAF=x+Y@Mail.Example.COM>\r\n".parse()?;
/// assert_eq!(id.as_str(), "CAF=x+Y@Mail.Example.COM", "brackets and spaces go, case stays");
/// assert_eq!(id, "CAF=x+Y@Mail.Example.COM".parse()?, "with or without brackets");
/// assert_ne!(id, "caf=x+y@mail.example.com".parse()?);
/// assert_eq!(id.id_left().map(|l| l.as_str().to_owned()), Some("CAF=x+Y".to_owned()));
///
/// let err = "<two words@example.com>".parse::<MessageId>().unwrap_err();
/// assert_eq!(err.to_string(), "message id: holds a character other than visible ASCII at byte 3");
/// # Ok::<(), helpdesk_engine::store::MessageIdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MessageId(String);

/// Why a text is not a [`MessageId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MessageIdError {
    /// Nothing is left once whitespace and brackets are stripped.
    #[error("message id: is empty")]
    Empty,
    /// Longer than [`MessageId::MAX_LEN`] bytes once normalised.
    #[error("message id: is {len} bytes long, past the limit of {max}")]
    TooLong {
        /// Its length in bytes, normalised.
        len: usize,
        /// [`MessageId::MAX_LEN`].
        max: usize,
    },
    /// Holds whitespace, a control character, a bracket or a character
    /// outside ASCII.
    #[error("message id: holds a character other than visible ASCII at byte {at}")]
    Character {
        /// Its byte offset in the normalised id.
        at: usize,
    },
}

impl MessageId {
    /// The longest id kept, in bytes: a header line's limit in RFC 5322.
    pub const MAX_LEN: usize = 998;

    /// Normalises and checks `text` (see the type's documentation).
    pub fn new(text: &str) -> Result<Self, MessageIdError> {
        let trimmed = text.trim();
        let inner = trimmed
            .strip_prefix('<')
            .and_then(|t| t.strip_suffix('>'))
            .map_or(trimmed, str::trim);
        if inner.is_empty() {
            return Err(MessageIdError::Empty);
        }
        if inner.len() > Self::MAX_LEN {
            return Err(MessageIdError::TooLong {
                len: inner.len(),
                max: Self::MAX_LEN,
            });
        }
        if let Some(at) = inner
            .bytes()
            .position(|b| !b.is_ascii_graphic() || b == b'<' || b == b'>')
        {
            return Err(MessageIdError::Character { at });
        }
        Ok(Self(inner.to_owned()))
    }

    /// The key a mail the desk sent for `delivery` is remembered under:
    /// the delivery id's hyphenated lowercase text, the `id-left` of the
    /// `Message-ID` `<{delivery id}@{domain}>` the SMTP notifier writes.
    ///
    /// ```
    /// use helpdesk_engine::DeliveryId;
    /// use helpdesk_engine::store::MessageId;
    ///
    /// let delivery = DeliveryId::from_uuid(uuid::Uuid::from_u128(0xabc));
    /// let sent = MessageId::of_delivery(delivery);
    /// assert_eq!(sent.as_str(), "00000000-0000-0000-0000-000000000abc");
    /// let reply_to: MessageId = format!("<{delivery}@desk.example.com>").parse()?;
    /// assert_eq!(reply_to.id_left(), Some(sent));
    /// # Ok::<(), helpdesk_engine::store::MessageIdError>(())
    /// ```
    pub fn of_delivery(delivery: DeliveryId) -> Self {
        Self(delivery.to_string())
    }

    /// The key a mail the desk sent for `delivery` is remembered under
    /// when it told of what requesters may not see (an internal note):
    /// `{delivery id}.internal`, the `id-left` of its `Message-ID`. A mail
    /// answering it is internal too (see [`MessageId::tells_internal`]).
    ///
    /// ```
    /// use helpdesk_engine::DeliveryId;
    /// use helpdesk_engine::store::MessageId;
    ///
    /// let delivery = DeliveryId::from_uuid(uuid::Uuid::from_u128(0xabc));
    /// let sent = MessageId::of_internal_delivery(delivery);
    /// assert_eq!(sent.as_str(), "00000000-0000-0000-0000-000000000abc.internal");
    /// assert!(sent.tells_internal());
    /// assert!(!MessageId::of_delivery(delivery).tells_internal());
    /// ```
    pub fn of_internal_delivery(delivery: DeliveryId) -> Self {
        Self(format!("{delivery}{INTERNAL}"))
    }

    /// Whether this is the key of a mail the desk sent about what
    /// requesters may not see ([`MessageId::of_internal_delivery`]): a
    /// delivery id, then `.internal`.
    ///
    /// ```
    /// use helpdesk_engine::store::MessageId;
    ///
    /// let made_up = MessageId::new("hello.internal").unwrap();
    /// assert!(!made_up.tells_internal());
    /// ```
    pub fn tells_internal(&self) -> bool {
        self.0
            .strip_suffix(INTERNAL)
            .is_some_and(|delivery| uuid::Uuid::try_parse(delivery).is_ok())
    }

    /// The part before the last `@` (RFC 5322's `id-left`) as an id of its
    /// own, or `None` when there is no `@` or nothing before it.
    pub fn id_left(&self) -> Option<MessageId> {
        self.0
            .rsplit_once('@')
            .map(|(left, _)| left)
            .filter(|left| !left.is_empty())
            .map(|left| Self(left.to_owned()))
    }

    /// The normalised text: no brackets, case as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MessageId {
    /// The id in angle brackets, as a mail header writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>", self.0)
    }
}

impl FromStr for MessageId {
    type Err = MessageIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

impl TryFrom<String> for MessageId {
    type Error = MessageIdError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::new(&text)
    }
}

impl From<MessageId> for String {
    fn from(id: MessageId) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn refuses_what_is_not_an_id() {
        assert_eq!(MessageId::new("  <  >  "), Err(MessageIdError::Empty));
        assert_eq!(MessageId::new(""), Err(MessageIdError::Empty));
        assert_eq!(
            MessageId::new("<a<b@c>"),
            Err(MessageIdError::Character { at: 1 })
        );
        assert_eq!(
            MessageId::new("a\u{e9}@b"),
            Err(MessageIdError::Character { at: 1 })
        );
        let long = "x".repeat(MessageId::MAX_LEN + 1);
        assert!(matches!(
            MessageId::new(&long),
            Err(MessageIdError::TooLong { len, .. }) if len == MessageId::MAX_LEN + 1
        ));
        assert!(MessageId::new(&long[1..]).is_ok());
    }

    proptest! {
        #[test]
        fn normalising_twice_changes_nothing(text in "[ \t]{0,2}<?[!-;=?-~]{1,40}>?[ \t\r\n]{0,2}") {
            if let Ok(id) = MessageId::new(&text) {
                prop_assert_eq!(MessageId::new(id.as_str()), Ok(id.clone()));
                prop_assert_eq!(MessageId::new(&id.to_string()), Ok(id));
            }
        }
    }
}
