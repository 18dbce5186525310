//! [`AssetRef`]: a reference to a configuration item in the host's CMDB.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// An opaque reference to an asset or configuration item the ticket is
/// about (a laptop's serial, a service's CMDB id). 1 to 200 characters,
/// no control characters; the host gives it meaning.
///
/// ```
/// use helpdesk_core::AssetRef;
/// assert_eq!(AssetRef::new("laptop:SN-4411").unwrap().as_str(), "laptop:SN-4411");
/// assert!(AssetRef::new("").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AssetRef(String);

impl AssetRef {
    /// The longest reference, in characters.
    pub const MAX_LEN: usize = 200;

    /// Checks `value` and makes a reference of it. The error's field is `asset`.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        Self::new_at("asset", value)
    }

    /// Like [`AssetRef::new`], naming `field` in the error.
    pub fn new_at(field: &str, value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        if value.trim().is_empty() {
            return Err(ValidationError::new(field.to_owned(), "must not be empty"));
        }
        if value.chars().count() > Self::MAX_LEN {
            return Err(ValidationError::new(
                field.to_owned(),
                format!(
                    "is {} characters long; the limit is {}",
                    value.chars().count(),
                    Self::MAX_LEN
                ),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(ValidationError::new(
                field.to_owned(),
                "must not contain control characters",
            ));
        }
        Ok(Self(value))
    }

    /// The reference's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AssetRef {
    type Error = ValidationError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        AssetRef::new(value)
    }
}

impl From<AssetRef> for String {
    fn from(asset: AssetRef) -> Self {
        asset.0
    }
}

impl fmt::Display for AssetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for AssetRef {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        const POOL: [&str; 3] = ["laptop:SN-1", "service:mail", "printer:3F"];
        let i = u.choose_index(POOL.len())?;
        Ok(AssetRef(POOL[i].to_owned()))
    }
}
