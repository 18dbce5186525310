//! Any bytes offered to the inbound mail channel: no panic, and the work
//! bounded by the mail's size (the mail limits refuse what is too big,
//! reply extraction is linear). Each input runs through a fresh desk on the
//! memory store and a fresh attachment directory, as a mail server would
//! hand it to a new desk, so nothing grows from one input to the next.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use helpdesk_core::{ActorId, DeskConfig, TenantId};
use helpdesk_engine::{Desk, ManualClock, MemoryStore, NoNotifier};
use helpdesk_mail::{Arrival, FsAttachments, InboundConfig, MailChannel, NoSenders};
use libfuzzer_sys::fuzz_target;

struct World {
    runtime: tokio::runtime::Runtime,
    files: PathBuf,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        // mail-parser asserts on some inconsistent structures in builds
        // with debug assertions; `Mail::parse` catches that and refuses the
        // mail (`tests/fuzz_findings.rs`). Such a panic unwinds to that
        // guard; any other still aborts, as a finding.
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_parser = info
                .location()
                .is_some_and(|at| at.file().contains("mail-parser"));
            if !in_parser {
                fuzzer_hook(info);
            }
        }));
        World {
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime"),
            files: std::env::temp_dir()
                .join(format!("helpdesk-fuzz-ingest-{}", std::process::id())),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let world = world();
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().expect("instant"));
    let desk =
        Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, clock).expect("desk");
    let config = InboundConfig::new(
        TenantId::from_u128(1),
        ActorId::from_u128(1),
        "support@example.com",
    );
    let channel = MailChannel::new(config, FsAttachments::new(&world.files), NoSenders);
    let arrival = Arrival {
        authenticated: Some(data.first() == Some(&b'F')),
        ..Arrival::default()
    };
    // Errors are answers (a store failure, say); only a panic is a finding.
    let _ = world
        .runtime
        .block_on(channel.ingest(&desk, data, &arrival));
    drop(channel);
    let _ = std::fs::remove_dir_all(&world.files);
});
