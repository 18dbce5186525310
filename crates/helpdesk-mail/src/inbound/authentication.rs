//! [`Authentication`]: what the receiving mail server's
//! `Authentication-Results` (RFC 8601) say about a message's sender.
//!
//! A `From` address is a claim anyone can write. What vouches for it is the
//! host's own mail server, which checked SPF, DKIM and DMARC on arrival and
//! wrote its verdict into an `Authentication-Results` header under its own
//! name (the *authserv-id*). A sender can put such a header into the mail
//! too, so only headers naming one of the servers the host trusts count,
//! and of those only the topmost (the last one added, by the server that
//! delivered the mail). DMARC is what ties a verdict to the `From` domain:
//! `dmarc=pass` with `header.from` equal to the From address's domain.

/// The verdict of the trusted server on a message's `From`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authentication {
    /// DMARC passed for the From address's domain.
    Pass,
    /// The trusted server said something else (fail, none, temperror...),
    /// or named another domain.
    NotPassed,
    /// No `Authentication-Results` header of a trusted server.
    Absent,
}

impl Authentication {
    /// Reads the `Authentication-Results` header values of a message (in
    /// the order they appear, topmost first) for the DMARC verdict on
    /// `from_domain`, counting only headers whose authserv-id is in
    /// `trusted` (compared without case).
    ///
    /// ```
    /// use helpdesk_mail::Authentication;
    ///
    /// let trusted = ["mx.example.com"];
    /// let headers = ["mx.example.com; spf=pass smtp.mailfrom=acme.test; \
    ///                 dkim=pass header.d=acme.test; dmarc=pass header.from=acme.test"];
    /// assert_eq!(Authentication::of(headers, &trusted, "acme.test"), Authentication::Pass);
    /// // The same verdict for another domain, or from a server not trusted, does not count.
    /// assert_eq!(Authentication::of(headers, &trusted, "other.test"), Authentication::NotPassed);
    /// assert_eq!(Authentication::of(headers, &["mx.other.net"], "acme.test"), Authentication::Absent);
    /// ```
    pub fn of<'a>(
        headers: impl IntoIterator<Item = &'a str>,
        trusted: &[&str],
        from_domain: &str,
    ) -> Self {
        let Some(clauses) = headers.into_iter().map(clauses).find(|clauses| {
            authserv_id(clauses)
                .is_some_and(|id| trusted.iter().any(|t| t.eq_ignore_ascii_case(id)))
        }) else {
            return Self::Absent;
        };
        let passed = results(clauses).any(|result| {
            result.method.eq_ignore_ascii_case("dmarc")
                && result.value.eq_ignore_ascii_case("pass")
                && result
                    .property("header.from")
                    .is_some_and(|domain| domain.eq_ignore_ascii_case(from_domain))
        });
        if passed { Self::Pass } else { Self::NotPassed }
    }
}

/// One `method=result property=value ...` clause.
struct MethodResult {
    method: String,
    value: String,
    properties: Vec<(String, String)>,
}

impl MethodResult {
    fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The authserv-id: the header's first word.
fn authserv_id(clauses: &[Vec<String>]) -> Option<&str> {
    clauses.first()?.first().map(String::as_str)
}

/// The clauses after the authserv-id.
fn results(clauses: Vec<Vec<String>>) -> impl Iterator<Item = MethodResult> {
    clauses.into_iter().skip(1).filter_map(|words| {
        let mut words = words.into_iter();
        let first = words.next()?;
        let (method, value) = first.split_once('=')?;
        let method = method.split('/').next().unwrap_or(method).to_string();
        let properties = words
            .filter_map(|w| {
                let (k, v) = w.split_once('=')?;
                Some((k.to_string(), v.trim_matches('"').to_string()))
            })
            .collect();
        Some(MethodResult {
            method,
            value: value.to_string(),
            properties,
        })
    })
}

/// The header's clauses (separated by `;`), each a list of words, read as
/// RFC 8601's grammar (RFC 5322's lexicon) reads them: a comment `( ... )`,
/// nested and with `\` escapes, separates words and is dropped; a quoted
/// string `"..."`, with `\` escapes, belongs to its word whatever it holds.
/// So a `;`, `dmarc=pass` or `header.from=` inside a comment or a quoted
/// local part (which a server copies from the envelope the sender chose)
/// is never read as a clause of the server's.
fn clauses(header: &str) -> Vec<Vec<String>> {
    fn end(word: &mut String, words: &mut Vec<String>) {
        if !word.is_empty() {
            words.push(std::mem::take(word));
        }
    }
    let (mut clauses, mut words, mut word) = (Vec::new(), Vec::new(), String::new());
    let mut chars = header.chars();
    while let Some(c) = chars.next() {
        match c {
            '(' => {
                end(&mut word, &mut words);
                let mut depth = 1;
                while depth > 0 {
                    match chars.next() {
                        Some('\\') => {
                            chars.next();
                        }
                        Some('(') => depth += 1,
                        Some(')') => depth -= 1,
                        Some(_) => {}
                        None => break,
                    }
                }
            }
            '"' => {
                word.push('"');
                loop {
                    match chars.next() {
                        Some('\\') => word.extend(chars.next()),
                        Some('"') => {
                            word.push('"');
                            break;
                        }
                        Some(c) => word.push(c),
                        None => break,
                    }
                }
            }
            ';' => {
                end(&mut word, &mut words);
                clauses.push(std::mem::take(&mut words));
            }
            c if c.is_whitespace() => end(&mut word, &mut words),
            c => word.push(c),
        }
    }
    end(&mut word, &mut words);
    clauses.push(words);
    clauses
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUSTED: [&str; 1] = ["mx.example.com"];

    #[test]
    fn only_the_topmost_header_of_a_trusted_server_counts() {
        // Given a forged pass below the real verdict.
        let headers = [
            "mx.example.com; dmarc=fail (p=reject) header.from=bank.test",
            "mx.example.com; dmarc=pass header.from=bank.test",
        ];
        assert_eq!(
            Authentication::of(headers, &TRUSTED, "bank.test"),
            Authentication::NotPassed
        );
    }

    #[test]
    fn a_header_naming_an_untrusted_server_is_ignored() {
        let headers = [
            "attacker.test; dmarc=pass header.from=bank.test",
            "MX.EXAMPLE.COM 1; dmarc=pass (policy) header.from=Bank.Test",
        ];
        assert_eq!(
            Authentication::of(headers, &TRUSTED, "bank.test"),
            Authentication::Pass
        );
    }

    #[test]
    fn a_pass_inside_a_quoted_string_or_a_comment_is_no_clause() {
        // Given the real verdict, a DMARC failure, after text the sender
        // chose: a quoted envelope local part and a comment holding `;`
        // and a pass for the forged domain.
        let headers = [
            "mx.example.com; spf=pass smtp.mailfrom=\"x;dmarc=pass header.from=bank.test y\"@attacker.test; dmarc=fail header.from=bank.test",
            "mx.example.com; spf=pass (sender \"x;dmarc=pass header.from=bank.test\" permitted; dmarc=pass header.from=bank.test) smtp.mailfrom=attacker.test; dmarc=fail header.from=bank.test",
            "mx.example.com; spf=pass (nested (a; dmarc=pass header.from=bank.test) and \\) escaped; dmarc=pass header.from=bank.test) smtp.mailfrom=attacker.test; dmarc=fail header.from=bank.test",
        ];
        for header in headers {
            assert_eq!(
                Authentication::of([header], &TRUSTED, "bank.test"),
                Authentication::NotPassed,
                "{header}"
            );
        }
        // A pass with its comments and a quoted value still counts.
        let pass = "mx.example.com; dmarc=pass (p=reject; dis=none) header.from=\"bank.test\"";
        assert_eq!(
            Authentication::of([pass], &TRUSTED, "bank.test"),
            Authentication::Pass
        );
    }

    #[test]
    fn spf_or_dkim_alone_are_not_dmarc() {
        let headers =
            ["mx.example.com; spf=pass smtp.mailfrom=bank.test; dkim=pass header.d=bank.test"];
        assert_eq!(
            Authentication::of(headers, &TRUSTED, "bank.test"),
            Authentication::NotPassed
        );
        assert_eq!(
            Authentication::of([], &TRUSTED, "bank.test"),
            Authentication::Absent
        );
    }
}
