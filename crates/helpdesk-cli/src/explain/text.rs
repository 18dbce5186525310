//! An explanation as aligned text, section by section.

use super::view::{Decided, EscalationRuleView, Named, Report};
use crate::render::{instant, table};

/// The whole explanation for people.
pub(super) fn text(report: &Report) -> String {
    [
        ticket(report),
        rules(report),
        result(report),
        assignment(report),
        sla(report),
        escalation(report),
    ]
    .into_iter()
    .filter(|section| !section.is_empty())
    .collect::<Vec<_>>()
    .join("\n")
}

fn ticket(report: &Report) -> String {
    let t = &report.ticket;
    table(
        "",
        &[
            vec!["Ticket".into(), format!("{:?}", t.subject)],
            vec![
                String::new(),
                format!(
                    "{} via {}, impact {}, urgency {}",
                    t.ticket_type, t.channel, t.impact, t.urgency
                ),
            ],
            vec![String::new(), format!("opened {}", instant(t.opened_at))],
        ],
    )
}

fn rules(report: &Report) -> String {
    if report.rules.is_empty() {
        return "Routing rules: none configured\n".to_owned();
    }
    let matched = report
        .rules
        .iter()
        .filter(|r| r.matched == Some(true))
        .count();
    let rows: Vec<Vec<String>> = report
        .rules
        .iter()
        .map(|r| {
            vec![
                format!("[{}]", r.index),
                match r.matched {
                    Some(true) => "matched",
                    Some(false) => "no",
                    None => "skipped",
                }
                .to_owned(),
                r.name.clone(),
                r.why.clone(),
            ]
        })
        .collect();
    format!(
        "Routing rules ({} of {} matched)\n{}",
        matched,
        report.rules.len(),
        table("  ", &rows)
    )
}

fn decided(label: &str, decided: Option<&Decided<Named>>) -> Vec<String> {
    match decided {
        Some(d) => vec![label.into(), d.value.name.clone(), d.by.describe()],
        None => vec![label.into(), "none".into()],
    }
}

fn result(report: &Report) -> String {
    let r = &report.result;
    let mut rows = vec![
        decided("group", r.group.as_ref()),
        decided("tier", r.tier.as_ref()),
        vec![
            "priority".into(),
            r.priority.value.clone(),
            r.priority.by.describe(),
        ],
    ];
    if !r.tags.is_empty() {
        rows.push(vec!["tags".into(), r.tags.join(", ")]);
    }
    for (key, value) in &r.fields {
        rows.push(vec!["field".into(), format!("{key} = {value}")]);
    }
    rows.push(decided("assignee", r.assignee.as_ref()));
    if !r.escalated.is_empty() {
        rows.push(vec!["escalated".into(), r.escalated.join(", ")]);
    }
    format!("Result\n{}", table("  ", &rows))
}

fn assignment(report: &Report) -> String {
    let Some(a) = &report.assignment else {
        return "Assignment: no matching rule assigns the ticket\n".to_owned();
    };
    let mut heading = format!("Assignment: {} in {}", a.strategy, a.group.name);
    if !a.required_skills.is_empty() {
        heading.push_str(&format!(", requiring {}", a.required_skills.join(", ")));
    }
    let rows: Vec<Vec<String>> = a
        .candidates
        .iter()
        .filter(|c| c.in_group)
        .map(|c| {
            let verdict = match (c.open, c.load, &c.reason) {
                (Some(open), Some(load), _) => {
                    format!("eligible, {open} open, load {load}")
                }
                (_, _, Some(reason)) => reason.clone(),
                _ => String::new(),
            };
            let mark = if c.chosen { "*" } else { " " };
            vec![mark.into(), c.agent.name.clone(), verdict]
        })
        .collect();
    let mut out = format!("{heading}\n");
    if rows.is_empty() {
        out.push_str(&format!("  nobody works in {}\n", a.group.name));
    } else {
        out.push_str(&table("  ", &rows));
    }
    if !a.candidates.iter().any(|c| c.chosen) {
        out.push_str("  no agent is eligible: the ticket stays unassigned\n");
    }
    out
}

fn sla(report: &Report) -> String {
    let Some(policy) = &report.sla.policy else {
        return "SLA: no policy applies\n".to_owned();
    };
    let calendar = match &policy.calendar {
        Some(key) => format!("business hours of {key}"),
        None => "calendar time (24x7)".to_owned(),
    };
    let mut out = format!(
        "SLA: {} ({}), counted in {calendar}\n",
        policy.name, policy.key
    );
    let mut rows = Vec::new();
    for clock in &report.sla.clocks {
        let mut first = vec![clock.metric.clone(), clock.target.clone()];
        let mut lines: Vec<[String; 3]> = clock
            .warnings
            .iter()
            .map(|w| ["warning".into(), w.warning.clone(), instant(w.at)])
            .collect();
        match clock.due {
            Some(due) => lines.push(["breach".into(), String::new(), instant(due)]),
            None => lines.push([clock.state.clone(), String::new(), String::new()]),
        }
        for (i, line) in lines.into_iter().enumerate() {
            if i == 0 {
                first.extend(line);
                rows.push(std::mem::take(&mut first));
            } else {
                let mut row = vec![String::new(), String::new()];
                row.extend(line);
                rows.push(row);
            }
        }
    }
    if rows.is_empty() {
        out.push_str("  no clock runs: the policy sets no target for this priority\n");
    } else {
        out.push_str(&table("  ", &rows));
    }
    out
}

fn escalation(report: &Report) -> String {
    let e = &report.escalation;
    let Some(tier) = &e.tier else {
        return "Escalation: the ticket is on no tier\n".to_owned();
    };
    if e.rules.is_empty() {
        return format!("Escalation from {}: no rule\n", tier.name);
    }
    let rows: Vec<Vec<String>> = e
        .rules
        .iter()
        .map(|r| vec![r.name.clone(), r.trigger.clone(), when(r), does(r)])
        .collect();
    format!("Escalation from {}\n{}", tier.name, table("  ", &rows))
}

fn when(rule: &EscalationRuleView) -> String {
    match (&rule.at, &rule.note) {
        (Some(at), _) => instant(*at),
        (None, Some(note)) => format!("never: {note}"),
        (None, None) => "-".to_owned(),
    }
}

fn does(rule: &EscalationRuleView) -> String {
    let mut parts = vec![match &rule.to {
        Some(to) => format!("to {}", to.name),
        None => "notice only".to_owned(),
    }];
    if rule.raise_priority {
        parts.push("raise priority".to_owned());
    }
    if rule.notify_managers {
        parts.push("notify managers".to_owned());
    }
    parts.join(", ")
}
