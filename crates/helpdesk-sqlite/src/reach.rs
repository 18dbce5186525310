//! A reader's [`Reach`] as a condition on the `tickets` row `t`, so lists
//! and searches apply it inside the query, before their limit.

use helpdesk_core::Reach;
use rusqlite::types::Value;

use crate::codec;

/// The condition on `t` that admits only tickets in `reach`, its
/// parameters pushed onto `values` (numbered after those already there);
/// `None` for the whole tenant.
pub(crate) fn condition(reach: &Reach, values: &mut Vec<Value>) -> Option<String> {
    match reach {
        Reach::Tenant => None,
        Reach::Requester(id) => {
            values.push(codec::key_value(*id));
            Some(format!("t.requester = ?{}", values.len()))
        }
        Reach::Groups { agent, groups } => {
            values.push(codec::key_value(*agent));
            let mut condition = format!("(t.group_id IS NULL OR t.assignee = ?{}", values.len());
            if !groups.is_empty() {
                let mut numbers = Vec::with_capacity(groups.len());
                for group in groups {
                    values.push(codec::key_value(*group));
                    numbers.push(format!("?{}", values.len()));
                }
                condition.push_str(&format!(" OR t.group_id IN ({})", numbers.join(", ")));
            }
            condition.push(')');
            Some(condition)
        }
    }
}
