//! The pack file of [`SqliteAttachments`](super::SqliteAttachments): the
//! files, one record after another, each a header and the file's bytes.
//!
//! A header is [`HEADER`] bytes: the magic `hdpk`, the tenant's UUID, the
//! SHA-256 of the bytes (the key) and their length (big-endian). The pack
//! holds everything needed to find a file; the database beside it is an
//! index of it, and the records past the end it records are read by
//! [`records_from`] (after a power loss took the index's last commits).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::AttachmentKey;

/// The bytes of a record's header.
pub(super) const HEADER: u64 = 60;

const MAGIC: &[u8; 4] = b"hdpk";

/// The pack file beside the database at `database`.
pub(super) fn pack_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-pack");
    PathBuf::from(name)
}

/// The header of the record of `length` bytes under `key`, kept for
/// `tenant`.
pub(super) fn header(tenant: Uuid, key: &AttachmentKey, length: usize) -> [u8; HEADER as usize] {
    let mut header = [0; HEADER as usize];
    header[..4].copy_from_slice(MAGIC);
    header[4..20].copy_from_slice(tenant.as_bytes());
    header[20..52].copy_from_slice(&key.digest());
    header[52..].copy_from_slice(&(length as u64).to_be_bytes());
    header
}

/// A record found in the pack: whose file, and where its bytes lie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    pub(super) tenant: Uuid,
    pub(super) key: AttachmentKey,
    /// Where the bytes start.
    pub(super) start: u64,
    pub(super) length: u64,
}

impl Record {
    /// The record's bytes, when they are whole: their SHA-256 is the key.
    pub(super) fn read(&self, file: &mut File) -> std::io::Result<Option<Vec<u8>>> {
        let Ok(length) = usize::try_from(self.length) else {
            return Ok(None);
        };
        let mut bytes = vec![0; length];
        file.seek(SeekFrom::Start(self.start))?;
        file.read_exact(&mut bytes)?;
        Ok((AttachmentKey::of(&bytes) == self.key).then_some(bytes))
    }

    /// Whether the record holds `bytes` (the key's, in hand): false for one
    /// of another length, one reaching past the file's end, and one whose
    /// bytes differ. They are compared as they are read, a piece at a time,
    /// not hashed, and the reading stops at the first piece that differs.
    pub(super) fn holds(&self, file: &mut File, bytes: &[u8]) -> std::io::Result<bool> {
        const PIECE: usize = 64 << 10;
        if self.length != bytes.len() as u64
            || self.start.saturating_add(self.length) > file.metadata()?.len()
        {
            return Ok(false);
        }
        file.seek(SeekFrom::Start(self.start))?;
        let mut piece = vec![0; PIECE.min(bytes.len())];
        for expected in bytes.chunks(PIECE) {
            let piece = &mut piece[..expected.len()];
            match file.read_exact(piece) {
                Ok(()) if piece == expected => {}
                Ok(()) => return Ok(false),
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }
}

/// The records from `start` on, up to the first that is not one (a header
/// cut short or damaged, or bytes reaching past the file's end: what a
/// crash in the middle of a write leaves). Their bytes are not checked.
pub(super) fn records_from(file: &mut File, start: u64) -> std::io::Result<Vec<Record>> {
    let size = file.metadata()?.len();
    let mut records = Vec::new();
    let mut at = start;
    let mut header = [0; HEADER as usize];
    while size.saturating_sub(at) >= HEADER {
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(&mut header)?;
        let mut key = [0; 32];
        key.copy_from_slice(&header[20..52]);
        let mut length = [0; 8];
        length.copy_from_slice(&header[52..]);
        let length = u64::from_be_bytes(length);
        let start = at + HEADER;
        if &header[..4] != MAGIC || size.saturating_sub(start) < length {
            break;
        }
        let mut tenant = [0; 16];
        tenant.copy_from_slice(&header[4..20]);
        records.push(Record {
            tenant: Uuid::from_bytes(tenant),
            key: AttachmentKey::from_digest(&key),
            start,
            length,
        });
        at = start + length;
    }
    Ok(records)
}

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Write;

    use super::*;

    /// A new file in `dir` to write records to and read them back.
    pub(in crate::storage) fn scratch(dir: &tempfile::TempDir) -> File {
        File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(dir.path().join("p"))
            .unwrap()
    }

    #[test]
    fn records_are_read_back_up_to_the_first_cut_short() {
        // Given two whole records and a third cut in its bytes.
        let dir = tempfile::tempdir().unwrap();
        let mut file = scratch(&dir);
        let tenant = Uuid::from_u128(7);
        for bytes in [&b"first"[..], b"second"] {
            let key = AttachmentKey::of(bytes);
            file.write_all(&header(tenant, &key, bytes.len())).unwrap();
            file.write_all(bytes).unwrap();
        }
        let cut = AttachmentKey::of(b"third, cut");
        file.write_all(&header(tenant, &cut, 10)).unwrap();
        file.write_all(b"third").unwrap();

        // When they are read from the start.
        let records = records_from(&mut file, 0).unwrap();

        // Then the two whole ones are found, each reading back its bytes.
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].key, AttachmentKey::of(b"first"));
        assert_eq!(records[1].start, 2 * HEADER + 5);
        assert_eq!(
            records[1].read(&mut file).unwrap().as_deref(),
            Some(&b"second"[..])
        );
        assert!(records.iter().all(|r| r.tenant == tenant));
        // And from the middle of a record nothing is found.
        assert_eq!(records_from(&mut file, 3).unwrap(), Vec::new());
    }

    #[test]
    fn a_record_holds_its_bytes_until_one_is_changed_or_the_file_is_cut() {
        // Given a record of 200,000 bytes (more than one piece read).
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let key = AttachmentKey::of(&bytes);
        let mut file = scratch(&dir);
        file.write_all(&header(Uuid::from_u128(7), &key, bytes.len()))
            .unwrap();
        file.write_all(&bytes).unwrap();
        let record = records_from(&mut file, 0).unwrap().remove(0);

        // When it is checked against its bytes, then it holds them, and
        // not others of its length, nor fewer.
        assert!(record.holds(&mut file, &bytes).unwrap());
        let mut other = bytes.clone();
        other[150_000] ^= 1;
        assert!(!record.holds(&mut file, &other).unwrap());
        assert!(!record.holds(&mut file, &bytes[1..]).unwrap());

        // When a byte of its last piece is changed on the disk, or the file
        // is cut short, then it does not.
        file.seek(SeekFrom::Start(HEADER + 199_999)).unwrap();
        file.write_all(&[0xee]).unwrap();
        assert!(!record.holds(&mut file, &bytes).unwrap());
        file.set_len(HEADER + 100).unwrap();
        assert!(!record.holds(&mut file, &bytes).unwrap());
    }
}
