//! Certificates for the TLS tests, made with the `openssl` command (as the
//! IMAP tests make theirs): an authority of the test's own, and server
//! certificates it signs for the names asked.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A certificate authority made for one test, its files and those of the
/// certificates it issues in a directory of its own, removed when dropped.
pub struct Authority {
    dir: tempfile::TempDir,
    name: String,
}

/// A server certificate and its key, as PEM files.
pub struct Issued {
    /// The certificate.
    pub cert: PathBuf,
    /// Its private key.
    pub key: PathBuf,
}

fn run(command: &mut Command) -> Vec<u8> {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("the TLS tests need the openssl command: {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

impl Authority {
    /// A new authority called `name`.
    pub fn new(name: &str) -> Self {
        let authority = Self {
            dir: tempfile::tempdir().unwrap(),
            name: name.to_owned(),
        };
        let subject = format!("/CN={name} test CA");
        run(Command::new("openssl").args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &subject,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
            "-keyout",
            text(&authority.file("key")),
            "-out",
            text(&authority.file("pem")),
        ]));
        authority
    }

    fn file(&self, extension: &str) -> PathBuf {
        self.dir
            .path()
            .join(format!("{}-ca.{extension}", self.name))
    }

    /// The authority's certificate, DER: what a client adds to trust it.
    pub fn der(&self) -> Vec<u8> {
        run(Command::new("openssl").args([
            "x509",
            "-in",
            text(&self.file("pem")),
            "-outform",
            "DER",
        ]))
    }

    /// A server certificate it signs, valid for `names` (`DNS:localhost`,
    /// `IP:127.0.0.1`), stored as `{file}.pem` and `{file}.key`.
    pub fn issue(&self, file: &str, names: &[&str]) -> Issued {
        let issued = Issued {
            cert: self.dir.path().join(format!("{file}.pem")),
            key: self.dir.path().join(format!("{file}.key")),
        };
        let csr = self.dir.path().join(format!("{file}.csr"));
        let ext = self.dir.path().join(format!("{file}.ext"));
        run(Command::new("openssl").args([
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-subj",
            "/CN=smtp.test",
            "-keyout",
            text(&issued.key),
            "-out",
            text(&csr),
        ]));
        std::fs::write(
            &ext,
            format!(
                "subjectAltName={}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
                names.join(",")
            ),
        )
        .unwrap();
        run(Command::new("openssl").args([
            "x509",
            "-req",
            "-in",
            text(&csr),
            "-CA",
            text(&self.file("pem")),
            "-CAkey",
            text(&self.file("key")),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            text(&ext),
            "-out",
            text(&issued.cert),
        ]));
        issued
    }
}
