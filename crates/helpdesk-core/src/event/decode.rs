//! The stored form of an [`Event`] read field by field.
//!
//! The change is an adjacently tagged enum (`type`, `data`) beside the
//! event's own fields. Reading it through `#[serde(flatten)]` buffered every
//! field of every event into serde's generic content tree first; here each
//! field is read straight from the input, and the change's `data` with the
//! change's own deserializer, handed its `type` and then its `data`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, StrDeserializer};
use serde::de::{self, DeserializeSeed, IgnoredAny, IntoDeserializer, MapAccess, Visitor};

use crate::actor::ActorRef;
use crate::event::{Cause, Change, Event};

/// The fields of the stored form.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Field {
    V,
    At,
    By,
    Type,
    Data,
    Cause,
    #[serde(other)]
    Other,
}

/// Reads an event's map.
pub(super) struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = Event;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event: an object with v, at, by, type, and data when the change has fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event, A::Error> {
        let mut v: Option<u16> = None;
        let mut at: Option<DateTime<Utc>> = None;
        let mut by: Option<ActorRef> = None;
        let mut tag: Option<String> = None;
        let mut change: Option<Change> = None;
        let mut cause: Option<Cause> = None;
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::V => v = Some(map.next_value()?),
                Field::At => at = Some(map.next_value()?),
                Field::By => by = Some(map.next_value()?),
                Field::Cause => cause = map.next_value()?,
                Field::Type => tag = Some(map.next_value()?),
                Field::Data => {
                    let Some(tag) = tag.as_deref() else {
                        return Err(de::Error::custom(
                            "an event's \"type\" comes before its \"data\"",
                        ));
                    };
                    change = Some(Change::deserialize(MapAccessDeserializer::new(Adjacent {
                        tag: Some(tag),
                        data: Some(&mut map),
                    }))?);
                }
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let v = v.ok_or_else(|| de::Error::missing_field("v"))?;
        if v == 0 || v > Event::SCHEMA_VERSION {
            return Err(de::Error::custom(format!(
                "event schema version {v} is not supported (this build reads versions 1 to {}); upgrade helpdesk to read it",
                Event::SCHEMA_VERSION
            )));
        }
        let change = match (change, tag) {
            (Some(change), _) => change,
            // A change without fields has no `data`.
            (None, Some(tag)) => Change::deserialize(MapAccessDeserializer::new(Adjacent::<A> {
                tag: Some(&tag),
                data: None,
            }))?,
            (None, None) => return Err(de::Error::missing_field("type")),
        };
        Ok(Event {
            at: at.ok_or_else(|| de::Error::missing_field("at"))?,
            by: by.ok_or_else(|| de::Error::missing_field("by"))?,
            change,
            cause,
        })
    }
}

/// The change's `type` and then, if any, its `data` taken from the event's
/// map, as the map the change's adjacently tagged deserializer reads.
struct Adjacent<'a, A> {
    tag: Option<&'a str>,
    data: Option<&'a mut A>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Adjacent<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = match (&self.tag, &self.data) {
            (Some(_), _) => "type",
            (None, Some(_)) => "data",
            (None, None) => return Ok(None),
        };
        let key: StrDeserializer<'_, A::Error> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if let Some(tag) = self.tag.take() {
            let tag: StrDeserializer<'_, A::Error> = tag.into_deserializer();
            return seed.deserialize(tag);
        }
        match self.data.take() {
            Some(map) => map.next_value_seed(seed),
            None => Err(de::Error::custom("a change's value was asked for twice")),
        }
    }
}
