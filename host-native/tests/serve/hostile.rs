//! Clients that do not play by the rules: half-sent requests, idle connections up to the cap,
//! bodies too large for the service, URLs and headers too long, methods a route does not take.
//! Raw TCP where reqwest would not send such a request.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::support::{
    config_with_webhook, Receiver, Reply, Service, Setup, ADMIN, AGENT_A, AGENT_B, METRICS,
    PATIENCE, SECRET, SECRET_ENV, WIDGET,
};

/// `127.0.0.1:PORT` of a running service.
fn addr(service: &Service) -> String {
    service.base.trim_start_matches("http://").to_string()
}

/// A loopback connection that gives up reading after [`PATIENCE`].
fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the service");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("set a read timeout");
    stream
}

/// Everything the service sends until it closes the connection (a reset counts as closed).
fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return got,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => panic!(
                "the service did not close the connection; it sent {:?}",
                String::from_utf8_lossy(&got)
            ),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return got,
        }
    }
}

/// One answer read off a raw connection.
#[derive(Debug)]
struct RawAnswer {
    status: u16,
    /// The head.
    head: String,
    body: String,
}

impl RawAnswer {
    /// Parses one whole answer from `bytes`.
    fn parse(bytes: &[u8]) -> RawAnswer {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"));
        let status = head
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        RawAnswer {
            status,
            head: head.to_string(),
            body: body.to_string(),
        }
    }

    /// The value of header `name`.
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }

    /// Checks that it is `status` with the API's JSON error (`path` when given); the message.
    fn json_error(&self, status: u16, path: Option<&str>) -> String {
        assert_eq!(self.status, status, "{self:#?}");
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{self:#?}"
        );
        let json: Value = serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {self:#?}"));
        let error = json["error"]
            .as_object()
            .unwrap_or_else(|| panic!("no error object: {self:#?}"));
        assert!(
            error.keys().all(|k| k == "path" || k == "message"),
            "{self:#?}"
        );
        assert_eq!(error.get("path").and_then(Value::as_str), path, "{self:#?}");
        error
            .get("message")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| panic!("no message: {self:#?}"))
            .to_string()
    }
}

/// Reads one answer (its head, then `content-length` bytes) and leaves the connection open.
fn read_answer(stream: &mut TcpStream) -> RawAnswer {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| panic!("no content-length in {head:?}"));
            if got.len() >= end + 4 + length {
                return RawAnswer::parse(&got[..end + 4 + length]);
            }
        }
        match stream.read(&mut buf) {
            Ok(0) => panic!(
                "the connection closed before a whole answer: {:?}",
                String::from_utf8_lossy(&got)
            ),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => panic!(
                "no whole answer ({e}); got {:?}",
                String::from_utf8_lossy(&got)
            ),
        }
    }
}

/// Sends `request` on a new connection and reads the answer until the service closes it.
fn exchange(addr: &str, request: &[u8]) -> RawAnswer {
    let mut stream = connect(addr);
    stream.write_all(request).expect("send the request");
    RawAnswer::parse(&read_until_closed(&mut stream))
}

/// Runs blocking socket work off the async test's threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work)
        .await
        .expect("the blocking work panicked")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_closed_once_their_timeouts_pass() {
    const EACH: usize = 300;
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let service = Setup::new("halfsent", &config_with_webhook(&receiver.url))
        .arg("--header-timeout-ms")
        .arg("1000")
        .arg("--body-timeout-ms")
        .arg("1000")
        .start();
    assert!(
        service
            .banner
            .contains("headers within 1000 ms, bodies within 1000 ms"),
        "{}",
        service.banner
    );
    let addr = addr(&service);
    let outcomes = blocking(move || {
        let mut streams = Vec::new();
        for i in 0..EACH {
            // Headers that never end; half of them without even a whole request line.
            let mut stream = connect(&addr);
            let partial: &[u8] = if i % 2 == 0 {
                b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
            } else {
                b"GET /heal"
            };
            stream.write_all(partial).expect("send part of a head");
            streams.push(("headers", stream));
        }
        for i in 0..EACH {
            // Whole headers, a body that never ends.
            let mut stream = connect(&addr);
            let head = format!(
                "POST /v1/conversations/c{i}/messages HTTP/1.1\r\nHost: x\r\n\
                 Authorization: Bearer {WIDGET}\r\nContent-Type: application/json\r\n\
                 Content-Length: 100\r\n\r\n{{\"text\": \"I want"
            );
            stream
                .write_all(head.as_bytes())
                .expect("send a head and part of a body");
            streams.push(("body", stream));
        }
        streams
            .into_iter()
            .map(|(kind, mut stream)| (kind, read_until_closed(&mut stream)))
            .collect::<Vec<_>>()
    })
    .await;
    assert_eq!(outcomes.len(), 2 * EACH);
    for (kind, got) in outcomes {
        if kind == "headers" {
            assert!(got.is_empty(), "{:?}", String::from_utf8_lossy(&got));
        } else {
            let message = RawAnswer::parse(&got).json_error(408, Some("body"));
            assert!(message.contains("1000 ms"), "{message}");
        }
    }
    // Still serving, and none of the half-sent messages reached the engine.
    let health = service.raw("GET", "/healthz", None, None).await;
    assert_eq!(health.status, 200, "{}", health.text);
    for i in [0, EACH - 1] {
        let conversation = service.get(&format!("/v1/conversations/c{i}"), ADMIN).await;
        assert_eq!(conversation.status, 404, "{}", conversation.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_a_real_request_is_answered_once_idle_connections_time_out() {
    const CAP: usize = 8;
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let service = Setup::new("cap", &config_with_webhook(&receiver.url))
        .arg("--max-connections")
        .arg(&CAP.to_string())
        .arg("--header-timeout-ms")
        .arg("1000")
        .start();
    assert!(
        service
            .banner
            .contains(&format!("{CAP} connections at once")),
        "{}",
        service.banner
    );
    let addr = addr(&service);
    let (answer, idle) = blocking(move || {
        // Every place taken: half of them send nothing, half part of a head.
        let mut idle = Vec::new();
        for i in 0..CAP {
            let mut stream = connect(&addr);
            if i % 2 == 1 {
                stream
                    .write_all(b"GET /healthz HTTP/1.1\r\nHost:")
                    .expect("send part of a head");
            }
            idle.push(stream);
        }
        let mut real = connect(&addr);
        real.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("send a request");
        let answer = read_answer(&mut real);
        let idle: Vec<Vec<u8>> = idle.iter_mut().map(read_until_closed).collect();
        (answer, idle)
    })
    .await;
    assert_eq!(answer.status, 200, "{answer:#?}");
    assert_eq!(answer.body, r#"{"status":"ok"}"#);
    for got in idle {
        assert!(got.is_empty(), "{:?}", String::from_utf8_lossy(&got));
    }
}

/// A `handoff serve` started under `sh -c "<ulimit> && exec handoff serve …"`, killed on drop.
struct Limited {
    child: Child,
    banner: String,
}

impl Limited {
    fn start(setup: &Setup, ulimit: &str) -> Limited {
        let log = std::fs::File::create(setup.dir.join("serve-limited.log")).expect("log file");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("{ulimit} && exec \"$@\""))
            .arg("sh")
            .arg(env!("CARGO_BIN_EXE_handoff"))
            .arg("serve")
            .arg("--config")
            .arg(setup.dir.join("config.json"))
            .arg("--db")
            .arg(setup.db())
            .arg("--listen")
            .arg("127.0.0.1:0")
            .env("HANDOFF_METRICS_TOKEN", METRICS)
            .env("HANDOFF_ADMIN_TOKEN", ADMIN)
            .env("HANDOFF_WIDGET_TOKEN", WIDGET)
            .env(
                "HANDOFF_AGENT_TOKENS",
                format!("agent_a={AGENT_A},agent_b={AGENT_B}"),
            )
            .env(SECRET_ENV, SECRET)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start sh and the handoff binary");
        let stdout = child.stdout.take().expect("piped");
        let mut lines = BufReader::new(stdout).lines();
        let mut banner = String::new();
        let mut listening = false;
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            listening |= line.starts_with("handoff serve listening on ");
            banner.push_str(&line);
            banner.push('\n');
            if line.is_empty() && listening {
                break;
            }
        }
        std::thread::spawn(move || for _ in lines {});
        let limited = Limited { child, banner };
        assert!(
            listening,
            "handoff serve did not start: {}\n{}",
            limited.banner,
            std::fs::read_to_string(setup.dir.join("serve-limited.log")).unwrap_or_default()
        );
        limited
    }

    /// The soft and hard "Max open files" of the process, from `/proc/<pid>/limits`.
    fn open_files(&self) -> (String, String) {
        let limits = std::fs::read_to_string(format!("/proc/{}/limits", self.child.id()))
            .expect("read /proc/<pid>/limits");
        let line = limits
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .unwrap_or_else(|| panic!("no open files limit in {limits}"));
        let fields: Vec<&str> = line["Max open files".len()..].split_whitespace().collect();
        (fields[0].to_string(), fields[1].to_string())
    }
}

impl Drop for Limited {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_soft_open_files_limit_is_raised_to_the_hard_one_and_the_cap_stays_below_it() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let setup = Setup::new("nofile", &config_with_webhook(&receiver.url));

    // Started with a soft limit of 256 under a higher hard one: raised to the hard one.
    let service = Limited::start(&setup, "ulimit -S -n 256");
    let (soft, hard) = service.open_files();
    assert_eq!(soft, hard, "{}", service.banner);
    if hard != "256" {
        assert_ne!(soft, "256", "{}", service.banner);
    }
    drop(service);

    // A hard limit of 300: the 4096 connections asked for by default are cut to 300 less 128
    // files kept for the rest and 32 for deliveries.
    let service = Limited::start(&setup, "ulimit -n 300");
    assert_eq!(service.open_files(), ("300".to_string(), "300".to_string()));
    assert!(
        service.banner.contains(" 140 connections at once"),
        "{}",
        service.banner
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_64_kib_gets_the_413_answer_without_a_reset() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let service = Setup::new("toolarge", &config_with_webhook(&receiver.url)).start();
    let addr = addr(&service);
    blocking(move || {
        let text = "x".repeat(100 * 1024);
        let body = format!(r#"{{"text": "{text}"}}"#);
        let head = format!(
            "POST /v1/conversations/c1/messages HTTP/1.1\r\nHost: x\r\n\
             Authorization: Bearer {WIDGET}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        );

        // No `Expect: 100-continue`: the body follows the head at once. A pause after the first
        // part gives a service that answers without reading the body the time to close first.
        let mut stream = connect(&addr);
        stream.write_all(head.as_bytes()).expect("send the head");
        let (first, rest) = body.as_bytes().split_at(8 * 1024);
        stream.write_all(first).expect("send the first part");
        std::thread::sleep(Duration::from_millis(300));
        for part in rest.chunks(8 * 1024) {
            stream
                .write_all(part)
                .expect("the service took the whole body without resetting the connection");
        }
        let answer = read_answer(&mut stream);
        let message = answer.json_error(413, Some("body"));
        assert!(message.contains("65536"), "{message}");
        // The body was read to its end, so the connection is still good.
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("send another request");
        assert_eq!(read_answer(&mut stream).status, 200);

        // The same body in chunks, with no length announced.
        let mut stream = connect(&addr);
        let head = format!(
            "POST /v1/conversations/c1/messages HTTP/1.1\r\nHost: x\r\n\
             Authorization: Bearer {WIDGET}\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).expect("send the head");
        for part in body.as_bytes().chunks(8 * 1024) {
            stream
                .write_all(format!("{:x}\r\n", part.len()).as_bytes())
                .and_then(|()| stream.write_all(part))
                .and_then(|()| stream.write_all(b"\r\n"))
                .expect("the service took the whole body without resetting the connection");
        }
        stream.write_all(b"0\r\n\r\n").expect("end the body");
        read_answer(&mut stream).json_error(413, Some("body"));

        // A client that waits for `100 Continue` is answered at once and sends nothing.
        let waiting = head_with_expect(&body);
        let answer = exchange(&addr, waiting.as_bytes());
        answer.json_error(413, Some("body"));
    })
    .await;
    let c1 = service.get("/v1/conversations/c1", ADMIN).await;
    assert_eq!(c1.status, 404, "{}", c1.text);
}

/// The head of the too-large message with `Expect: 100-continue`.
fn head_with_expect(body: &str) -> String {
    format!(
        "POST /v1/conversations/c1/messages HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer {WIDGET}\r\nContent-Type: application/json\r\n\
         Expect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_is_json() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let service = Setup::new("errors", &config_with_webhook(&receiver.url)).start();
    let addr = addr(&service);
    blocking(move || {
        let get = |target: &str, extra: &str| {
            exchange(
                &addr,
                format!(
                    "GET {target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\
                     {extra}Connection: close\r\n\r\n"
                )
                .as_bytes(),
            )
        };

        // 405: a route that does not take the method, with the methods it takes.
        let answer = exchange(
            &addr,
            format!(
                "DELETE /v1/queue HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\
                 Connection: close\r\n\r\n"
            )
            .as_bytes(),
        );
        let message = answer.json_error(405, None);
        assert!(message.contains("DELETE"), "{message}");
        assert!(
            answer.header("allow").is_some_and(|a| a.contains("GET")),
            "{answer:#?}"
        );

        // 414: a URL over 8 KiB.
        let long = format!("/v1/queue?pad={}", "a".repeat(9 * 1024));
        get(&long, "").json_error(414, Some("url"));

        // 431: more than 100 headers, or one header of 40 KiB.
        let many: String = (0..150).map(|i| format!("X-Header-{i}: {i}\r\n")).collect();
        get("/healthz", &many).json_error(431, Some("headers"));
        let big = format!("X-Big: {}\r\n", "b".repeat(40 * 1024));
        get("/healthz", &big).json_error(431, Some("headers"));

        // 400: a path that is not UTF-8 once percent-decoded.
        get("/v1/conversations/%FF%FE", "").json_error(400, Some("url"));
        get("/v1/conversations/%C3/events", "").json_error(400, Some("url"));

        // 400: not HTTP (a header line without a colon).
        exchange(
            &addr,
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
        )
        .json_error(400, None);

        // 400: a query string the route cannot read.
        let answer = exchange(
            &addr,
            b"GET /v1/events?access_token=a&access_token=b HTTP/1.1\r\nHost: x\r\n\
              Connection: close\r\n\r\n",
        );
        answer.json_error(400, None);

        // 404 as before.
        get("/v2/nothing", "").json_error(404, None);
    })
    .await;
    // The service is fine after all of it.
    let health = service.raw("GET", "/healthz", None, None).await;
    assert_eq!(health.status, 200, "{}", health.text);
}
