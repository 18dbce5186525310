//! Every figure of a report, computed again by SQL straight from a SQLite
//! desk's `events` table, and compared with the report's JSON.
//!
//! The SQL knows nothing of `helpdesk_core::metrics`: it reads the stored
//! JSON of each event with SQLite's JSON functions (`json_extract` of the
//! type, the actor's role and id, the data) and orders a ticket's events by
//! their version with window functions and correlated subqueries. What it
//! shares with the Rust code is only the definitions of the metrics (the
//! table in `helpdesk_core::metrics`' documentation) and the bounds of the
//! histograms' bins, which are part of those definitions.
//!
//! Compared exactly, for the period, each bucket of its series, and each
//! group by `group`: created, resolved, closed, cancelled and merged
//! counts; the backlog at the start and at the end; count, median and 90th
//! percentile of first response, next response, full resolution and first
//! resolution times; SLA cycles met and breached per metric; first contact
//! resolution, reopen and escalation rates (part and whole). For the
//! period: the backlog's age buckets, the first response time bins, and
//! each agent's load, throughput and replies.
//!
//! Not compared: the business-time figures (`first_response_business`,
//! `full_resolution_business`). They count time inside a calendar's
//! weekly opening hours in its own time zone, less holidays, across
//! daylight saving changes; SQL has no calendar arithmetic, and writing
//! one in SQL would be a second implementation of
//! `helpdesk_core::calendar` rather than an independent check. The
//! calendar's own tests check that arithmetic; here only their counts are
//! checked, which must equal the calendar-time counts.
#![allow(clippy::unwrap_used, dead_code)]

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use helpdesk_core::DeskConfig;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

/// The SQL names of the roles that count as the help desk answering.
const DESK: &str = "('agent', 'supervisor', 'admin')";

/// The events that start or end a span of being unresolved.
const LIFECYCLE: &str = "('opened', 'resolved', 'reopened', 'closed', 'cancelled', 'merged')";

/// A SQLite desk opened for cross-checks: the events, with their JSON read
/// once into temporary tables: `ev` (each event's type, actor and role,
/// and whether it is a public reply of the desk), `tk` (per ticket: its
/// opening, current group and assignee, last lifecycle event, reopenings,
/// escalations, first and last resolutions, first response) and `sla` (per
/// SLA cycle: whether a breach was recorded and its deadline, and the
/// cycle's last stop, resumption or cancellation with its outcome). A cycle
/// with a recorded breach is breached at that deadline whatever came
/// later; any other is settled by its last stop, if its last such event is
/// a stop.
pub struct Desk {
    conn: Connection,
    /// Agent ids (as the events write them) to the labels reports use.
    agents: BTreeMap<String, String>,
    /// Group labels to the ids the events write.
    groups: BTreeMap<String, String>,
}

/// Nanoseconds since the epoch, as the `events.at` column holds instants.
fn nanos(at: DateTime<Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap()
}

fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

impl Desk {
    /// Opens the SQLite file at `path`, naming agents and groups by their
    /// keys in `config` as reports do.
    pub fn open(path: &std::path::Path, config: &DeskConfig) -> Self {
        let agents = config
            .agents
            .iter()
            .map(|(key, a)| (a.id.to_string(), key.clone()))
            .collect();
        let groups = config
            .groups
            .iter()
            .map(|(key, g)| (key.clone(), g.id.to_string()))
            .collect();
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(&format!(
            "CREATE TEMP TABLE ev AS \
               SELECT ticket, version, at, type, \
                 json_extract(body, '$.by.role') AS role, \
                 json_extract(body, '$.by.id') AS actor, \
                 (type = 'replied' AND json_extract(body, '$.by.role') IN {DESK}) AS desk_reply, \
                 body \
               FROM events; \
             CREATE INDEX temp.ev_ticket ON ev (ticket, version); \
             CREATE INDEX temp.ev_type ON ev (type, at); \
             CREATE TEMP TABLE tk AS \
               SELECT o.ticket, o.at AS opened, \
                 (SELECT json_extract(g.body, CASE g.type WHEN 'opened' THEN '$.data.group' ELSE '$.data.to' END) \
                    FROM ev AS g WHERE g.ticket = o.ticket AND g.type IN ('opened', 'group_changed') \
                    ORDER BY g.version DESC LIMIT 1) AS grp, \
                 (SELECT json_extract(a.body, '$.data.to') FROM ev AS a \
                    WHERE a.ticket = o.ticket AND a.type = 'assignee_changed' \
                    ORDER BY a.version DESC LIMIT 1) AS assignee, \
                 (SELECT s.type FROM ev AS s WHERE s.ticket = o.ticket AND s.type IN {LIFECYCLE} \
                    ORDER BY s.version DESC LIMIT 1) AS last_state, \
                 (SELECT count(*) FROM ev AS r WHERE r.ticket = o.ticket AND r.type = 'reopened') AS reopens, \
                 (SELECT count(*) FROM ev AS r WHERE r.ticket = o.ticket AND r.type = 'escalated') AS escalations, \
                 (SELECT min(r.at) FROM ev AS r WHERE r.ticket = o.ticket AND r.type = 'resolved') AS first_resolved, \
                 (SELECT max(r.at) FROM ev AS r WHERE r.ticket = o.ticket AND r.type = 'resolved') AS last_resolved, \
                 (SELECT max(r.version) FROM ev AS r WHERE r.ticket = o.ticket AND r.type = 'resolved') AS last_resolved_version, \
                 (SELECT min(r.at) FROM ev AS r WHERE r.ticket = o.ticket AND r.desk_reply) AS first_response \
               FROM ev AS o WHERE o.type = 'opened'; \
             CREATE INDEX temp.tk_ticket ON tk (ticket); \
             CREATE TEMP TABLE cycle_ev AS \
               SELECT ticket, version, type, at, body, \
                 json_extract(body, '$.data.metric') AS metric, \
                 json_extract(body, '$.data.cycle') AS cycle \
               FROM ev WHERE type LIKE 'sla_%'; \
             CREATE TEMP TABLE cycle_last AS \
               SELECT ticket, metric, cycle, type, at, json_extract(body, '$.data.outcome') AS outcome FROM \
                 (SELECT *, row_number() OVER (PARTITION BY ticket, metric, cycle ORDER BY version DESC) AS n \
                  FROM cycle_ev WHERE type IN ('sla_stopped', 'sla_cancelled', 'sla_resumed')) \
               WHERE n = 1; \
             CREATE INDEX temp.cycle_last_key ON cycle_last (ticket, metric, cycle); \
             CREATE TEMP TABLE sla AS \
               SELECT c.ticket, c.metric, c.cycle, c.breached, c.due, \
                 l.type AS last_type, l.outcome, l.at AS last_at \
               FROM (SELECT ticket, metric, cycle, \
                   max(type = 'sla_breached') AS breached, \
                   max(CASE WHEN type = 'sla_breached' THEN \
                     CAST(round((julianday(json_extract(body, '$.data.due')) - 2440587.5) * 86400000) AS INTEGER) * 1000000 \
                     END) AS due \
                 FROM cycle_ev GROUP BY ticket, metric, cycle) AS c \
               LEFT JOIN cycle_last AS l ON l.ticket = c.ticket AND l.metric = c.metric AND l.cycle = c.cycle;"
        ))
        .unwrap();
        Self {
            conn,
            agents,
            groups,
        }
    }

    /// A SQL condition on a ticket column `col` keeping the tickets of the
    /// report group `key` (`None`: every ticket).
    fn scope(&self, col: &str, group: Option<&str>) -> String {
        match group {
            None => "1".to_owned(),
            Some("(none)") => format!("{col} IN (SELECT ticket FROM tk WHERE grp IS NULL)"),
            Some(key) => {
                let id = self.groups.get(key).map_or(key, String::as_str);
                format!("{col} IN (SELECT ticket FROM tk WHERE grp = '{id}')")
            }
        }
    }

    fn one(&self, sql: &str, from: i64, to: i64) -> i64 {
        self.conn
            .query_row(sql, params![from, to], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}: {sql}"))
    }

    fn values(&self, sql: &str, from: i64, to: i64) -> Vec<i64> {
        let mut stmt = self.conn.prepare(sql).unwrap();
        stmt.query_map(params![from, to], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// Count, nearest-rank median and 90th percentile of the values `sql`
    /// selects (one column `v`), ranked by SQL's window functions.
    fn times(&self, sql: &str, from: i64, to: i64) -> Value {
        let rank = |p: i64| -> Option<i64> {
            self.conn
                .query_row(
                    &format!(
                        "WITH v AS ({sql}), r AS (SELECT v, row_number() OVER (ORDER BY v) AS n, \
                         count(*) OVER () AS total FROM v) \
                         SELECT v FROM r WHERE n = max(1, (total * {p} + 99) / 100)"
                    ),
                    params![from, to],
                    |r| r.get(0),
                )
                .ok()
        };
        let count = self.one(&format!("SELECT count(*) FROM ({sql})"), from, to);
        json!({"count": count, "median_ms": rank(50), "p90_ms": rank(90)})
    }

    /// Tickets in the backlog just before the instant `?2`: their last
    /// lifecycle event before it opened or reopened them.
    fn in_backlog(at: &str) -> String {
        format!(
            "(SELECT s.type FROM ev AS s WHERE s.ticket = tk.ticket AND s.at < {at} \
             AND s.type IN {LIFECYCLE} ORDER BY s.version DESC LIMIT 1) IN ('opened', 'reopened')"
        )
    }

    /// SLA cycles of `metric` settled in the period, met and breached (see
    /// the `sla` table).
    fn sla(&self, metric: &str, scope: &str, from: i64, to: i64) -> (i64, i64) {
        let sql = format!(
            "SELECT \
               (SELECT count(*) FROM sla WHERE metric = '{metric}' AND {scope} AND breached = 0 \
                  AND last_type = 'sla_stopped' AND outcome = 'met' AND last_at >= ?1 AND last_at < ?2), \
               (SELECT count(*) FROM sla WHERE metric = '{metric}' AND {scope} AND breached = 0 \
                  AND last_type = 'sla_stopped' AND outcome = 'breached' AND last_at >= ?1 AND last_at < ?2) + \
               (SELECT count(*) FROM sla WHERE metric = '{metric}' AND {scope} AND breached = 1 \
                  AND due >= ?1 AND due < ?2)"
        );
        self.conn
            .query_row(&sql, params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
    }

    /// The figures of `[from, to)` for the tickets of `group` (every
    /// ticket when `None`), in the JSON shape of the report's `Figures`,
    /// without the business-time figures.
    pub fn figures(&self, from: DateTime<Utc>, to: DateTime<Utc>, group: Option<&str>) -> Value {
        let (f, t) = (nanos(from), nanos(to));
        let ev = self.scope("ticket", group);
        let tk = self.scope("tk.ticket", group);
        let count = |kind: &str| {
            self.one(
                &format!(
                    "SELECT count(DISTINCT ticket) FROM ev WHERE type = '{kind}' \
                     AND at >= ?1 AND at < ?2 AND {ev}"
                ),
                f,
                t,
            )
        };
        let backlog = |at: &str| {
            self.one(
                &format!(
                    "SELECT count(*) FROM tk WHERE {tk} AND {} AND ?1 = ?1 AND ?2 = ?2",
                    Self::in_backlog(at)
                ),
                f,
                t,
            )
        };
        let first_response = format!(
            "SELECT (first_response - opened) / 1000000 AS v FROM tk \
             WHERE first_response >= ?1 AND first_response < ?2 AND {tk}"
        );
        // Each desk reply after the first answers the oldest requester reply
        // since the last desk reply or resolution before it, if any.
        let next_response = format!(
            "WITH d AS (SELECT ticket, version, at, \
               row_number() OVER (PARTITION BY ticket ORDER BY version) AS nth \
               FROM ev WHERE desk_reply AND {ev}), \
             w AS (SELECT d.at, (SELECT min(r.at) FROM ev AS r WHERE r.ticket = d.ticket \
                 AND r.type = 'replied' AND r.role = 'requester' AND r.version < d.version \
                 AND r.version > (SELECT max(b.version) FROM ev AS b WHERE b.ticket = d.ticket \
                   AND b.version < d.version AND (b.desk_reply OR b.type = 'resolved'))) AS since \
               FROM d WHERE d.nth > 1 AND d.at >= ?1 AND d.at < ?2) \
             SELECT (at - since) / 1000000 AS v FROM w WHERE since IS NOT NULL"
        );
        let full_resolution = format!(
            "SELECT (last_resolved - opened) / 1000000 AS v FROM tk \
             WHERE last_state IN ('resolved', 'closed') AND last_resolved >= ?1 AND last_resolved < ?2 AND {tk}"
        );
        let first_resolution = format!(
            "SELECT (first_resolved - opened) / 1000000 AS v FROM tk \
             WHERE first_resolved >= ?1 AND first_resolved < ?2 AND {tk}"
        );
        let first_resolved = format!("first_resolved >= ?1 AND first_resolved < ?2 AND {tk}");
        let ratio = |part: &str, cohort: &str| {
            let whole = self.one(&format!("SELECT count(*) FROM tk WHERE {cohort}"), f, t);
            let part = self.one(
                &format!("SELECT count(*) FROM tk WHERE {cohort} AND {part}"),
                f,
                t,
            );
            json!({"part": part, "whole": whole})
        };
        let fcr = ratio(
            "last_state IN ('resolved', 'closed') AND reopens = 0 AND \
             (SELECT count(*) FROM ev AS r WHERE r.ticket = tk.ticket AND r.desk_reply \
              AND r.version < tk.last_resolved_version) = 1",
            &first_resolved,
        );
        let reopened = ratio("reopens > 0", &first_resolved);
        let escalated = ratio(
            "escalations > 0",
            &format!("opened >= ?1 AND opened < ?2 AND {tk}"),
        );
        let sla: Vec<Value> = ["first_response", "next_response", "resolution"]
            .into_iter()
            .filter_map(|metric| {
                let (met, breached) = self.sla(metric, &ev, f, t);
                (met + breached > 0).then(
                    || json!({"metric": metric, "met": {"part": met, "whole": met + breached}}),
                )
            })
            .collect();
        json!({
            "created": count("opened"),
            "resolved": count("resolved"),
            "closed": count("closed"),
            "cancelled": count("cancelled"),
            "merged": count("merged"),
            "backlog_start": backlog("?1"),
            "backlog_end": backlog("?2"),
            "first_response": self.times(&first_response, f, t),
            "next_response": self.times(&next_response, f, t),
            "full_resolution": self.times(&full_resolution, f, t),
            "first_resolution": self.times(&first_resolution, f, t),
            "sla": sla,
            "first_contact_resolution": fcr,
            "reopened": reopened,
            "escalated": escalated,
        })
    }

    /// The backlog at `to` by age, in the bins of the report.
    pub fn backlog_ages(&self, to: DateTime<Utc>) -> Vec<i64> {
        const DAY: i64 = 86_400_000;
        let bins = [DAY, 3 * DAY, 7 * DAY, 30 * DAY];
        let ages = self.values(
            &format!(
                "SELECT (?2 - opened) / 1000000 FROM tk WHERE {} AND ?1 = ?1",
                Self::in_backlog("?2")
            ),
            0,
            nanos(to),
        );
        histogram(&ages, &bins)
    }

    /// First response times given in `[from, to)`, in the bins of the
    /// report.
    pub fn first_response_bins(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<i64> {
        const HOUR: i64 = 3_600_000;
        let bins = [HOUR / 4, HOUR, 4 * HOUR, 8 * HOUR, 24 * HOUR, 72 * HOUR];
        let times = self.values(
            "SELECT (first_response - opened) / 1000000 FROM tk \
             WHERE first_response >= ?1 AND first_response < ?2",
            nanos(from),
            nanos(to),
        );
        histogram(&times, &bins)
    }

    /// Each agent's load (backlog at `to` assigned to them now),
    /// throughput (resolutions in the period credited to the assignee of
    /// the moment, else to who resolved) and public replies, by label.
    pub fn agents(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Value {
        let (f, t) = (nanos(from), nanos(to));
        let per = |sql: &str| -> Vec<(String, i64)> {
            let mut stmt = self.conn.prepare(sql).unwrap();
            stmt.query_map(params![f, t], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        let mut agents: BTreeMap<String, [i64; 3]> = BTreeMap::new();
        let open = per(&format!(
            "SELECT assignee, count(*) FROM tk WHERE assignee IS NOT NULL AND {} AND ?1 = ?1 GROUP BY assignee",
            Self::in_backlog("?2")
        ));
        let resolved = per(
            "SELECT coalesce((SELECT json_extract(a.body, '$.data.to') FROM ev AS a \
               WHERE a.ticket = r.ticket AND a.type = 'assignee_changed' AND a.version < r.version \
               ORDER BY a.version DESC LIMIT 1), r.actor) AS agent, count(*) \
             FROM ev AS r WHERE r.type = 'resolved' AND r.at >= ?1 AND r.at < ?2 GROUP BY agent",
        );
        let replies = per(
            "SELECT actor, count(*) FROM ev WHERE desk_reply AND at >= ?1 AND at < ?2 GROUP BY actor",
        );
        for (i, rows) in [open, resolved, replies].into_iter().enumerate() {
            for (id, n) in rows {
                let label = self.agents.get(&id).cloned().unwrap_or(id);
                agents.entry(label).or_default()[i] += n;
            }
        }
        agents
            .into_iter()
            .map(|(agent, [open, resolved, replies])| {
                json!({"agent": agent, "open": open, "resolved": resolved, "replies": replies})
            })
            .collect()
    }

    /// Compares every figure of `report` (the `report` object of
    /// `helpdesk report --format json`) with SQL's, naming the first that
    /// differs.
    pub fn check(&self, report: &Value) {
        let (from, to) = (instant(&report["from"]), instant(&report["to"]));
        let mut checked = 0;
        let mut groups = vec![(None, &report["total"])];
        groups.extend(
            report["groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| (g["key"].as_str(), g)),
        );
        for (group, figures) in groups {
            if group.is_some() {
                assert_eq!(report["by"], "group", "only groups by group are checked");
            }
            let label = group.unwrap_or("all");
            same(
                &figures["figures"],
                &self.figures(from, to, group),
                &format!("{label} {from} .. {to}"),
            );
            checked += 1;
            for point in figures["series"].as_array().unwrap() {
                let (a, b) = (instant(&point["from"]), instant(&point["to"]));
                same(
                    &point["figures"],
                    &self.figures(a, b, group),
                    &format!("{label} {a} .. {b}"),
                );
                checked += 1;
            }
        }
        let counts = |bins: &Value| -> Vec<i64> {
            bins.as_array()
                .unwrap()
                .iter()
                .map(|b| b["count"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(
            counts(&report["backlog_ages"]),
            self.backlog_ages(to),
            "backlog ages at {to}"
        );
        assert_eq!(
            counts(&report["first_response_bins"]),
            self.first_response_bins(from, to),
            "first response bins"
        );
        assert_eq!(report["agents"], self.agents(from, to), "agents");
        assert!(checked > 0);
    }
}

/// The count per bin of `values`, the bins bounded above (exclusive) by
/// `bounds`, with a last bin for the rest.
fn histogram(values: &[i64], bounds: &[i64]) -> Vec<i64> {
    let mut counts = vec![0; bounds.len() + 1];
    for v in values {
        let i = bounds.iter().position(|b| v < b).unwrap_or(bounds.len());
        counts[i] += 1;
    }
    counts
}

/// Asserts that every figure SQL computed is the report's.
fn same(report: &Value, sql: &Value, at: &str) {
    for (name, expected) in sql.as_object().unwrap() {
        let found = &report[name];
        match name.as_str() {
            "sla" => {
                let settled = |cycles: &Value| -> Vec<(Value, Value, Value)> {
                    cycles
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| {
                            let met = &c["met"];
                            (
                                c["metric"].clone(),
                                met["part"].clone(),
                                met["whole"].clone(),
                            )
                        })
                        .collect()
                };
                assert_eq!(settled(found), settled(expected), "{name}, {at}");
            }
            "first_contact_resolution" | "reopened" | "escalated" => {
                assert_eq!(
                    (&found["part"], &found["whole"]),
                    (&expected["part"], &expected["whole"]),
                    "{name}, {at}"
                );
            }
            _ => assert_eq!(found, expected, "{name}, {at}"),
        }
    }
    for name in ["first_response_business", "full_resolution_business"] {
        let plain = name.trim_end_matches("_business");
        assert_eq!(
            report[name]["count"], report[plain]["count"],
            "{name} counts the same tickets as {plain}, {at}"
        );
    }
}
