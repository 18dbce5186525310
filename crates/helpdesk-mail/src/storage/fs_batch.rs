//! Group commit for [`FsAttachments`](super::FsAttachments): one thread
//! writes every file waiting, and makes the whole batch durable together.
//!
//! A file is durable once its bytes are synced, it is renamed into place,
//! and the directories from the store's root to it are synced: each holds
//! the name of the next, and the store may have made them (or another
//! writer, which stopped before syncing them). Done file by file, each
//! put pays a journal commit of its own; mails ingested at once would wait
//! for each other's syncs one after the other. The writer takes the first
//! file waiting and every other one already queued, writes each to a
//! temporary name, syncs them, renames them into place, then syncs each
//! of their directories once, and only then answers every caller. A file
//! already in place is checked against the bytes put, and written again
//! when it is damaged.
//! While it waits for the disk, new files queue and form the next batch, as
//! the SQLite store's writer gathers appends.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};

use tempfile::NamedTempFile;

use super::writer::Reply;

/// The most files one batch writes before it is made durable.
const MAX_BATCH: usize = 256;

/// The most threads that sync a batch's files (or directories) at once.
const SYNC_THREADS: usize = 8;

/// A file to write: where, what, and whom to answer once it is durable.
pub(super) struct Job {
    /// The store's root, under which `path` lies.
    pub(super) root: PathBuf,
    pub(super) path: PathBuf,
    pub(super) bytes: Vec<u8>,
    pub(super) reply: Reply,
}

/// Starts the writer thread; it ends once every sender is dropped.
pub(super) fn start() -> io::Result<Sender<Job>> {
    let (jobs, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("helpdesk-attachments".into())
        .spawn(move || run(&receiver))?;
    Ok(jobs)
}

fn run(jobs: &Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let written = write_batch(&batch);
        tracing::trace!(
            files = batch.len(),
            directories = written.directories.len(),
            "attachments written and synced"
        );
        for (job, result) in batch.into_iter().zip(written.results) {
            // A caller that stopped waiting still has its file.
            let _ = job.reply.send(result);
        }
    }
}

/// What writing a batch did: each file's result, in order, and the
/// directories it synced.
pub(super) struct Written {
    pub(super) results: Vec<Result<(), String>>,
    pub(super) directories: Vec<PathBuf>,
}

/// Writes every file of `batch` and makes them durable together: each
/// file's result, in the batch's order. A file already in place with the
/// bytes put counts as written once its directories are synced (its name
/// may not be durable yet when another process wrote it and stopped); one
/// that holds other bytes (damaged, cut short) is written again. The same
/// path twice is written once.
pub(super) fn write_batch(batch: &[Job]) -> Written {
    let mut results: Vec<Result<(), String>> = vec![Ok(()); batch.len()];
    // The first job of each path, and the temporary file it wrote.
    let mut first: HashMap<&Path, usize> = HashMap::new();
    let mut pending: Vec<(usize, NamedTempFile)> = Vec::new();
    // Directories whose entries changed, or must be known durable.
    let mut directories: BTreeSet<PathBuf> = BTreeSet::new();
    for (i, job) in batch.iter().enumerate() {
        match first.entry(&job.path) {
            Entry::Occupied(_) => continue,
            Entry::Vacant(entry) => entry.insert(i),
        };
        let Some(dir) = job.path.parent() else {
            results[i] = Err(format!("{} has no directory", job.path.display()));
            continue;
        };
        if job.path.exists() {
            if intact(&job.path, &job.bytes) {
                directories.extend(path_directories(job));
                continue;
            }
            tracing::warn!(
                file = %job.path.display(),
                "an attachment file holds other bytes than its key's: writing it again"
            );
        }
        match temporary(dir, &job.bytes, &mut directories) {
            Ok(file) => pending.push((i, file)),
            Err(e) => results[i] = Err(e.to_string()),
        }
    }
    // The bytes first, then the names: a name never points at bytes that
    // are not on disk.
    let synced = in_parallel(&pending, |(_, file)| file.as_file().sync_data());
    for ((i, _), outcome) in pending.iter().zip(synced) {
        if let Err(e) = outcome {
            results[*i] = Err(e.to_string());
        }
    }
    for (i, file) in pending {
        if results[i].is_err() {
            continue;
        }
        match file.persist(&batch[i].path) {
            Ok(_) => directories.extend(path_directories(&batch[i])),
            Err(e) => results[i] = Err(e.error.to_string()),
        }
    }
    let directories: Vec<PathBuf> = directories.into_iter().collect();
    let synced = in_parallel(&directories, |dir| sync_directory(dir));
    let failed: Vec<(&PathBuf, String)> = directories
        .iter()
        .zip(synced)
        .filter_map(|(dir, outcome)| outcome.err().map(|e| (dir, e.to_string())))
        .collect();
    for (i, job) in batch.iter().enumerate() {
        let at = first.get(job.path.as_path()).copied().unwrap_or(i);
        if at != i {
            results[i] = results[at].clone();
        }
        if results[i].is_ok()
            && let Some((dir, reason)) = failed.iter().find(|(dir, _)| job.path.starts_with(dir))
        {
            results[i] = Err(format!("sync {}: {reason}", dir.display()));
        }
    }
    Written {
        results,
        directories,
    }
}

/// Whether the file at `path` holds exactly `bytes` (its length first,
/// then its bytes, read a piece at a time). One that cannot be read is
/// not: it is written again.
fn intact(path: &Path, bytes: &[u8]) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    if !file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
    {
        return false;
    }
    let mut piece = vec![0; 64 << 10];
    let mut rest = bytes;
    loop {
        match file.read(&mut piece) {
            Ok(0) => return rest.is_empty(),
            Ok(read) => match rest.split_at_checked(read) {
                Some((expected, after)) if *expected == piece[..read] => rest = after,
                _ => return false,
            },
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// The directories from the one holding `job`'s file up to the store's
/// root: each holds the name of the next.
fn path_directories(job: &Job) -> Vec<PathBuf> {
    let Some(dir) = job.path.parent() else {
        return Vec::new();
    };
    let mut directories = vec![dir.to_path_buf()];
    directories.extend(
        dir.ancestors()
            .skip(1)
            .take_while(|above| above.starts_with(&job.root))
            .map(Path::to_path_buf),
    );
    directories
}

/// Makes the names in the directory `dir` durable (the current directory
/// for a relative root's empty parent).
fn sync_directory(dir: &Path) -> io::Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    File::open(dir)?.sync_all()
}

/// `sync` run on every item, by up to [`SYNC_THREADS`] threads at once:
/// each outcome, in order. A disk takes several flushes at once, and a
/// file system's journal commits the syncs that wait together once, so
/// syncing in parallel costs about one sync, not one per file.
fn in_parallel<T: Sync>(
    items: &[T],
    sync: impl Fn(&T) -> io::Result<()> + Sync,
) -> Vec<io::Result<()>> {
    if items.len() <= 1 {
        return items.iter().map(&sync).collect();
    }
    let per_thread = items.len().div_ceil(SYNC_THREADS);
    std::thread::scope(|scope| {
        let sync = &sync;
        let threads: Vec<_> = items
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter().map(sync).collect::<Vec<_>>()))
            .collect();
        threads
            .into_iter()
            .zip(items.chunks(per_thread))
            .flat_map(|(thread, chunk)| {
                thread.join().unwrap_or_else(|_| {
                    chunk
                        .iter()
                        .map(|_| Err(io::Error::other("a sync thread panicked")))
                        .collect()
                })
            })
            .collect()
    })
}

/// `bytes` written (not yet synced) to a new temporary file in `dir`,
/// creating `dir` and noting in `directories` each directory a new one
/// was made in.
fn temporary(
    dir: &Path,
    bytes: &[u8],
    directories: &mut BTreeSet<PathBuf>,
) -> io::Result<NamedTempFile> {
    if !dir.is_dir() {
        // Each directory made is a new name in its parent.
        let mut missing = dir;
        while !missing.is_dir() {
            match missing.parent() {
                Some(parent) => {
                    directories.insert(parent.to_path_buf());
                    missing = parent;
                }
                None => break,
            }
        }
        std::fs::create_dir_all(dir)?;
    }
    let mut file = NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    start_writeback(file.as_file());
    Ok(file)
}

/// Asks the kernel to start writing `file` out now, without waiting: by the
/// time the batch is synced, its bytes are on their way, and the syncs of
/// the batch's files wait for one journal commit together instead of one
/// each. Only a hint: durability rests on the syncs.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn start_writeback(file: &File) {
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed);
}

/// Elsewhere the syncs alone write the files out.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn start_writeback(_: &File) {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{Job, write_batch};
    use std::path::Path;

    fn job(root: &Path, file: impl AsRef<Path>, bytes: &[u8]) -> Job {
        let (reply, _) = tokio::sync::oneshot::channel();
        Job {
            root: root.to_path_buf(),
            path: root.join(file),
            bytes: bytes.to_vec(),
            reply,
        }
    }

    #[test]
    fn a_batch_syncs_each_directory_once_and_fails_only_its_broken_files() {
        // Given a batch of 40 files in two directories, one path twice, and
        // one file under a path that is a file, not a directory.
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("blocked"), b"a file").unwrap();
        let mut batch: Vec<Job> = (0..40)
            .map(|i| {
                let dir = if i % 2 == 0 { "aa" } else { "bb" };
                job(
                    root.path(),
                    Path::new("t").join(dir).join(format!("{i}")),
                    &[i as u8; 100],
                )
            })
            .collect();
        batch.push(job(root.path(), "t/aa/0", &[0; 100]));
        batch.push(job(root.path(), "blocked/x", b"nowhere"));

        // When it is written.
        let written = write_batch(&batch);

        // Then every file but the blocked one is in place with its bytes.
        let (last, rest) = written.results.split_last().unwrap();
        assert!(last.is_err(), "{last:?}");
        assert!(rest.iter().all(Result::is_ok), "{rest:?}");
        for (i, job) in batch.iter().enumerate().take(41) {
            assert_eq!(std::fs::read(&job.path).unwrap(), job.bytes, "file {i}");
        }
        // And the two directories, their parent (new) and the root (which
        // gained it) were each synced once: four syncs for 41 files.
        assert_eq!(written.directories.len(), 4);
        // And no temporary file is left.
        let names: Vec<_> = std::fs::read_dir(root.path().join("t/aa"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 20, "{names:?}");

        // When the same batch is written again, everything is in place:
        // nothing is written, the four directories are synced again.
        let again = write_batch(&batch[..41]);
        assert!(again.results.iter().all(Result::is_ok));
        assert_eq!(again.directories.len(), 4);
    }

    #[test]
    fn every_directory_from_the_root_is_synced_for_files_in_directories_made_by_another() {
        // Given a file in place, with its directories, written by another
        // writer that stopped before syncing any of them.
        let root = tempfile::tempdir().unwrap();
        let root = root.path().join("files");
        std::fs::create_dir_all(root.join("t/aa")).unwrap();
        std::fs::write(root.join("t/aa/kept"), b"kept").unwrap();

        // When a batch puts it again, and a new file beside it.
        let batch = [
            job(&root, "t/aa/kept", b"kept"),
            job(&root, "t/aa/new", b"new"),
        ];
        let written = write_batch(&batch);

        // Then both are in place, and each directory holding a name on
        // their way from the root was synced, once, and none above it.
        assert!(written.results.iter().all(Result::is_ok));
        assert_eq!(std::fs::read(root.join("t/aa/new")).unwrap(), b"new");
        assert_eq!(
            written.directories,
            [root.clone(), root.join("t"), root.join("t/aa")]
        );
    }
}
