//! The trust boundaries under attack, on a SQLite file: random sequences
//! of commands, retries and reads by two tenants' actors, each answer
//! searched for planted secrets its reader may not see
//! (`helpdesk_testkit::adversary`). Each case runs on a fresh file in one
//! temporary directory, removed at the end.

use helpdesk_sqlite::SqliteStore;
use helpdesk_testkit::adversary::{adversary_config, check_adversary};

#[test]
fn no_answer_holds_what_its_reader_may_not_see() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary directory: {e}"));
    check_adversary(
        || async {
            let file = dir
                .path()
                .join(format!("{}.db", helpdesk_engine::new_ticket_id()));
            SqliteStore::open(&file).unwrap_or_else(|e| panic!("opening {}: {e}", file.display()))
        },
        adversary_config(),
    );
}
