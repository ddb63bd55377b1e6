//! BENCHMARKS.md from one run's [`Results`]: one function per section, each saying what was
//! measured, how, the numbers, and the budget met or missed by how much.

use std::fmt::Write as _;

use serde_json::Value;

use super::stats::{bytes, ratio, thousands, time, Spread};
use super::Results;

/// One module in the size table.
pub struct Size {
    /// Which build.
    pub what: String,
    /// Its path from the workspace root.
    pub path: String,
    /// Bytes.
    pub raw: u64,
    /// Bytes after `gzip -9`.
    pub gzip: Option<u64>,
    /// Bytes after `wasm-opt -Oz`.
    pub opt_raw: Option<u64>,
    /// Bytes after `wasm-opt -Oz` and `gzip -9`.
    pub opt_gzip: Option<u64>,
}

/// Budgets (issue 7).
const PEER_RATIO: f64 = 10.0;
const WASMTIME_RATIO: f64 = 1.5;
const NODE_RATIO: f64 = 2.0;
const ROUTING_NS: f64 = 10_000.0;
const NODE_COLD_MS: f64 = 5.0;
const WASMTIME_COLD_NS: f64 = 100_000.0;
const WIDGET_GZIP: u64 = 120 * 1024;

fn med(v: &Option<Value>, key: &str) -> Option<f64> {
    v.as_ref()
        .and_then(|v| Spread::at(v, key))
        .map(|s| s.median)
}

/// The native median per message, JSON in and out (what the wasm hosts also do).
fn native_ns(r: &Results) -> Option<f64> {
    med(&r.native, "ns_per_message_json")
}

fn node_cold(r: &Results, key: &str) -> Option<Spread> {
    let xs: Vec<f64> = r.node_cold.iter().filter_map(|v| v[key].as_f64()).collect();
    Spread::of(&xs)
}

/// Routing rows at the largest size measured for each method: (method, op, median ns).
fn routing_largest(r: &Results) -> Vec<(String, &'static str, usize, Option<f64>)> {
    let mut out = Vec::new();
    let Some(rows) = r.routing.as_ref().and_then(|v| v["rows"].as_array()) else {
        return out;
    };
    let max = rows
        .iter()
        .filter_map(|row| row["queued"].as_u64())
        .max()
        .unwrap_or(0) as usize;
    for row in rows
        .iter()
        .filter(|row| row["queued"].as_u64() == Some(max as u64))
    {
        for op in ["join", "serve"] {
            let m = Spread::at(&row[op], "ns").map(|s| s.median);
            out.push((
                row["method"].as_str().unwrap_or("?").to_string(),
                op,
                max,
                m,
            ));
        }
    }
    out
}

/// The speed budgets this run missed (short names), for the profile step.
pub fn missed_budgets(r: &Results) -> Vec<String> {
    let mut missed = Vec::new();
    let native = native_ns(r);
    if let (Some(n), Some(p)) = (native, med(&r.peer, "ns_per_message")) {
        if p / n < PEER_RATIO {
            missed.push("native vs peer".into());
        }
    }
    if let (Some(n), Some(w)) = (native, med(&r.wasmtime, "ns_per_message")) {
        if w / n > WASMTIME_RATIO {
            missed.push("wasmtime/native".into());
        }
    }
    if let (Some(n), Some(j)) = (native, med(&r.node, "ns_per_message")) {
        if j / n > NODE_RATIO {
            missed.push("node/native".into());
        }
    }
    for (method, op, _, m) in routing_largest(r) {
        if m.is_none_or(|m| m > ROUTING_NS) {
            missed.push(format!("routing {method} {op}"));
        }
    }
    if node_cold(r, "total_ms").is_some_and(|s| s.median > NODE_COLD_MS) {
        missed.push("cold start node".into());
    }
    if med(&r.wasmtime_cold, "first_decision_ns").is_some_and(|m| m > WASMTIME_COLD_NS) {
        missed.push("cold start wasmtime".into());
    }
    if service_rps(r).is_some_and(|s| s.median < SERVICE_RPS) {
        missed.push("service".into());
    }
    missed
}

/// Prints the decision numbers measured so far (progress output).
pub fn print_decision(r: &Results) {
    let show = |what: &str, v: Option<f64>| {
        if let Some(v) = v {
            println!("{what}: {} per message (median)", time(v));
        }
    };
    show("native (JSON in/out)", native_ns(r));
    show("wasmtime", med(&r.wasmtime, "ns_per_message"));
    show("node", med(&r.node, "ns_per_message"));
    show("vaderSentiment", med(&r.peer, "ns_per_message"));
}

fn verdict(met: bool, by: String) -> String {
    if met {
        format!("**met** ({by})")
    } else {
        format!("**MISSED** ({by})")
    }
}

/// The whole file.
pub fn render(r: &Results) -> String {
    let mut s = String::new();
    s.push_str(&header(r));
    s.push_str(&summary(r));
    s.push_str(&decision(r));
    s.push_str(&quality(r));
    s.push_str(
        r.agreement
            .as_deref()
            .unwrap_or("## Agreement with people\n\nNot measured in this run.\n\n"),
    );
    s.push_str(&routing(r));
    s.push_str(&snapshot(r));
    s.push_str(&sizes(r));
    s.push_str(&cold_start(r));
    s.push_str(&service(r));
    s.push_str(&super::report_records::service_state(r));
    s.push_str(&reads(r));
    s.push_str(&super::report_records::records(r));
    s.push_str(&profiles(r));
    s.push_str(&commands(r));
    s
}

fn header(r: &Results) -> String {
    let mut s = String::from(
        "# Benchmarks\n\nWritten by `cargo xtask bench` (do not edit by hand: run it again). Speed and size are \
         measured here, never asserted by tests. Every number below comes from one run of the command on the \
         machine described, and every ratio compares numbers measured in that same run. Times are \
         min / **median** / max over several runs.\n\n",
    );
    let _ = writeln!(s, "Run: {}.\n", r.date);
    s.push_str("| machine | |\n| --- | --- |\n");
    for (k, v) in &r.machine {
        let _ = writeln!(s, "| {k} | {v} |");
    }
    s.push_str(
        "\nThe machine is shared (other builds may run at the same time: see the load average), so the \
         spread between runs is part of the result.\n\n",
    );
    s
}

fn summary(r: &Results) -> String {
    let mut s =
        String::from("## Budgets\n\n| budget | measured | verdict |\n| --- | --- | --- |\n");
    let native = native_ns(r);
    let peer = med(&r.peer, "ns_per_message");
    if let (Some(n), Some(p)) = (native, peer) {
        let x = p / n;
        let _ = writeln!(
            s,
            "| native decision ≥ 10× faster than vaderSentiment's `polarity_scores` alone | {} vs {} per message: {} | {} |",
            time(n), time(p), ratio(x),
            verdict(x >= PEER_RATIO, if x >= PEER_RATIO { format!("{} the budget", ratio(x / PEER_RATIO)) } else { format!("{} short", ratio(PEER_RATIO / x)) })
        );
    }
    for (what, key, v, budget) in [
        (
            "wasmtime within 1.5× of native",
            "ns_per_message",
            &r.wasmtime,
            WASMTIME_RATIO,
        ),
        (
            "Node within 2× of native",
            "ns_per_message",
            &r.node,
            NODE_RATIO,
        ),
    ] {
        if let (Some(n), Some(x)) = (native, med(v, key)) {
            let q = x / n;
            let _ = writeln!(
                s,
                "| {what} | {} vs {} per message: {} | {} |",
                time(x),
                time(n),
                ratio(q),
                verdict(
                    q <= budget,
                    if q <= budget {
                        format!("{} under", ratio(budget / q))
                    } else {
                        format!("{} over", ratio(q / budget))
                    }
                )
            );
        }
    }
    for (method, op, size, m) in routing_largest(r) {
        let what = if op == "join" {
            "a handoff joins the queue"
        } else {
            "a freed agent is given the queue head"
        };
        let measured = match m {
            Some(m) => time(m),
            None => "not measured (too slow: see Routing)".into(),
        };
        let met = m.is_some_and(|m| m <= ROUTING_NS);
        let by = match m {
            Some(m) if met => format!("{} under", ratio(ROUTING_NS / m)),
            Some(m) => format!("{} over", ratio(m / ROUTING_NS)),
            None => "over".into(),
        };
        let _ = writeln!(
            s,
            "| routing ≤ 10 µs, {method}: {what} ({} queued) | {measured} | {} |",
            thousands(size as u64),
            verdict(met, by)
        );
    }
    if let Some(c) = node_cold(r, "total_ms") {
        let met = c.median <= NODE_COLD_MS;
        let _ = writeln!(
            s,
            "| Node cold start ≤ 5 ms (import, instantiate, first decision) | {:.2} ms | {} |",
            c.median,
            verdict(
                met,
                if met {
                    format!("{} under", ratio(NODE_COLD_MS / c.median))
                } else {
                    format!("{} over", ratio(c.median / NODE_COLD_MS))
                }
            )
        );
    }
    if let Some(m) = med(&r.wasmtime_cold, "first_decision_ns") {
        let met = m <= WASMTIME_COLD_NS;
        let _ = writeln!(s, "| wasmtime cold start ≤ 100 µs (cached `InstancePre`: new `Host` + first decision) | {} | {} |", time(m), verdict(met, if met { format!("{} under", ratio(WASMTIME_COLD_NS / m)) } else { format!("{} over", ratio(m / WASMTIME_COLD_NS)) }));
    }
    let widget = r
        .sizes
        .iter()
        .find(|z| z.what.contains("widget build"))
        .or_else(|| r.sizes.iter().find(|z| z.what.contains("filtered")));
    match widget {
        Some(z) => {
            // The smaller of gzip with and without wasm-opt: the build ships whichever is smaller.
            let g = [z.gzip, z.opt_gzip]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(u64::MAX);
            let _ = writeln!(
                s,
                "| widget (filtered zones) ≤ 120 KB gzip | {} | {} |",
                bytes(g),
                verdict(g <= WIDGET_GZIP, format!("budget {}", bytes(WIDGET_GZIP)))
            );
        }
        None => {
            let _ = writeln!(s, "| widget (filtered zones) ≤ 120 KB gzip | no filtered-zones build exists in this tree; only the all-zones builds were measured (see Size) | not measured |");
        }
    }
    match service_rps(r) {
        Some(rps) => {
            let met = rps.median >= SERVICE_RPS;
            let _ = writeln!(
                s,
                "| service ≥ 20,000 messages/s (durable SQLite commits, wrk on loopback) | {} messages/s | {} |",
                thousands(rps.median as u64),
                verdict(
                    met,
                    if met {
                        format!("{} over", ratio(rps.median / SERVICE_RPS))
                    } else {
                        format!("{} short", ratio(SERVICE_RPS / rps.median))
                    }
                )
            );
        }
        None => s.push_str(
            "| service ≥ 20,000 messages/s | not measured in this run (see Service) | not measured |\n",
        ),
    }
    s.push_str(&reads_budget(r));
    s.push_str(&super::report_records::service_state_budget(r));
    s.push('\n');
    s
}

/// Budget: messages per second through `handoff serve`.
const SERVICE_RPS: f64 = 20_000.0;

fn service_rps(r: &Results) -> Option<Spread> {
    let xs: Vec<f64> = r.service.iter().filter_map(|v| v["rps"].as_f64()).collect();
    Spread::of(&xs)
}

fn decision(r: &Results) -> String {
    let mut s = String::from(
        "## Per-message decision\n\n\
         The corpus: 10,000 support messages generated from a fixed seed (`xtask/src/bench/corpus.rs`: questions, \
         requests for a person, anger, thanks, Hinglish, Spanish, emoji, ALL CAPS, typos, long rambling ones), \
         written to `target/bench/corpus.jsonl` and read by every runner. Each message is the first message of \
         its own conversation, handled with `bench/config.json` (skill-based routing over 20 agents online, \
         business hours in Asia/Kolkata, open at the time used, sensitive topics, a webhook): sentiment, \
         request and topic detection, triggers, hours, routing, the context package and webhook events. \
         After each message, untimed, its deliveries are acknowledged and the conversation closed, so the \
         state stays the same size.\n\n\
         | runner | what is timed | per message |\n| --- | --- | --- |\n",
    );
    let row = |s: &mut String, who: &str, what: &str, v: &Option<Value>, key: &str| {
        if let Some(sp) = v.as_ref().and_then(|v| Spread::at(v, key)) {
            let _ = writeln!(s, "| {who} | {what} | {} |", sp.show(time));
        } else {
            let _ = writeln!(s, "| {who} | {what} | not measured |");
        }
    };
    row(&mut s, "native `core`", "`Input::from_json_str` + `Engine::handle` + outputs to JSON (the work a wasm host's call does)", &r.native, "ns_per_message_json");
    row(
        &mut s,
        "native `core`",
        "`Engine::handle` alone (input already parsed, outputs not written)",
        &r.native,
        "ns_per_message_typed",
    );
    row(
        &mut s,
        "wasmtime (`handoff_native::Host`)",
        "`Host::handle_json`, default limits (fuel metering on)",
        &r.wasmtime,
        "ns_per_message",
    );
    row(
        &mut s,
        "wasmtime (`handoff_native::Host`)",
        "`Host::handle_json`, fuel metering off",
        &r.wasmtime,
        "ns_per_message_no_fuel",
    );
    row(
        &mut s,
        "Node (npm `handoff-engine`)",
        "`Engine.handleJson` (js build)",
        &r.node,
        "ns_per_message",
    );
    row(
        &mut s,
        "peer: vaderSentiment 3.3.2 (Python)",
        "`SentimentIntensityAnalyzer.polarity_scores` alone",
        &r.peer,
        "ns_per_message",
    );
    row(
        &mut s,
        "our scorer alone",
        "`handoff_core::internals::score`",
        &r.sentiment,
        "ns_per_message",
    );
    if let Some(v) = &r.native {
        let _ = writeln!(
            s,
            "\nIn the first native run the {} messages gave {} outputs and {} handoffs.",
            thousands(v["messages"].as_u64().unwrap_or(0)),
            thousands(v["outputs"].as_u64().unwrap_or(0)),
            thousands(v["handoffs"].as_u64().unwrap_or(0))
        );
    }
    let n = native_ns(r);
    s.push_str("\nRatios (medians of this run):\n\n");
    if let (Some(n), Some(p)) = (n, med(&r.peer, "ns_per_message")) {
        let _ = writeln!(
            s,
            "- peer sentiment alone / native whole decision: **{}** (budget ≥ 10×)",
            ratio(p / n)
        );
    }
    if let (Some(n), Some(w)) = (n, med(&r.wasmtime, "ns_per_message")) {
        let _ = writeln!(
            s,
            "- wasmtime / native: **{}** (budget ≤ 1.5×)",
            ratio(w / n)
        );
    }
    if let (Some(n), Some(w)) = (n, med(&r.wasmtime, "ns_per_message_no_fuel")) {
        let _ = writeln!(s, "- wasmtime without fuel / native: {}", ratio(w / n));
    }
    if let (Some(n), Some(j)) = (n, med(&r.node, "ns_per_message")) {
        let _ = writeln!(s, "- Node / native: **{}** (budget ≤ 2×)", ratio(j / n));
    }
    if let Some(st) = &r.stages {
        s.push_str("\nThe decision by stage (native, each stage alone over the corpus, median of 5 runs):\n\n| stage | per message |\n| --- | --- |\n");
        for (k, what) in [
            ("input_parse", "parsing the input JSON"),
            ("sentiment", "sentiment (`sentiment::score`)"),
            (
                "human_request",
                "request for a person (`request::detect_human_request`)",
            ),
            ("topics", "topic keywords (`TopicMatcher::find`)"),
            ("business_hours", "business hours (`BusinessHours::status`)"),
        ] {
            if let Some(x) = st[k].as_f64() {
                let _ = writeln!(s, "| {what} | {} |", time(x));
            }
        }
    }
    s.push_str(
        "\nThe `abi` module (wasmtime) and the npm package's Node module are built for speed (`opt-level = 3`, \
         LTO, profile `wasm-speed`), like the native code; browsers and workers load the size build (`opt-level = \"z\"`). \
         The wasmtime numbers include `Host`'s replay log and its state fetches (when the work since the last \
         one is 4× what it cost), which is what a service embedding it pays.\n\n",
    );
    s.push_str(&decision_misses(r));
    s
}

/// Why the per-message budgets are missed: the stage shares, and what in core would change them.
fn decision_misses(r: &Results) -> String {
    let mut s = String::new();
    let (Some(n), Some(p), Some(st)) = (native_ns(r), med(&r.peer, "ns_per_message"), &r.stages)
    else {
        return s;
    };
    let stage = |k: &str| st[k].as_f64().unwrap_or(0.0);
    let detect = stage("sentiment") + stage("human_request") + stage("topics");
    let target = p / PEER_RATIO;
    if n <= target {
        return s;
    }
    let _ = writeln!(
        s,
        "**Why the native budget is missed.** Meeting ≥ 10× the peer needs the whole decision in {} per \
         message; it takes {} ({} too slow). The three text detectors take {} ({:.0} % of it): lexicons and \
         keyword lists are hashed (FxHash) and built once, topic keywords are looked up from each word and \
         its prefixes, the typo check is a linear one-edit test. The rest ({}) is mostly the handoff itself \
         for the {:.0} % of messages that hand off: the context package and its extractive summary, webhook \
         event bodies built as JSON values and serialised, delivery ids (SHA-256), the outputs' JSON; \
         `malloc`/`free` lead the profile below, spread over many small strings. What would close the rest: \
         event bodies and outputs serialised straight from the state (no intermediate `serde_json::Value`), \
         one tokenization shared by request and topic detection, and fewer owned strings per output.",
        time(target),
        time(n),
        ratio(n / target),
        time(detect),
        100.0 * detect / n,
        time((n - detect - stage("input_parse")).max(0.0)),
        r.native
            .as_ref()
            .map(|v| 100.0 * v["handoffs"].as_f64().unwrap_or(0.0) / v["messages"].as_f64().unwrap_or(1.0))
            .unwrap_or(0.0),
    );
    if let (Some(w), Some(wn)) = (
        med(&r.wasmtime, "ns_per_message"),
        med(&r.wasmtime, "ns_per_message_no_fuel"),
    ) {
        let _ = writeln!(
            s,
            "\n**Why wasmtime is {} native.** Fuel metering is {} of it ({} with fuel, {} without); the \
             rest is Cranelift's code against LLVM's for the same opt-level 3 source, wasm32's bounds-checked \
             memory, and the JSON copies across the boundary (input in, outputs out, plus the host's replay \
             log). Fuel off for a trusted module is `Limits {{ fuel_per_call: None, .. }}`.",
            ratio(w / n),
            ratio(w / wn),
            time(w),
            time(wn),
        );
    }
    if let Some(j) = med(&r.node, "ns_per_message") {
        let _ = writeln!(
            s,
            "\n**Why Node is {} native.** Node loads the speed-built module (`wasm/handoff_wasm_speed.wasm`); \
             the rest is V8's code for it and wasm-bindgen's string passing (JS UTF-16 to UTF-8 and back for \
             the input and the outputs).",
            ratio(j / n),
        );
    }
    s.push('\n');
    s
}

fn class(x: f64) -> usize {
    if x >= 0.05 {
        0
    } else if x <= -0.05 {
        2
    } else {
        1
    }
}

fn quality(r: &Results) -> String {
    let mut s = String::from(
        "## Sentiment quality against vaderSentiment 3.3.2\n\n\
         Both compound scores of every corpus message, classed with VADER's cut-offs (positive ≥ 0.05, \
         negative ≤ -0.05, neutral between). Our scorer deliberately differs in places (emoji scored directly, \
         no look-across sentence ends, ...: see `core/src/sentiment.rs`).\n\n",
    );
    let ours: Vec<f64> = r
        .sentiment
        .as_ref()
        .and_then(|v| v["compound"].as_array())
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    let theirs: Vec<f64> = r
        .peer
        .as_ref()
        .and_then(|v| v["compound"].as_array())
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if ours.is_empty() || ours.len() != theirs.len() {
        s.push_str("Not measured (the native or the peer scores are missing).\n\n");
        return s;
    }
    let mut m = [[0usize; 3]; 3];
    for (a, b) in ours.iter().zip(&theirs) {
        m[class(*a)][class(*b)] += 1;
    }
    let agree = m[0][0] + m[1][1] + m[2][2];
    let n = ours.len();
    let mean_abs: f64 = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| (a - b).abs())
        .sum::<f64>()
        / n as f64;
    let _ = writeln!(s, "Agreement: **{:.1} %** ({} of {} messages); mean |difference| of the compound scores: {:.3}.\n", 100.0 * agree as f64 / n as f64, thousands(agree as u64), thousands(n as u64), mean_abs);
    s.push_str(
        "| ours \\ vaderSentiment | positive | neutral | negative |\n| --- | --- | --- | --- |\n",
    );
    for (i, name) in ["positive", "neutral", "negative"].iter().enumerate() {
        let _ = writeln!(s, "| {name} | {} | {} | {} |", m[i][0], m[i][1], m[i][2]);
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| {
        (ours[b] - theirs[b])
            .abs()
            .total_cmp(&(ours[a] - theirs[a]).abs())
    });
    let mut seen = std::collections::BTreeSet::new();
    s.push_str("\nWhere they differ most (distinct texts):\n\n| message | ours | vaderSentiment |\n| --- | --- | --- |\n");
    for i in idx {
        let text = r.corpus.get(i).cloned().unwrap_or_default();
        if !seen.insert(text.clone()) {
            continue;
        }
        let shown: String = text
            .chars()
            .take(90)
            .collect::<String>()
            .replace('|', "\\|");
        let more = if text.chars().count() > 90 { "…" } else { "" };
        let _ = writeln!(s, "| {shown}{more} | {:.4} | {:.4} |", ours[i], theirs[i]);
        if seen.len() >= 12 {
            break;
        }
    }
    s.push('\n');
    s
}

fn routing(r: &Results) -> String {
    let mut s = String::from(
        "## Routing at scale\n\n\
         N agents online (capacity 1, each holding one conversation) and M conversations queued (each told its \
         position; skill-based ones need one of 5 skills), for each method; agents = min(M, 10,000). Two \
         decisions, each timed alone (`Engine::handle`, input already parsed), up to 51 times or 2 s:\n\n\
         - **join**: a new conversation's `handoff_request` when nobody is free: the handoff itself (context \
           package, `handoff` and event outputs, messages), no free agent found, and the conversation queued at \
           position M + 1 and told so;\n\
         - **serve**: an agent's conversation is closed, so the queue is served: the head (for skill-based, the \
           first that agent's skill fits, or whose skill wait is over) is offered to them, and the customers now \
           at positions up to `routing.announce_positions_up_to` (default 10) are told their new position.\n\n\
         The states are generated and restored (`Engine::restore`, which checks them and builds the routing \
         indexes), not driven input by input, so that setting up 100,000 queued takes seconds.\n\n\
         | method | agents | queued | join | outputs | serve | outputs |\n| --- | --- | --- | --- | --- | --- | --- |\n",
    );
    let Some(rows) = r.routing.as_ref().and_then(|v| v["rows"].as_array()) else {
        s.push_str("\nNot measured.\n\n");
        return s;
    };
    let cell = |v: &Value| -> (String, String) {
        if let Some(why) = v["skipped"].as_str() {
            return (format!("not run ({why} already)"), String::new());
        }
        match Spread::at(v, "ns") {
            Some(sp) => (sp.show(time), thousands(v["outputs"].as_u64().unwrap_or(0))),
            None => ("?".into(), String::new()),
        }
    };
    for row in rows {
        let (j, jo) = cell(&row["join"]);
        let (sv, so) = cell(&row["serve"]);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {j} | {jo} | {sv} | {so} |",
            row["method"].as_str().unwrap_or("?"),
            thousands(row["agents"].as_u64().unwrap_or(0)),
            thousands(row["queued"].as_u64().unwrap_or(0)),
        );
    }
    s.push_str("\nGrowth (median at the largest size measured / median at 100 queued; sub-linear means well under the size ratio):\n\n");
    for method in ["round_robin", "load_based", "skill_based"] {
        for op in ["join", "serve"] {
            let pts: Vec<(u64, f64)> = rows
                .iter()
                .filter(|row| row["method"] == method)
                .filter_map(|row| {
                    Some((row["queued"].as_u64()?, Spread::at(&row[op], "ns")?.median))
                })
                .collect();
            if let (Some(first), Some(last)) = (pts.first(), pts.last()) {
                if last.0 > first.0 {
                    let size_x = last.0 as f64 / first.0 as f64;
                    let time_x = last.1 / first.1;
                    let kind = if time_x < size_x.sqrt() {
                        "sub-linear"
                    } else if time_x < size_x * 0.5 {
                        "between sub-linear and linear"
                    } else {
                        "linear or worse"
                    };
                    let _ = writeln!(
                        s,
                        "- {method} {op}: ×{} in size ({} → {}), ×{:.0} in time: **{kind}**",
                        thousands(size_x as u64),
                        thousands(first.0),
                        thousands(last.0),
                        time_x
                    );
                }
            }
        }
    }
    s.push_str(
        "\nWhere the time goes (from `core/src/index/`, `core/src/routing.rs` and `core/src/flow.rs`):\n\n\
         - Choosing an agent walks ordered sets of the free agents (online, in the pool, under capacity; \
           `core/src/index/agents.rs`) from the front: pool order for round robin; load, last assignment and \
           pool order for load-based; per skill, proficiency first, for skill-based. Only agents who declined \
           that conversation are skipped: O(log agents), and nothing is looked at when nobody is free.\n\
         - Joining and leaving the queue update `core/src/index/queue.rs`: positions in sorted blocks (a \
           position is a sum over about n / 256 block lengths), queue deadlines in order (the check after every \
           input and `next_wakeup` read the earliest one), and for skill-based the queue per skill with the \
           conversations whose skill wait is over apart. Serving the queue stops when nobody is free and passes \
           over conversations no free agent can take without looking at them.\n\
         - What is left is the decision's own work, the same at every size: the context package, event bodies \
           and message templates of a handoff (join); for serve the `closed` output and event, the offer, and \
           the position announcements with their messages (see the outputs columns). The growth left from 100 to \
           100,000 queued is lookups in ordered maps of 100,000 conversations (string comparisons, cache \
           misses) and the position sum.\n\
         - Positions past `announce_positions_up_to` are told when the customer writes, not when the queue \
           moves: telling everyone is O(queue) outputs per served conversation, which no index removes (set it \
           very high and serve grows with the queue again).\n\n",
    );
    s
}

fn snapshot(r: &Results) -> String {
    let mut s = String::from(
        "## State size and snapshot cost\n\n\
         States of N open conversations (two customer/AI exchanges each, texts from the corpus; 20 agents \
         holding 100 of them; nothing queued), generated and checked by `Engine::restore`. Serialise is \
         `serde_json::to_string(engine.state())`; restore is `Engine::restore_json`. *Per input* is one more \
         customer message in an existing conversation (parse included), averaged over 2,000 inputs spread over \
         all conversations: if the engine copied its state per input, it would grow with N.\n\n\
         | conversations | snapshot bytes | serialise | restore | per input (native) | restore in wasmtime | per input (wasmtime `Host`) | `Host::state_json` |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    let Some(rows) = r.snapshot.as_ref().and_then(|v| v["rows"].as_array()) else {
        s.push_str("\nNot measured.\n\n");
        return s;
    };
    let wrows: Vec<Value> = r
        .wasmtime_snapshot
        .as_ref()
        .and_then(|v| v["rows"].as_array().cloned())
        .unwrap_or_default();
    for row in rows {
        let file = row["file"].as_str().unwrap_or("");
        let w = wrows.iter().find(|w| w["file"].as_str() == Some(file));
        let (wr, wi, wf) = match w {
            Some(w) if w["restore_ns"].is_number() => (
                time(w["restore_ns"].as_f64().unwrap_or(f64::NAN)),
                match w["error"].as_str() {
                    Some(e) => format!("failed: {e}"),
                    None => time(w["input_ns"].as_f64().unwrap_or(f64::NAN)),
                },
                time(w["state_fetch_ns"].as_f64().unwrap_or(f64::NAN)),
            ),
            Some(w) => (
                format!("failed: {}", w["error"].as_str().unwrap_or("?")),
                String::new(),
                String::new(),
            ),
            None => ("not measured".into(), String::new(), String::new()),
        };
        let sp = |k: &str| Spread::at(row, k).map(|x| x.show(time)).unwrap_or_default();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {wr} | {wi} | {wf} |",
            thousands(row["conversations"].as_u64().unwrap_or(0)),
            bytes(row["bytes"].as_u64().unwrap_or(0)),
            sp("serialise_ns"),
            sp("restore_ns"),
            sp("input_ns"),
        );
    }
    if rows.len() >= 2 {
        let last = &rows[rows.len() - 1];
        let a = Spread::at(&rows[0], "input_ns").map(|x| x.median);
        let b = Spread::at(last, "input_ns").map(|x| x.median);
        let ser = Spread::at(last, "serialise_ns").map(|x| x.median);
        if let (Some(a), Some(b), Some(ser)) = (a, b, ser) {
            let _ = writeln!(
                s,
                "\nNatively one input costs {:.2}× as much with {} conversations as with {} (100× the state): \
                 the engine changes its state in place (`Engine::handle` takes `&mut self`; nothing is cloned \
                 per input); what grows is map lookups (log n) and cache misses in a {} state. Copying the state \
                 per input would cost about the serialise column ({} at {}), thousands of times more.",
                b / a,
                thousands(last["conversations"].as_u64().unwrap_or(0)),
                thousands(rows[0]["conversations"].as_u64().unwrap_or(0)),
                bytes(last["bytes"].as_u64().unwrap_or(0)),
                time(ser),
                thousands(last["conversations"].as_u64().unwrap_or(0)),
            );
        }
    }
    for w in &wrows {
        let (Some(fetch), Some(input)) = (w["state_fetch_ns"].as_f64(), w["input_ns"].as_f64())
        else {
            continue;
        };
        let _ = writeln!(
            s,
            "\nThe wasmtime `Host` keeps a replay log (for recovery after a trap) and fetches the whole state \
             only when the work since the last fetch is 4× what that fetch cost: with {} conversations one \
             fetch takes {}, so fetches are at most about a fifth of its {} per input, however big the state. \
             A host that persists after every input (the contract) pays the fetch itself instead; per-conversation \
             deltas would need a change in core's state API.",
            thousands(w["conversations"].as_u64().unwrap_or(0)),
            time(fetch),
            time(input),
        );
    }
    for w in wrows.iter().filter(|w| !w["restore_ns"].is_number()) {
        let _ = writeln!(
            s,
            "\nThe wasmtime host could not restore `{}` ({}): {}. Restoring parses the whole snapshot inside \
             the guest in one call, holding the text, the parsed state and its indexes at once; its fuel grows \
             with the snapshot (`Limits::fuel_per_state_byte`), but the memory limit (`Limits::max_memory_bytes`, \
             512 MiB by default) does not, so a host with states this big needs a larger memory limit, or a \
             snapshot split per conversation.",
            w["file"].as_str().unwrap_or("?").rsplit('/').next().unwrap_or("?"),
            bytes(w["bytes"].as_u64().unwrap_or(0)),
            w["error"].as_str().unwrap_or("?"),
        );
    }
    s.push('\n');
    s
}

fn sizes(r: &Results) -> String {
    let mut s = String::from(
        "## Size\n\n`cargo xtask wasm` builds (browsers' and workers' module: `--profile wasm-release`, opt-level \"z\", LTO, \
         codegen-units 1, panic abort; the abi module and Node's: `--profile wasm-speed`, the same at opt-level 3), then `gzip -9 -c FILE | wc -c`; the wasm-opt columns are `wasm-opt -Oz` from the npm package \
         binaryen 132.0.0, installed by the bench under `target/bench/binaryen/`, on a copy. Every `.wasm` \
         present in `target/wasm/` and `host-node/wasm/` is measured; the table says which builds these are.\n\n\
         | build | file | raw | gzip -9 | wasm-opt -Oz | wasm-opt -Oz + gzip -9 |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for z in &r.sizes {
        let opt = |x: Option<u64>| x.map(bytes).unwrap_or_else(|| "not measured".into());
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} | {} | {} |",
            z.what,
            z.path,
            bytes(z.raw),
            opt(z.gzip),
            opt(z.opt_raw),
            opt(z.opt_gzip)
        );
    }
    if let Some(why) = &r.wasm_opt_note {
        let _ = writeln!(s, "\nwasm-opt columns not measured: {why}.");
    }
    if !r.sizes.iter().any(|z| z.what.contains("filtered")) {
        s.push_str(
            "\nOnly the all-zones builds exist in this tree: the widget budget (≤ 120 KB gzip) is for a build with \
             only the zones a deployment names, which `cargo xtask wasm` cannot make yet. About 1 MB of each \
             module is data (chrono-tz's zone tables and the sentiment lexicon).\n",
        );
    }
    s.push_str(&widget_breakdown(r));
    s.push('\n');
    s
}

/// Why the widget build is the size it is: its code by crate (engine modules apart), and its data.
fn widget_breakdown(r: &Results) -> String {
    let mut s = String::new();
    match &r.widget_breakdown {
        None => {}
        Some(Err(why)) => {
            let _ = writeln!(
                s,
                "
What the widget build is made of: not measured ({why})."
            );
        }
        Some(Ok(b)) => {
            let total = (b.code + b.data).max(1) as f64;
            let _ = writeln!(
                s,
                "
**What the widget build is made of** (cargo's filtered js module before wasm-bindgen, read from its \
                 name section by `xtask/src/bench/breakdown.rs`): {} of code and {} of data (zone tables, lexicons, \
                 keyword lists, strings). Code by crate, the engine by module (generic code instantiated for \
                 the engine's types counts under the generic's crate: `alloc`, `core`, `serde`):\n\n\
                 | part | bytes | share |\n| --- | --- | --- |",
                bytes(b.code),
                bytes(b.data),
            );
            let _ = writeln!(
                s,
                "| data section | {} | {:.0} % |",
                bytes(b.data),
                100.0 * b.data as f64 / total
            );
            let lexicon = handoff_core::internals::lexicon_bytes() as u64;
            let _ = writeln!(
                s,
                "| of which the sentiment lexicon (VADER's 7,506 words and ours, packed) | {} | {:.0} % |",
                bytes(lexicon),
                100.0 * lexicon as f64 / total
            );
            for (group, n) in b.groups.iter().take(14) {
                let _ = writeln!(
                    s,
                    "| `{group}` | {} | {:.0} % |",
                    bytes(*n),
                    100.0 * *n as f64 / total
                );
            }
            let rest: u64 = b.groups.iter().skip(14).map(|(_, n)| n).sum();
            if rest > 0 {
                let _ = writeln!(
                    s,
                    "| {} more groups | {} | {:.0} % |",
                    b.groups.len() - 14,
                    bytes(rest),
                    100.0 * rest as f64 / total
                );
            }
            let ptoe: u64 = b
                .groups
                .iter()
                .filter(|(g, _)| g == "serde_path_to_error")
                .map(|(_, n)| n)
                .sum();
            let _ = writeln!(
                s,
                "\nWhy the budget is missed: the engine's JSON handling is most of the code. Every configuration, input \
                 and state type is deserialised twice over (serde's derive through `serde_json::Value`, and again \
                 wrapped by `serde_path_to_error` to name the JSON path in errors: {} here), and the generic \
                 collections and formatting instantiated for them land in `alloc` and `core`. Meeting 120 KB gzip \
                 would take a hand-written JSON reader for the wire types (one pass that tracks its own path), \
                 the integrations (helpdesk request builders) behind a feature the widget leaves out, and the \
                 lexicons as compact tables.",
                bytes(ptoe),
            );
        }
    }
    s
}

fn cold_start(r: &Results) -> String {
    let mut s =
        String::from("## Cold start\n\n| host | what is timed | time |\n| --- | --- | --- |\n");
    for (k, what) in [
        ("import_ms", "import the package (`host-node/src/node.js`)"),
        (
            "instantiate_ms",
            "`init()`: read, compile and instantiate the js build",
        ),
        (
            "engine_and_first_decision_ms",
            "`new Engine(config)` + the first `handleJson`",
        ),
        ("total_ms", "**all of the above** (budget ≤ 5 ms)"),
        (
            "process_ms",
            "the whole `node` process, start to exit (for scale)",
        ),
    ] {
        if let Some(sp) = node_cold(r, k) {
            let _ = writeln!(
                s,
                "| Node, fresh process ×{} | {what} | {} |",
                sp.runs,
                sp.show(|ms| time(ms * 1e6))
            );
        }
    }
    for (k, what) in [
        ("host_new_ns", "`Host::new` (instantiate from the cached `InstancePre`, create the engine from the config)"),
        ("first_decision_ns", "**`Host::new` + the first `handle_json`** (budget ≤ 100 µs)"),
    ] {
        if let Some(sp) = r.wasmtime_cold.as_ref().and_then(|v| Spread::at(v, k)) {
            let _ = writeln!(s, "| wasmtime ×{} | {what} | {} |", sp.runs, sp.show(time));
        }
    }
    for (k, what) in [
        (
            "config_ns",
            "parse and check the configuration (`Config::from_json_str`)",
        ),
        ("engine_ns", "`Engine::new`"),
        (
            "first_decision_ns",
            "the first decision (builds the lexicons and word sets on first use)",
        ),
        (
            "second_decision_ns",
            "a second decision, on another conversation (for comparison)",
        ),
    ] {
        let xs: Vec<f64> = r.native_cold.iter().filter_map(|v| v[k].as_f64()).collect();
        if let Some(sp) = Spread::of(&xs) {
            let _ = writeln!(
                s,
                "| native `core`, fresh process ×{} | {what} | {} |",
                sp.runs,
                sp.show(time)
            );
        }
    }
    if let Some(c) = r.wasmtime.as_ref().and_then(|v| v["compile_ms"].as_f64()) {
        let _ = writeln!(s, "| wasmtime, once per process | compiling the abi module (`Runtime::with_limits`) | {c:.0} ms |");
    }
    s.push_str(
        "\nWhat the cold starts are made of (the rows above): in Node, compiling and instantiating the 2.4 MB \
         speed-built module and then the first decision, which runs in V8's baseline code and pays the \
         engine's one-time set-up. In wasmtime, `Host::new` instantiates and creates the engine from the \
         configuration inside the guest. That set-up is what misses the budget in both: parsing and checking \
         the configuration (a `serde_json::Value` tree, path strings, the built-in topic keyword lists \
         normalised and compiled: the native configuration row) and, at the first decision, building the \
         request-detection word sets and the small booster and negation sets (the first native decision \
         against the second), all per instance because every instance has its own memory. The sentiment \
         lexicon's index is already built at compile time (`core/src/sentiment.rs`). The levers left: the \
         request word lists stored normalised and indexed at compile time the same way, a configuration \
         parsed in one typed pass, or a pre-initialised module snapshot (Wizer-style) with the engine \
         already created in its memory.\n\n",
    );
    s
}

fn service(r: &Results) -> String {
    let mut s = String::from("## Service\n\n");
    let Some(rps) = service_rps(r) else {
        s.push_str("Not measured in this run.\n\n");
        return s;
    };
    let spread = |key: &str| {
        Spread::of(
            &r.service
                .iter()
                .filter_map(|v| v[key].as_f64())
                .collect::<Vec<_>>(),
        )
    };
    let ms = |x: f64| format!("{x:.2} ms");
    let _ = writeln!(
        s,
        "`handoff serve` on the seed configuration (`examples/handoff-settings.json`), a fresh SQLite file \
         (WAL, `synchronous=FULL`; a request is answered only after its input is committed), posting customer \
         messages over 10,000 conversations (`bench/service.lua`) from `wrk` on loopback, on the same 2 cores \
         as the service. {} runs of {} s each, 64 connections.\n\n\
         Command: `{}`\n",
        r.service.len(),
        10,
        r.service_command.as_deref().unwrap_or("wrk")
    );
    s.push_str("| measure | min / **median** / max |\n| --- | --- |\n");
    let _ = writeln!(
        s,
        "| messages/s | {} / **{}** / {} |",
        thousands(rps.min as u64),
        thousands(rps.median as u64),
        thousands(rps.max as u64)
    );
    if let Some(p) = spread("p50_ms") {
        let _ = writeln!(s, "| latency p50 | {} |", p.show(ms));
    }
    if let Some(p) = spread("p99_ms") {
        let _ = writeln!(s, "| latency p99 | {} |", p.show(ms));
    }
    s.push_str(
        "\nWhere the time goes: one engine thread handles every input through wasmtime (the speed-built abi \
         module; see the wasmtime per-message figures above), and group commit batches every input queued \
         while the previous transaction was being written. `bench/service.lua` never closes a conversation, \
         so the state grows through the runs (every message stays in its conversation's history: about 100 MB \
         of JSON after a million messages). Each batch writes its journal entries and the records its inputs \
         changed (`Host::take_changes`: about two rows per message) in one transaction; there are no \
         whole-state snapshots, so no pause grows with the state and the p99 stays within a few times the \
         p50 (it was 349 ms with snapshots). What each message costs now is the change set crossing the \
         wasm boundary and the rows written: throughput is below the snapshot era's (about 23,000 \
         messages/s) and varies between runs on this shared machine.\n\n",
    );
    s
}

/// Budget: messages/s with one queue read a second at least this share of messages/s without.
const READS_THROUGHPUT_SHARE: f64 = 0.9;

/// Medians of messages/s (without, with queue reads) of step `service-queue`.
fn reads_throughput(r: &Results) -> Option<(Spread, Spread)> {
    let v = r.service_queue.as_ref()?;
    let rps = |key: &str| {
        let xs: Vec<f64> = v[key]
            .as_array()?
            .iter()
            .filter_map(|w| w["rps"].as_f64())
            .collect();
        Spread::of(&xs)
    };
    Some((rps("without")?, rps("with")?))
}

/// The budget row of step `service-queue` (empty when it did not run).
fn reads_budget(r: &Results) -> String {
    let Some((without, with)) = reads_throughput(r) else {
        return String::new();
    };
    let queued = r
        .service_queue
        .as_ref()
        .and_then(|v| v["queued_for_throughput"].as_u64())
        .unwrap_or(0);
    let share = with.median / without.median;
    let met = share >= READS_THROUGHPUT_SHARE;
    format!(
        "| service messages/s with one `GET /v1/queue` a second within 10 % of without ({} queued) | {} vs {} messages/s: {:.1} % | {} |\n",
        thousands(queued),
        thousands(with.median as u64),
        thousands(without.median as u64),
        100.0 * share,
        verdict(
            met,
            if share >= 1.0 {
                "no slower".to_string()
            } else {
                format!("{:.1} % slower", 100.0 * (1.0 - share))
            }
        )
    )
}

/// Prints what steps `queries` and `service-queue` measured so far (progress output, and all
/// that `cargo xtask bench --only queries,service-queue` shows).
pub fn print_reads(r: &Results) {
    let rows = r.queries.as_ref().and_then(|v| v["rows"].as_array());
    for w in rows.into_iter().flatten() {
        let med = |k: &str| Spread::at(w, k).map(|x| time(x.median)).unwrap_or_default();
        let old = summed(w, "serialise_ns", "parse_ns").map(|x| time(x.median));
        println!(
            "{} queued ({} state): queue page native {}, wasmtime {} (last page {} / {}); \
             old way native {} (+ parse {}), wasmtime state_json {} (+ parse {})",
            thousands(w["queued"].as_u64().unwrap_or(0)),
            bytes(w["state_bytes"].as_u64().unwrap_or(0)),
            med("native_ns"),
            med("wasmtime_ns"),
            med("native_last_ns"),
            med("wasmtime_last_ns"),
            med("serialise_ns"),
            old.unwrap_or_default(),
            med("state_json_ns"),
            med("state_json_parse_ns"),
        );
    }
    let Some(v) = r.service_queue.as_ref() else {
        return;
    };
    for h in v["reads"].as_array().into_iter().flatten() {
        let ms: Vec<f64> = h["ms"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_f64)
                    .map(|m| m * 1e6)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(x) = Spread::of(&ms) {
            println!(
                "GET /v1/queue with {} queued (idle service): {}",
                thousands(h["queued"].as_u64().unwrap_or(0)),
                x.show(time)
            );
        }
    }
    if let Some(why) = v["not_built"].as_str() {
        println!("not built over HTTP: {why}");
    }
    if let Some((without, with)) = reads_throughput(r) {
        println!(
            "messages/s without queue reads {} / {} / {}, with one a second {} / {} / {}: {:.1} % ({})",
            thousands(without.min as u64),
            thousands(without.median as u64),
            thousands(without.max as u64),
            thousands(with.min as u64),
            thousands(with.median as u64),
            thousands(with.max as u64),
            100.0 * with.median / without.median,
            if with.median / without.median >= READS_THROUGHPUT_SHARE {
                "within 10 %: met"
            } else {
                "within 10 %: MISSED"
            }
        );
    }
}

/// The spread of `a[i] + b[i]` over the runs of `row`.
fn summed(row: &Value, a: &str, b: &str) -> Option<Spread> {
    let xs = |k: &str| -> Vec<f64> {
        row[k]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let sums: Vec<f64> = xs(a).iter().zip(xs(b)).map(|(x, y)| x + y).collect();
    Spread::of(&sums)
}

fn reads(r: &Results) -> String {
    let mut s = String::from("## Reads at scale\n\n");
    let rows: Vec<Value> = r
        .queries
        .as_ref()
        .and_then(|v| v["rows"].as_array().cloned())
        .unwrap_or_default();
    let http = r.service_queue.as_ref();
    let http_reads: Vec<Value> = http
        .and_then(|v| v["reads"].as_array().cloned())
        .unwrap_or_default();
    if rows.is_empty() && http.is_none() {
        s.push_str("Not measured in this run.\n\n");
        return s;
    }
    let mut sizes: Vec<u64> = rows.iter().filter_map(|w| w["queued"].as_u64()).collect();
    for h in &http_reads {
        if let Some(n) = h["queued"].as_u64() {
            if !sizes.contains(&n) {
                sizes.push(n);
            }
        }
    }
    sizes.sort_unstable();
    s.push_str(
        "What an agent's console or a metrics scraper costs the engine: one page of the queue (the first 100 \
         entries: position, conversation, since, priority, status, agent) with N conversations queued. The reads \
         are queries answered from the engine's indexes (`core/src/query.rs`): natively `Engine::query_json` of \
         `{\"query\":\"queue\",\"limit\":100}`, in wasmtime `Host::query_json` (`handoff_query` in the abi \
         module), over HTTP `GET /v1/queue` from `handoff serve`. Before them, every read serialised the whole \
         state in the guest (`Host::state_json`) and parsed it as a `serde_json::Value` on the service's one \
         engine thread, so every input waited behind it; the old-way rows measure that at the same sizes.\n\n\
         The states: N conversations `conv_0` … each given a corpus message and then, unless that message \
         handed off already, a `handoff_request`, on the seed configuration the service runs \
         (`examples/handoff-settings.json`: round robin, no agent online, fallback queue), so all N are queued. \
         Natively and in wasmtime they are built by driving the engine (then restored into the guest); over \
         HTTP by posting the same requests to a fresh service (step `service-queue`). Native and wasmtime \
         rows: each query up to 501 times (or 1 s), the whole state 3 times (an input before each fetch, so \
         the state really is fetched from the guest); HTTP: up to 200 reads on one keep-alive connection of \
         the idle service, on loopback.\n\n",
    );
    s.push_str("| read | what is timed |");
    for n in &sizes {
        let _ = write!(s, " {} queued |", thousands(*n));
    }
    s.push_str("\n| --- | --- |");
    for _ in &sizes {
        s.push_str(" --- |");
    }
    s.push('\n');
    let row_of = |n: u64| rows.iter().find(|w| w["queued"].as_u64() == Some(n));
    let not_built = http.and_then(|v| v["not_built"].as_str()).unwrap_or("");
    // (what, how, the engine runner's key (and one to add) or None for HTTP)
    type Keys = Option<(&'static str, Option<&'static str>)>;
    let table: [(&str, &str, Keys); 9] = [
        ("**queue page**, native", "`Engine::query_json` (first 100)", Some(("native_ns", None))),
        ("last page, native", "the same at offset N − 100", Some(("native_last_ns", None))),
        ("**queue page**, wasmtime", "`Host::query_json` (first 100)", Some(("wasmtime_ns", None))),
        ("last page, wasmtime", "the same at offset N − 100", Some(("wasmtime_last_ns", None))),
        ("**queue page**, HTTP", "`GET /v1/queue` from `handoff serve` (request to answer)", None),
        ("old way, native", "`serde_json::to_string(engine.state())`", Some(("serialise_ns", None))),
        ("old way, native", "the same, then parsed as a `serde_json::Value`", Some(("serialise_ns", Some("parse_ns")))),
        ("old way, wasmtime", "`Host::state_json` (the state serialised in the guest and copied out)", Some(("state_json_ns", None))),
        ("**old way, wasmtime**", "`Host::state_json`, then parsed as a `serde_json::Value` (what `handoff serve` did per read)", Some(("state_json_parse_ns", None))),
    ];
    for (what, how, keys) in table {
        let _ = write!(s, "| {what} | {how} |");
        for &n in &sizes {
            let cell = match keys {
                Some((a, b)) => row_of(n)
                    .and_then(|w| match b {
                        None => Spread::at(w, a),
                        Some(b) => summed(w, a, b),
                    })
                    .map(|x| x.show(time))
                    .unwrap_or_else(|| "not measured".into()),
                None => match http_reads.iter().find(|h| h["queued"].as_u64() == Some(n)) {
                    Some(h) => {
                        let ns: Vec<f64> = h["ms"]
                            .as_array()
                            .map(|v| {
                                v.iter()
                                    .filter_map(Value::as_f64)
                                    .map(|m| m * 1e6)
                                    .collect()
                            })
                            .unwrap_or_default();
                        Spread::of(&ns).map(|x| x.show(time)).unwrap_or_default()
                    }
                    None if http.is_some() && !not_built.is_empty() => {
                        "not built over HTTP (see below)".into()
                    }
                    None => "not measured".into(),
                },
            };
            let _ = write!(s, " {cell} |");
        }
        s.push('\n');
    }
    let _ = write!(s, "| sizes | whole state / one page |");
    for n in &sizes {
        match row_of(*n) {
            Some(w) => {
                let _ = write!(
                    s,
                    " {} / {} |",
                    bytes(w["state_bytes"].as_u64().unwrap_or(0)),
                    bytes(w["answer_bytes"].as_u64().unwrap_or(0))
                );
            }
            None => s.push_str(" not measured |"),
        }
    }
    s.push_str("\n\n");
    for w in &rows {
        let med = |k: &str| Spread::at(w, k).map(|x| x.median);
        if let (Some(new), Some(old)) = (med("wasmtime_ns"), med("state_json_parse_ns")) {
            let _ = writeln!(
                s,
                "- {} queued: a page in wasmtime takes {}, the old way {}: **{}** less, and the \
                 native page {}.",
                thousands(w["queued"].as_u64().unwrap_or(0)),
                time(new),
                time(old),
                ratio(old / new),
                med("native_ns").map(time).unwrap_or_else(|| "?".into()),
            );
        }
    }
    if let [a, .., b] = rows.as_slice() {
        let med = |w: &Value, k: &str| Spread::at(w, k).map(|x| x.median);
        if let (Some(x), Some(y)) = (med(a, "wasmtime_ns"), med(b, "wasmtime_ns")) {
            let _ = writeln!(
                s,
                "- From {} to {} queued ({}× the queue) a page in wasmtime goes from {} to {} ({}): \
                 the page is read from the queue index, whose positions are kept in blocks (an offset \
                 costs a walk over about N / 256 block lengths), and every entry is one map lookup; \
                 the old way grows with the whole state.",
                thousands(a["queued"].as_u64().unwrap_or(0)),
                thousands(b["queued"].as_u64().unwrap_or(0)),
                b["queued"].as_u64().unwrap_or(0) / a["queued"].as_u64().unwrap_or(1).max(1),
                time(x),
                time(y),
                ratio(y / x),
            );
        }
    }
    for h in &http_reads {
        let (n, total) = (h["queued"].as_u64(), h["total"].as_u64());
        if let (Some(n), Some(total)) = (n, total) {
            if total != n {
                let _ = writeln!(
                    s,
                    "- Over HTTP the queue held {} when the {} column was read: the wrk runs' \
                     messages queued {} conversations of their own.",
                    thousands(total),
                    thousands(n),
                    thousands(total - n)
                );
            }
        }
    }
    if let Some(v) = http {
        let fills: Vec<Value> = v["fills"].as_array().cloned().unwrap_or_default();
        let described: Vec<String> = fills
            .iter()
            .map(|f| {
                let secs = f["seconds"].as_f64().unwrap_or(f64::NAN);
                let requests = f["requests"].as_f64().unwrap_or(f64::NAN);
                format!(
                    "conv_{} to conv_{} in {secs:.1} s ({:.0} requests/s)",
                    f["from"].as_u64().unwrap_or(0),
                    f["to"].as_u64().unwrap_or(0).saturating_sub(1),
                    requests / secs
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "- Queueing over HTTP ({} connections, durable commits): {}.{}",
            super::plan::FILL_CONNECTIONS,
            described.join("; "),
            if not_built.is_empty() {
                String::new()
            } else {
                format!(
                    " The largest size was not built over HTTP: {not_built}; it is measured natively \
                     and in wasmtime only."
                )
            }
        );
    }
    s.push('\n');
    if let (Some(v), Some((without, with))) = (http, reads_throughput(r)) {
        let queued = v["queued_for_throughput"].as_u64().unwrap_or(0);
        let runs = |k: &str| v[k].as_array().cloned().unwrap_or_default();
        let spread = |k: &str, field: &str| {
            let xs: Vec<f64> = runs(k).iter().filter_map(|w| w[field].as_f64()).collect();
            Spread::of(&xs)
        };
        let ms = |x: f64| format!("{x:.2} ms");
        let _ = writeln!(
            s,
            "**Messages while an agent reads the queue.** With {} conversations queued, wrk posts customer \
             messages as in Service (`bench/service.lua`, 64 connections, {} s a run) while, in the runs \
             with reads, one agent (its own token and connection) sends `GET /v1/queue` once a second \
             (from half a second in). {} runs of each kind in the order without, with, with, without, …, \
             each on a fresh `handoff serve` started from a copy of the same SQLite file (the queued \
             conversations and nothing else), so every run starts from the same state.{}\n\n\
             Command: `{}`\n",
            thousands(queued),
            super::plan::THROUGHPUT_SECONDS,
            runs("without").len(),
            rows.iter()
                .find(|w| w["queued"].as_u64() == Some(queued))
                .and_then(|w| Spread::at(w, "state_json_parse_ns"))
                .map(|x| format!(
                    " Before queries, each of these reads held the engine thread, and every input \
                     behind it, for about the old way in wasmtime above ({} at {} queued).",
                    time(x.median),
                    thousands(queued)
                ))
                .unwrap_or_default(),
            v["wrk_command"].as_str().unwrap_or("wrk"),
        );
        s.push_str("| measure | without queue reads | with one `GET /v1/queue` a second |\n| --- | --- | --- |\n");
        let _ = writeln!(
            s,
            "| messages/s | {} / **{}** / {} | {} / **{}** / {} |",
            thousands(without.min as u64),
            thousands(without.median as u64),
            thousands(without.max as u64),
            thousands(with.min as u64),
            thousands(with.median as u64),
            thousands(with.max as u64),
        );
        for (field, what) in [("p50_ms", "latency p50"), ("p99_ms", "latency p99")] {
            let show = |k: &str| spread(k, field).map(|x| x.show(ms)).unwrap_or_default();
            let _ = writeln!(s, "| {what} | {} | {} |", show("without"), show("with"));
        }
        let polls: Vec<f64> = v["poll_ms"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        if let Some(p) = Spread::of(&polls) {
            let _ = writeln!(
                s,
                "| `GET /v1/queue` during the runs ({} reads) | | {} |",
                p.runs,
                p.show(ms)
            );
        }
        let share = with.median / without.median;
        let _ = writeln!(
            s,
            "\nWith reads / without (medians): **{:.1} %** (budget: within 10 %): {}.\n",
            100.0 * share,
            if share >= READS_THROUGHPUT_SHARE {
                "**met**"
            } else {
                "**MISSED**"
            }
        );
    }
    s
}

fn profiles(r: &Results) -> String {
    let mut s = String::from("## Profiles of missed budgets\n\n");
    if r.profiles.is_empty() {
        s.push_str("Every measured speed budget was met: nothing was profiled.\n\n");
        return s;
    }
    for (what, how, lines) in &r.profiles {
        let _ = writeln!(s, "### {what}\n\n`{how}`, then `perf report --stdio --no-children --sort symbol` (share of samples, symbols over 1.5 %):\n");
        if lines.is_empty() {
            s.push_str("(no samples)\n\n");
            continue;
        }
        s.push_str("```\n");
        for l in lines {
            let _ = writeln!(s, "{l}");
        }
        s.push_str("```\n\n");
    }
    s
}

fn commands(r: &Results) -> String {
    let mut s = String::from(
        "## How to reproduce\n\n`cargo xtask bench` does all of this and rewrites this file. The commands it ran, in order:\n\n```\n",
    );
    for c in &r.commands {
        let _ = writeln!(s, "{c}");
    }
    s.push_str("```\n\nTime per step of this run:\n\n| step | seconds |\n| --- | --- |\n");
    let mut total = 0.0;
    for (name, secs) in &r.step_times {
        total += secs;
        let _ = writeln!(s, "| {name} | {secs:.0} |");
    }
    let _ = writeln!(
        s,
        "| **total** (before writing this file) | **{total:.0}** |"
    );
    s.push_str(
        "\nThe runners: `core/benches/native.rs`, `host-native/benches/wasmtime.rs` (built without LTO: fat LTO over \
         wasmtime would take most of the time budget, and the guest code is compiled by Cranelift at run time), \
         `bench/node_bench.mjs`, `bench/vader_peer.py` (vaderSentiment from `bench/requirements.txt` in \
         `target/bench/venv`). For work on the engine, `cargo bench -p handoff-core --bench decision` runs the \
         Criterion benchmarks of the decision stages and of routing growth.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn results(without: [f64; 3], with: [f64; 3], not_built: Option<&str>) -> Results {
        let row = |n: u64| {
            json!({"queued": n, "state_bytes": n * 700, "answer_bytes": 11_922, "entries": 100,
                   "native_ns": [17_000.0, 16_000.0, 18_000.0], "native_last_ns": [21_000.0],
                   "wasmtime_ns": [60_000.0], "wasmtime_last_ns": [70_000.0],
                   "serialise_ns": [2e7, 3e7, 2.5e7], "parse_ns": [6e7, 7e7, 8e7],
                   "state_json_ns": [3e7], "state_json_parse_ns": [1.1e8]})
        };
        let wrk = |rps: f64| json!({"rps": rps, "p50_ms": 3.0, "p99_ms": 150.0});
        let mut reads = vec![json!({"queued": 10_000, "total": 10_000, "ms": [0.2, 0.3]})];
        if not_built.is_none() {
            reads.push(json!({"queued": 100_000, "total": 100_012, "ms": [0.3]}));
        }
        Results {
            queries: Some(json!({"rows": [row(10_000), row(100_000)]})),
            service_queue: Some(json!({
                "fills": [{"from": 0, "to": 10_000, "seconds": 2.5, "requests": 15_000}],
                "reads": reads,
                "queued_for_throughput": 10_000,
                "without": without.map(wrk),
                "with": with.map(wrk),
                "poll_ms": [3.0, 4.0, 200.0],
                "wrk_command": "wrk …",
                "not_built": not_built,
            })),
            ..Results::default()
        }
    }

    #[test]
    fn reads_table_and_verdict() {
        let r = results(
            [14_000.0, 13_000.0, 12_000.0],
            [13_500.0, 12_900.0, 11_000.0],
            None,
        );
        let text = reads(&r);
        assert!(
            text.contains("| read | what is timed | 10,000 queued | 100,000 queued |"),
            "{text}"
        );
        // 9 rows of times and the sizes row, each with both columns filled.
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| {
                l.starts_with("| ") && !l.starts_with("| read") && !l.starts_with("| measure")
            })
            .collect();
        assert!(rows.iter().all(|l| !l.contains("not measured")), "{text}");
        assert!(
            text.contains("80.00 ms / **100.00 ms** / 105.00 ms"),
            "serialise + parse: {text}"
        );
        assert!(
            text.contains("the wrk runs' messages queued 12 conversations"),
            "{text}"
        );
        assert!(
            text.contains("**99.2 %** (budget: within 10 %): **met**"),
            "{text}"
        );
        assert!(
            text.contains(
                "from the same state. Before queries, each of these reads held the engine thread, \
                 and every input behind it, for about the old way in wasmtime above (110.00 ms at \
                 10,000 queued).\n\nCommand: `wrk …`\n"
            ),
            "{text}"
        );
        let budget = reads_budget(&r);
        assert!(
            budget.contains("12,900 vs 13,000 messages/s: 99.2 % | **met** (0.8 % slower)"),
            "{budget}"
        );

        let r = results(
            [14_000.0, 13_000.0, 12_000.0],
            [11_000.0, 11_500.0, 10_000.0],
            Some("too slow"),
        );
        let text = reads(&r);
        assert!(text.contains("not built over HTTP (see below)"), "{text}");
        assert!(text.contains("too slow; it is measured natively"), "{text}");
        assert!(reads_budget(&r).contains("**MISSED** (15.4 % slower)"));
        assert!(reads_budget(&Results::default()).is_empty());
    }
}
