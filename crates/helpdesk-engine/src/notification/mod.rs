//! Notifications as the dispatcher hands them to notifiers: each planned
//! delivery resolved to an address through the [`Directory`] and rendered
//! with the configuration's [`Templates`].

mod channels;
mod directory;
mod message;
pub(crate) mod prepare;
mod templates;
mod vars;
pub(crate) mod watcher;

pub use channels::{Channels, Unrouted};
pub use directory::{
    ByEmailFuture, ConfigDirectory, Contact, Directory, DirectoryError, DirectoryFuture, OptOut,
};
pub use message::{Addressee, Notification};
pub use templates::{RenderError, Rendered, Templates};
pub use vars::{EventVars, RecipientVars, TicketVars, Vars};
