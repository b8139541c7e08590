//! A minimal blocking HTTP/1.1 client for scripting an exercise on loopback:
//! the integration tests, the crash test and the load bench use it. One
//! connection per request (`Connection: close`), form posts, and the session
//! cookie and CSRF token of a signed-in role.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> io::Result<serde_json::Value> {
        serde_json::from_str(&self.body).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("status {}: not JSON ({e}): {}", self.status, self.body),
            )
        })
    }
}

/// Percent-encode a form value.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn form_body(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A client, optionally signed in.
#[derive(Debug, Clone)]
pub struct Client {
    pub addr: SocketAddr,
    /// `gx_session=…` once signed in.
    pub cookie: Option<String>,
    /// The session's CSRF token once signed in.
    pub csrf: Option<String>,
    pub timeout: Duration,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            addr,
            cookie: None,
            csrf: None,
            timeout: Duration::from_secs(30),
        }
    }

    /// Send one request; `extra` headers are added as given.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<Response> {
        let mut s = TcpStream::connect_timeout(&self.addr, self.timeout)?;
        s.set_read_timeout(Some(self.timeout))?;
        s.set_nodelay(true)?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if let Some(c) = &self.cookie {
            head.push_str(&format!("Cookie: {c}\r\n"));
        }
        for (k, v) in extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut msg = head.into_bytes();
        msg.extend_from_slice(body);
        s.write_all(&msg)?;
        read_response(s)
    }

    pub fn get(&self, path: &str) -> io::Result<Response> {
        self.request("GET", path, &[], b"")
    }

    /// POST a form; the session's CSRF token is added when signed in.
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> io::Result<Response> {
        let mut all: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(t) = &self.csrf {
            all.push(("csrf".into(), t.clone()));
        }
        self.post_raw(path, &form_body(&all), &[])
    }

    /// POST a body exactly as given (no CSRF token added).
    pub fn post_raw(&self, path: &str, body: &str, extra: &[(&str, &str)]) -> io::Result<Response> {
        let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
        headers.extend_from_slice(extra);
        self.request("POST", path, &headers, body.as_bytes())
    }

    /// Sign in as `who` ("facilitator", "observer", "delegation:ID"); returns the
    /// response and, on success, a signed-in client with its CSRF token.
    pub fn sign_in(
        addr: SocketAddr,
        who: &str,
        code: &str,
    ) -> io::Result<(Response, Option<Client>)> {
        let c = Client::new(addr);
        let res = c.post_raw(
            "/signin",
            &form_body(&[("who".into(), who.into()), ("code".into(), code.into())]),
            &[],
        )?;
        if res.status != 303 {
            return Ok((res, None));
        }
        let cookie = res
            .headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .filter_map(|(_, v)| v.split(';').next())
            .find(|c| c.starts_with("gx_session="))
            .map(str::to_string);
        let mut signed = Client { cookie, ..c };
        let state = signed.get("/api/state")?.json()?;
        signed.csrf = state["session"]["csrf"].as_str().map(str::to_string);
        Ok((res, Some(signed)))
    }
}

fn read_response(s: TcpStream) -> io::Result<Response> {
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad status line {line:?}"),
            )
        })?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            break;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            r.read_line(&mut line)?;
            let n = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n];
            r.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk);
            line.clear();
            r.read_line(&mut line)?;
        }
    } else if let Some(n) = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        body.resize(n, 0);
        r.read_exact(&mut body)?;
    } else {
        r.read_to_end(&mut body)?;
    }
    Ok(Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// The form fields of a move carrying these inputs (checkboxes only for what is held).
pub fn move_form(inputs: &crate::state::PrivateInputs) -> Vec<(String, String)> {
    let mut f = vec![("reservation".to_string(), inputs.reservation.to_string())];
    for (k, o) in &inputs.inventory {
        f.push((format!("count.{k}"), o.count.to_string()));
        f.push((format!("share.{k}"), o.deployable_share.to_string()));
    }
    for (id, held) in &inputs.caveats {
        if *held {
            f.push((format!("caveat.{id}"), "on".into()));
        }
    }
    for (id, held) in &inputs.red_lines {
        if *held {
            f.push((format!("red_line.{id}"), "on".into()));
        }
    }
    f
}

impl Client {
    /// Submit a move; `Ok` carries the response (303 with `x-event-seq` when acknowledged).
    pub fn submit_move(&self, inputs: &crate::state::PrivateInputs) -> io::Result<Response> {
        let fields = move_form(inputs);
        let refs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post_form("/delegation/move", &refs)
    }
}
