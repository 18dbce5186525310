//! [`SearchText`]: what a ticket contributes to search, split into the
//! text every reader may find and the text only staff may find.

use serde::{Deserialize, Serialize};

use crate::comment::Visibility;
use crate::event::{Change, Event};

/// The searchable text some events add to their ticket, lowercased, split
/// by who may find it: `public` (the subject, the description, public
/// replies) for everyone who reaches the ticket, `internal` (internal
/// notes) only for staff.
///
/// The domain computes it and the desk hands it to the store with each
/// append, so a store never interprets events to decide what is
/// searchable or by whom. A ticket's text only grows: each append brings
/// the parts of its own events.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use helpdesk_core::{ActorId, ActorRef, Change, CommentId, Event, Role, SearchText};
///
/// let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let agent = ActorRef { id: ActorId::from_u128(2), role: Role::Agent };
/// let events = [
///     Event::new(at, agent, Change::Replied { comment: CommentId::from_u128(1), body: "Try the VPN".into() }),
///     Event::new(at, agent, Change::NoteAdded { comment: CommentId::from_u128(2), body: "Root password: HUNTER2".into() }),
/// ];
/// let text = SearchText::of(&events);
/// assert_eq!(text.public, ["try the vpn"]);
/// assert_eq!(text.internal, ["root password: hunter2"]);
///
/// let words = ["hunter2".to_owned()];
/// assert!(text.matches(&words, true), "staff find the note");
/// assert!(!text.matches(&words, false), "requesters do not");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchText {
    /// Parts every reader of the ticket may find, lowercased.
    pub public: Vec<String>,
    /// Parts only staff may find, lowercased.
    pub internal: Vec<String>,
}

impl SearchText {
    /// The text `events` add: an opened ticket its number (`#1042`, so
    /// searching `#1042` or `1042` finds it), subject and description, a
    /// reply its body (public), an internal note its body (internal).
    /// Empty parts are left out.
    pub fn of<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut text = Self::default();
        for event in events {
            let number;
            let (public, internal): (&[&str], &[&str]) = match &event.change {
                Change::Opened(opened) => {
                    number = opened.number.map(|n| n.to_string()).unwrap_or_default();
                    (&[&number, &opened.subject, &opened.description], &[])
                }
                Change::Replied { body, .. } => (&[body], &[]),
                Change::NoteAdded { body, .. } => (&[], &[body]),
                Change::Attached {
                    visibility,
                    attachments,
                    ..
                } => {
                    let names = attachments.iter().map(|a| a.name.to_lowercase());
                    match visibility {
                        Visibility::Public => text.public.extend(names),
                        Visibility::Internal => text.internal.extend(names),
                    }
                    (&[], &[])
                }
                _ => (&[], &[]),
            };
            let lower = |parts: &[&str], into: &mut Vec<String>| {
                into.extend(
                    parts
                        .iter()
                        .filter(|p| !p.is_empty())
                        .map(|p| p.to_lowercase()),
                );
            };
            lower(public, &mut text.public);
            lower(internal, &mut text.internal);
        }
        text
    }

    /// Whether there is no text at all.
    pub fn is_empty(&self) -> bool {
        self.public.is_empty() && self.internal.is_empty()
    }

    /// Adds `more`'s parts after these.
    pub fn extend(&mut self, more: SearchText) {
        self.public.extend(more.public);
        self.internal.extend(more.internal);
    }

    /// Whether every one of `words` (lowercased) occurs as a substring of
    /// some part: of a public part, or also of an internal one when
    /// `internal` is set. No words match nothing. The rule every store's
    /// search follows; a store that searches in memory can call it.
    pub fn matches(&self, words: &[String], internal: bool) -> bool {
        let parts = || {
            let internal = if internal { &self.internal[..] } else { &[] };
            self.public.iter().chain(internal)
        };
        !words.is_empty()
            && words
                .iter()
                .all(|w| parts().any(|p| p.contains(w.as_str())))
    }
}
