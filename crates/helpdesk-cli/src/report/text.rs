//! The report as aligned text.

use chrono_tz::Tz;
use helpdesk_core::TicketNumber;
use helpdesk_core::metrics::{Figures, GroupReport};

use super::{Document, duration, percent};
use crate::render::table;

fn local(at: chrono::DateTime<chrono::Utc>, tz: Tz) -> String {
    at.with_timezone(&tz)
        .format("%a %Y-%m-%d %H:%M")
        .to_string()
}

fn header() -> Vec<String> {
    [
        "",
        "created",
        "resolved",
        "backlog",
        "FRT median",
        "FRT p90",
        "NRT median",
        "resolution median",
        "resolution p90",
        "FCR",
        "reopened",
        "escalated",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn row(label: &str, f: &Figures) -> Vec<String> {
    vec![
        label.to_owned(),
        f.created.to_string(),
        f.resolved.to_string(),
        f.backlog_end.to_string(),
        duration(f.first_response.median_ms),
        duration(f.first_response.p90_ms),
        duration(f.next_response.median_ms),
        duration(f.full_resolution.median_ms),
        duration(f.full_resolution.p90_ms),
        percent(f.first_contact_resolution.rate),
        percent(f.reopened.rate),
        percent(f.escalated.rate),
    ]
}

fn sla(group: &GroupReport) -> String {
    let parts: Vec<String> = group
        .figures
        .sla
        .iter()
        .map(|c| {
            format!(
                "{} {} ({}/{})",
                c.metric,
                percent(c.met.rate),
                c.met.part,
                c.met.whole
            )
        })
        .collect();
    if parts.is_empty() {
        "no SLA cycle settled".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The whole report as text.
pub fn render(doc: &Document, tz: Tz) -> String {
    let r = &doc.report;
    let mut out = format!(
        "{}: {} .. {} ({}), {} tickets, {} events\n\n",
        doc.db,
        local(r.from, tz),
        local(r.to, tz),
        r.tz,
        doc.tickets,
        doc.events
    );
    let mut rows = vec![header(), row("all", &r.total.figures)];
    rows.extend(r.groups.iter().map(|g| row(&g.key, &g.figures)));
    out.push_str(&table("", &rows));
    out.push_str(&format!("\nSLA compliance: {}\n", sla(&r.total)));
    for g in &r.groups {
        out.push_str(&format!("  {}: {}\n", g.key, sla(g)));
    }
    out.push_str("\nBacklog at the end by age: ");
    let ages: Vec<String> = r
        .backlog_ages
        .iter()
        .map(|b| format!("{} {}", b.label, b.count))
        .collect();
    out.push_str(&ages.join(", "));
    out.push_str("\n\nAgents:\n");
    let mut agents = vec![
        ["", "open", "resolved", "replies"]
            .map(str::to_owned)
            .to_vec(),
    ];
    agents.extend(r.agents.iter().map(|a| {
        vec![
            a.agent.clone(),
            a.open.to_string(),
            a.resolved.to_string(),
            a.replies.to_string(),
        ]
    }));
    out.push_str(&table("  ", &agents));
    let every = r.every.map_or("period", |e| match e {
        helpdesk_core::metrics::Interval::Day => "day",
        helpdesk_core::metrics::Interval::Week => "week",
    });
    out.push_str(&format!("\nPer {every}:\n"));
    let mut series = vec![
        ["from", "created", "resolved", "backlog", "FRT median"]
            .map(str::to_owned)
            .to_vec(),
    ];
    series.extend(r.total.series.iter().map(|p| {
        vec![
            local(p.from, tz),
            p.figures.created.to_string(),
            p.figures.resolved.to_string(),
            p.figures.backlog_end.to_string(),
            duration(p.figures.first_response.median_ms),
        ]
    }));
    out.push_str(&table("  ", &series));
    let t = &doc.trends;
    out.push_str(&format!(
        "\nRising since {} (against the same hours of {} earlier weeks):\n",
        local(t.from, tz),
        t.baseline.len()
    ));
    if t.rising.is_empty() {
        out.push_str("  nothing rises\n");
    }
    for rising in &t.rising {
        out.push_str(&format!(
            "  {:?} {:?}: {} tickets, {:.1} expected (p = {:.2e})\n",
            rising.dimension, rising.value, rising.count, rising.expected, rising.p_value
        ));
    }
    for cluster in &t.clusters {
        out.push_str(&format!(
            "  {} tickets about {} since {}: {:?}\n",
            cluster.size,
            cluster.keywords.join(" "),
            local(cluster.first_at, tz),
            cluster.subject
        ));
        if !cluster.numbers.is_empty() {
            out.push_str(&format!("    {}\n", numbers(&cluster.numbers)));
        }
    }
    out
}

/// The first tickets of a list by number, and how many more there are.
fn numbers(numbers: &[TicketNumber]) -> String {
    const SHOWN: usize = 12;
    let mut text: Vec<String> = numbers
        .iter()
        .take(SHOWN)
        .map(ToString::to_string)
        .collect();
    if numbers.len() > SHOWN {
        text.push(format!("and {} more", numbers.len() - SHOWN));
    }
    text.join(" ")
}
