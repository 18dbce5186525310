//! A watcher's role checked against the [`Directory`]: the host's accounts
//! outrank the word of whoever adds the watcher.

use helpdesk_core::{ActorRef, DomainError, TenantId, ValidationError};

use crate::error::DeskError;
use crate::notification::Directory;

/// Refuses `watcher` when the directory knows them in another role
/// (`watcher.role`); a person the directory does not know, or knows
/// without a role, watches in the role named.
pub(crate) async fn check_role(
    directory: &dyn Directory,
    tenant: TenantId,
    watcher: ActorRef,
) -> Result<(), DeskError> {
    let known = directory.contact(tenant, watcher.id).await?;
    match known.and_then(|contact| contact.role) {
        Some(role) if role != watcher.role => Err(DomainError::from(ValidationError::new(
            "watcher.role",
            format!(
                "{} is {} in the desk's directory, so watches as one, not as {}",
                watcher.id,
                role.with_article(),
                watcher.role.with_article()
            ),
        ))
        .into()),
        _ => Ok(()),
    }
}
