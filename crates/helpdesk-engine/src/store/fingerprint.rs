//! [`Fingerprint`]: what binds a command id to the command it was first
//! sent with.

use std::fmt;
use std::io;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The SHA-256 of a command's stored JSON form (and of the facts the host
/// vouched for with it): a [`CommandRecord`](super::CommandRecord) keeps
/// it, so a command id sent again with other content is told apart from an
/// honest retry.
///
/// ```
/// use helpdesk_core::Command;
/// use helpdesk_engine::store::Fingerprint;
///
/// let tag = |tag: &str| Command::Tag { tag: tag.into() };
/// assert_eq!(Fingerprint::of(&tag("vpn")), Fingerprint::of(&tag("vpn")));
/// assert_ne!(Fingerprint::of(&tag("vpn")), Fingerprint::of(&tag("wifi")));
/// assert_eq!(Fingerprint::of(&tag("vpn")).to_string().len(), 64);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// The fingerprint of `value`'s JSON form.
    pub fn of<T: Serialize + fmt::Debug>(value: &T) -> Self {
        let mut hasher = Hashing(Sha256::new());
        if serde_json::to_writer(&mut hasher, value).is_err() {
            // No command fails to serialize; should one, its debug form
            // still tells it apart from others.
            hasher.0 = Sha256::new();
            hasher.0.update(format!("{value:?}").as_bytes());
        }
        Self(hasher.0.finalize().into())
    }
}

/// Feeds what serde_json writes straight into the hash.
struct Hashing(Sha256);

impl io::Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}
