//! The help desk's inbound email channel.
//!
//! A raw message becomes a `Mail`: decoded headers, the text a person
//! wrote, the quoted history and signature set apart, its attachments, and
//! what kind of message it is (a person's mail, an automatic reply, a
//! delivery status notification).
#![forbid(unsafe_code)]

mod reply;

pub use reply::Reply;
