//! Desk configurations from arbitrary text, as TOML and as JSON: parsing
//! and checking never panic, checking is deterministic, and a ticket runs
//! through a configuration that validates without a panic or an error.
#![no_main]

use chrono::{TimeZone, Utc};
use helpdesk_core::routing::RouteInput;
use helpdesk_core::{Actor, ActorId, Command, Context, DeskConfig, NewTicket, TenantId, Ticket, TicketId, apply, decide};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parsed = [toml::from_str::<DeskConfig>(text).ok(), serde_json::from_str::<DeskConfig>(text).ok()];
    for config in parsed.into_iter().flatten() {
        let diagnostics = config.diagnose();
        assert_eq!(diagnostics, config.diagnose(), "checking is deterministic");
        if config.validate().is_err() {
            continue;
        }
        let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
        let Some(at) = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single() else { return };
        let ctx = Context::new(&admin, at, &config);
        let mut ticket = Ticket::new(TicketId::from_u128(1));
        let new = NewTicket::new(ActorId::from_u128(2), "VPN printer password outage", "laptop");
        // The ticket may break the configured limits; then there is nothing to route.
        let Ok(opened) = decide(&ticket, Command::Open(new), &ctx) else { return };
        for event in &opened {
            apply(&mut ticket, event);
        }
        for command in [Command::Route(RouteInput::default()), Command::CheckSla] {
            // A configuration that validates cannot make a decision fail.
            let events = decide(&ticket, command, &ctx).expect("a valid configuration decides");
            for event in &events {
                apply(&mut ticket, event);
            }
        }
    }
});
