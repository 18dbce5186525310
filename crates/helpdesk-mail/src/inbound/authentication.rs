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
        let Some(header) = headers.into_iter().find(|header| {
            let id = authserv_id(header);
            trusted.iter().any(|t| t.eq_ignore_ascii_case(id))
        }) else {
            return Self::Absent;
        };
        let passed = results(header).any(|result| {
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
struct MethodResult<'a> {
    method: &'a str,
    value: &'a str,
    properties: Vec<(&'a str, &'a str)>,
}

impl<'a> MethodResult<'a> {
    fn property(&self, name: &str) -> Option<&'a str> {
        self.properties
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| *value)
    }
}

/// The authserv-id: the header's first token, before any `;` or space.
fn authserv_id(header: &str) -> &str {
    header
        .split(|c: char| c == ';' || c.is_whitespace())
        .find(|token| !token.is_empty())
        .unwrap_or("")
}

/// The clauses after the authserv-id, with comments `( ... )` dropped.
fn results(header: &str) -> impl Iterator<Item = MethodResult<'_>> {
    header.split(';').skip(1).filter_map(|clause| {
        let mut words = clause
            .split_whitespace()
            .filter(|w| !w.starts_with('(') && !w.ends_with(')'));
        let (method, value) = words.next()?.split_once('=')?;
        let method = method.split('/').next().unwrap_or(method);
        let properties = words
            .filter_map(|w| w.split_once('='))
            .map(|(k, v)| (k, v.trim_matches('"')))
            .collect();
        Some(MethodResult {
            method,
            value,
            properties,
        })
    })
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
