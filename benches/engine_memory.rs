//! Commands per second through `Desk` on the in-memory store.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use helpdesk::*;
use helpdesk_engine::{Desk, ManualClock, MemoryStore, NoNotifier, Request, new_ticket_id};

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let clock = ManualClock::new(chrono::Utc::now());
    let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, clock)
        .expect("valid configuration");
    let tenant = TenantId::from_u128(1);
    let agent = Actor::agent(ActorId::from_u128(2), tenant, []);
    let tickets: Vec<TicketId> = runtime.block_on(async {
        let mut ids = Vec::new();
        for i in 0..1000 {
            let id = new_ticket_id();
            let new = NewTicket::new(ActorId::from_u128(3), format!("Ticket {i}"), "");
            desk.execute(Request::new(agent.clone(), id, Command::Open(new)))
                .await
                .expect("open");
            ids.push(id);
        }
        ids
    });
    let mut group = c.benchmark_group("desk_memory");
    group.throughput(Throughput::Elements(1));
    let mut n = 0usize;
    group.bench_function("execute_tag_untag", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    n += 1;
                    let ticket = tickets[n % tickets.len()];
                    let command = if (n / tickets.len()) % 2 == 0 {
                        Command::Tag { tag: "vpn".into() }
                    } else {
                        Command::Untag { tag: "vpn".into() }
                    };
                    desk.execute(Request::new(agent.clone(), ticket, command))
                        .await
                        .expect("execute");
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
