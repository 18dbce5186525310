//! `helpdesk check`: every problem of a desk configuration, like a
//! compiler reports them.

use std::path::Path;

use helpdesk_core::config::{Diagnostic, Severity};
use serde::Serialize;

use crate::render::{self, Format};
use crate::{Outcome, load};

/// Checks the configuration at `path` and writes its diagnostics.
pub fn run(path: &Path, format: Format) -> Outcome {
    let diagnostics = match load::config(path) {
        Ok(config) => {
            let mut found = config.diagnose();
            // Templates are parsed only once the rest is sound: a template
            // naming a missing key is already reported above.
            if !found.iter().any(|d| d.severity == Severity::Error) {
                found.extend(helpdesk_engine::Templates::check(&config));
            }
            found
        }
        Err(e) => return Outcome::unusable(e),
    };
    let file = path.display().to_string();
    let output = match format {
        Format::Text => text(&file, &diagnostics),
        Format::Json => render::json(&Report::new(&file, &diagnostics)),
    };
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    Outcome::done(output, failed)
}

/// The diagnostics in rustc's style, then a summary line:
///
/// ```text
/// error: unknown group "netwrok" (did you mean "network"?)
///   --> desk.toml: routing_rules[3].then.group
///
/// desk.toml: 1 error
/// ```
pub fn text(file: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!(
            "{}: {}\n  --> {file}: {}\n\n",
            d.severity, d.message, d.path
        ));
    }
    out.push_str(&summary(file, diagnostics));
    out.push('\n');
    out
}

/// `desk.toml: 2 errors, 1 warning`, or `desk.toml: ok`.
pub fn summary(file: &str, diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = tally(diagnostics);
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(render::count(errors, "error"));
    }
    if warnings > 0 {
        parts.push(render::count(warnings, "warning"));
    }
    if parts.is_empty() {
        format!("{file}: ok")
    } else {
        format!("{file}: {}", parts.join(", "))
    }
}

fn tally(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diagnostics.len() - errors)
}

/// The `--format json` form of a check.
#[derive(Serialize)]
struct Report<'a> {
    file: &'a str,
    ok: bool,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

impl<'a> Report<'a> {
    fn new(file: &'a str, diagnostics: &'a [Diagnostic]) -> Self {
        let (errors, warnings) = tally(diagnostics);
        Self {
            file,
            ok: errors == 0,
            errors,
            warnings,
            diagnostics,
        }
    }
}
