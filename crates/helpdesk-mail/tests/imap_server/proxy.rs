//! A TCP proxy in front of Dovecot, for the failures a real server will
//! not produce on demand: it passes bytes both ways and records the
//! client's command lines, and when told, goes silent partway through its
//! answer to a command (a connection dropped without a word), hangs up on
//! a command (a server process that dies on it), refuses a command itself
//! with a chosen status (a server that lacks it, or one in trouble), adds
//! an untagged response of its own to the answer to a command (mail
//! announced while the server worked on it, or a count repeated), adds one
//! right after the server's continuation (`+`, an `IDLE` under way), has
//! the server leave an item out of its answer to a fetch (a server bug)
//! or answer for another message than the one asked (one gone meanwhile),
//! or passes the server's answers slowly (a slow link). Stopped when
//! dropped.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// What the proxy does to the commands it sees.
#[derive(Default)]
struct Rules {
    /// Go silent this many bytes into the answer to the next command
    /// naming these words.
    freeze: Option<(String, usize)>,
    /// Answer the next commands naming these words with this status
    /// (`NO`, `BAD`) instead of passing them on, this many more times.
    refuse: Vec<(String, String, usize)>,
    /// Close the connection on the next commands naming these words,
    /// without passing them on, this many more times.
    hang_up: Vec<(String, usize)>,
    /// Every command line the client sent, without its tag.
    commands: Vec<String>,
    /// Pass the server's answers at most this many bytes a second.
    rate: Option<usize>,
    /// Send this untagged response line to the client on the next
    /// commands naming these words, before passing them on, this many
    /// more times.
    announce: Vec<(String, String, usize)>,
    /// Pass these commands with the first text in place of the second in
    /// the next commands naming these words, this many more times.
    replace: Vec<(String, String, String, usize)>,
    /// Send this untagged response line to the client right after each of
    /// the server's next continuation requests (`+`), this many more times.
    after_continuation: Vec<(String, usize)>,
}

/// What becomes of one command line.
enum Action {
    Pass,
    /// Pass it, then go silent this many bytes into the answer.
    Freeze(usize),
    /// Answer it with this status.
    Refuse(String),
    /// Close the connection instead of passing it on.
    HangUp,
    /// Send this line to the client, then pass it.
    Announce(String),
    /// Pass this line in its place.
    Rewrite(String),
}

impl Rules {
    fn on_command(&mut self, command: &str) -> Action {
        self.commands.push(command.to_string());
        let names = |words: &str| format!(" {command} ").contains(&format!(" {words} "));
        for (words, status, times) in &mut self.refuse {
            if *times > 0 && names(words) {
                *times -= 1;
                return Action::Refuse(status.clone());
            }
        }
        for (words, times) in &mut self.hang_up {
            if *times > 0 && names(words) {
                *times -= 1;
                return Action::HangUp;
            }
        }
        for (words, line, times) in &mut self.announce {
            if *times > 0 && names(words) {
                *times -= 1;
                return Action::Announce(line.clone());
            }
        }
        for (words, from, to, times) in &mut self.replace {
            if *times > 0 && names(words) {
                *times -= 1;
                return Action::Rewrite(command.replace(from.as_str(), to));
            }
        }
        match self.freeze.take() {
            Some((words, bytes)) if names(&words) => Action::Freeze(bytes),
            other => {
                self.freeze = other;
                Action::Pass
            }
        }
    }
}

/// A proxy listening on `127.0.0.1:port`.
pub struct Proxy {
    /// The port to connect to instead of the server's.
    pub port: u16,
    rules: Arc<Mutex<Rules>>,
    task: JoinHandle<()>,
}

impl Proxy {
    /// Starts a proxy to the plain IMAP port `target` on this machine.
    pub async fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let rules = Arc::new(Mutex::new(Rules::default()));
        let shared = rules.clone();
        let task = tokio::spawn(async move {
            // Dropping the set (the proxy stopped) ends every connection.
            let mut connections = JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                connections.spawn(serve(client, target, shared.clone()));
            }
        });
        Self { port, rules, task }
    }

    /// Goes silent `bytes` bytes into the server's answer to the next
    /// command naming `words` (`"UID MOVE"`, `"BODY.PEEK[]"`): the rest of
    /// that answer and everything after it is held back for good.
    pub fn freeze_after(&self, words: &str, bytes: usize) {
        self.rules.lock().unwrap().freeze = Some((words.to_string(), bytes));
    }

    /// Answers the next `times` commands naming `words` with `status`
    /// (`"NO"`, `"BAD"`, or with a response code: `"NO [UNAVAILABLE]"`)
    /// itself, followed by the text `refused by the test proxy`, without
    /// passing them to the server.
    pub fn refuse(&self, words: &str, status: &str, times: usize) {
        let rule = (words.to_string(), status.to_string(), times);
        self.rules.lock().unwrap().refuse.push(rule);
    }

    /// Closes the connection on the next `times` commands naming `words`
    /// instead of passing them to the server: the client reads the end of
    /// the stream where it waits for the answer.
    pub fn hang_up(&self, words: &str, times: usize) {
        let rule = (words.to_string(), times);
        self.rules.lock().unwrap().hang_up.push(rule);
    }

    /// Passes the server's answers at most `bytes` bytes a second from now
    /// on (a slow link).
    pub fn throttle(&self, bytes: usize) {
        self.rules.lock().unwrap().rate = Some(bytes);
    }

    /// Sends the untagged response `line` (`"* 1 EXISTS"`) to the client
    /// when each of the next `times` commands naming `words` arrives,
    /// before passing that command on: the client reads it in the
    /// command's answer. Replaces the rule for the same `words`.
    pub fn announce(&self, words: &str, line: &str, times: usize) {
        let announce = &mut self.rules.lock().unwrap().announce;
        announce.retain(|(named, _, _)| named != words);
        announce.push((words.to_string(), line.to_string(), times));
    }

    /// Asks the server, in the next `times` commands naming `words`, for
    /// `UID` in place of `item` (`"RFC822.SIZE"`): its answer, `OK`, lacks
    /// that item, as a server's that leaves it out would.
    pub fn omit(&self, words: &str, item: &str, times: usize) {
        self.replace(words, item, "UID", times);
    }

    /// Passes the next `times` commands naming `words` with `to` in place
    /// of `from` (`"FETCH 1 "` by `"FETCH 99 "`: the server's answer names
    /// another message than the one asked, or none).
    pub fn replace(&self, words: &str, from: &str, to: &str, times: usize) {
        let rule = (words.to_string(), from.to_string(), to.to_string(), times);
        self.rules.lock().unwrap().replace.push(rule);
    }

    /// Sends the untagged response `line` (`"* 0 EXISTS"`) to the client
    /// right after each of the server's next `times` continuation requests
    /// (a line starting with `+`: the `+ idling` that begins an `IDLE`), as
    /// a server would while it idles. Lines of a message's bytes that start
    /// with `+` are taken for one too: the tests' mails have none.
    pub fn after_continuation(&self, line: &str, times: usize) {
        let rule = (line.to_string(), times);
        self.rules.lock().unwrap().after_continuation.push(rule);
    }

    /// The command lines the clients sent so far, without their tags.
    pub fn commands(&self) -> Vec<String> {
        self.rules.lock().unwrap().commands.clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(client: TcpStream, target: u16, rules: Arc<Mutex<Rules>>) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", target)).await else {
        return;
    };
    let (mut from_client, to_client) = client.into_split();
    let (from_server, mut to_server) = server.into_split();
    let to_client = Arc::new(tokio::sync::Mutex::new(to_client));
    let budget = Arc::new(Mutex::new(None));
    let answers = tokio::spawn(answer(
        from_server,
        to_client.clone(),
        budget.clone(),
        rules.clone(),
    ));
    let mut pending = Vec::new();
    let mut buffer = [0; 4096];
    while let Ok(read @ 1..) = from_client.read(&mut buffer).await {
        pending.extend_from_slice(&buffer[..read]);
        while let Some(end) = pending.windows(2).position(|w| w == b"\r\n") {
            let line: Vec<u8> = pending.drain(..end + 2).collect();
            let text = String::from_utf8_lossy(&line[..end]).to_string();
            let (tag, command) = text.split_once(' ').unwrap_or(("", &text));
            let action = rules.lock().unwrap().on_command(command);
            let sent = match action {
                Action::Pass => to_server.write_all(&line).await,
                Action::Freeze(bytes) => {
                    *budget.lock().unwrap() = Some(bytes);
                    to_server.write_all(&line).await
                }
                Action::Refuse(status) => {
                    let reply = format!("{tag} {status} refused by the test proxy\r\n");
                    to_client.lock().await.write_all(reply.as_bytes()).await
                }
                Action::Announce(said) => {
                    let said = format!("{said}\r\n");
                    match to_client.lock().await.write_all(said.as_bytes()).await {
                        Ok(()) => to_server.write_all(&line).await,
                        Err(e) => Err(e),
                    }
                }
                Action::Rewrite(command) => {
                    let line = format!("{tag} {command}\r\n");
                    to_server.write_all(line.as_bytes()).await
                }
                Action::HangUp => {
                    answers.abort();
                    let _ = to_client.lock().await.shutdown().await;
                    return;
                }
            };
            if sent.is_err() {
                answers.abort();
                return;
            }
        }
    }
    answers.abort();
}

/// Where the server's answer is, to find its continuation requests.
#[derive(Default)]
struct Lines {
    /// Within a line (not at its start).
    within: bool,
    /// Within a continuation request (a line starting with `+`).
    continuation: bool,
}

impl Lines {
    /// `bytes` from the server, with the lines the rules add after each
    /// continuation request that ends in them.
    fn pass(&mut self, bytes: &[u8], rules: &Mutex<Rules>) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len());
        for &byte in bytes {
            out.push(byte);
            if !self.within && byte == b'+' {
                self.continuation = true;
            }
            self.within = byte != b'\n';
            if byte == b'\n' && std::mem::take(&mut self.continuation) {
                for (line, times) in &mut rules.lock().unwrap().after_continuation {
                    if *times > 0 {
                        *times -= 1;
                        out.extend_from_slice(format!("{line}\r\n").as_bytes());
                    }
                }
            }
        }
        out
    }
}

/// Passes the server's bytes to the client, at most `budget` of them once
/// it is set, at the rate the rules allow, with the lines the rules add.
async fn answer(
    mut from_server: OwnedReadHalf,
    to_client: Arc<tokio::sync::Mutex<OwnedWriteHalf>>,
    budget: Arc<Mutex<Option<usize>>>,
    rules: Arc<Mutex<Rules>>,
) {
    let mut buffer = [0; 4096];
    let mut lines = Lines::default();
    while let Ok(read @ 1..) = from_server.read(&mut buffer).await {
        let (pass, silent) = {
            let mut budget = budget.lock().unwrap();
            match *budget {
                None => (read, false),
                Some(left) => {
                    let pass = left.min(read);
                    *budget = Some(left - pass);
                    (pass, left == pass)
                }
            }
        };
        let passed = lines.pass(&buffer[..pass], &rules);
        if to_client.lock().await.write_all(&passed).await.is_err() {
            return;
        }
        if silent {
            std::future::pending::<()>().await;
        }
        let rate = rules.lock().unwrap().rate;
        if let Some(rate) = rate {
            let pause = pass as f64 / rate.max(1) as f64;
            tokio::time::sleep(std::time::Duration::from_secs_f64(pause)).await;
        }
    }
}
