//! Criterion benchmarks for work on the engine (`cargo bench -p handoff-core --bench decision`):
//! the per-message decision by stage, and a handoff joining the queue as the state grows.
//! `cargo xtask bench` uses `benches/native.rs` instead (one JSON result per run, no statistics
//! machinery, a fraction of the time); these are for comparing a change against the last run.

mod common;

use std::hint::black_box;

use common::*;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use handoff_core::Engine;

const MESSAGES: &[&str] = &[
    "where is my order #48213?",
    "THIS IS THE WORST SERVICE EVER 😡 I want to talk to a human",
    "mera order abhi tak nahi aaya, agent se baat karao",
    "gracias, muy amable 🙏",
    "I was charged twice for the same subscription. this is a scam. refund please!!!",
];

const CONFIG: &str = include_str!("../../bench/config.json");

fn stages(c: &mut Criterion) {
    let config =
        handoff_core::Config::from_json_str(CONFIG).unwrap_or_else(|e| fail(&e.to_string()));
    let mut group = c.benchmark_group("stage");
    group.bench_function("sentiment", |b| {
        b.iter(|| {
            MESSAGES
                .iter()
                .map(|m| handoff_core::internals::score(black_box(m)).compound)
                .sum::<f64>()
        })
    });
    group.bench_function("human_request", |b| {
        b.iter(|| {
            MESSAGES
                .iter()
                .filter(|m| handoff_core::internals::detect_human_request(black_box(m)).is_some())
                .count()
        })
    });
    group.bench_function("topics", |b| {
        b.iter(|| {
            MESSAGES
                .iter()
                .filter(|m| config.topic_matcher.find(black_box(m)).is_some())
                .count()
        })
    });
    group.bench_function("whole_decision", |b| {
        let mut engine = Engine::new(config.clone());
        for update in agents_online(CONFIG) {
            let _ = engine.handle(input(&update), START_MS);
        }
        let mut i = 0usize;
        b.iter(|| {
            i += 1;
            let now = START_MS + i as i64;
            let text = MESSAGES[i % MESSAGES.len()];
            let out = engine.handle(input(&message_input(i, text)), now);
            let _ = engine.handle(input(&close_input(i)), now);
            out.map(|o| o.len()).unwrap_or(0)
        })
    });
    group.finish();
}

fn routing_growth(c: &mut Criterion) {
    let mut group = c.benchmark_group("routing_join");
    group.sample_size(20);
    for size in [100usize, 1_000, 10_000] {
        for method in METHODS {
            group.bench_with_input(BenchmarkId::new(method, size), &size, |b, &size| {
                let mut engine = routing_state(method, size.min(10_000), size);
                let mut k = 0usize;
                b.iter(|| {
                    k += 1;
                    let inp = input(&format!(
                        r#"{{"type":"handoff_request","conversation_id":"new_{k}"}}"#
                    ));
                    engine.handle(inp, START_MS).map(|o| o.len()).unwrap_or(0)
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, stages, routing_growth);
criterion_main!(benches);
