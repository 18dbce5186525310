//! The report as CSV: one row per group and bucket.

use helpdesk_core::metrics::{Figures, Times};
use helpdesk_core::sla::Metric;

use super::Document;
use crate::render::rfc3339;

/// A field quoted when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn times(out: &mut Vec<String>, t: &Times) {
    out.extend([t.count.to_string(), opt(t.median_ms), opt(t.p90_ms)]);
}

const TIMES: [&str; 6] = [
    "first_response",
    "first_response_business",
    "next_response",
    "full_resolution",
    "full_resolution_business",
    "first_resolution",
];

fn header() -> String {
    let mut h: Vec<String> = [
        "group",
        "from",
        "to",
        "created",
        "resolved",
        "closed",
        "cancelled",
        "merged",
        "backlog_start",
        "backlog_end",
    ]
    .map(str::to_owned)
    .to_vec();
    for t in TIMES {
        h.extend([
            format!("{t}_count"),
            format!("{t}_median_ms"),
            format!("{t}_p90_ms"),
        ]);
    }
    for m in Metric::ALL {
        h.extend([format!("sla_{m}_met"), format!("sla_{m}_breached")]);
    }
    h.extend(["fcr", "first_resolved", "reopened", "escalated"].map(str::to_owned));
    h.join(",")
}

fn line(group: &str, from: &str, to: &str, f: &Figures) -> String {
    let mut out: Vec<String> = vec![field(group), from.to_owned(), to.to_owned()];
    out.extend(
        [
            f.created,
            f.resolved,
            f.closed,
            f.cancelled,
            f.merged,
            f.backlog_start,
            f.backlog_end,
        ]
        .map(|n| n.to_string()),
    );
    for t in [
        &f.first_response,
        &f.first_response_business,
        &f.next_response,
        &f.full_resolution,
        &f.full_resolution_business,
        &f.first_resolution,
    ] {
        times(&mut out, t);
    }
    for m in Metric::ALL {
        let c = f.sla.iter().find(|c| c.metric == m);
        let (met, whole) = c.map_or((0, 0), |c| (c.met.part, c.met.whole));
        out.extend([met.to_string(), (whole - met).to_string()]);
    }
    out.extend(
        [
            f.first_contact_resolution.part,
            f.first_contact_resolution.whole,
            f.reopened.part,
            f.escalated.part,
        ]
        .map(|n| n.to_string()),
    );
    out.join(",")
}

/// The report as CSV: for every ticket (`all`) and each group, a row for
/// the whole period, then one per bucket.
pub fn render(doc: &Document) -> String {
    let r = &doc.report;
    let mut out = header();
    out.push('\n');
    for g in std::iter::once(&r.total).chain(&r.groups) {
        out.push_str(&line(&g.key, &rfc3339(r.from), &rfc3339(r.to), &g.figures));
        out.push('\n');
        for p in &g.series {
            out.push_str(&line(&g.key, &rfc3339(p.from), &rfc3339(p.to), &p.figures));
            out.push('\n');
        }
    }
    out
}
