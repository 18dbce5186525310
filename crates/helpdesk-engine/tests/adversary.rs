//! The trust boundaries under attack, on the reference store: random
//! sequences of commands, retries and reads by two tenants' actors, each
//! answer searched for planted secrets its reader may not see
//! (`helpdesk_testkit::adversary`).

use helpdesk_engine::MemoryStore;
use helpdesk_testkit::adversary::{adversary_config, check_adversary};

#[test]
fn no_answer_holds_what_its_reader_may_not_see() {
    check_adversary(|| async { MemoryStore::new() }, adversary_config());
}

/// Found by the adversary: an agent links a ticket, the ticket then leaves
/// their reach, and they retry the link. The retry is answered as a replay
/// telling nothing of the ticket, not refused for the target the first
/// link named.
#[tokio::test]
async fn a_retried_link_on_a_ticket_since_out_of_reach_is_a_replay() {
    use helpdesk_testkit::adversary::{Group, Resend, Step, Who, run_steps};
    let open = |by| Step::Open {
        by,
        requester: None,
        group: None,
        described: false,
    };
    let steps = [
        open(Who::RequesterB),
        open(Who::Alice),
        open(Who::Alice),
        open(Who::SupervisorG1),
        open(Who::Alice),
        open(Who::Alice),
        Step::Merge {
            by: Who::Admin,
            ticket: 43,
            into: 0,
        },
        Step::Link {
            by: Who::AgentG2,
            ticket: 40,
            to: 106,
        },
        Step::SetGroup {
            by: Who::Admin,
            ticket: 25,
            group: Some(Group::G1),
        },
        open(Who::Alice),
        Step::Retry {
            request: 0,
            resend: Resend::Changed,
        },
        Step::Open {
            by: Who::Alice,
            requester: Some(Who::Bob),
            group: None,
            described: false,
        },
        Step::SetGroup {
            by: Who::AgentG2,
            ticket: 3,
            group: None,
        },
        Step::Retry {
            request: 0,
            resend: Resend::Changed,
        },
        Step::Retry {
            request: 67,
            resend: Resend::Same,
        },
    ];
    if let Err(violation) = run_steps(MemoryStore::new(), &steps).await {
        panic!("{violation}");
    }
}
