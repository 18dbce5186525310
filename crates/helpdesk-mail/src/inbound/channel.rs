//! [`MailChannel`]: one mail in, one decision out, executed through the
//! desk.

use std::time::Duration;

use helpdesk_core::{
    Actor, AttachmentRef, Change, Channel, Command, CommentId, Link, LinkKind, NewTicket, Role,
    StatusCategory, Ticket, TicketId, TicketNumber, Visibility, Vouched,
};
use helpdesk_engine::store::MessageId;
use helpdesk_engine::{
    Clock, CommandId, Desk, DeskError, Notifier, Request, Reuse, Store, StoreError,
};

use super::authentication::Authentication;
use super::config::{InboundConfig, UnknownSenders, Unverified};
use super::in_flight::InFlight;
use super::keys;
use super::outcome::{Held, Ignored, IngestError, Outcome};
use super::rate::SenderRate;
use super::release::Release;
use super::senders::Senders;
use super::subject::ticket_subject;
use super::thread::{self, Named, Thread};
use crate::automated::Automation;
use crate::bounce::Bounce;
use crate::mail::Mail;
use crate::reply::Reply;
use crate::storage::AttachmentStore;

/// What the host vouches for about one mail's arrival, beside its bytes.
#[derive(Debug, Clone, Default)]
pub struct Arrival {
    /// The envelope recipient (`RCPT TO`), where the host knows it: a
    /// reply token in it counts like one in `To`.
    pub recipient: Option<String>,
    /// The host's own verdict on the sender (say, from its mail gateway):
    /// `Some(true)` vouches for the `From` address; `None` reads the
    /// `Authentication-Results` of the trusted servers instead.
    pub authenticated: Option<bool>,
    /// What a person decided about this mail after the channel held it
    /// ([`Outcome::Held`]); `None` for mail as it arrives. A released mail
    /// is never held again.
    pub release: Option<Release>,
}

/// The desk's inbound mail: decides what each mail is and does it.
///
/// A mail is, in this order: ignored when it does not parse, comes from the
/// desk's own address, or is automatic (out of office, list, bulk); a
/// delivery failure noted on the ticket whose mail bounced; a reply on the
/// ticket it names (by the Message-IDs it answers, the reply token, or the
/// `[#1042]` tag), when its sender is vouched for and takes part in the
/// ticket; or a new ticket. Each is executed with ids derived from the
/// Message-ID, so a mail offered twice is applied once. A mail the
/// configuration holds for a person ([`Outcome::Held`]) writes nothing; the
/// host keeps it, and offers it again with the person's decision in
/// [`Arrival::release`].
///
/// [`ingest`](Self::ingest) takes `&self`: one channel serves every task
/// that takes in mail, and mails ingested at once share the store's and
/// the attachment store's syncs. On the bench's two-core machines with
/// SQLite, a typical 20 KB reply took 0.9 to 1.3 ms one at a time, and 64 or
/// 256 mails kept in flight went through at 3,600 to 6,100 a second
/// (`docs/PERFORMANCE.md`). Copies of one mail offered at once (delivered
/// to two of the desk's mailboxes, say) are taken in one after the other,
/// so the later one is answered as the first, even where what vouches for
/// them differs. Through channels on several hosts, copies decided apart
/// (one a reply, the other a ticket of its own) meet at the store: the
/// mail's binding and its command id let one be written, and the other
/// is answered as that one was taken in. One pair is not settled so: a
/// late reply opening a ticket that follows an older one (its binding
/// goes with the link, after the open) beside a reply on that older
/// ticket by a sender the two hosts know as different people; the new
/// ticket then stays open, unlinked, beside the reply.
/// Keep a conversation's mails in their order, though: a reply taken in
/// before the mail it answers finds nothing to thread onto and opens a
/// ticket of its own.
pub struct MailChannel<A, P> {
    config: InboundConfig,
    attachments: A,
    senders: P,
    rate: Option<SenderRate>,
    in_flight: InFlight,
}

impl<A: AttachmentStore, P: Senders> MailChannel<A, P> {
    /// A channel with `config`, keeping files in `attachments` and knowing
    /// people through `senders`; no rate limit.
    pub fn new(config: InboundConfig, attachments: A, senders: P) -> Self {
        Self {
            config,
            attachments,
            senders,
            rate: None,
            in_flight: InFlight::default(),
        }
    }

    /// The channel with at most `max` new tickets per sender in `window`.
    /// A sender's mail is counted in three parts: what the host or a
    /// trusted server's DMARC pass vouches for, what only a reply token or
    /// a person's release vouches for (a late reply opening a ticket that
    /// follows the old one), and what nothing vouches for; so mail forged
    /// in a person's name never uses up what their vouched mail may open
    /// (a person whose domain publishes no DMARC shares the forger's
    /// count). The count is kept in the desk's store
    /// ([`SenderRate`]), so every host of the desk shares it and a restart
    /// keeps it; a mail offered again within the window after counts
    /// once. At most `max` open in each window, and up to twice `max` in a
    /// span of one window across the turn of two. Each new ticket reads
    /// up to twice `max` places of the count: meant for the tens of
    /// tickets an hour that stop a runaway sender.
    pub fn with_rate(mut self, max: usize, window: Duration) -> Self {
        self.rate = Some(SenderRate::new(max, window));
        self
    }

    /// The configuration.
    pub fn config(&self) -> &InboundConfig {
        &self.config
    }

    /// Decides what `raw` is and does it through `desk`.
    ///
    /// # Errors
    ///
    /// [`IngestError`] when the desk, its store or the attachment store
    /// failed; offering the same mail again then applies it once.
    pub async fn ingest<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        raw: &[u8],
        arrival: &Arrival,
    ) -> Result<Outcome, IngestError> {
        let mail = match Mail::parse_with(raw, &self.config.limits) {
            Ok(mail) => mail,
            Err(e) => {
                return Ok(Outcome::Ignored(Ignored::Malformed {
                    reason: e.to_string(),
                }));
            }
        };
        let key = keys::message_key(&mail, raw);
        let identity = keys::identity(&key, &mail);
        // Copies of the mail offered at once are taken in one at a time.
        let _turn = self.in_flight.turn(&identity).await;
        let mut step = Step {
            key: &key,
            identity: &identity,
            no_auto_response: false,
            vouched: false,
        };
        let from = mail.from().address().to_string();
        if self.config.is_own_address(&from) {
            return Ok(Outcome::Ignored(Ignored::FromDesk));
        }
        if let Some(bounce) = Bounce::of(&mail) {
            return self.bounce(desk, &bounce, &step).await;
        }
        let automation = Automation::of(&mail);
        if automation.is_automatic() {
            let header = automation
                .reason()
                .map(|r| format!("{}: {}", r.header(), r.value()))
                .unwrap_or_default();
            return Ok(Outcome::Ignored(Ignored::Automatic {
                kind: automation.kind(),
                header,
            }));
        }
        // Only a sender the receiving server vouched for may silence what
        // the desk tells them: a forged `From` with `X-Loop` would
        // otherwise open a ticket in someone's name unseen.
        step.vouched = self.authenticated(&mail, arrival);
        step.no_auto_response = automation.suppress_auto_response() && step.vouched;
        let tenant = self.config.tenant;
        // A person who released the mail takes in a sender the host does
        // not know, as the channel's `UnknownSenders::Accept` does.
        let known = match self.senders.actor(tenant, &from).await {
            None if arrival.release.is_some() => {
                Some(Actor::requester(keys::sender_of(tenant, &from), tenant))
            }
            known => known,
        };
        // Offered again, a mail that opened a ticket is answered as then,
        // whatever it names now (its own ticket by a tag of its number, or a
        // ticket whose mail came after it).
        let own = keys::ticket_of(tenant, &identity);
        let opened_before = desk
            .store()
            .load(tenant, own)
            .await
            .map_err(|e| step.store("look for the mail's ticket", e))?;
        if let Some(ticket) = opened_before {
            let follows = self.followed(desk, own, &step).await?;
            // Wholly taken in (the binding is written last): answered from
            // what it left, whichever version of the channel took it in.
            let bound = desk
                .store()
                .ticket_of_message(tenant, &key)
                .await
                .map_err(|e| step.store("look for the mail's binding", e))?;
            // A Message-ID keeps its first binding: a mail reusing one bound
            // elsewhere opened its ticket bound to nothing, and is answered
            // as then too.
            if bound.is_some() {
                return Ok(Outcome::Opened {
                    ticket: own,
                    number: ticket.number(),
                    follows,
                });
            }
            // Opened, but not bound: its link to the older ticket its
            // thread names, which carries the binding, was not written.
            // Written now, for a sender vouched for as the first offer's
            // link needed; the ticket is not opened again (the mail's
            // bytes, and so its files, may differ from the first offer's).
            let follows = match follows {
                Some(older) => Some(older),
                None => self.older_named(desk, &mail, arrival, own, &step).await?,
            };
            return self
                .follow(desk, own, ticket.number(), follows, &key, &step)
                .await;
        }
        let named = thread::named(
            desk.store(),
            &self.config,
            &mail,
            arrival.recipient.as_deref(),
        )
        .await
        .map_err(|e| step.store("thread the mail", e))?;
        if let Some(Thread {
            named,
            answers_internal,
        }) = named
        {
            let ticket = desk
                .store()
                .load(tenant, named.ticket())
                .await
                .map_err(|e| step.store("load the named ticket", e))?;
            if let Some(ticket) = ticket {
                // Offered again, a reply taken in is answered as then,
                // whatever is decided about it now, and wherever its ticket
                // was merged since.
                let comment = keys::comment_of(tenant, &identity);
                if let Some(answer) = comment_on(&ticket, comment) {
                    return Ok(answer);
                }
                let ticket = self.follow_merges(desk, ticket, &step).await?;
                if let Some(answer) = comment_on(&ticket, comment) {
                    return Ok(answer);
                }
                let vouched = vouches(arrival.release, named, &step);
                let actor = participant(&ticket, known.as_ref(), &from);
                match (vouched, actor) {
                    (true, Some(actor)) => {
                        if self.reopens(desk, &ticket, &step).await? {
                            // Staff answering a mail about what requesters
                            // may not see answer among staff: what they
                            // write and quote stays internal.
                            let visibility = if answers_internal && actor.role.is_staff() {
                                Visibility::Internal
                            } else {
                                Visibility::Public
                            };
                            return self
                                .reply(desk, &mail, raw, &key, actor, &ticket, visibility, &step)
                                .await;
                        }
                        return self
                            .open(
                                desk,
                                &mail,
                                raw,
                                &key,
                                known,
                                &from,
                                Some(ticket.id()),
                                &step,
                            )
                            .await;
                    }
                    _ if self.config.unverified == Unverified::Hold
                        && arrival.release.is_none() =>
                    {
                        return Ok(Outcome::Held(Held::Unverified {
                            ticket: ticket.id(),
                            address: from,
                        }));
                    }
                    _ => {}
                }
            }
        }
        self.open(desk, &mail, raw, &key, known, &from, None, &step)
            .await
    }

    /// Whether the receiving server vouched for the `From` address.
    fn authenticated(&self, mail: &Mail, arrival: &Arrival) -> bool {
        if let Some(verdict) = arrival.authenticated {
            return verdict;
        }
        let Some(domain) = mail.from().domain() else {
            return false;
        };
        let trusted: Vec<&str> = self
            .config
            .trusted_servers
            .iter()
            .map(String::as_str)
            .collect();
        Authentication::of(
            mail.header_values("Authentication-Results"),
            &trusted,
            domain,
        ) == Authentication::Pass
    }

    /// Whether a reply may still go on `ticket`: it is not closed, merged
    /// away or cancelled, and not resolved longer than the reopen window.
    /// The window counts from the resolution, which the ticket's later
    /// changes (a link from the ticket a late reply opened) do not move.
    async fn reopens<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        ticket: &Ticket,
        step: &Step<'_>,
    ) -> Result<bool, IngestError> {
        match ticket.status().category {
            StatusCategory::Closed | StatusCategory::Merged | StatusCategory::Cancelled => {
                Ok(false)
            }
            StatusCategory::Resolved => {
                let history = desk
                    .store()
                    .history(self.config.tenant, ticket.id(), 1)
                    .await
                    .map_err(|e| step.store("read when the ticket was resolved", e))?;
                let resolved = history
                    .iter()
                    .rev()
                    .find(|stored| matches!(stored.event.change, Change::Resolved { .. }))
                    .map_or(ticket.updated_at(), |stored| stored.event.at);
                let window = chrono::Duration::from_std(self.config.reopen_window)
                    .unwrap_or(chrono::Duration::MAX);
                Ok(desk.clock().now() - resolved <= window)
            }
            _ => Ok(true),
        }
    }

    /// The older ticket the mail's own ticket `own` was linked to when the
    /// mail opened it, read back from that link's command and events.
    async fn followed<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        own: TicketId,
        step: &Step<'_>,
    ) -> Result<Option<TicketId>, IngestError> {
        let tenant = self.config.tenant;
        let system = Actor::system(self.config.system, tenant);
        let id = CommandId::for_client_key(&system, &follows_key(step.identity));
        let store = desk.store();
        let Some(record) = store
            .command(tenant, id)
            .await
            .map_err(|e| step.store("read the link to the older ticket", e))?
        else {
            return Ok(None);
        };
        let events = store
            .history(tenant, own, record.from_version + 1)
            .await
            .map_err(|e| step.store("read the link to the older ticket", e))?;
        Ok(events
            .iter()
            .filter(|stored| stored.version <= record.to_version)
            .find_map(|stored| match &stored.event.change {
                Change::Linked { link } => Some(link.ticket),
                _ => None,
            }))
    }

    /// The ticket a merged ticket went into (a few hops at most).
    async fn follow_merges<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        mut ticket: Ticket,
        step: &Step<'_>,
    ) -> Result<Ticket, IngestError> {
        for _ in 0..4 {
            let Some(into) = ticket.merged_into() else {
                break;
            };
            match desk
                .store()
                .load(self.config.tenant, into)
                .await
                .map_err(|e| step.store("follow a merge", e))?
            {
                Some(next) => ticket = next,
                None => break,
            }
        }
        Ok(ticket)
    }

    #[allow(clippy::too_many_arguments)]
    async fn reply<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        mail: &Mail,
        raw: &[u8],
        key: &MessageId,
        actor: Actor,
        ticket: &Ticket,
        visibility: Visibility,
        step: &Step<'_>,
    ) -> Result<Outcome, IngestError> {
        let tenant = self.config.tenant;
        // A reply taken in before was answered from what it left before
        // this is called, whichever version of the channel took it in.
        let comment = keys::comment_of(tenant, step.identity);
        // The reply (or note), its files and the mail's binding: one append.
        let files = self.store_files(mail, raw, key).await?;
        let body = files.under(&reply_text(mail), desk.config().limits.body_max_bytes);
        let attachments = files.kept;
        let command = match visibility {
            Visibility::Public => Command::Reply {
                comment,
                body,
                attachments,
            },
            Visibility::Internal => Command::AddNote {
                comment,
                body,
                attachments,
            },
        };
        let request = || step.sent(keyed(&actor, ticket.id(), command.clone(), step.identity));
        match self
            .execute_binding(desk, request, Some(key), step, "add the reply")
            .await?
        {
            Taken::Here(_) => Ok(commented(visibility, ticket.id(), comment)),
            Taken::Elsewhere(outcome) => Ok(outcome),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn open<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        mail: &Mail,
        raw: &[u8],
        key: &MessageId,
        known: Option<Actor>,
        from: &str,
        follows: Option<TicketId>,
        step: &Step<'_>,
    ) -> Result<Outcome, IngestError> {
        let tenant = self.config.tenant;
        let actor = match known {
            Some(actor) => actor,
            None => match self.config.unknown_senders {
                UnknownSenders::Accept => Actor::requester(keys::sender_of(tenant, from), tenant),
                UnknownSenders::Refuse => {
                    return Ok(Outcome::Ignored(Ignored::UnknownSender {
                        address: from.to_string(),
                    }));
                }
                UnknownSenders::Hold => {
                    return Ok(Outcome::Held(Held::UnknownSender {
                        address: from.to_string(),
                    }));
                }
            },
        };
        let ticket = keys::ticket_of(tenant, step.identity);
        // A mail offered again finds its ticket and is answered as before;
        // only a first open counts against the sender's rate.
        let opened_before = desk
            .store()
            .load(tenant, ticket)
            .await
            .map_err(|e| step.store("look for the mail's ticket", e))?
            .is_some();
        // A sender nothing vouches for counts apart: mail forged in a
        // person's name never uses up what their own mail may open. So
        // does a mail vouched for by its reply token or a release alone (a
        // mail that follows an older ticket was vouched for to name it):
        // whoever the desk's mail to the sender was forwarded to holds the
        // token, so their mail neither uses up the sender's verified count
        // nor waits behind forgeries.
        let rated = match (step.vouched, follows.is_some()) {
            (true, _) => from.to_string(),
            (false, true) => format!("{from} (vouched by a token or a release)"),
            (false, false) => format!("{from} (not vouched for)"),
        };
        if let Some(rate) = &self.rate
            && !opened_before
            && !rate
                .admit(desk.store(), tenant, &rated, ticket, desk.clock().now())
                .await
                .map_err(|e| step.store("count the sender's new tickets", e))?
        {
            return Ok(Outcome::Ignored(Ignored::RateLimited {
                address: from.to_string(),
            }));
        }
        // A mail whose ticket did not open keeps its place in the rate,
        // and finds it when it is offered again.
        let number = match self
            .open_ticket(desk, mail, raw, key, &actor, from, ticket, follows, step)
            .await?
        {
            Taken::Here(executed) => executed.ticket.as_ref().and_then(Ticket::number),
            Taken::Elsewhere(outcome) => return Ok(outcome),
        };
        match follows {
            Some(_) => self.follow(desk, ticket, number, follows, key, step).await,
            None => Ok(Outcome::Opened {
                ticket,
                number,
                follows,
            }),
        }
    }

    /// Opens the mail's ticket `ticket` for `actor`, with the mail's files,
    /// bound to the mail unless it follows an older ticket (whose link
    /// binds it).
    #[allow(clippy::too_many_arguments)]
    async fn open_ticket<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        mail: &Mail,
        raw: &[u8],
        key: &MessageId,
        actor: &Actor,
        from: &str,
        ticket: TicketId,
        follows: Option<TicketId>,
        step: &Step<'_>,
    ) -> Result<Taken, IngestError> {
        let limits = &desk.config().limits;
        let subject = one_line(&ticket_subject(mail.subject().unwrap_or_default()));
        let subject: String = subject.chars().take(limits.subject_max_chars).collect();
        // The ticket, its files and the mail's binding in one append, or,
        // when it follows an older ticket, the binding in the link's: a
        // mail bound is a mail wholly taken in.
        let files = self.store_files(mail, raw, key).await?;
        let description = files.under(whole_text(mail), limits.body_max_bytes);
        let mut new = NewTicket::new(actor.id, subject, description);
        new.attachments = files.kept;
        if !actor.role.is_staff() {
            new.requester = actor.id;
        }
        let open = || {
            let vouched = Vouched::new().requester_email(from).channel(Channel::Email);
            step.sent(keyed(
                actor,
                ticket,
                Command::Open(new.clone()),
                step.identity,
            ))
            .vouched(vouched)
        };
        // Following an older ticket, the mail is bound with the link.
        let binding = follows.is_none().then_some(key);
        self.execute_binding(desk, open, binding, step, "open the ticket")
            .await
    }

    /// Links the mail's ticket `own` to the older ticket it `follows`,
    /// binding the mail in the link's append; with no older ticket, binds
    /// the mail alone.
    async fn follow<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        own: TicketId,
        number: Option<TicketNumber>,
        follows: Option<TicketId>,
        key: &MessageId,
        step: &Step<'_>,
    ) -> Result<Outcome, IngestError> {
        let tenant = self.config.tenant;
        match follows {
            Some(older) => {
                let system = Actor::system(self.config.system, tenant);
                let link = Command::Link {
                    link: Link {
                        kind: LinkKind::Related,
                        ticket: older,
                    },
                };
                let key_of_link = follows_key(step.identity);
                let request = || keyed(&system, own, link.clone(), &key_of_link);
                let linked = self
                    .execute_binding(desk, request, Some(key), step, "link the older ticket")
                    .await?;
                if let Taken::Elsewhere(outcome) = linked {
                    return Ok(outcome);
                }
            }
            None => {
                let store = desk.store();
                store
                    .remember_message(tenant, key, own)
                    .await
                    .map_err(|e| step.store("bind the mail to its ticket", e))?;
            }
        }
        Ok(Outcome::Opened {
            ticket: own,
            number,
            follows,
        })
    }

    /// The ticket other than `own` that the mail's thread names, once
    /// merges are followed: the older ticket a mail that opened `own`
    /// follows.
    async fn older_named<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        mail: &Mail,
        arrival: &Arrival,
        own: TicketId,
        step: &Step<'_>,
    ) -> Result<Option<TicketId>, IngestError> {
        let named = thread::named(
            desk.store(),
            &self.config,
            mail,
            arrival.recipient.as_deref(),
        )
        .await
        .map_err(|e| step.store("thread the mail", e))?;
        let Some(thread) = named.filter(|t| vouches(arrival.release, t.named, step)) else {
            return Ok(None);
        };
        let ticket = desk
            .store()
            .load(self.config.tenant, thread.named.ticket())
            .await
            .map_err(|e| step.store("load the named ticket", e))?;
        let Some(ticket) = ticket else {
            return Ok(None);
        };
        let older = self.follow_merges(desk, ticket, step).await?.id();
        Ok((older != own).then_some(older))
    }

    /// Executes the request `make` builds, binding the mail `key` (if
    /// given) to its ticket in the same append. A copy of this mail taken
    /// in on another ticket (offered to another host at once, say, and
    /// decided apart there), found by the id's binding or by the command
    /// id the mail gives its sender's command, answers this one as it was
    /// taken in. An id bound to a ticket that holds no copy is another
    /// mail's: this one is then executed without the binding, as a mail
    /// whose id is taken.
    async fn execute_binding<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        make: impl Fn() -> Request,
        key: Option<&MessageId>,
        step: &Step<'_>,
        what: &'static str,
    ) -> Result<Taken, IngestError> {
        let request = match key {
            Some(key) => make().with_message(key.clone()),
            None => make(),
        };
        let bound = match desk.execute(request).await {
            Ok(executed) => return Ok(Taken::Here(executed)),
            Err(DeskError::Store(StoreError::MessageBound { bound, .. })) => bound,
            // The mail's command id (its sender's, keyed by the mail) was
            // recorded on another ticket: a copy went there.
            Err(
                reused @ DeskError::CommandIdReused {
                    command,
                    differs: Reuse::Ticket,
                },
            ) => {
                let record = desk
                    .store()
                    .command(self.config.tenant, command)
                    .await
                    .map_err(|e| step.store("find where the mail's command went", e))?;
                let taken = match record {
                    Some(record) => self.taken_in_at(desk, record.ticket, step).await?,
                    None => None,
                };
                return taken
                    .map(Taken::Elsewhere)
                    .ok_or_else(|| step.desk(what, reused));
            }
            Err(e) => return Err(step.desk(what, e)),
        };
        if let Some(outcome) = self.taken_in_at(desk, bound, step).await? {
            return Ok(Taken::Elsewhere(outcome));
        }
        let executed = desk.execute(make()).await.map_err(|e| step.desk(what, e))?;
        Ok(Taken::Here(executed))
    }

    /// How a copy of the mail was taken in on `bound`, the ticket its id is
    /// bound to: as the ticket it opened, or as its comment there; `None`
    /// when `bound` holds neither (the id is another mail's).
    async fn taken_in_at<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        bound: TicketId,
        step: &Step<'_>,
    ) -> Result<Option<Outcome>, IngestError> {
        let tenant = self.config.tenant;
        let Some(ticket) = desk
            .store()
            .load(tenant, bound)
            .await
            .map_err(|e| step.store("load the ticket the mail is bound to", e))?
        else {
            return Ok(None);
        };
        if bound == keys::ticket_of(tenant, step.identity) {
            let follows = self.followed(desk, bound, step).await?;
            return Ok(Some(Outcome::Opened {
                ticket: bound,
                number: ticket.number(),
                follows,
            }));
        }
        Ok(comment_on(&ticket, keys::comment_of(tenant, step.identity)))
    }

    /// Notes a delivery failure on the ticket whose mail bounced.
    async fn bounce<S: Store, N: Notifier, C: Clock>(
        &self,
        desk: &Desk<S, N, C>,
        bounce: &Bounce,
        step: &Step<'_>,
    ) -> Result<Outcome, IngestError> {
        let tenant = self.config.tenant;
        let Some(original) = bounce
            .original_message_id()
            .and_then(|id| MessageId::new(id).ok())
        else {
            return Ok(Outcome::Ignored(Ignored::UnknownBounce));
        };
        // Only the desk's own mail bounces back to it: a notice naming a
        // mail the desk received (whose Message-ID anyone copied on it
        // knows) names no mail of the desk's.
        let Some(sent) = thread::delivery_key(&self.config, &original) else {
            return Ok(Outcome::Ignored(Ignored::UnknownBounce));
        };
        let lookup = desk
            .store()
            .ticket_of_message(tenant, &sent)
            .await
            .map_err(|e| step.store("find the bounced mail", e))?;
        let Some(ticket) = lookup else {
            return Ok(Outcome::Ignored(Ignored::UnknownBounce));
        };
        let recipients: Vec<String> = bounce
            .recipients()
            .iter()
            .map(|r| r.address().to_string())
            .collect();
        let lines: Vec<String> = bounce
            .recipients()
            .iter()
            .map(|r| {
                let status = r.status().map(|s| s.to_string()).unwrap_or_default();
                let diagnostic = r.diagnostic().unwrap_or_default();
                one_line(&format!(
                    "- {} {status} ({:?}) {diagnostic}",
                    r.address(),
                    r.severity()
                ))
            })
            .collect();
        let delayed = bounce.is_delay();
        let (what, still) = if delayed {
            ("delayed", "; the server is still trying")
        } else {
            ("failed", "")
        };
        let outcome = if delayed {
            Outcome::DeliveryDelayed { ticket, recipients }
        } else {
            Outcome::DeliveryFailed { ticket, recipients }
        };
        // A notice the channel's earlier versions noted (keyed by the
        // notice itself) is answered as then.
        let earlier = keys::comment_of(tenant, step.identity);
        let noted_before = desk
            .store()
            .load(tenant, ticket)
            .await
            .map_err(|e| step.store("load the bounced mail's ticket", e))?
            .is_some_and(|t| t.conversation().any(|c| c.id == earlier));
        if noted_before {
            return Ok(outcome);
        }
        let body = format!(
            "Delivery {what} for the mail {original}{still}:\n{}",
            lines.join("\n")
        );
        let body = cut(&body, desk.config().limits.body_max_bytes, "\n[cut]");
        let system = Actor::system(self.config.system, tenant);
        // Keyed by the mail that bounced (its one key, however its
        // Message-ID is spelt), not by the notice: each mail the desk sent
        // is noted delayed once and failed once, however many notices (or
        // forgeries by whoever holds its Message-ID) name it.
        let noted = format!("{} {what}", sent.as_str());
        let note = Command::note(keys::comment_of(tenant, &noted), body);
        match desk.execute(keyed(&system, ticket, note, &noted)).await {
            Ok(_) => Ok(outcome),
            Err(DeskError::CommandIdReused {
                differs: Reuse::Content,
                ..
            }) => {
                tracing::info!(
                    %ticket,
                    mail = %original,
                    notice = %step.key,
                    "a delivery notice about a mail its ticket already notes {what} (from an earlier notice) is not noted again"
                );
                Ok(Outcome::Ignored(Ignored::BounceNoted { ticket }))
            }
            Err(e) => Err(step.desk("note the delivery failure", e)),
        }
    }

    /// Stores the whole original and the mail's files (within the
    /// configured budget), answering their references.
    async fn store_files(
        &self,
        mail: &Mail,
        raw: &[u8],
        key: &MessageId,
    ) -> Result<Files, IngestError> {
        let tenant = self.config.tenant;
        let stored = |e| IngestError::Attachment {
            message_id: key.to_string(),
            source: e,
        };
        let mut files = Files::default();
        let original = self
            .attachments
            .put(tenant.into(), raw)
            .await
            .map_err(stored)?;
        files.kept.push(AttachmentRef::new(
            original.as_str(),
            "original.eml",
            "message/rfc822",
            raw.len() as u64,
        ));
        let mut budget = self.config.max_attachment_bytes;
        for (i, file) in mail.attachments().iter().enumerate() {
            let name = file
                .file_name()
                .map(safe_name)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| match file.extension() {
                    Some(extension) => format!("attachment-{}.{extension}", i + 1),
                    None => format!("attachment-{}", i + 1),
                });
            let size = file.size();
            let past = if size > self.config.max_file_bytes {
                Some(format!("over {} bytes a file", self.config.max_file_bytes))
            } else if size > budget {
                Some(format!(
                    "past {} bytes of files a mail",
                    self.config.max_attachment_bytes
                ))
            } else if files.kept.len() >= helpdesk_core::MAX_ATTACHMENTS {
                Some(format!(
                    "past {} files a comment",
                    helpdesk_core::MAX_ATTACHMENTS
                ))
            } else {
                None
            };
            if let Some(why) = past {
                files.left_out.push(format!("{name} ({size} bytes, {why})"));
                continue;
            }
            budget -= size;
            let stored_key = self
                .attachments
                .put(tenant.into(), file.bytes())
                .await
                .map_err(stored)?;
            files.kept.push(AttachmentRef::new(
                stored_key.as_str(),
                name,
                file.recorded_type(),
                size as u64,
            ));
        }
        Ok(files)
    }
}

/// What executing a command that binds the mail came to.
enum Taken {
    /// Executed here.
    Here(helpdesk_engine::Executed),
    /// A copy of the mail was taken in already: its answer.
    Elsewhere(Outcome),
}

/// What a mail taken in as `comment` on `ticket` became, if `ticket`
/// holds it.
fn comment_on(ticket: &Ticket, comment: CommentId) -> Option<Outcome> {
    let found = ticket.conversation().find(|c| c.id == comment)?;
    Some(commented(found.visibility, ticket.id(), comment))
}

/// What a mail taken in as a comment of `visibility` on `ticket` became:
/// a public reply, or a staff member's internal note.
fn commented(visibility: Visibility, ticket: TicketId, comment: CommentId) -> Outcome {
    match visibility {
        Visibility::Public => Outcome::Replied { ticket, comment },
        Visibility::Internal => Outcome::Noted { ticket, comment },
    }
}

/// A mail's files as stored: the references of those kept (the original
/// first), and a line for each one left out, naming it, its size and the
/// limit it is past. The original keeps them all.
#[derive(Default)]
struct Files {
    kept: Vec<AttachmentRef>,
    left_out: Vec<String>,
}

impl Files {
    /// `text` with the files left out named after it, within `max` bytes.
    fn under(&self, text: &str, max: usize) -> String {
        if self.left_out.is_empty() {
            return within(text, max);
        }
        let note = format!(
            "\n\n[Files left out, kept only in original.eml: {}]",
            self.left_out.join("; ")
        );
        let text = within(text, max.saturating_sub(note.len()));
        within(&format!("{text}{note}"), max)
    }
}

/// Whether a mail naming a ticket as `named` may act on it as its sender:
/// a person's release decides; a token signed for the sender vouches;
/// otherwise the host's or a trusted server's verdict.
fn vouches(release: Option<Release>, named: Named, step: &Step<'_>) -> bool {
    match (release, named) {
        // A ticket of its own: the named one is left alone.
        (Some(Release::NewTicket), _) => false,
        (_, Named::Token(_)) | (Some(Release::Vouched), _) => true,
        (None, Named::MessageId(_) | Named::Tag(_)) => step.vouched,
    }
}

/// The client key of the link from a mail's new ticket to the older one it
/// follows.
fn follows_key(identity: &str) -> String {
    format!("{identity} follows")
}

/// `command` by `actor` on `ticket`, under the command id of the client
/// key `key`, so the same mail gives the same id however often it comes.
pub(super) fn keyed(actor: &Actor, ticket: TicketId, command: Command, key: &str) -> Request {
    Request {
        id: CommandId::for_client_key(actor, key),
        ..Request::new(actor.clone(), ticket, command)
    }
}

/// The actor a mail's sender is on `ticket`, if they take part in it: the
/// host's staff (the desk checks their reach), the ticket's requester by
/// the host's records, or by the address the ticket was opened from.
fn participant(ticket: &Ticket, known: Option<&Actor>, from: &str) -> Option<Actor> {
    if let Some(actor) = known {
        if actor.role.is_staff() || actor.id == ticket.requester() {
            return Some(actor.clone());
        }
    }
    let same_address = ticket
        .requester_email()
        .is_some_and(|email| email.eq_ignore_ascii_case(from));
    (same_address && known.is_none_or(|a| a.role == Role::Requester))
        .then(|| Actor::requester(ticket.requester(), ticket.tenant()))
}

/// The new text of a reply: the plain text's, or the HTML's when the mail
/// has no plain text; the whole text when nothing new is left.
fn reply_text(mail: &Mail) -> String {
    let reply = match (mail.has_plain_text(), mail.html()) {
        (false, Some(html)) => Reply::extract_html(html),
        _ => Reply::extract(mail.text()),
    };
    let visible = reply.visible().trim();
    if !visible.is_empty() {
        return visible.to_string();
    }
    whole_text(mail).to_string()
}

/// The mail's whole text, trimmed; for a mail sealed for its recipient,
/// a line saying so.
fn whole_text(mail: &Mail) -> &str {
    match mail.text().trim() {
        "" if mail.is_encrypted() => {
            "(encrypted: the desk cannot read it; the mail is attached as it came)"
        }
        text => text,
    }
}

/// `text` as one line: control characters (line breaks included) become
/// spaces.
fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` within `max` bytes, without NUL characters (the desk refuses
/// them, and a mail may hold them): cut at a character boundary with a note
/// when longer (the whole mail is attached as `original.eml`); `(no text)`
/// when empty.
fn within(text: &str, max: usize) -> String {
    let text = cut(
        text,
        max,
        "\n\n[cut: the whole mail is attached as original.eml]",
    );
    if text.is_empty() {
        "(no text)".into()
    } else {
        text
    }
}

/// `text` without NUL characters, cut to at most `max` bytes ending in
/// `note` when longer.
fn cut(text: &str, max: usize, note: &str) -> String {
    let text = text.replace('\0', "");
    if text.len() <= max {
        return text;
    }
    let mut end = max.saturating_sub(note.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{note}", &text[..end])
}

/// A file name without path separators or control characters.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars()
        .filter(|c| !c.is_control())
        .take(255)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Names the mail in errors.
struct Step<'a> {
    key: &'a MessageId,
    /// What the mail's commands are keyed by ([`keys::identity`]).
    identity: &'a str,
    /// Whether the mail asks not to be answered automatically
    /// ([`Automation::suppress_auto_response`]) and its sender is vouched
    /// for.
    no_auto_response: bool,
    /// Whether the host or a trusted server vouched for the `From`
    /// address ([`MailChannel::authenticated`]).
    vouched: bool,
}

impl Step<'_> {
    /// `request`, a command of the mail's sender, telling them nothing
    /// automatically when the mail asks so.
    fn sent(&self, request: Request) -> Request {
        if self.no_auto_response {
            request.without_auto_response()
        } else {
            request
        }
    }

    fn desk(&self, step: &'static str, source: DeskError) -> IngestError {
        IngestError::Desk {
            message_id: self.key.to_string(),
            step,
            source,
        }
    }

    fn store(&self, step: &'static str, source: helpdesk_engine::StoreError) -> IngestError {
        IngestError::Store {
            message_id: self.key.to_string(),
            step,
            source,
        }
    }
}
