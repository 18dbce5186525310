//! The report as one self-contained HTML page: headline figures, and
//! inline SVG charts of the backlog over time, created against resolved,
//! SLA compliance, first response times and rising problems. No scripts
//! or styles are fetched; every text from tickets is escaped.
//!
//! Each figure a program may check carries its name and exact value:
//! `<td data-metric="created" data-value="123">`, and each chart
//! `<svg data-chart="backlog">` holds one `data-value` per point or bar.

use std::fmt::Write;

use chrono_tz::Tz;
use helpdesk_core::metrics::{Figures, Point};

use super::{Document, duration, percent};

/// `text` with `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;

fn label(p: &Point, tz: Tz) -> String {
    p.from.with_timezone(&tz).format("%m-%d").to_string()
}

/// A round upper bound of the axis for `max`.
fn axis(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let step = 10f64.powf(max.log10().floor());
    (max / step).ceil() * step
}

fn frame(out: &mut String, chart: &str, title: &str, top: f64) {
    let _ = write!(
        out,
        "<figure><figcaption>{}</figcaption><svg data-chart=\"{chart}\" role=\"img\" \
         aria-label=\"{}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         xmlns=\"http://www.w3.org/2000/svg\">\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{y}\" class=\"axis\"/>\
         <line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{WIDTH}\" y2=\"{y}\" class=\"axis\"/>\
         <text x=\"{tx}\" y=\"{ty}\" class=\"tick\" text-anchor=\"end\">{top}</text>\
         <text x=\"{tx}\" y=\"{y}\" class=\"tick\" text-anchor=\"end\">0</text>",
        escape(title),
        escape(title),
        y = HEIGHT - BOTTOM,
        tx = LEFT - 4.0,
        ty = TOP + 10.0,
    );
}

fn y_of(value: f64, top: f64) -> f64 {
    let plot = HEIGHT - BOTTOM - TOP;
    HEIGHT - BOTTOM - plot * (value / top)
}

/// A line chart of `values`, one point per bucket.
fn line_chart(out: &mut String, chart: &str, title: &str, points: &[(String, u64)]) {
    let top = axis(points.iter().map(|(_, v)| *v).max().unwrap_or(0) as f64);
    frame(out, chart, title, top);
    let n = points.len().max(1) as f64;
    let step = (WIDTH - LEFT - 8.0) / n;
    let coords: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (LEFT + step * (i as f64 + 0.5), y_of(*v as f64, top)))
        .collect();
    let path: Vec<String> = coords
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect();
    let _ = write!(
        out,
        "<polyline points=\"{}\" class=\"line\"/>",
        path.join(" ")
    );
    for ((label, value), (x, y)) in points.iter().zip(&coords) {
        let _ = write!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" data-label=\"{}\" data-value=\"{value}\">\
             <title>{}: {value}</title></circle>",
            escape(label),
            escape(label)
        );
    }
    x_labels(out, points.iter().map(|(l, _)| l.as_str()), step);
    out.push_str("</svg></figure>\n");
}

fn x_labels<'a>(out: &mut String, labels: impl Iterator<Item = &'a str>, step: f64) {
    let labels: Vec<&str> = labels.collect();
    let every = (labels.len() / 12).max(1);
    for (i, label) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let x = LEFT + step * (i as f64 + 0.5);
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
            HEIGHT - 8.0,
            escape(label)
        );
    }
}

/// Bars of one or more series side by side per label.
fn bar_chart(
    out: &mut String,
    chart: &str,
    title: &str,
    labels: &[String],
    series: &[(&str, Vec<u64>)],
) {
    let max = series
        .iter()
        .flat_map(|(_, values)| values.iter().copied())
        .max()
        .unwrap_or(0);
    let top = axis(max as f64);
    frame(out, chart, title, top);
    let n = labels.len().max(1) as f64;
    let step = (WIDTH - LEFT - 8.0) / n;
    let width = step * 0.8 / series.len().max(1) as f64;
    for (s, (name, values)) in series.iter().enumerate() {
        for (i, value) in values.iter().enumerate() {
            let x = LEFT + step * i as f64 + step * 0.1 + width * s as f64;
            let y = y_of(*value as f64, top);
            let label = labels.get(i).map_or("", String::as_str);
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{h:.1}\" \
                 class=\"s{s}\" data-series=\"{name}\" data-label=\"{}\" data-value=\"{value}\">\
                 <title>{} {name}: {value}</title></rect>",
                escape(label),
                escape(label),
                h = HEIGHT - BOTTOM - y,
            );
        }
    }
    x_labels(out, labels.iter().map(String::as_str), step);
    out.push_str("</svg>");
    if series.len() > 1 {
        out.push_str("<p class=\"legend\">");
        for (s, (name, _)) in series.iter().enumerate() {
            let _ = write!(out, "<span class=\"key s{s}\"></span>{name} ");
        }
        out.push_str("</p>");
    }
    out.push_str("</figure>\n");
}

/// A rate as the JSON report writes it, so the two can be compared
/// exactly.
fn json_rate(rate: Option<f64>) -> String {
    rate.and_then(|r| serde_json::to_string(&r).ok())
        .unwrap_or_default()
}

fn metric_cell(name: &str, value: impl std::fmt::Display, shown: &str) -> String {
    format!(
        "<td data-metric=\"{name}\" data-value=\"{value}\">{}</td>",
        escape(shown)
    )
}

fn headline(out: &mut String, f: &Figures) {
    out.push_str("<table class=\"headline\"><tr>");
    for name in [
        "created",
        "resolved",
        "backlog at the end",
        "first response median",
        "first response p90",
        "full resolution median",
        "first contact resolution",
        "reopened",
        "escalated",
    ] {
        let _ = write!(out, "<th>{name}</th>");
    }
    out.push_str("</tr><tr>");
    let opt = |v: Option<i64>| v.map_or_else(String::new, |v| v.to_string());
    let rate = json_rate;
    out.push_str(&metric_cell("created", f.created, &f.created.to_string()));
    out.push_str(&metric_cell(
        "resolved",
        f.resolved,
        &f.resolved.to_string(),
    ));
    out.push_str(&metric_cell(
        "backlog_end",
        f.backlog_end,
        &f.backlog_end.to_string(),
    ));
    out.push_str(&metric_cell(
        "first_response_median_ms",
        opt(f.first_response.median_ms),
        &duration(f.first_response.median_ms),
    ));
    out.push_str(&metric_cell(
        "first_response_p90_ms",
        opt(f.first_response.p90_ms),
        &duration(f.first_response.p90_ms),
    ));
    out.push_str(&metric_cell(
        "full_resolution_median_ms",
        opt(f.full_resolution.median_ms),
        &duration(f.full_resolution.median_ms),
    ));
    out.push_str(&metric_cell(
        "first_contact_resolution",
        rate(f.first_contact_resolution.rate),
        &percent(f.first_contact_resolution.rate),
    ));
    out.push_str(&metric_cell(
        "reopened",
        rate(f.reopened.rate),
        &percent(f.reopened.rate),
    ));
    out.push_str(&metric_cell(
        "escalated",
        rate(f.escalated.rate),
        &percent(f.escalated.rate),
    ));
    out.push_str("</tr></table>\n");
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
h1{font-size:20px}h2{font-size:16px;margin-top:2em}\
table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}\
th:first-child,td:first-child{text-align:left}\
figure{margin:1em 0}figcaption{font-weight:600}\
.axis{stroke:#888}.tick{font-size:10px;fill:#555}\
.line{fill:none;stroke:#2a6fdb;stroke-width:2}circle{fill:#2a6fdb}\
.s0{fill:#2a6fdb}.s1{fill:#e07b39}.key{display:inline-block;width:10px;height:10px;margin:0 4px}";

/// Marks the page as laid out once a browser has run it: the number of
/// charts it drew, for a test to read back from the rendered DOM.
const SCRIPT: &str = "document.body.dataset.renderedCharts=\
String(document.querySelectorAll('svg[data-chart]').length);";

/// The whole report as a page.
pub fn render(doc: &Document, tz: Tz) -> String {
    let r = &doc.report;
    let local = |at: chrono::DateTime<chrono::Utc>| {
        at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
    };
    let mut out = String::new();
    let title = format!(
        "Help desk report {} .. {} ({})",
        local(r.from),
        local(r.to),
        r.tz
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n\
         <p>{} tickets, {} events, from {}</p>\n",
        escape(&title),
        escape(&title),
        doc.tickets,
        doc.events,
        escape(&doc.db)
    );
    headline(&mut out, &r.total.figures);

    let series = &r.total.series;
    let labels: Vec<String> = series.iter().map(|p| label(p, tz)).collect();
    out.push_str("<h2>Backlog and flow</h2>\n");
    let backlog: Vec<(String, u64)> = series
        .iter()
        .map(|p| (label(p, tz), p.figures.backlog_end))
        .collect();
    line_chart(
        &mut out,
        "backlog",
        "Backlog at the end of each bucket",
        &backlog,
    );
    bar_chart(
        &mut out,
        "created-resolved",
        "Created and resolved",
        &labels,
        &[
            (
                "created",
                series.iter().map(|p| p.figures.created).collect(),
            ),
            (
                "resolved",
                series.iter().map(|p| p.figures.resolved).collect(),
            ),
        ],
    );

    out.push_str("<h2>SLA compliance</h2>\n");
    let metrics: Vec<String> = r
        .total
        .figures
        .sla
        .iter()
        .map(|c| c.metric.to_string())
        .collect();
    bar_chart(
        &mut out,
        "sla",
        "SLA cycles met and breached per metric",
        &metrics,
        &[
            (
                "met",
                r.total.figures.sla.iter().map(|c| c.met.part).collect(),
            ),
            (
                "breached",
                r.total
                    .figures
                    .sla
                    .iter()
                    .map(|c| c.met.whole - c.met.part)
                    .collect(),
            ),
        ],
    );
    out.push_str("<table><tr><th>metric</th><th>met</th><th>of</th><th>compliance</th></tr>");
    for c in &r.total.figures.sla {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td>{}</tr>",
            c.metric,
            c.met.part,
            c.met.whole,
            metric_cell(
                &format!("sla_{}", c.metric),
                json_rate(c.met.rate),
                &percent(c.met.rate)
            )
        );
    }
    out.push_str("</table>\n");

    out.push_str("<h2>First response times</h2>\n");
    let bins: Vec<String> = r
        .first_response_bins
        .iter()
        .map(|b| b.label.clone())
        .collect();
    bar_chart(
        &mut out,
        "first-response",
        "First responses by time taken",
        &bins,
        &[(
            "tickets",
            r.first_response_bins.iter().map(|b| b.count).collect(),
        )],
    );

    let t = &doc.trends;
    out.push_str("<h2>Rising problems</h2>\n");
    let _ = writeln!(
        out,
        "<p>Tickets created since {} against the same hours of the {} weeks before \
         (one-sided Poisson test, Bonferroni-corrected per dimension).</p>",
        local(t.from),
        t.baseline.len()
    );
    let rising_labels: Vec<String> = t
        .rising
        .iter()
        .map(|r| format!("{:?}: {}", r.dimension, r.value).to_lowercase())
        .collect();
    bar_chart(
        &mut out,
        "rising",
        "Rising values: tickets now and expected",
        &rising_labels,
        &[
            ("now", t.rising.iter().map(|r| r.count).collect()),
            (
                "expected",
                t.rising.iter().map(|r| r.expected.round() as u64).collect(),
            ),
        ],
    );
    out.push_str("<table><tr><th>value</th><th>tickets</th><th>expected</th><th>p</th></tr>");
    for (label, rising) in rising_labels.iter().zip(&t.rising) {
        let _ = write!(
            out,
            "<tr><td>{}</td><td data-value=\"{}\">{}</td><td>{:.1}</td><td>{:.1e}</td></tr>",
            escape(label),
            rising.count,
            rising.count,
            rising.expected,
            rising.p_value
        );
    }
    out.push_str(
        "</table>\n<table><tr><th>near-identical subjects</th><th>tickets</th><th>since</th></tr>",
    );
    for cluster in &t.clusters {
        let _ = write!(
            out,
            "<tr><td>{}</td><td data-value=\"{}\">{}</td><td>{}</td></tr>",
            escape(&cluster.subject),
            cluster.size,
            cluster.size,
            local(cluster.first_at)
        );
    }
    out.push_str("</table>\n");

    if !r.groups.is_empty() {
        let by = r.by.map_or("group", |b| b.as_str());
        let _ = write!(
            out,
            "<h2>By {by}</h2>\n<table><tr><th>{by}</th><th>created</th><th>resolved</th>\
             <th>backlog</th><th>first response median</th><th>full resolution median</th></tr>"
        );
        for g in &r.groups {
            let f = &g.figures;
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&g.key),
                f.created,
                f.resolved,
                f.backlog_end,
                duration(f.first_response.median_ms),
                duration(f.full_resolution.median_ms)
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("<h2>Agents</h2>\n<table><tr><th>agent</th><th>open</th><th>resolved</th><th>replies</th></tr>");
    for a in &r.agents {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&a.agent),
            a.open,
            a.resolved,
            a.replies
        );
    }
    let _ = write!(out, "</table>\n<script>{SCRIPT}</script>\n</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn axes_round_up() {
        assert_eq!(axis(0.0), 1.0);
        assert_eq!(axis(7.0), 7.0);
        assert_eq!(axis(73.0), 80.0);
    }
}
