//! The reference store passes the conformance suite.

use helpdesk_engine::MemoryStore;

helpdesk_testkit::store_conformance!(|| async { MemoryStore::new() });
