//! [`Shared`]: a ticket's collection, shared by the ticket's clones until
//! one of them changes it, and no allocation at all while it is empty.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::actor::Role;
use crate::asset::AssetRef;
use crate::attachment::AttachmentRef;
use crate::field::FieldValue;
use crate::id::{ActorId, TicketId};
use crate::link::Link;
use crate::tag::Tag;

/// A collection behind `Arc`, or nothing while it is empty. Cloning it
/// touches at most one reference count (none when empty), and
/// [`make_mut`](Self::make_mut) copies the collection only while another
/// clone shares it. Reads see the collection through `Deref`; compares,
/// prints and serializes as the collection itself.
pub(crate) struct Shared<T: Empty>(Option<Arc<T>>);

/// A collection with a static empty value, for [`Shared`] to show while it
/// holds nothing.
pub(crate) trait Empty: Clone + Default + 'static {
    /// The empty collection.
    fn empty() -> &'static Self;
    /// Whether the collection is empty.
    fn is_empty(&self) -> bool;
}

macro_rules! empty {
    ($($t:ty),* $(,)?) => {
        $(
            impl Empty for $t {
                fn empty() -> &'static Self {
                    static EMPTY: $t = <$t>::new();
                    &EMPTY
                }

                fn is_empty(&self) -> bool {
                    <$t>::is_empty(self)
                }
            }
        )*
    };
}

empty!(
    BTreeSet<Tag>,
    BTreeSet<AssetRef>,
    BTreeSet<Link>,
    BTreeSet<String>,
    BTreeSet<TicketId>,
    BTreeMap<String, FieldValue>,
    Vec<AttachmentRef>,
    BTreeMap<ActorId, Role>,
);

impl<T: Empty> Shared<T> {
    /// Shares `value`.
    pub(crate) fn new(value: T) -> Self {
        if value.is_empty() {
            Self(None)
        } else {
            Self(Some(Arc::new(value)))
        }
    }

    /// The collection, to change; copied first if another clone shares it.
    pub(crate) fn make_mut(&mut self) -> &mut T {
        Arc::make_mut(self.0.get_or_insert_with(Arc::default))
    }
}

impl<T: Empty> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match &self.0 {
            Some(value) => value,
            None => T::empty(),
        }
    }
}

impl<T: Empty> Default for Shared<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<T: Empty> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Empty + PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Empty + Eq> Eq for Shared<T> {}

impl<T: Empty + fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: Empty + Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de, T: Empty + Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> Tag {
        Tag::new(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn an_empty_collection_holds_nothing_and_reads_as_empty() {
        let tags: Shared<BTreeSet<Tag>> = Shared::new(BTreeSet::new());
        assert!(tags.0.is_none());
        assert!(tags.is_empty());
        assert_eq!(tags, Shared::default());
    }

    #[test]
    fn a_change_to_a_clone_leaves_the_original_alone() {
        let original = Shared::new(BTreeSet::from([tag("vpn")]));
        let mut copy = original.clone();
        copy.make_mut().insert(tag("wifi"));
        assert_eq!(original.len(), 1);
        assert_eq!(copy.len(), 2);
        let mut empty: Shared<BTreeSet<Tag>> = Shared::default();
        let before = empty.clone();
        empty.make_mut().insert(tag("vpn"));
        assert!(before.is_empty());
        assert_ne!(empty, before);
    }

    #[test]
    fn it_serializes_as_the_collection() -> Result<(), serde_json::Error> {
        let tags = Shared::new(BTreeSet::from([tag("vpn")]));
        assert_eq!(serde_json::to_string(&tags)?, r#"["vpn"]"#);
        let back: Shared<BTreeSet<Tag>> = serde_json::from_str(r#"["vpn"]"#)?;
        assert_eq!(back, tags);
        let none: Shared<BTreeSet<Tag>> = serde_json::from_str("[]")?;
        assert!(none.0.is_none());
        Ok(())
    }
}
