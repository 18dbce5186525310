//! The readers: a fixed set of read-only connections, lent one at a time.
//!
//! In WAL mode readers never wait for the writer nor for each other; each
//! statement sees the database as of the last commit before it started.

use std::sync::{Condvar, Mutex, PoisonError};

use rusqlite::Connection;

/// Read-only connections, lent to one caller at a time.
pub(crate) struct Pool {
    idle: Mutex<Vec<Connection>>,
    returned: Condvar,
}

impl Pool {
    /// A pool of `connections` (at least one).
    pub(crate) fn new(connections: Vec<Connection>) -> Self {
        Self {
            idle: Mutex::new(connections),
            returned: Condvar::new(),
        }
    }

    /// Runs `f` on an idle connection, waiting for one to be returned if
    /// all are lent.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&Connection) -> R) -> R {
        let conn = {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(conn) = idle.pop() {
                    break conn;
                }
                idle = self
                    .returned
                    .wait(idle)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        let lent = Lent {
            pool: self,
            conn: Some(conn),
        };
        match &lent.conn {
            Some(conn) => f(conn),
            None => unreachable!("a lent connection is present until dropped"),
        }
    }
}

/// Gives the connection back, also when the read panics.
struct Lent<'a> {
    pool: &'a Pool,
    conn: Option<Connection>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(conn);
            self.pool.returned.notify_one();
        }
    }
}
