//! The stored form of an [`Event`] read field by field.
//!
//! The change is an adjacently tagged enum (`type`, `data`) beside the
//! event's own fields. Reading it through `#[serde(flatten)]` buffered every
//! field of every event into serde's generic content tree first; here each
//! field is read straight from the input, and the change's `data` with the
//! change's own deserializer, handed its `type` and then its `data`. When
//! `data` comes first (PostgreSQL's `jsonb` orders keys by length), the
//! change's deserializer is handed `data` and then `type`, and buffers the
//! data itself, as it does for any adjacently tagged enum.

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
        let mut slots = Slots::default();
        let mut tag: Option<String> = None;
        let mut change: Option<Change> = None;
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Type => tag = Some(map.next_value()?),
                Field::Data => {
                    change = Some(match tag.as_deref() {
                        Some(tag) => Change::deserialize(MapAccessDeserializer::new(Adjacent {
                            tag: Some(tag),
                            data: Some(&mut map),
                        }))?,
                        // Data before its type (PostgreSQL's jsonb orders
                        // keys so): the change's deserializer buffers the
                        // data until its type, read on from here.
                        None => Change::deserialize(MapAccessDeserializer::new(DataFirst {
                            map: &mut map,
                            slots: &mut slots,
                            step: Step::Data,
                        }))?,
                    });
                }
                other => slots.read(other, &mut map)?,
            }
        }
        let v = slots.v.ok_or_else(|| de::Error::missing_field("v"))?;
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
            at: slots.at.ok_or_else(|| de::Error::missing_field("at"))?,
            by: slots.by.ok_or_else(|| de::Error::missing_field("by"))?,
            change,
            cause: slots.cause,
        })
    }
}

/// The event's own fields, as read so far.
#[derive(Default)]
struct Slots {
    v: Option<u16>,
    at: Option<DateTime<Utc>>,
    by: Option<ActorRef>,
    cause: Option<Cause>,
}

impl Slots {
    /// Reads the value of `field`, one of the event's own or an unknown
    /// one (passed over).
    fn read<'de, A: MapAccess<'de>>(&mut self, field: Field, map: &mut A) -> Result<(), A::Error> {
        match field {
            Field::V => self.v = Some(map.next_value()?),
            Field::At => self.at = Some(map.next_value()?),
            Field::By => self.by = Some(map.next_value()?),
            Field::Cause => self.cause = map.next_value()?,
            Field::Type | Field::Data | Field::Other => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// Where [`DataFirst`] is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Its next key is `data`.
    Data,
    /// `data`'s value is asked for next.
    DataValue,
    /// Reading the event's fields on up to `type`.
    Type,
    /// `type`'s value is asked for next.
    TypeValue,
    /// Both were handed over.
    Done,
}

/// The change's `data`, met before its `type`, and then its `type`, read on
/// from the event's map; the event's own fields met on the way go to
/// `slots`.
struct DataFirst<'a, A> {
    map: &'a mut A,
    slots: &'a mut Slots,
    step: Step,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for DataFirst<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = match self.step {
            Step::Data => {
                self.step = Step::DataValue;
                "data"
            }
            Step::Type => loop {
                match self.map.next_key::<Field>()? {
                    Some(Field::Type) => {
                        self.step = Step::TypeValue;
                        break "type";
                    }
                    Some(Field::Data) => return Err(de::Error::duplicate_field("data")),
                    Some(other) => self.slots.read(other, self.map)?,
                    None => {
                        self.step = Step::Done;
                        return Ok(None);
                    }
                }
            },
            Step::DataValue | Step::TypeValue | Step::Done => return Ok(None),
        };
        let key: StrDeserializer<'_, A::Error> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.step = match self.step {
            Step::DataValue => Step::Type,
            Step::TypeValue => Step::Done,
            Step::Data | Step::Type | Step::Done => {
                return Err(de::Error::custom(
                    "a change's value was asked for out of turn",
                ));
            }
        };
        self.map.next_value_seed(seed)
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
