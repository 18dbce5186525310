//! A real S3-compatible server for the attachment tests: moto's
//! (`s3_server.py`), started once per test binary on a free port, with one
//! bucket; each test keeps its files under a prefix of its own. A machine
//! without moto fails the tests; `.ci/run` installs it from PyPI.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{BackoffConfig, RetryConfig};

/// The bucket the server makes at start.
pub const BUCKET: &str = "helpdesk-attachments";

/// The server: it stops when its standard input closes, which happens
/// when the test process ends, however it ends.
struct Server {
    _child: Child,
    _stdin: ChildStdin,
    _log: tempfile::NamedTempFile,
    port: u16,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(start)
}

fn start() -> Server {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/s3_server/s3_server.py");
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new("python3")
        .arg(script)
        .arg(BUCKET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("the S3 tests need python3 with moto: {e}"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let Some(port) = line.trim().strip_prefix("port ") else {
        let _ = child.wait();
        panic!(
            "the S3 tests need python3 with moto's server (run .ci/run, or \
             `python3 -m pip install 'moto[server]==5.1.18'`); it did not start: {}",
            std::fs::read_to_string(log.path()).unwrap_or_default()
        );
    };
    Server {
        _stdin: child.stdin.take().unwrap(),
        port: port.parse().unwrap(),
        _child: child,
        _log: log,
    }
}

/// The server's address.
pub fn endpoint() -> String {
    format!("http://127.0.0.1:{}", server().port)
}

/// A client of the bucket at `endpoint`, as a host builds one for S3,
/// with a retry or two so a test of a dead endpoint ends quickly.
pub fn bucket_at(endpoint: &str) -> Arc<AmazonS3> {
    let retry = RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            base: 2.0,
        },
        max_retries: 2,
        retry_timeout: Duration::from_secs(5),
    };
    let bucket = AmazonS3Builder::new()
        .with_endpoint(endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_bucket_name(BUCKET)
        .with_access_key_id("helpdesk")
        .with_secret_access_key("helpdesk")
        .with_retry(retry)
        .build()
        .unwrap();
    Arc::new(bucket)
}

/// A client of the server's bucket.
pub fn bucket() -> Arc<AmazonS3> {
    bucket_at(&endpoint())
}

/// A prefix no other test uses.
pub fn fresh_prefix() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("test-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
