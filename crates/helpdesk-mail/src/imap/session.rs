//! The source's IMAP session, opened when there is none: connected
//! (plain, STARTTLS or implicit TLS), logged in, its capabilities noted,
//! the folders created and the mailbox selected, within
//! [`ImapOptions::timeout`]; and each command on it bounded by that
//! timeout ([`timed`]), its error naming it.

use std::future::Future;
use std::time::Duration;

use async_imap::{Client, Session};

use super::connection::{Connection, server};
use super::count::MessageCount;
use super::{ImapError, ImapOptions, ImapSecurity, ImapSource};

impl ImapSource {
    /// The session, connecting first when there is none, and the options
    /// (borrowed apart, to bound the session's commands by their timeout).
    pub(super) async fn connected(
        &mut self,
    ) -> Result<(&mut Session<Connection>, &ImapOptions), ImapError> {
        self.reconnect().await?;
        let session = self.session.as_mut().ok_or_else(|| ImapError::Connection {
            server: server(&self.options),
            step: "log in",
            reason: "no session".into(),
        })?;
        Ok((session, &self.options))
    }

    /// The session, connecting first when there is none.
    pub(super) async fn session(&mut self) -> Result<&mut Session<Connection>, ImapError> {
        Ok(self.connected().await?.0)
    }

    /// Connects (logs in, creates the folders, selects the mailbox) when
    /// there is no session.
    async fn reconnect(&mut self) -> Result<(), ImapError> {
        if self.session.is_none() {
            let timeout = self.options.timeout;
            let session = tokio::time::timeout(timeout, self.open())
                .await
                .map_err(|_| ImapError::Timeout {
                    server: server(&self.options),
                    step: "log in",
                    seconds: timeout.as_secs(),
                })??;
            self.session = Some(session);
        }
        Ok(())
    }

    async fn open(&mut self) -> Result<Session<Connection>, ImapError> {
        let options = &self.options;
        let tcp = Connection::tcp(options).await?;
        let stream = match options.security {
            ImapSecurity::Implicit => Connection::tls(options, tcp).await?,
            ImapSecurity::None => Connection::Plain(tcp),
            ImapSecurity::StartTls => {
                let mut client = Client::new(tcp);
                greeting(options, &mut client).await?;
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|_| ImapError::Unsupported {
                        server: server(options),
                        capability: "STARTTLS",
                    })?;
                Connection::tls(options, client.into_inner()).await?
            }
        };
        let mut client = Client::new(stream);
        if options.security != ImapSecurity::StartTls {
            greeting(options, &mut client).await?;
        }
        let mut session = client
            .login(&options.username, &options.password)
            .await
            .map_err(|(e, _)| ImapError::Login {
                server: server(options),
                username: options.username.clone(),
                reason: e.to_string(),
            })?;
        let capabilities = session
            .capabilities()
            .await
            .map_err(|e| command_error(options, "CAPABILITY", e))?;
        self.can_idle = capabilities.has_str("IDLE");
        self.can_move = capabilities.has_str("MOVE");
        self.can_uidplus = capabilities.has_str("UIDPLUS");
        for folder in [&options.processed, &options.failed] {
            match session.create(folder).await {
                // NO: it exists already.
                Ok(()) | Err(async_imap::error::Error::No(_)) => {}
                Err(e) => return Err(command_error(options, "CREATE", e)),
            }
        }
        let mailbox = session
            .select(&options.mailbox)
            .await
            .map_err(|e| command_error(options, "SELECT", e))?;
        if mailbox.uid_validity != self.uid_validity {
            // Another mailbox under the same name: old UIDs mean nothing.
            self.unmoved.clear();
            self.copied.clear();
            self.suspects.clear();
            self.size_suspects.clear();
            self.uid_validity = mailbox.uid_validity;
        }
        self.count = MessageCount::selected(mailbox.exists);
        Ok(session)
    }

    pub(super) fn command(&self, command: &str, e: async_imap::error::Error) -> ImapError {
        command_error(&self.options, command, e)
    }
}

/// `work`, unless it takes longer than [`ImapOptions::timeout`]: then an
/// [`ImapError::Timeout`] naming `step`.
pub(super) async fn timed<T>(
    options: &ImapOptions,
    step: &'static str,
    work: impl Future<Output = T>,
) -> Result<T, ImapError> {
    timed_for(options, step, options.timeout, work).await
}

/// `work`, unless it takes longer than `budget`: then an
/// [`ImapError::Timeout`] naming `step`.
pub(super) async fn timed_for<T>(
    options: &ImapOptions,
    step: &'static str,
    budget: Duration,
    work: impl Future<Output = T>,
) -> Result<T, ImapError> {
    tokio::time::timeout(budget, work)
        .await
        .map_err(|_| ImapError::Timeout {
            server: server(options),
            step,
            seconds: budget.as_secs(),
        })
}

pub(super) fn command_error(
    options: &ImapOptions,
    command: &str,
    e: async_imap::error::Error,
) -> ImapError {
    ImapError::Command {
        server: server(options),
        command: format!("{command} ({})", options.mailbox),
        reason: e.to_string(),
    }
}

async fn greeting<T>(options: &ImapOptions, client: &mut Client<T>) -> Result<(), ImapError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    match client.read_response().await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(ImapError::Connection {
            server: server(options),
            step: "greeting",
            reason: "the server closed the connection".into(),
        }),
        Err(e) => Err(ImapError::Connection {
            server: server(options),
            step: "greeting",
            reason: e.to_string(),
        }),
    }
}
