//! [`Named`]: views that mention people, and the names a desk gives them
//! from its [`Directory`](crate::Directory).

use std::collections::BTreeMap;

use helpdesk_core::{ActorId, TenantId};

use crate::clock::Clock;
use crate::desk::Desk;
use crate::notifier::Notifier;
use crate::store::Store;
use crate::view::{CommentView, EventView, Outcome, Page, TicketSummary, TicketView};

/// A view that mentions people by id, whose names
/// [`Desk::named`] fills in.
pub trait Named {
    /// Every person the view mentions, in any order, possibly repeated.
    fn mentions(&self, out: &mut Vec<ActorId>);

    /// Fills in the names of the people `names` knows.
    fn name(&mut self, names: &BTreeMap<ActorId, String>);
}

impl Named for TicketView {
    fn mentions(&self, out: &mut Vec<ActorId>) {
        out.push(self.requester);
        out.extend(self.assignee);
        out.extend(self.watchers.iter().map(|w| w.id));
        out.extend(self.conversation.iter().map(|c| c.author.id));
    }

    fn name(&mut self, names: &BTreeMap<ActorId, String>) {
        self.requester_name = names.get(&self.requester).cloned();
        self.assignee_name = self.assignee.and_then(|a| names.get(&a).cloned());
        for watcher in &mut self.watchers {
            watcher.name = names.get(&watcher.id).cloned();
        }
        self.conversation.iter_mut().for_each(|c| c.name(names));
    }
}

impl Named for CommentView {
    fn mentions(&self, out: &mut Vec<ActorId>) {
        out.push(self.author.id);
    }

    fn name(&mut self, names: &BTreeMap<ActorId, String>) {
        self.author_name = names.get(&self.author.id).cloned();
    }
}

impl Named for TicketSummary {
    fn mentions(&self, out: &mut Vec<ActorId>) {
        out.push(self.requester);
        out.extend(self.assignee);
    }

    fn name(&mut self, names: &BTreeMap<ActorId, String>) {
        self.requester_name = names.get(&self.requester).cloned();
        self.assignee_name = self.assignee.and_then(|a| names.get(&a).cloned());
    }
}

impl Named for EventView {
    fn mentions(&self, out: &mut Vec<ActorId>) {
        out.push(self.by.id);
    }

    fn name(&mut self, names: &BTreeMap<ActorId, String>) {
        self.by_name = names.get(&self.by.id).cloned();
    }
}

impl Named for Outcome {
    fn mentions(&self, out: &mut Vec<ActorId>) {
        if let Some(ticket) = &self.ticket {
            ticket.mentions(out);
        }
        self.events.iter().for_each(|e| e.mentions(out));
    }

    fn name(&mut self, names: &BTreeMap<ActorId, String>) {
        if let Some(ticket) = &mut self.ticket {
            ticket.name(names);
        }
        self.events.iter_mut().for_each(|e| e.name(names));
    }
}

impl<T: Named> Named for Page<T> {
    fn mentions(&self, out: &mut Vec<ActorId>) {
        self.items.iter().for_each(|i| i.mentions(out));
    }

    fn name(&mut self, names: &BTreeMap<ActorId, String>) {
        self.items.iter_mut().for_each(|i| i.name(names));
    }
}

impl<S: Store, N: Notifier, C: Clock> Desk<S, N, C> {
    /// `view` with the names of the people it mentions, as the desk's
    /// directory ([`Desk::directory`]) knows them in `tenant`: each person
    /// looked up once. Names are for showing: a person the directory does
    /// not know, or a directory that cannot answer, leaves the name out
    /// rather than failing the read.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let config: DeskConfig = toml::from_str(r#"
    ///     [agents.maria]
    ///     id = "00000000-0000-0000-0000-000000000007"
    ///     name = "Maria Keller"
    /// "#)?;
    /// let desk = Desk::new(config, MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let maria = Actor::agent(ActorId::from_u128(7), TenantId::from_u128(1), []);
    /// let id = helpdesk_engine::new_ticket_id();
    /// let open = Command::Open(NewTicket::new(ActorId::from_u128(1), "Printer jams", ""));
    /// desk.execute(Request::new(maria.clone(), id, open)).await?;
    /// desk.execute(Request::new(maria.clone(), id, Command::Assign { assignee: maria.id })).await?;
    ///
    /// let view = desk.ticket_view(&maria, id).await?.expect("hers");
    /// assert_eq!(view.assignee_name.as_deref(), Some("Maria Keller"));
    /// assert_eq!(view.requester_name, None, "not in the directory");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn named<T: Named>(&self, tenant: TenantId, mut view: T) -> T {
        let mut people = Vec::new();
        view.mentions(&mut people);
        people.sort_unstable();
        people.dedup();
        let mut names = BTreeMap::new();
        for person in people {
            if let Ok(Some(contact)) = self.directory().contact(tenant, person).await
                && let Some(name) = contact.name
            {
                names.insert(person, name);
            }
        }
        view.name(&names);
        view
    }
}
