//! What kind of file bytes are, read from the bytes, and the type the desk
//! records for a file: never taken from its name or its declaration alone.

/// The type `bytes` show by their signature, if any.
///
/// Office Open XML documents are zip files whose signature `infer` reads
/// off the first entries' names only; producers that write other entries
/// first (`docProps/`, a thumbnail), or Zip64 local headers (whose sizes
/// `infer` cannot skip), leave them as `application/zip`. Such a zip whose
/// own entries (its central directory's, not those of files stored inside
/// it; in a Zip64 file, found through its Zip64 end record) include
/// `[Content_Types].xml` and a `word/`, `xl/` or `ppt/` part is the
/// document it holds. A reader of the bytes that panics
/// (the OLE2 one parses whole compound files) counts as no signature.
///
/// Three of `infer`'s signatures say too little to count: a certificate by
/// `-----BEGIN` (which every armored PGP message, key or signing request
/// also starts with) or by the two bytes of an ASN.1 sequence (an S/MIME
/// signature too), and an object file by two bytes. Recorded as a CA
/// certificate, a PGP message would ask a browser to install it.
pub(crate) fn detected(bytes: &[u8]) -> Option<Kind> {
    const WEAK: [&str; 3] = ["pem", "der", "obj"];
    let kind = std::panic::catch_unwind(|| infer::get(bytes)).ok()??;
    if WEAK.contains(&kind.extension()) {
        return None;
    }
    let kind = Kind {
        mime: kind.mime_type(),
        extension: kind.extension(),
    };
    if kind.mime == "application/zip" {
        return Some(office_document(bytes).unwrap_or(kind));
    }
    Some(kind)
}

/// A kind of file: its content type and the extension a file of it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    pub(crate) mime: &'static str,
    pub(crate) extension: &'static str,
}

/// The kinds of text a viewer shows as they are, which a text file keeps
/// when declared as one, with their extensions.
const TEXT_KINDS: [(&str, &str); 9] = [
    ("text/plain", "txt"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("text/calendar", "ics"),
    ("text/vcard", "vcf"),
    ("text/x-vcard", "vcf"),
    ("text/markdown", "md"),
    ("text/x-log", "log"),
    ("application/json", "json"),
];

/// The type recorded for a file declared as `declared` whose bytes showed
/// `detected`: the detected type where the bytes have a binary signature;
/// for text, the declared type when it names a kind of text a viewer shows
/// as it is (`text/csv`, `application/json`), else `text/plain`; anything
/// else is `application/octet-stream`. Neither a declaration nor text that
/// looks like markup (`<html>`, `<?xml`, `#!`) makes a file a type that a
/// viewer would render or run.
pub(crate) fn recorded<'a>(declared: &'a str, detected: Option<Kind>, bytes: &[u8]) -> &'a str {
    recorded_kind(declared, detected, bytes).map_or("application/octet-stream", |(mime, _)| mime)
}

/// The extension for a file of no name: that of its [recorded] type, and
/// `eml` for a forwarded message (recorded as text).
pub(crate) fn extension(
    declared: &str,
    detected: Option<Kind>,
    bytes: &[u8],
) -> Option<&'static str> {
    if declared == "message/rfc822" {
        return Some("eml");
    }
    recorded_kind(declared, detected, bytes).map(|(_, extension)| extension)
}

/// The recorded type and its extension; `None` for bytes of no signature
/// that are not text.
fn recorded_kind<'a>(
    declared: &'a str,
    detected: Option<Kind>,
    bytes: &[u8],
) -> Option<(&'a str, &'static str)> {
    /// What `infer` reads off text: markup and scripts.
    const SNIFFED_TEXT: &[&str] = &["text/html", "text/xml", "text/x-shellscript"];
    match detected.filter(|kind| !SNIFFED_TEXT.contains(&kind.mime)) {
        Some(kind) => Some((kind.mime, kind.extension)),
        None if is_text(bytes) => Some(
            TEXT_KINDS
                .iter()
                .find(|(mime, _)| *mime == declared)
                .map_or(("text/plain", "txt"), |(_, extension)| {
                    (declared, *extension)
                }),
        ),
        None => None,
    }
}

/// Whether `bytes` are text: UTF-8 (a text part is decoded to it) without
/// control characters other than tabs, line and page breaks.
fn is_text(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && std::str::from_utf8(bytes).is_ok_and(|text| {
            text.chars()
                .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c'))
        })
}

/// The Office Open XML type of a zip file, from its entries' names.
fn office_document(zip: &[u8]) -> Option<Kind> {
    const PARTS: [(&[u8], Kind); 3] = [
        (
            b"word/",
            Kind {
                mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                extension: "docx",
            },
        ),
        (
            b"xl/",
            Kind {
                mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                extension: "xlsx",
            },
        ),
        (
            b"ppt/",
            Kind {
                mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                extension: "pptx",
            },
        ),
    ];
    let mut content_types = false;
    let mut part = None;
    for name in entry_names(zip)? {
        if name == b"[Content_Types].xml" {
            content_types = true;
        } else if part.is_none() {
            part =
                (PARTS.iter()).find_map(|(prefix, kind)| name.starts_with(prefix).then_some(*kind));
        }
    }
    part.filter(|_| content_types)
}

/// The names of a zip file's entries, from its central directory, found
/// by the end of central directory record (or, in a Zip64 file, by the
/// Zip64 end record it points to); `None` when the bytes hold no such
/// record (a cut-off or unusual zip).
fn entry_names(zip: &[u8]) -> Option<impl Iterator<Item = &[u8]>> {
    const END: &[u8] = b"PK\x05\x06";
    const END_FIXED: usize = 22;
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const LOCATOR_FIXED: usize = 20;
    const END64: &[u8] = b"PK\x06\x06";
    const CENTRAL: &[u8] = b"PK\x01\x02";
    const CENTRAL_FIXED: usize = 46;
    let u16_at = move |at: usize| -> Option<usize> {
        let b = zip.get(at..at + 2)?;
        Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = move |at: usize| -> Option<usize> {
        let b = zip.get(at..at + 4)?;
        usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
    };
    let u64_at = move |at: usize| -> Option<u64> {
        let b = zip.get(at..at + 8)?;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    };
    // The record ends the file, after a comment of at most 64 KiB.
    let earliest = zip.len().saturating_sub(END_FIXED + usize::from(u16::MAX));
    let end = (earliest..=zip.len().checked_sub(END_FIXED)?)
        .rev()
        .find(|&at| zip.get(at..at + 4) == Some(END))?;
    // A Zip64 file keeps its count of entries and where its central
    // directory starts in a Zip64 end record, which a locator just before
    // the end record points to; the end record's own fields may then hold
    // only 0xFFFF and 0xFFFFFFFF, which point nowhere. Its offsets (any
    // u64) are taken only below the bytes' length, where adding a record's
    // size to them cannot overflow.
    let zip64 = end
        .checked_sub(LOCATOR_FIXED)
        .filter(|&locator| zip.get(locator..locator + 4) == Some(LOCATOR))
        .and_then(|locator| usize::try_from(u64_at(locator + 8)?).ok())
        .filter(|&record| record < zip.len() && zip.get(record..record + 4) == Some(END64))
        .and_then(|record| Some((u64_at(record + 32)?, u64_at(record + 48)?)));
    let (entries, mut at) = match zip64 {
        Some((entries, at)) => (
            entries,
            usize::try_from(at).ok().filter(|&at| at < zip.len())?,
        ),
        None => (u16_at(end + 10)? as u64, u32_at(end + 16)?),
    };
    let mut left = entries;
    Some(std::iter::from_fn(move || {
        if left == 0 || zip.get(at..at + 4) != Some(CENTRAL) {
            return None;
        }
        left -= 1;
        let name_len = u16_at(at + 28)?;
        let skip = name_len + u16_at(at + 30)? + u16_at(at + 32)?;
        let name = zip.get(at + CENTRAL_FIXED..at + CENTRAL_FIXED + name_len)?;
        at += CENTRAL_FIXED + skip;
        Some(name)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The detected type of `bytes`.
    fn mime(bytes: &[u8]) -> Option<&'static str> {
        detected(bytes).map(|kind| kind.mime)
    }

    /// A zip storing `entries` (name and bytes) uncompressed, with its
    /// central directory and end record.
    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let header = |signature: &[u8], out: &mut Vec<u8>, central: bool| {
                out.extend_from_slice(signature);
                if central {
                    out.extend_from_slice(&[20, 0]); // made by
                }
                out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
                out.extend_from_slice(&[0; 4]); // crc-32
                out.extend_from_slice(&(data.len() as u32).to_le_bytes());
                out.extend_from_slice(&(data.len() as u32).to_le_bytes());
                out.extend_from_slice(&(name.len() as u16).to_le_bytes());
                out.extend_from_slice(&[0, 0]); // extra
                if central {
                    out.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
                    out.extend_from_slice(&[0; 4]); // external attributes
                    out.extend_from_slice(&offset.to_le_bytes());
                }
                out.extend_from_slice(name.as_bytes());
            };
            header(b"PK\x03\x04", &mut out, false);
            out.extend_from_slice(data);
            header(b"PK\x01\x02", &mut central, true);
        }
        let (at, size) = (out.len() as u32, central.len() as u32);
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        let count = (entries.len() as u16).to_le_bytes();
        out.extend_from_slice(&count);
        out.extend_from_slice(&count);
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&[0, 0]); // comment
        out
    }

    /// A zip of `names`, each entry holding `<x/>`.
    fn zip(names: &[&str]) -> Vec<u8> {
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, &b"<x/>"[..])).collect();
        zip_of(&entries)
    }

    /// The CRC-32 of `bytes`, as a zip records it.
    fn crc32(bytes: &[u8]) -> u32 {
        !bytes.iter().fold(!0, |crc, &byte| {
            (0..8).fold(crc ^ u32::from(byte), |crc, _| {
                (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg())
            })
        })
    }

    /// A Zip64 file storing `entries` (name and bytes) uncompressed, laid
    /// out as Zip64 writers do: each local header and central directory
    /// entry with 0xFFFFFFFF for its sizes (and offset) and the real ones in
    /// a Zip64 extra field, then a Zip64 end record and its locator, and an
    /// end record whose count, size and offset are 0xFFFF and 0xFFFFFFFF.
    fn zip64_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        const VERSION: [u8; 2] = [45, 0]; // 4.5: Zip64
        const IN_ZIP64: [u8; 4] = [0xff; 4];
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = (out.len() as u64).to_le_bytes();
            let size = (data.len() as u64).to_le_bytes();
            let common = |out: &mut Vec<u8>, extra: u16| {
                out.extend_from_slice(&VERSION); // needed
                out.extend_from_slice(&[0; 8]); // flags, stored, time, date
                out.extend_from_slice(&crc32(data).to_le_bytes());
                out.extend_from_slice(&IN_ZIP64); // compressed size
                out.extend_from_slice(&IN_ZIP64); // size
                out.extend_from_slice(&(name.len() as u16).to_le_bytes());
                out.extend_from_slice(&extra.to_le_bytes());
            };
            out.extend_from_slice(b"PK\x03\x04");
            common(&mut out, 20);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&[1, 0, 16, 0]); // Zip64 extra: both sizes
            out.extend_from_slice(&size);
            out.extend_from_slice(&size);
            out.extend_from_slice(data);

            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&VERSION); // made by
            common(&mut central, 28);
            central.extend_from_slice(&[0; 10]); // comment, disk, attributes
            central.extend_from_slice(&IN_ZIP64); // offset
            central.extend_from_slice(name.as_bytes());
            central.extend_from_slice(&[1, 0, 24, 0]); // Zip64 extra: sizes, offset
            central.extend_from_slice(&size);
            central.extend_from_slice(&size);
            central.extend_from_slice(&offset);
        }
        let (at, size) = (out.len() as u64, central.len() as u64);
        out.extend_from_slice(&central);
        let record = out.len() as u64;
        let count = (entries.len() as u64).to_le_bytes();
        out.extend_from_slice(b"PK\x06\x06");
        out.extend_from_slice(&44u64.to_le_bytes()); // the record's bytes after this
        out.extend_from_slice(&VERSION); // made by
        out.extend_from_slice(&VERSION); // needed
        out.extend_from_slice(&[0; 8]); // this disk, the central directory's
        out.extend_from_slice(&count); // on this disk
        out.extend_from_slice(&count);
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(b"PK\x06\x07\0\0\0\0");
        out.extend_from_slice(&record.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes()); // disks
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&[0xff; 4]); // counts
        out.extend_from_slice(&IN_ZIP64); // size
        out.extend_from_slice(&IN_ZIP64); // offset
        out.extend_from_slice(&[0, 0]); // comment
        out
    }

    /// A Zip64 file of `names`, each entry holding `<x/>`.
    fn zip64(names: &[&str]) -> Vec<u8> {
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, &b"<x/>"[..])).collect();
        zip64_of(&entries)
    }

    #[test]
    fn an_office_document_is_known_by_its_parts_wherever_they_are_stored() {
        let late_word = zip(&[
            "_rels/.rels",
            "docProps/app.xml",
            "docProps/thumbnail.jpeg",
            "[Content_Types].xml",
            "word/document.xml",
        ]);
        assert_eq!(
            mime(&late_word),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        let sheet = zip(&[
            "docProps/core.xml",
            "xl/workbook.xml",
            "x",
            "[Content_Types].xml",
        ]);
        assert_eq!(
            mime(&sheet),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
    }

    #[test]
    fn a_zip64_office_document_is_known_by_its_parts() {
        // Given Office documents written as Zip64 files, whose local
        // headers `infer` cannot step over and whose end record points
        // nowhere but to their Zip64 end record.
        let documents = [
            (
                zip64(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (
                zip64(&[
                    "docProps/core.xml",
                    "[Content_Types].xml",
                    "xl/workbook.xml",
                ]),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                zip64(&["[Content_Types].xml", "ppt/presentation.xml"]),
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ),
        ];
        for (bytes, office) in documents {
            // When their type is read, then it is the document's.
            assert_eq!(mime(&bytes), Some(office));
        }
    }

    #[test]
    fn a_zip64_file_of_other_files_is_a_zip() {
        // Given Zip64 files: one of a folder named `word`, one storing a
        // document (Zip64 too) among other files.
        let folder = zip64(&["notes/a.txt", "word/draft.txt"]);
        let document = zip64(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
        let archive = zip64_of(&[("notes/readme.txt", b"hello"), ("report.docx", &document)]);

        // When their type is read, then each is a zip.
        assert_eq!(mime(&folder), Some("application/zip"));
        assert_eq!(mime(&archive), Some("application/zip"));
    }

    #[test]
    fn a_zip64_file_pointing_past_its_bytes_is_a_zip() {
        // Given a Zip64 document whose locator, then whose Zip64 end
        // record, points as far as a u64 goes.
        let whole = zip64(&["[Content_Types].xml", "word/document.xml"]);
        let (end, record) = (whole.len() - 22, whole.len() - 22 - 20 - 56);
        let mut far_record = whole.clone();
        far_record[end - 12..end - 4].fill(0xff);
        let mut far_directory = whole;
        far_directory[record + 48..record + 56].fill(0xff);

        // When their type is read, then each is a zip, without a panic.
        assert_eq!(mime(&far_record), Some("application/zip"));
        assert_eq!(mime(&far_directory), Some("application/zip"));
    }

    /// An OLE2 compound file whose root storage has `clsid`.
    fn ole2(clsid: &str) -> Vec<u8> {
        let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        file.set_storage_clsid("/", uuid::Uuid::parse_str(clsid).unwrap())
            .unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    #[test]
    fn an_office_97_file_is_known_by_its_class() {
        let sheet = ole2("00020820-0000-0000-c000-000000000046");
        assert_eq!(mime(&sheet), Some("application/vnd.ms-excel"));
        let document = ole2("00020906-0000-0000-c000-000000000046");
        assert_eq!(mime(&document), Some("application/msword"));
        // An Outlook item is no Office document, but still an OLE2 file.
        let item = ole2("00020d0b-0000-0000-c000-000000000046");
        assert_eq!(mime(&item), Some("application/x-ole-storage"));
    }

    #[test]
    fn a_zip_of_a_folder_named_word_is_a_zip() {
        let folder = zip(&["notes/a.txt", "notes/b.txt", "word/draft.txt"]);
        assert_eq!(mime(&folder), Some("application/zip"));
    }

    #[test]
    fn a_zip_storing_a_document_is_a_zip() {
        let document = zip(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
        let archive = zip_of(&[("notes/readme.txt", b"hello"), ("report.docx", &document)]);
        assert_eq!(mime(&archive), Some("application/zip"));
    }

    proptest::proptest! {
        #[test]
        fn a_damaged_zip_is_read_without_panic_as_a_zip_or_a_document(
            damage in proptest::collection::vec((0usize..512, proptest::prelude::any::<u8>()), 0..24),
            zip64_file in proptest::prelude::any::<bool>(),
        ) {
            let names = ["a", "[Content_Types].xml", "word/document.xml", "b"];
            let mut bytes = if zip64_file { zip64(&names) } else { zip(&names) };
            for (at, byte) in damage {
                let at = at % bytes.len();
                // The signature stays, so the reading of the rest is what
                // the damage reaches.
                if at >= 4 {
                    bytes[at] = byte;
                }
            }
            let kind = detected(&bytes);
            proptest::prop_assert!(
                kind.is_some_and(|k| k.mime.contains("zip") || k.mime.contains("openxml")),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_cut_off_zip_is_a_zip_and_never_panics() {
        let names = ["a", "b", "[Content_Types].xml", "word/document.xml"];
        for whole in [zip(&names), zip64(&names)] {
            for end in 4..whole.len() {
                let kind = detected(&whole[..end]);
                assert!(
                    kind.is_some_and(|k| k.mime.contains("zip") || k.mime.contains("openxml")),
                    "{kind:?}"
                );
            }
        }
    }

    #[test]
    fn prefixes_much_else_begins_with_are_no_signature() {
        let pgp = b"-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA1\r\n-----END PGP MESSAGE-----\r\n";
        assert_eq!(mime(pgp), None);
        assert_eq!(
            recorded("application/octet-stream", None, pgp),
            "text/plain"
        );
        // An S/MIME signature's ASN.1 sequence, and data starting 00 02.
        for binary in [
            &b"\x30\x82\x03\x5c\x30\x82\x02\x44\xa0\x03"[..],
            b"\x00\x02\x10\xff\x00",
        ] {
            assert_eq!(mime(binary), None);
            assert_eq!(
                recorded("application/pkcs7-signature", None, binary),
                "application/octet-stream"
            );
        }
        // What the weak ones stood before stays known.
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.resize(64, 0);
        assert_eq!(mime(&elf), Some("application/x-executable"));
    }

    #[test]
    fn text_keeps_a_plain_text_declaration_and_nothing_else() {
        let csv = b"name,seat\nAnn,12\n";
        assert_eq!(recorded("text/csv", None, csv), "text/csv");
        assert_eq!(
            recorded("application/json", None, b"{\"a\": 1}"),
            "application/json"
        );
        assert_eq!(recorded("text/html", None, b"click here"), "text/plain");
        for markup in [
            &b"<script>alert(1)</script>"[..],
            b"<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"/>",
            b"<!DOCTYPE html><p>hi</p>",
            b"#!/bin/sh\nrm -rf /\n",
        ] {
            let sniffed = detected(markup);
            assert!(sniffed.is_some(), "{sniffed:?}");
            assert_eq!(recorded("text/plain", sniffed, markup), "text/plain");
            assert_eq!(recorded("text/html", sniffed, markup), "text/plain");
        }
        assert_eq!(
            recorded("application/octet-stream", None, b"a log\r\n"),
            "text/plain"
        );
        assert_eq!(
            recorded("text/csv", None, b"a\x00b"),
            "application/octet-stream"
        );
        assert_eq!(
            recorded("text/plain", None, b""),
            "application/octet-stream"
        );
        assert_eq!(
            recorded("text/plain", detected(b"%PDF-1.7"), b"%PDF-1.7"),
            "application/pdf"
        );
    }
}
