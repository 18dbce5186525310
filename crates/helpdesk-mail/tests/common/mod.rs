//! The shared mail corpus (`../shared/mailcorpus/` beside the workspace):
//! real mails and reply bodies from other projects' test suites, with the
//! expectations those suites assert. Read at run time, never copied.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

pub mod manifest;
pub mod memory;

/// The corpus directory; a test fails when it is missing.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("HELPDESK_MAILCORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/mailcorpus")
        });
    assert!(
        dir.join("cases.jsonl").is_file(),
        "the mail corpus is not at {} (set HELPDESK_MAILCORPUS)",
        dir.display()
    );
    dir
}

/// One case of `cases.jsonl`.
pub struct Case {
    /// Its id.
    pub id: String,
    /// The project it comes from: the part of `source` before `@`.
    pub source: String,
    /// `reply_text` or `mime`.
    pub kind: String,
    /// The whole case.
    pub json: Value,
}

impl Case {
    /// A string field.
    pub fn str(&self, field: &str) -> Option<&str> {
        self.json.get(field).and_then(Value::as_str)
    }

    /// A boolean field.
    pub fn flag(&self, field: &str) -> Option<bool> {
        self.json.get(field).and_then(Value::as_bool)
    }

    /// The input's bytes: the raw file where there is one, else `body`.
    pub fn input(&self) -> Vec<u8> {
        match self.str("file") {
            Some(file) => std::fs::read(corpus_dir().join(file)).unwrap(),
            None => self.str("body").unwrap_or_default().as_bytes().to_vec(),
        }
    }
}

/// Every case of the corpus.
pub fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(corpus_dir().join("cases.jsonl")).unwrap();
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let json: Value = serde_json::from_str(line).unwrap();
            let source = json["source"].as_str().unwrap_or_default();
            let project = source.split('@').next().unwrap_or_default();
            let project = project.rsplit('/').next().unwrap_or(project).to_string();
            Case {
                id: json["id"].as_str().unwrap_or_default().to_string(),
                source: project,
                kind: json["kind"].as_str().unwrap_or_default().to_string(),
                json,
            }
        })
        .collect()
}

/// Pass counts per (source, check), printed as a table.
#[derive(Default)]
pub struct Tally {
    counts: BTreeMap<(String, String), (usize, usize)>,
    failures: Vec<String>,
}

impl Tally {
    /// Records one check of one case.
    pub fn check(
        &mut self,
        case: &Case,
        check: &str,
        passed: bool,
        detail: impl FnOnce() -> String,
    ) {
        let entry = self
            .counts
            .entry((case.source.clone(), check.to_string()))
            .or_default();
        entry.1 += 1;
        if passed {
            entry.0 += 1;
        } else {
            self.failures
                .push(format!("{} [{check}]: {}", case.id, detail()));
        }
    }

    /// Passed and total over every source for `check`.
    pub fn total(&self, check: &str) -> (usize, usize) {
        self.counts
            .iter()
            .filter(|((_, c), _)| c == check)
            .fold((0, 0), |(p, t), (_, (cp, ct))| (p + cp, t + ct))
    }

    /// The table of pass rates, then the failures.
    pub fn report(&self) -> String {
        let mut out = String::from("source               check                     passed\n");
        for ((source, check), (passed, total)) in &self.counts {
            out.push_str(&format!(
                "{source:<20} {check:<25} {passed:>4}/{total:<4} ({:.0}%)\n",
                100.0 * *passed as f64 / (*total).max(1) as f64
            ));
        }
        for failure in &self.failures {
            out.push_str(&format!("  failed: {failure}\n"));
        }
        out
    }
}
