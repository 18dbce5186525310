//! What kind of file bytes are, read from the bytes, and the type the desk
//! records for a file: never taken from its name or its declaration alone.

/// The type `bytes` show by their signature, if any.
///
/// Office Open XML documents are zip files whose signature `infer` reads
/// off the first entries' names only; producers that write other entries
/// first (`docProps/`, a thumbnail) leave them as `application/zip`. Such a
/// zip holding `[Content_Types].xml` and a `word/`, `xl/` or `ppt/` part is
/// the document it holds.
pub(crate) fn detected(bytes: &[u8]) -> Option<&'static str> {
    let kind = infer::get(bytes)?.mime_type();
    if kind == "application/zip" {
        return Some(office_document(bytes).unwrap_or(kind));
    }
    Some(kind)
}

/// The type recorded for a file declared as `declared` whose bytes showed
/// `detected`: the detected type where the bytes have a signature; for
/// text without one, the declared type when it names a kind of text a viewer
/// shows as it is (`text/csv`, `application/json`, a forwarded
/// `message/rfc822`), else `text/plain`; anything else is
/// `application/octet-stream`. A declaration never makes a file a type
/// that a viewer would run or render (`text/html` text is `text/plain`).
pub(crate) fn recorded<'a>(declared: &'a str, detected: Option<&'a str>, bytes: &[u8]) -> &'a str {
    const TEXT_KINDS: &[&str] = &[
        "text/plain",
        "text/csv",
        "text/tab-separated-values",
        "text/calendar",
        "text/vcard",
        "text/x-vcard",
        "text/markdown",
        "text/x-log",
        "application/json",
        "message/rfc822",
    ];
    match detected {
        Some(detected) => detected,
        None if is_text(bytes) => TEXT_KINDS
            .iter()
            .find(|t| **t == declared)
            .map_or("text/plain", |_| declared),
        None => "application/octet-stream",
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
fn office_document(zip: &[u8]) -> Option<&'static str> {
    let mut content_types = false;
    let mut part = None;
    for name in entry_names(zip) {
        if name == b"[Content_Types].xml" {
            content_types = true;
        } else if part.is_none() {
            part = [
                (
                    &b"word/"[..],
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ),
                (
                    b"xl/",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                (
                    b"ppt/",
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                ),
            ]
            .into_iter()
            .find_map(|(prefix, kind)| name.starts_with(prefix).then_some(kind));
        }
        if content_types && part.is_some() {
            return part;
        }
    }
    None
}

/// The names of a zip file's entries, from their local file headers, in
/// the order they are stored.
fn entry_names(zip: &[u8]) -> impl Iterator<Item = &[u8]> {
    const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
    const FIXED: usize = 30;
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(found) = zip.get(at..)?.windows(4).position(|w| w == LOCAL_HEADER) {
            let header = at + found;
            at = header + LOCAL_HEADER.len();
            let fixed = zip.get(header..header + FIXED)?;
            let name_len = usize::from(u16::from_le_bytes([fixed[26], fixed[27]]));
            if let Some(name) = zip.get(header + FIXED..header + FIXED + name_len) {
                return Some(name);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored zip of `names`, each entry holding `<x/>`.
    fn zip(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for name in names {
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0; 4]); // crc-32
            out.extend_from_slice(&4u32.to_le_bytes());
            out.extend_from_slice(&4u32.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"<x/>");
        }
        out
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
            detected(&late_word),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        let sheet = zip(&[
            "docProps/core.xml",
            "xl/workbook.xml",
            "x",
            "[Content_Types].xml",
        ]);
        assert_eq!(
            detected(&sheet),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
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
        assert_eq!(detected(&sheet), Some("application/vnd.ms-excel"));
        let document = ole2("00020906-0000-0000-c000-000000000046");
        assert_eq!(detected(&document), Some("application/msword"));
        // An Outlook item is no Office document, but still an OLE2 file.
        let item = ole2("00020d0b-0000-0000-c000-000000000046");
        assert_eq!(detected(&item), Some("application/x-ole-storage"));
    }

    #[test]
    fn a_zip_of_a_folder_named_word_is_a_zip() {
        let folder = zip(&["notes/a.txt", "notes/b.txt", "word/draft.txt"]);
        assert_eq!(detected(&folder), Some("application/zip"));
    }

    #[test]
    fn a_cut_off_zip_is_a_zip_and_never_panics() {
        let whole = zip(&["a", "b", "[Content_Types].xml", "word/document.xml"]);
        for end in 4..whole.len() {
            let kind = detected(&whole[..end]);
            assert!(
                kind.is_some_and(|k| k.contains("zip") || k.contains("openxml")),
                "{kind:?}"
            );
        }
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
            recorded("text/plain", Some("application/pdf"), b"%PDF-"),
            "application/pdf"
        );
    }
}
