//! Signing and verifying webhooks as Standard Webhooks does: an HMAC-SHA256
//! of `"{id}.{timestamp}.{body}"` under each secret, sent as
//! `v1,<base64>` entries separated by spaces.

use std::fmt;

use base64::prelude::{BASE64_STANDARD, Engine as _};
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of a secret's text form.
const PREFIX: &str = "whsec_";

/// The fewest bytes a secret may have (Standard Webhooks: 24).
pub const SECRET_MIN_BYTES: usize = 24;

/// The most bytes a secret may have (Standard Webhooks: 64).
pub const SECRET_MAX_BYTES: usize = 64;

/// How far a webhook's timestamp may be from the receiver's clock before
/// [`verify`] refuses it: 5 minutes, as Standard Webhooks recommends.
pub const DEFAULT_TOLERANCE: TimeDelta = TimeDelta::minutes(5);

/// A signing secret, shared by the desk and the receiver.
///
/// Its text form is `whsec_` followed by the base64 of 24 to 64 random
/// bytes, as Standard Webhooks writes it. Its `Debug` form hides the key.
///
/// ```
/// use helpdesk_webhook::Secret;
///
/// let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// assert_eq!(secret.to_string(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
/// assert_eq!(format!("{secret:?}"), "Secret(whsec_…)");
/// assert!(Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err(), "no prefix");
/// assert!(Secret::parse("whsec_c2hvcnQ=").is_err(), "too short");
/// # Ok::<(), helpdesk_webhook::SecretError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

/// Why a text is not a signing secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The text does not start with `whsec_`.
    #[error("a webhook secret starts with \"whsec_\" followed by base64")]
    Prefix,
    /// What follows the prefix is not base64.
    #[error("a webhook secret's text after \"whsec_\" is not base64: {0}")]
    Base64(String),
    /// The key is too short or too long.
    #[error(
        "a webhook secret has {SECRET_MIN_BYTES} to {SECRET_MAX_BYTES} bytes, this one has {0}"
    )]
    Length(usize),
}

impl Secret {
    /// Reads a secret's text form, `whsec_<base64>`.
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let encoded = text
            .trim()
            .strip_prefix(PREFIX)
            .ok_or(SecretError::Prefix)?;
        let bytes = BASE64_STANDARD
            .decode(encoded)
            .map_err(|e| SecretError::Base64(e.to_string()))?;
        Self::from_bytes(bytes)
    }

    /// A secret of the given key bytes (24 to 64 of them).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Result<Self, SecretError> {
        let bytes = bytes.into();
        if !(SECRET_MIN_BYTES..=SECRET_MAX_BYTES).contains(&bytes.len()) {
            return Err(SecretError::Length(bytes.len()));
        }
        Ok(Self(bytes))
    }

    /// The `v1,<base64>` signature of one webhook under this secret.
    ///
    /// ```
    /// use helpdesk_webhook::Secret;
    ///
    /// // The example of the Standard Webhooks specification.
    /// let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// let body = br#"{"test": 2432232314}"#;
    /// assert_eq!(
    ///     secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
    ///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    /// );
    /// # Ok::<(), helpdesk_webhook::SecretError>(())
    /// ```
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self.mac(id, timestamp, body).finalize().into_bytes();
        format!("v1,{}", BASE64_STANDARD.encode(tag))
    }

    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(whsec_…)")
    }
}

impl fmt::Display for Secret {
    /// The text form, `whsec_<base64>`: it reveals the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}", BASE64_STANDARD.encode(&self.0))
    }
}

impl std::str::FromStr for Secret {
    type Err = SecretError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// The `webhook-signature` header of a webhook: one `v1,<base64>` entry per
/// secret, separated by spaces, so a receiver that knows any one of the
/// secrets accepts it while keys rotate.
pub fn signature_header(secrets: &[Secret], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .map(|secret| secret.sign(id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A webhook as a receiver got it: the three headers' values and the body,
/// exactly as received (verify before parsing the body).
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// The `webhook-id` header: the message id, the same on every retry.
    pub id: &'a str,
    /// The `webhook-timestamp` header: unix seconds.
    pub timestamp: &'a str,
    /// The `webhook-signature` header: `v1,<base64>` entries.
    pub signature: &'a str,
    /// The body's bytes.
    pub body: &'a [u8],
}

/// Why [`verify`] refused a webhook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header is missing, empty or not in its form.
    #[error("the {header} header is malformed: {reason}")]
    Malformed {
        /// Which header.
        header: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The timestamp is too far from the receiver's clock: an old webhook
    /// replayed, or a clock far off.
    #[error(
        "the webhook's timestamp {timestamp} is {off} s from now ({now}), more than the {tolerance} s allowed"
    )]
    Timestamp {
        /// The timestamp received (unix seconds).
        timestamp: i64,
        /// The receiver's time (unix seconds).
        now: i64,
        /// How far off, in seconds.
        off: i64,
        /// The tolerance, in seconds.
        tolerance: i64,
    },
    /// No signature matches any of the receiver's secrets: the body, id or
    /// timestamp were changed, or it was signed with another secret.
    #[error("no signature of the webhook matches a known secret")]
    Signature,
}

/// Checks a received webhook: its headers are well formed, its timestamp is
/// within `tolerance` of `now` (so an old webhook cannot be replayed), and
/// one of its `v1` signatures matches one of `secrets` (compared in
/// constant time). Entries of other schemes (such as `v1a`) are skipped.
///
/// ```
/// use chrono::{DateTime, TimeDelta};
/// use helpdesk_webhook::{DEFAULT_TOLERANCE, Received, Secret, VerifyError, signature_header, verify};
///
/// let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let body = br#"{"v":1}"#;
/// let signature = signature_header(&[secret.clone()], "msg_1", 1_700_000_000, body);
/// let received = Received { id: "msg_1", timestamp: "1700000000", signature: &signature, body };
/// let now = DateTime::from_timestamp(1_700_000_060, 0).expect("in range");
///
/// assert_eq!(verify(&received, &[secret.clone()], now, DEFAULT_TOLERANCE), Ok(()));
/// let tampered = Received { body: br#"{"v":2}"#, ..received };
/// assert_eq!(verify(&tampered, &[secret.clone()], now, DEFAULT_TOLERANCE), Err(VerifyError::Signature));
/// let later = now + TimeDelta::minutes(10);
/// assert!(matches!(
///     verify(&received, &[secret], later, DEFAULT_TOLERANCE),
///     Err(VerifyError::Timestamp { off: 660, .. })
/// ));
/// # Ok::<(), helpdesk_webhook::SecretError>(())
/// ```
pub fn verify(
    received: &Received<'_>,
    secrets: &[Secret],
    now: DateTime<Utc>,
    tolerance: TimeDelta,
) -> Result<(), VerifyError> {
    let malformed = |header: &'static str, reason: &str| VerifyError::Malformed {
        header,
        reason: reason.to_owned(),
    };
    if received.id.is_empty() {
        return Err(malformed("webhook-id", "it is empty"));
    }
    let timestamp: i64 = received.timestamp.trim().parse().map_err(|_| {
        malformed(
            "webhook-timestamp",
            &format!("{:?} is not a number of seconds", received.timestamp),
        )
    })?;
    let signatures: Vec<&str> = received
        .signature
        .split_whitespace()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .collect();
    if signatures.is_empty() {
        return Err(malformed("webhook-signature", "it has no \"v1,\" entry"));
    }

    let off = now.timestamp().saturating_sub(timestamp).saturating_abs();
    if off > tolerance.num_seconds() {
        return Err(VerifyError::Timestamp {
            timestamp,
            now: now.timestamp(),
            off,
            tolerance: tolerance.num_seconds(),
        });
    }

    let tags: Vec<Vec<u8>> = signatures
        .iter()
        .filter_map(|s| BASE64_STANDARD.decode(s).ok())
        .collect();
    let matched = secrets.iter().any(|secret| {
        tags.iter().any(|tag| {
            secret
                .mac(received.id, timestamp, received.body)
                .verify_slice(tag)
                .is_ok()
        })
    });
    if matched {
        Ok(())
    } else {
        Err(VerifyError::Signature)
    }
}
