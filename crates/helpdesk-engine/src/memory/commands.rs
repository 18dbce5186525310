//! [`Commands`]: the records of executed commands, by tenant and id.
//!
//! Every append looks its command id up, and a store keeps a record per
//! command forever, so this index is the one structure of a
//! [`MemoryStore`](super::MemoryStore) that grows with every command. In a
//! hash map each lookup and insert touched a random place of a table of
//! millions, and each doubling moved every record again: on a million
//! commands, that was a third of a command's time.
//!
//! Command ids made by the engine are UUID v7, which increase, so most
//! arrive in increasing order. Those are appended to a list sorted by id,
//! per tenant: an id above the list's last is new (nothing smaller than the
//! last ever went elsewhere), so recording it is a push onto memory just
//! written. Any other id, such as a v4 chosen by a caller, or a v7 from a
//! host whose clock is behind, goes to a hash map, and looking it up also
//! searches the sorted list, backwards from its end, where such ids land.

use std::collections::HashMap;

use helpdesk_core::TenantId;

use super::key::Key;
use crate::ids::CommandId;
use crate::store::CommandRecord;

/// The records of executed commands. See the [module documentation](self).
#[derive(Debug, Default)]
pub(super) struct Commands {
    /// Per tenant, records sorted by command id.
    sorted: HashMap<u128, Vec<CommandRecord>, foldhash::fast::RandomState>,
    /// Records whose id was not above every id of the tenant's sorted list
    /// when they were recorded.
    others: HashMap<Key, CommandRecord, foldhash::fast::RandomState>,
}

impl Commands {
    /// The record of `command` in `tenant`.
    pub(super) fn get(&self, tenant: TenantId, command: CommandId) -> Option<CommandRecord> {
        let sorted = self.sorted.get(&tenant.as_uuid().as_u128());
        if let Some(sorted) = sorted {
            match sorted.last() {
                Some(last) if command > last.command => return None,
                _ => {}
            }
            if let Some(found) = find_from_end(sorted, command) {
                return Some(*found);
            }
        }
        self.others.get(&Key::command(tenant, command)).copied()
    }

    /// Records `record` for `tenant`; its command id must not be recorded
    /// yet ([`get`](Self::get) answered `None`).
    pub(super) fn insert(&mut self, tenant: TenantId, record: CommandRecord) {
        let sorted = self.sorted.entry(tenant.as_uuid().as_u128()).or_default();
        if sorted
            .last()
            .is_none_or(|last| record.command > last.command)
        {
            sorted.push(record);
        } else {
            self.others
                .insert(Key::command(tenant, record.command), record);
        }
    }
}

/// The record of `command` in `sorted`, searched from the end: first by
/// steps that double, then by halving the last step.
fn find_from_end(sorted: &[CommandRecord], command: CommandId) -> Option<&CommandRecord> {
    let mut high = sorted.len();
    let mut step = 1;
    let low = loop {
        let at = high.saturating_sub(step);
        if at == 0 || sorted[at].command <= command {
            break at;
        }
        high = at;
        step *= 2;
    };
    let range = &sorted[low..high];
    range
        .binary_search_by(|r| r.command.cmp(&command))
        .ok()
        .map(|i| &range[i])
}

#[cfg(test)]
mod tests {
    use helpdesk_core::TicketId;
    use uuid::Uuid;

    use super::*;

    fn record(id: u128) -> CommandRecord {
        CommandRecord {
            command: CommandId::from_uuid(Uuid::from_u128(id)),
            ticket: TicketId::from_u128(7),
            actor: helpdesk_core::ActorId::from_u128(2),
            fingerprint: crate::store::Fingerprint::of(&id),
            from_version: id as u64,
            to_version: id as u64 + 1,
        }
    }

    fn id(n: u128) -> CommandId {
        CommandId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn records_in_any_order_are_all_found_and_nothing_else() {
        let tenant = TenantId::from_u128(1);
        let mut commands = Commands::default();
        // Increasing ids, then some below the last one, then more above.
        let order: Vec<u128> = (1..=100)
            .map(|n| n * 10)
            .chain([55, 5, 995, 1])
            .chain((101..=120).map(|n| n * 10))
            .collect();
        for &n in &order {
            assert_eq!(commands.get(tenant, id(n)), None, "{n} is not recorded yet");
            commands.insert(tenant, record(n));
        }
        for &n in &order {
            assert_eq!(commands.get(tenant, id(n)), Some(record(n)), "{n} is found");
        }
        for n in [0, 2, 11, 999, 1199, 1201, u128::MAX] {
            assert_eq!(commands.get(tenant, id(n)), None, "{n} was never recorded");
        }
    }

    #[test]
    fn tenants_do_not_share_records() {
        let (a, b) = (TenantId::from_u128(1), TenantId::from_u128(2));
        let mut commands = Commands::default();
        commands.insert(a, record(10));
        commands.insert(a, record(5));
        assert_eq!(commands.get(b, id(10)), None);
        assert_eq!(commands.get(b, id(5)), None);
        commands.insert(b, record(5));
        assert_eq!(commands.get(b, id(5)), Some(record(5)));
        assert_eq!(commands.get(a, id(5)), Some(record(5)));
    }

    #[test]
    fn the_search_from_the_end_finds_every_position() {
        let sorted: Vec<CommandRecord> = (1..=1000).map(|n| record(n * 2)).collect();
        for n in 1..=1000 {
            assert_eq!(find_from_end(&sorted, id(n * 2)), Some(&record(n * 2)));
            assert_eq!(find_from_end(&sorted, id(n * 2 + 1)), None);
        }
        assert_eq!(find_from_end(&sorted, id(1)), None);
        assert_eq!(find_from_end(&[], id(1)), None);
    }
}
