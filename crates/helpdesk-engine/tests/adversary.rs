//! The trust boundaries under attack, on the reference store: random
//! sequences of commands, retries and reads by two tenants' actors, each
//! answer searched for planted secrets its reader may not see
//! (`helpdesk_testkit::adversary`).

use helpdesk_engine::MemoryStore;
use helpdesk_testkit::adversary::{adversary_config, check_adversary};

#[test]
fn no_answer_holds_what_its_reader_may_not_see() {
    check_adversary(|| async { MemoryStore::new() }, adversary_config());
}
