//! [`Writer`]: the thread an attachment store writes through, started by
//! the first put and shared by the store's clones; it ends with the last
//! of them, and a put after it ended early (it panicked) starts another.

use std::fmt;
use std::sync::mpsc::{SendError, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::oneshot;

/// Where a writer thread answers one job: `Ok` once its file is durable.
pub(super) type Reply = oneshot::Sender<Result<(), String>>;

/// The queue of a writer thread taking jobs `J`, once one is started.
pub(super) struct Writer<J>(Arc<Mutex<Option<Sender<J>>>>);

impl<J> fmt::Debug for Writer<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let started = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_struct("Writer").field("started", &started).finish()
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
    /// which `start` starts if none runs, and waits for the answer.
    pub(super) async fn write(
        &self,
        start: impl Fn() -> Result<Sender<J>, String>,
        job: impl FnOnce(Reply) -> J,
    ) -> Result<(), String> {
        let (reply, answer) = oneshot::channel();
        let mut job = job(reply);
        {
            let mut queue = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            // At most twice: the thread kept may have ended.
            for _ in 0..2 {
                let sender = match queue.as_ref() {
                    Some(sender) => sender,
                    None => queue.insert(start()?),
                };
                match sender.send(job) {
                    Ok(()) => break,
                    Err(SendError(unsent)) => {
                        job = unsent;
                        *queue = None;
                    }
                }
            }
        }
        answer.await.map_err(|_| "the writer stopped".to_string())?
    }
}
