//! A desk of its own on the memory store, with the channel our corpus
//! (`tests/corpus/`) is written for.

use std::path::Path;

use helpdesk_core::{ActorId, DeskConfig, TenantId};
use helpdesk_engine::{Desk, ManualClock, MemoryStore, NoNotifier};
use helpdesk_mail::{FsAttachments, InboundConfig, MailChannel, NoSenders};

/// A desk on the memory store.
pub type MemoryDesk = Desk<MemoryStore, NoNotifier, ManualClock>;

/// A new desk, and the channel of `support@acme.example` (whose server
/// `mx.acme.example` it trusts) as `adjust` leaves its configuration,
/// keeping files in `files`.
pub fn memory_desk(
    files: &Path,
    adjust: impl FnOnce(&mut InboundConfig),
) -> (MemoryDesk, MailChannel<FsAttachments, NoSenders>) {
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
    let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, clock).unwrap();
    let mut config = InboundConfig::new(
        TenantId::from_u128(1),
        ActorId::from_u128(1),
        "support@acme.example",
    );
    config.trusted_servers = vec!["mx.acme.example".into()];
    adjust(&mut config);
    let channel = MailChannel::new(config, FsAttachments::new(files), NoSenders);
    (desk, channel)
}
