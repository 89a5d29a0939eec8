//! The loopback endpoint `exec --server` gives its child, in the
//! container-credentials shape the SDKs read through
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI`: a random port on 127.0.0.1, a
//! random token every request must carry, and the chain run again when
//! the credentials it holds come close to expiring, so a child that runs
//! for hours is never handed expired ones.

use super::cache::REFRESH_BEFORE_EXPIRY;
use super::{run_chain, Creds, Settings};
use crate::chain::Chain;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A request head larger than this is refused: the SDKs send a few
/// hundred bytes.
const MAX_HEAD: usize = 16 * 1024;
/// A client that connects and sends nothing is dropped after this.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The chain and the credentials it last gave.
pub struct Refresher {
    chain: Chain,
    settings: Settings,
    creds: Creds,
}

impl Refresher {
    /// `creds` are what the chain gave just now; later runs never prompt.
    pub fn new(chain: Chain, mut settings: Settings, creds: Creds) -> Refresher {
        // A code typed once is spent: a refresh that needs one fails and says so.
        settings.mfa_code = None;
        settings.may_prompt = false;
        Refresher {
            chain,
            settings,
            creds,
        }
    }

    /// Credentials that are good for at least `REFRESH_BEFORE_EXPIRY`,
    /// running the chain again when the held ones are not.
    fn fresh(&mut self, now: SystemTime) -> Result<&Creds, String> {
        let due = self
            .creds
            .expiration
            .is_some_and(|at| at < now + REFRESH_BEFORE_EXPIRY);
        if due {
            let runtime =
                super::runtime().map_err(|e| format!("cannot start the async runtime: {e}"))?;
            let mut reached = runtime
                .block_on(run_chain(&self.chain, &self.settings, |_| {}))
                .map_err(|e| e.to_string())?;
            let last = reached.pop().expect("a chain reaches at least its base");
            self.creds = last.creds;
        }
        Ok(&self.creds)
    }
}

/// Where the child finds the endpoint, and the token it must send.
pub struct Endpoint {
    pub url: String,
    pub token: String,
}

/// Binds a random loopback port and serves `refresher` on it from a
/// background thread, for as long as this process lives.
pub fn start(refresher: Refresher) -> std::io::Result<Endpoint> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let url = format!("http://{}/", listener.local_addr()?);
    let token = random_token()?;
    let shared = Arc::new(Mutex::new(refresher));
    let expected = token.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (shared, expected) = (Arc::clone(&shared), expected.clone());
            std::thread::spawn(move || serve_one(stream, &expected, &shared));
        }
    });
    Ok(Endpoint { url, token })
}

/// 32 bytes from the kernel's generator, as hex.
fn random_token() -> std::io::Result<String> {
    let bytes = crate::secret::random_bytes::<32>()?;
    Ok(crate::hex::lower(&bytes))
}

fn serve_one(mut stream: TcpStream, token: &str, shared: &Mutex<Refresher>) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let Some(head) = read_head(&mut stream) else {
        return;
    };
    let (status, body) = match admit(&head, token) {
        Err(refusal) => refusal,
        Ok(()) => {
            // One refresh at a time: concurrent requests wait for it.
            let mut refresher = shared.lock().unwrap_or_else(|p| p.into_inner());
            let answer = refresher.fresh(SystemTime::now()).and_then(|creds| {
                crate::export::container_json(&creds.exported()).map_err(|e| e.to_string())
            });
            match answer {
                Ok(json) => (Status::OK, json),
                Err(why) => {
                    let message = format!(
                        "awsprof: cannot refresh the credentials of profile {}: {why}",
                        refresher.chain.profile
                    );
                    crate::errln!("{message}");
                    (Status::UNAVAILABLE, error_body("RefreshFailed", &message))
                }
            }
        }
    };
    let response = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        status.0,
        status.1,
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// The request line and headers, up to the blank line; `None` when the
/// client sent too much, too little or not in time.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).ok().filter(|&n| n > 0)?;
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_HEAD {
            return None;
        }
    }
    String::from_utf8(head).ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Status(u16, &'static str);

impl Status {
    const OK: Status = Status(200, "OK");
    const FORBIDDEN: Status = Status(403, "Forbidden");
    const NOT_FOUND: Status = Status(404, "Not Found");
    const METHOD_NOT_ALLOWED: Status = Status(405, "Method Not Allowed");
    const UNAVAILABLE: Status = Status(503, "Service Unavailable");
}

fn error_body(code: &str, message: &str) -> String {
    serde_json::json!({"Code": code, "Message": message}).to_string()
}

/// Whether the request may have the credentials: `GET /` with the token
/// in its Authorization header (compared in constant time).
fn admit(head: &str, token: &str) -> Result<(), (Status, String)> {
    let mut lines = head.split("\r\n");
    let mut request = lines.next().unwrap_or("").split(' ');
    let (method, path) = (request.next().unwrap_or(""), request.next().unwrap_or(""));
    let authorization = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.trim());
    if !authorization.is_some_and(|given| same_secret(given, token)) {
        return Err((
            Status::FORBIDDEN,
            error_body(
                "AccessDenied",
                "the Authorization header does not carry this server's token",
            ),
        ));
    }
    if method != "GET" {
        return Err((
            Status::METHOD_NOT_ALLOWED,
            error_body("MethodNotAllowed", "only GET is served"),
        ));
    }
    if path != "/" {
        return Err((
            Status::NOT_FOUND,
            error_body("NotFound", "the credentials are served at /"),
        ));
    }
    Ok(())
}

fn same_secret(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123abcd";

    #[test]
    fn only_a_get_of_the_root_with_the_token_is_admitted() {
        let head = |request: &str, auth: Option<&str>| {
            let mut h = format!("{request} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            if let Some(a) = auth {
                h.push_str(&format!("authorization: {a}\r\n"));
            }
            h + "\r\n"
        };
        assert_eq!(admit(&head("GET /", Some(TOKEN)), TOKEN), Ok(()));
        let status = |h: String| admit(&h, TOKEN).unwrap_err().0;
        assert_eq!(status(head("GET /", None)), Status::FORBIDDEN);
        assert_eq!(status(head("GET /", Some("0123abce"))), Status::FORBIDDEN);
        assert_eq!(status(head("GET /", Some("0123abcd0"))), Status::FORBIDDEN);
        assert_eq!(status(head("GET /", Some(""))), Status::FORBIDDEN);
        // The token is checked first: nothing else is said to a stranger.
        assert_eq!(status(head("POST /x", None)), Status::FORBIDDEN);
        assert_eq!(
            status(head("POST /", Some(TOKEN))),
            Status::METHOD_NOT_ALLOWED
        );
        assert_eq!(status(head("GET /other", Some(TOKEN))), Status::NOT_FOUND);
    }

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
