//! A minimal HTTP/1.1 client over `std::net::TcpStream` for the service steps (xtask has no HTTP
//! client dependency, and the bench wants one keep-alive connection per thread and nothing more).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One keep-alive connection to `127.0.0.1:port`, opened on first use and again after an error
/// or a `Connection: close`.
pub struct Conn {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
}

/// How long a request may wait for its answer.
const READ_TIMEOUT: Duration = Duration::from_secs(120);

impl Conn {
    /// A connection to the loopback port (not opened yet).
    pub fn new(port: u16) -> Conn {
        Conn {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            stream: None,
        }
    }

    /// `method path` with the bearer `token` and a JSON `body`: the status and the body.
    ///
    /// # Errors
    /// Any I/O error or malformed answer (the connection is dropped, the next request opens a
    /// new one).
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> io::Result<(u16, String)> {
        let result = self.exchange(method, path, token, body);
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    /// `GET path`, tried once more on a new connection if the kept one fails (the service
    /// closes connections idle past its header timeout).
    pub fn get(&mut self, path: &str, token: &str) -> io::Result<(u16, String)> {
        let reused = self.stream.is_some();
        match self.send("GET", path, token, None) {
            Err(_) if reused => self.send("GET", path, token, None),
            other => other,
        }
    }

    fn exchange(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> io::Result<(u16, String)> {
        if self.stream.is_none() {
            let stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5))?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(READ_TIMEOUT))?;
            self.stream = Some(BufReader::new(stream));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(io::Error::other("no connection"));
        };
        let body = body.unwrap_or("");
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body.as_bytes());
        stream.get_mut().write_all(&request)?;

        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
        let mut line = String::new();
        if stream.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed before an answer",
            ));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("no HTTP status line"))?;
        let (mut length, mut chunked, mut close) = (None::<usize>, false, false);
        loop {
            line.clear();
            if stream.read_line(&mut line)? == 0 {
                return Err(bad("connection closed in the headers"));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse().ok(),
                    "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
                    "connection" => close = value.eq_ignore_ascii_case("close"),
                    _ => {}
                }
            }
        }
        let mut bytes = Vec::new();
        if chunked {
            loop {
                line.clear();
                stream.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| bad("bad chunk size"))?;
                let mut chunk = vec![0; size + 2];
                stream.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                bytes.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(n) = length {
            bytes.resize(n, 0);
            stream.read_exact(&mut bytes)?;
        } else {
            stream.read_to_end(&mut bytes)?;
            close = true;
        }
        if close {
            self.stream = None;
        }
        Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
    }
}
