//! [`Writer`]: the thread an attachment store writes through, started by
//! the first put and shared by the store's clones; it ends with the last
//! of them.

use std::fmt;
use std::sync::mpsc::Sender;
use std::sync::{Arc, OnceLock};

use tokio::sync::oneshot;

/// Where a writer thread answers one job: `Ok` once its file is durable.
pub(super) type Reply = oneshot::Sender<Result<(), String>>;

/// A writer thread's queue of jobs `J`, or why it could not start.
pub(super) struct Writer<J>(Arc<OnceLock<Result<Sender<J>, String>>>);

impl<J> fmt::Debug for Writer<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.0.get() {
            None => "not started",
            Some(Ok(_)) => "running",
            Some(Err(_)) => "failed to start",
        };
        f.debug_tuple("Writer").field(&state).finish()
    }
}

impl<J> Clone for Writer<J> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<J> Default for Writer<J> {
    fn default() -> Self {
        Self(Arc::default())
    }
}

impl<J> Writer<J> {
    /// Hands the job `job` makes (with where to answer) to the thread,
    /// which `start` starts if none has yet, and waits for the answer.
    pub(super) async fn write(
        &self,
        start: impl FnOnce() -> Result<Sender<J>, String>,
        job: impl FnOnce(Reply) -> J,
    ) -> Result<(), String> {
        let queue = self.0.get_or_init(start).as_ref().map_err(Clone::clone)?;
        let (reply, answer) = oneshot::channel();
        let stopped = || "the writer stopped".to_string();
        queue.send(job(reply)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}
