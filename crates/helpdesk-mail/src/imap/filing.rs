//! Filing the handled messages away, one command a folder: `UID MOVE` to
//! the processed or the failed folder, or, on a server without `MOVE`,
//! `UID COPY`, `\Deleted` and an expunge ([`Expunge`]); what was copied
//! before an expunge failed is not copied again.

use async_imap::Session;

use super::connection::{Connection, server};
use super::fetch::uid_set;
use super::session::timed;
use super::{ImapError, ImapOptions, ImapSource};

impl ImapSource {
    /// Moves the handled messages not moved yet, one command a folder.
    pub(super) async fn file_unmoved(&mut self) -> Result<(), ImapError> {
        // Reconnect first: selecting the mailbox forgets the UIDs of the
        // one that was under its name before (another UIDVALIDITY), which
        // now name other messages.
        self.session().await?;
        for failed in [false, true] {
            let uids: Vec<u32> = (self.unmoved.iter())
                .filter(|(_, f)| *f == failed)
                .map(|(uid, _)| *uid)
                .collect();
            if uids.is_empty() {
                continue;
            }
            self.file(&uids, failed).await?;
            self.unmoved.retain(|(_, f)| *f != failed);
        }
        Ok(())
    }

    /// Moves the handled messages `uids` to their folder.
    async fn file(&mut self, uids: &[u32], failed: bool) -> Result<(), ImapError> {
        if self.can_move {
            self.move_to(uids, failed).await
        } else {
            self.copy_and_expunge(uids, failed).await
        }
    }

    /// `UID MOVE` of the messages `uids` to their folder.
    async fn move_to(&mut self, uids: &[u32], failed: bool) -> Result<(), ImapError> {
        let (session, options) = self.connected().await?;
        let (set, folder) = (uid_set(uids), folder(options, failed));
        let moved = timed(options, "UID MOVE", session.uid_mv(&set, folder)).await?;
        moved.map_err(|e| filing_error(options, "UID MOVE", &set, e))
    }

    /// A move on a server without `MOVE` (RFC 6851): `UID COPY` of those of
    /// `uids` not copied by an earlier try, then [`delete_and_expunge`].
    async fn copy_and_expunge(&mut self, uids: &[u32], failed: bool) -> Result<(), ImapError> {
        let fresh: Vec<u32> = (uids.iter())
            .filter(|uid| !self.copied.contains(uid))
            .copied()
            .collect();
        let expunge = if self.can_uidplus {
            Expunge::Uids
        } else {
            Expunge::Deleted
        };
        let (session, options) = self.connected().await?;
        let set = uid_set(uids);
        if !fresh.is_empty() {
            let copy = session.uid_copy(uid_set(&fresh), folder(options, failed));
            let copied = timed(options, "UID COPY", copy).await?;
            copied.map_err(|e| filing_error(options, "UID COPY", &set, e))?;
            self.copied.extend(fresh);
        }
        let (session, options) = self.connected().await?;
        delete_and_expunge(options, session, &set, expunge)
            .await?
            .map_err(|(step, e)| filing_error(options, step, &set, e))?;
        for uid in uids {
            self.copied.remove(uid);
        }
        Ok(())
    }
}

/// The folder the messages go to: [`ImapOptions::failed`] or
/// [`ImapOptions::processed`].
fn folder(options: &ImapOptions, failed: bool) -> &str {
    if failed {
        &options.failed
    } else {
        &options.processed
    }
}

/// The error of the command `step` of moving the UID set `set`.
fn filing_error(
    options: &ImapOptions,
    step: &str,
    set: &str,
    e: async_imap::error::Error,
) -> ImapError {
    ImapError::Command {
        server: server(options),
        command: format!("move {set} out of {}: {step}", options.mailbox),
        reason: e.to_string(),
    }
}

/// How the messages a poll copied leave the mailbox on a server without
/// `MOVE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expunge {
    /// `UID EXPUNGE` of just them (`UIDPLUS`, RFC 4315).
    Uids,
    /// `EXPUNGE`, on a server without `UIDPLUS`: it removes every message
    /// flagged `\Deleted` in the mailbox, the source's and any another
    /// client flagged, which the source never hands over. The mailbox is
    /// the source's own.
    Deleted,
}

/// Flags the messages of the UID set `set` `\Deleted` and expunges them,
/// the second half of a move on a server without `MOVE` (after their
/// `UID COPY`), each command bounded by [`ImapOptions::timeout`]; a
/// command the server refuses comes with its name. (async-imap's own
/// `uid_store` and `uid_expunge` end quietly on a `NO`, as if they had
/// worked.)
async fn delete_and_expunge(
    options: &ImapOptions,
    session: &mut Session<Connection>,
    set: &str,
    expunge: Expunge,
) -> Result<Result<(), (&'static str, async_imap::error::Error)>, ImapError> {
    let store = format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)");
    let stored = timed(
        options,
        "UID STORE",
        session.run_command_and_check_ok(store),
    )
    .await?;
    if let Err(e) = stored {
        return Ok(Err(("UID STORE", e)));
    }
    let (step, command) = match expunge {
        Expunge::Uids => ("UID EXPUNGE", format!("UID EXPUNGE {set}")),
        Expunge::Deleted => ("EXPUNGE", "EXPUNGE".to_string()),
    };
    let expunged = timed(options, step, session.run_command_and_check_ok(command)).await?;
    Ok(expunged.map_err(|e| (step, e)))
}
