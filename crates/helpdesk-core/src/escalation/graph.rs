//! The tiers as a graph (petgraph) and its checks: no cycles, every tier
//! reachable from an entry tier, every reference known.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Dfs;

use crate::config::{DeskConfig, Diagnostic, key, reference, rule_name};
use crate::escalation::Trigger;
use crate::sla::Metric;

/// The tier graph: a node per tier, an edge per rule that moves tickets.
pub(crate) struct TierGraph<'a> {
    graph: DiGraph<&'a str, usize>,
    nodes: BTreeMap<&'a str, NodeIndex>,
}

impl<'a> TierGraph<'a> {
    pub(crate) fn new(config: &'a DeskConfig) -> Self {
        let mut graph = DiGraph::new();
        let mut nodes = BTreeMap::new();
        for tier in &config.tiers {
            nodes
                .entry(tier.key.as_str())
                .or_insert_with(|| graph.add_node(tier.key.as_str()));
        }
        for (i, rule) in config.escalations.iter().enumerate() {
            if let (Some(&from), Some(&to)) = (
                nodes.get(rule.from.as_str()),
                rule.to.as_deref().and_then(|to| nodes.get(to)),
            ) {
                graph.add_edge(from, to, i);
            }
        }
        Self { graph, nodes }
    }

    /// A cycle through `start`, as the tier keys along it, if there is one.
    fn cycle_through(&self, start: NodeIndex) -> Option<Vec<&'a str>> {
        let mut path = vec![start];
        let mut seen = BTreeSet::new();
        if self.walk(start, start, &mut path, &mut seen) {
            Some(path.iter().map(|n| self.graph[*n]).collect())
        } else {
            None
        }
    }

    fn walk(
        &self,
        start: NodeIndex,
        at: NodeIndex,
        path: &mut Vec<NodeIndex>,
        seen: &mut BTreeSet<NodeIndex>,
    ) -> bool {
        for next in self.graph.neighbors(at) {
            if next == start {
                path.push(next);
                return true;
            }
            if seen.insert(next) {
                path.push(next);
                if self.walk(start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
}

/// Reports bad tiers and rules, cycles and unreachable tiers.
pub(crate) fn diagnose(config: &DeskConfig, out: &mut Vec<Diagnostic>) {
    let tiers = || config.tiers.iter().map(|t| t.key.as_str());
    let agents = || config.agents.keys().map(String::as_str);
    let mut seen = BTreeSet::new();
    for (i, tier) in config.tiers.iter().enumerate() {
        key(out, format!("tiers[{i}].key"), &tier.key);
        if !seen.insert(tier.key.as_str()) {
            out.push(Diagnostic::error(
                format!("tiers[{i}].key"),
                format!("{:?} is defined twice", tier.key),
            ));
        }
        reference(
            out,
            format!("tiers[{i}].group"),
            "group",
            &tier.group,
            config.groups.keys().map(String::as_str),
        );
        for (j, manager) in tier.managers.iter().enumerate() {
            reference(
                out,
                format!("tiers[{i}].managers[{j}]"),
                "agent",
                manager,
                agents(),
            );
        }
    }
    let mut names = BTreeSet::new();
    for (i, rule) in config.escalations.iter().enumerate() {
        let at = |field: &str| format!("escalations[{i}].{field}");
        rule_name(
            out,
            at("name"),
            &rule.name,
            &mut names,
            "events name the rule that caused them",
        );
        reference(out, at("from"), "tier", &rule.from, tiers());
        if let Some(to) = &rule.to {
            reference(out, at("to"), "tier", to, tiers());
        } else if !rule.notify_managers && !rule.raise_priority {
            out.push(Diagnostic::warning(
                at("to"),
                "the rule neither moves the ticket, raises its priority nor notifies anyone",
            ));
        }
        match &rule.when {
            Trigger::SlaWarning(metric) | Trigger::SlaBreach(metric) => {
                if let Err(reason) = metric.parse::<Metric>() {
                    let field = if matches!(rule.when, Trigger::SlaWarning(_)) {
                        "sla_warning"
                    } else {
                        "sla_breach"
                    };
                    out.push(Diagnostic::error(at(&format!("when.{field}")), reason));
                }
            }
            Trigger::Reassigned(0) => out.push(Diagnostic::error(
                at("when.reassigned"),
                "must be at least 1",
            )),
            _ => {}
        }
    }
    if config.tiers.is_empty() {
        return;
    }
    let graph = TierGraph::new(config);
    let mut reported = BTreeSet::new();
    for (i, tier) in config.tiers.iter().enumerate() {
        let Some(&node) = graph.nodes.get(tier.key.as_str()) else {
            continue;
        };
        if reported.contains(tier.key.as_str()) {
            continue;
        }
        if let Some(cycle) = graph.cycle_through(node) {
            reported.extend(cycle.iter().copied());
            out.push(Diagnostic::error(
                format!("tiers[{i}]"),
                format!("escalation runs in a cycle: {}", cycle.join(" -> ")),
            ));
        }
    }
    let entries: Vec<NodeIndex> = config
        .tiers
        .iter()
        .filter(|t| t.entry)
        .filter_map(|t| graph.nodes.get(t.key.as_str()).copied())
        .collect();
    if entries.is_empty() {
        out.push(Diagnostic::error(
            "tiers",
            "no tier is marked entry = true: new tickets have nowhere to start",
        ));
        return;
    }
    let mut reachable = BTreeSet::new();
    for entry in entries {
        let mut dfs = Dfs::new(&graph.graph, entry);
        while let Some(node) = dfs.next(&graph.graph) {
            reachable.insert(node);
        }
    }
    for (i, tier) in config.tiers.iter().enumerate() {
        if let Some(node) = graph.nodes.get(tier.key.as_str())
            && !reachable.contains(node)
        {
            out.push(Diagnostic::error(
                format!("tiers[{i}]"),
                format!("tier {:?} cannot be reached from any entry tier: add an escalation rule that leads to it, or mark it entry", tier.key),
            ));
        }
    }
}
