//! The `helpdesk` binary run as a user runs it, and what it printed.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// What one run of the binary printed, and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Asserts that `expected` appear in the output as consecutive lines.
    pub fn has_lines(&self, expected: &[&str]) {
        let lines = self.lines();
        let found = lines
            .windows(expected.len())
            .any(|window| window == expected);
        assert!(
            found,
            "expected lines\n{}\nin output\n{}",
            expected.join("\n"),
            self.stdout
        );
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).expect("JSON on standard output")
    }
}

/// Runs `helpdesk` with `args` in `dir`, so file names in the output are
/// as short as the user would type them.
pub fn helpdesk_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code().expect("an exit status"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 errors"),
    }
}
