//! `cargo xtask demo`: the main job. Builds the engine's `abi` wasm and the `handoff` binary (with
//! that module embedded), then runs `handoff serve --demo-widget` on the specification's seed
//! configuration (`examples/handoff-settings.json`) with its embedded default state (a SQLite
//! file under `target/demo/`), and prints what to open: the customer widget page and a one-time
//! link that signs the console in as the demo agent Asha (set online), so a newcomer plays both
//! sides in two tabs; then the tokens and a curl walkthrough.
//!
//! API tokens come from the environment when set (`HANDOFF_ADMIN_TOKEN`, `HANDOFF_WIDGET_TOKEN`,
//! `HANDOFF_AGENT_TOKENS`); otherwise the demo makes fresh random ones for this run and prints
//! them (they are demo tokens, not secrets anyone else has). Ctrl-C stops the service gracefully.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::process::{command, run, shown};
use crate::tour;
use crate::wasm::{abi_wasm, cargo_build_with, check_abi, copy_stripped, root, target_dir};
use crate::Failure;

/// The seed configuration the demo serves.
pub const SEED_CONFIG: &str = "examples/handoff-settings.json";

/// The demo agents (ids and names) that get tokens.
const AGENTS: &[(&str, &str)] = &[("agent_1", "Asha"), ("agent_2", "Ben")];

/// What `cargo xtask demo` was asked for.
pub struct DemoOptions {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Configuration file (default: the seed).
    pub config: Option<PathBuf>,
    /// Start from an empty database.
    pub fresh: bool,
}

/// Builds and runs the service until it stops.
pub fn run_service(options: &DemoOptions) -> Result<(), Failure> {
    let root = root();
    let config = options
        .config
        .clone()
        .unwrap_or_else(|| root.join(SEED_CONFIG));
    if !config.is_file() {
        return Err(Failure::new(format!(
            "{} does not exist: give --config FILE",
            config.display()
        )));
    }

    println!("==> [1/3] the engine's wasm (abi build) -> target/wasm/handoff_abi.wasm");
    crate::wasm::ensure_target()?;
    let built = cargo_build_with("abi", &[])?;
    let abi = abi_wasm();
    copy_stripped(&built, &abi)?;
    check_abi(&abi)?;

    println!("==> [2/3] the handoff binary, with that module embedded");
    let argv = ["cargo", "build", "-p", "handoff-native", "--bin", "handoff"];
    println!("--- HANDOFF_WASM={} {}", abi.display(), shown(&argv));
    let mut cmd = command(&argv);
    cmd.env("HANDOFF_WASM", &abi);
    run(cmd, &argv)?;
    let binary = target_dir().join("debug").join("handoff");
    if !binary.is_file() {
        return Err(Failure::new(format!(
            "`{}` succeeded but wrote no {}",
            shown(&argv),
            binary.display()
        )));
    }

    let dir = target_dir().join("demo");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
    let db = dir.join("handoff.db");
    if options.fresh {
        for suffix in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", db.display()));
            if file.exists() {
                std::fs::remove_file(&file)
                    .map_err(|e| Failure::new(format!("cannot remove {}: {e}", file.display())))?;
            }
        }
    }
    let tokens = Tokens::from_env_or_new()?;
    let config = with_demo_canned_responses(&config, &dir)?;

    println!("==> [3/3] handoff serve (ctrl-c stops it)");
    let listen = options.listen.to_string();
    let mut serve = Command::new(&binary);
    serve
        .args(["serve", "--config"])
        .arg(&config)
        .arg("--db")
        .arg(&db)
        .args(["--listen", &listen, "--demo-widget"])
        .env("HANDOFF_ADMIN_TOKEN", &tokens.admin)
        .env("HANDOFF_WIDGET_TOKEN", &tokens.widget)
        .env("HANDOFF_AGENT_TOKENS", tokens.agents_env())
        .current_dir(&root);
    if std::env::var_os("RUST_LOG").is_none() {
        serve.env("RUST_LOG", "info");
    }
    println!(
        "--- {} serve --config {} --db {} --listen {listen} --demo-widget",
        shown_path(&binary),
        shown_path(&config),
        shown_path(&db)
    );
    let mut child = serve
        .spawn()
        .map_err(|e| Failure::new(format!("cannot start {}: {e}", binary.display())))?;
    let ready = wait_healthy(&mut child, options.listen)
        .and_then(|()| prepare_agents(options.listen, &tokens))
        .and_then(|()| sign_in_links(options.listen, &tokens));
    match ready {
        Ok(links) => print_guide(options.listen, &tokens, &db, &links),
        Err(failure) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failure);
        }
    }
    let status = child
        .wait()
        .map_err(|e| Failure::new(format!("waiting for the service: {e}")))?;
    // Ctrl-C reaches the service too (same process group): it stops gracefully with 0 or by the
    // signal; either is a normal end of the demo.
    if status.success() || status.code().is_none() {
        println!("the service stopped; its state is in {}", shown_path(&db));
        Ok(())
    } else {
        Err(Failure::new(format!("handoff serve exited with {status}")))
    }
}

/// Canned responses for the demo's console (`handoff.console.canned_responses`), added to a
/// configuration that has none; the seed itself stays the specification's example as written.
const DEMO_CANNED: &[(&str, &str)] = &[
    (
        "Greeting",
        "Hi, thanks for waiting! I'm looking at your conversation now.",
    ),
    (
        "Checking",
        "Let me check that for you: it takes a minute or two.",
    ),
    (
        "Order on its way",
        "Your order has left our warehouse and should arrive within two working days.",
    ),
    (
        "Anything else?",
        "Is there anything else I can help you with today?",
    ),
];

/// `config`, or when it has no `handoff.console` a copy in `dir` with [`DEMO_CANNED`] added.
fn with_demo_canned_responses(config: &Path, dir: &Path) -> Result<PathBuf, Failure> {
    let text = std::fs::read_to_string(config)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", config.display())))?;
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(config.to_path_buf()); // the service explains what is wrong with it
    };
    let Some(handoff) = value
        .get_mut("handoff")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return Ok(config.to_path_buf());
    };
    if handoff.contains_key("console") {
        return Ok(config.to_path_buf());
    }
    let canned: Vec<serde_json::Value> = DEMO_CANNED
        .iter()
        .map(|(title, text)| serde_json::json!({"title": title, "text": text}))
        .collect();
    handoff.insert(
        "console".into(),
        serde_json::json!({ "canned_responses": canned }),
    );
    let out = dir.join("handoff-settings.demo.json");
    std::fs::write(&out, format!("{value:#}\n"))
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", out.display())))?;
    println!(
        "--- {} + demo canned responses -> {}",
        shown_path(config),
        shown_path(&out)
    );
    Ok(out)
}

fn shown_path(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The API tokens of this run.
struct Tokens {
    admin: String,
    widget: String,
    agents: Vec<(String, String)>,
    generated: bool,
}

impl Tokens {
    fn from_env_or_new() -> Result<Tokens, Failure> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let (Some(admin), Some(widget), Some(agents)) = (
            env("HANDOFF_ADMIN_TOKEN"),
            env("HANDOFF_WIDGET_TOKEN"),
            env("HANDOFF_AGENT_TOKENS"),
        ) {
            let agents = agents
                .split(',')
                .filter_map(|pair| pair.split_once('='))
                .map(|(a, t)| (a.trim().to_string(), t.trim().to_string()))
                .collect();
            return Ok(Tokens {
                admin,
                widget,
                agents,
                generated: false,
            });
        }
        Ok(Tokens {
            admin: random_token("adm")?,
            widget: random_token("wdg")?,
            agents: AGENTS
                .iter()
                .map(|(id, _)| Ok((id.to_string(), random_token(id)?)))
                .collect::<Result<_, Failure>>()?,
            generated: true,
        })
    }

    fn agents_env(&self) -> String {
        self.agents
            .iter()
            .map(|(a, t)| format!("{a}={t}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// `<prefix>_` and 24 random bytes in hex, from the operating system.
fn random_token(prefix: &str) -> Result<String, Failure> {
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| {
            Failure::new(format!(
                "cannot read /dev/urandom for demo tokens ({e}); set HANDOFF_ADMIN_TOKEN, \
                 HANDOFF_WIDGET_TOKEN and HANDOFF_AGENT_TOKENS yourself"
            ))
        })?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("demo_{prefix}_{hex}"))
}

/// Waits until `GET /healthz` answers 200, the child exits, or two minutes pass.
fn wait_healthy(child: &mut Child, addr: SocketAddr) -> Result<(), Failure> {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(Failure::new(format!(
                "handoff serve stopped before it was ready ({status}); see its messages above \
                 (is {addr} already in use? try --listen 127.0.0.1:8081)"
            )));
        }
        if healthz(addr) {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(Failure::new(format!(
                "handoff serve did not answer on http://{addr}/healthz within two minutes"
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// One request to the service with the admin token: `(status, body)`.
fn admin_request(
    addr: SocketAddr,
    tokens: &Tokens,
    method: &str,
    path: &str,
    body: &str,
) -> Result<(u16, String), Failure> {
    let failed = |e: std::io::Error| Failure::new(format!("{method} {path}: {e}"));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(failed)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(failed)?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        tokens.admin,
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(failed)?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).map_err(failed)?;
    let status = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    Ok((status, body))
}

/// The demo agents known by name: the first online (the console's link signs in as it), the
/// others offline until someone signs in as them (a transfer to an agent who is offline is
/// refused: set them online from their console first).
fn prepare_agents(addr: SocketAddr, tokens: &Tokens) -> Result<(), Failure> {
    for (i, (id, _)) in tokens.agents.iter().enumerate() {
        let name = AGENTS
            .iter()
            .find(|(a, _)| a == id)
            .map_or(id.as_str(), |(_, n)| *n);
        let status = if i == 0 { "online" } else { "offline" };
        let body = serde_json::json!({"name": name, "status": status}).to_string();
        let (code, answer) =
            admin_request(addr, tokens, "PUT", &format!("/v1/agents/{id}"), &body)?;
        if code != 200 {
            return Err(Failure::new(format!(
                "could not set up demo agent {id}: HTTP {code} {answer}"
            )));
        }
    }
    Ok(())
}

/// One-time console sign-in links of this run.
struct Links {
    /// Signs the console in as the first demo agent.
    agent: String,
    /// Signs the supervisor view in (admin).
    supervisor: String,
}

/// Asks the service for one-time sign-in links (`POST /v1/session/links`): tickets, not tokens,
/// each good once within ten minutes.
fn sign_in_links(addr: SocketAddr, tokens: &Tokens) -> Result<Links, Failure> {
    let link = |body: &str| -> Result<String, Failure> {
        let (code, answer) = admin_request(addr, tokens, "POST", "/v1/session/links", body)?;
        let url = serde_json::from_str::<serde_json::Value>(&answer)
            .ok()
            .and_then(|v| v.get("url").and_then(|u| u.as_str()).map(str::to_string));
        match (code, url) {
            (200, Some(url)) => Ok(format!("http://{addr}{url}")),
            _ => Err(Failure::new(format!(
                "could not get a sign-in link: HTTP {code} {answer}"
            ))),
        }
    };
    let agent = tokens.agents.first().map_or("agent_1", |(a, _)| a.as_str());
    Ok(Links {
        agent: link(&serde_json::json!({"agent_id": agent}).to_string())?,
        supervisor: link("{}")?,
    })
}

fn healthz(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

fn print_guide(addr: SocketAddr, tokens: &Tokens, db: &Path, links: &Links) {
    let h = format!("http://{addr}");
    let a1_id = tokens
        .agents
        .first()
        .map(|(a, _)| a.as_str())
        .unwrap_or("agent_1");
    let name = AGENTS
        .iter()
        .find(|(id, _)| *id == a1_id)
        .map(|(_, n)| *n)
        .unwrap_or("Asha");
    println!();
    println!("================================================================================");
    println!(" handoff demo: the native service on {SEED_CONFIG}");
    println!("================================================================================");
    println!(" play both sides, each in its own browser tab:");
    println!();
    println!("   1. the customer   {h}/widget");
    println!("   2. the agent      {}", links.agent);
    println!(
        "                     ({name}'s console, online; a one-time link: it works once, within 10 minutes)"
    );
    println!();
    println!(
        " In the widget, ask for a person (or press \"Talk to a person\"); accept the offer in the"
    );
    println!(" console and answer. The scripted demo AI answers everything else.");
    println!();
    println!(" supervisor {}   (one-time link)", links.supervisor);
    println!(
        " live view  {h}/   (every output: sign in with the admin token below; no token in a URL)"
    );
    println!(
        " console    {h}/console   (once the link is used or old: sign in with a token below)"
    );
    println!(" health     {h}/healthz");
    println!(" metrics    {h}/metrics     (admin token)");
    println!(" events     {h}/v1/events   (server-sent events)");
    println!(" state      {} (SQLite; survives restarts)", shown_path(db));
    println!();
    if tokens.generated {
        println!(" tokens for this run (set HANDOFF_*_TOKEN(S) to choose your own):");
    } else {
        println!(" tokens: from your environment");
    }
    println!("   export H={h}");
    println!("   export ADMIN={}", tokens.admin);
    println!("   export W={}", tokens.widget);
    for (agent, token) in &tokens.agents {
        println!("   export {}={token}", agent.to_uppercase());
    }
    println!();
    let (a2_id, name2) = tokens
        .agents
        .get(1)
        .map(|(a, _)| {
            let name = AGENTS
                .iter()
                .find(|(id, _)| id == a)
                .map_or("Ben", |(_, n)| *n);
            (a.as_str(), name)
        })
        .unwrap_or(("agent_2", "Ben"));
    println!(" watch (each in its own terminal):");
    for (what, line) in tour::streams(a1_id, a2_id) {
        println!("   # {what}");
        println!("   {line}");
    }
    println!();
    println!(
        " the tour: one conversation from the AI to {name}, to {name2}, back to the AI, to {name2} again, resolved and rated"
    );
    println!(" (on a fresh database: cargo xtask demo --fresh)");
    for step in tour::steps((a1_id, name), (a2_id, name2)) {
        println!("   # {}", step.say);
        println!("   {}", tour::curl(&step));
    }
    println!();
    println!(" every route: docs/serve.md. ctrl-c stops the service (gracefully).");
    println!("================================================================================");
}
