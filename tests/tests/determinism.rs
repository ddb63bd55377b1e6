//! Replays are deterministic, and a snapshot restored mid-conversation continues exactly where it
//! stopped.

use handoff_conformance::{
    conversation_files, conversations_dir, golden, load, replay_conversation, Conversation,
    Replayer, Step,
};
use handoff_core::Engine;

fn conversations() -> Vec<Conversation> {
    conversation_files(&conversations_dir())
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|f| load(f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// Plays `conv`, restarting from a JSON snapshot of the state just before the input at `split`.
fn replay_with_restart(conv: &Conversation, split: usize) -> Vec<Step> {
    let mut replayer = Replayer::new(conv.config.clone());
    let mut steps = Vec::new();
    for (i, line) in conv.lines.iter().enumerate() {
        if i == split {
            let snapshot =
                serde_json::to_string(replayer.engine.state()).expect("state serialises");
            replayer.engine =
                Engine::restore_json(conv.config.clone(), &snapshot).unwrap_or_else(|e| {
                    panic!(
                        "{}: restore before line {}: {e}",
                        conv.path.display(),
                        line.number
                    )
                });
            let again = serde_json::to_string(replayer.engine.state()).expect("state serialises");
            assert_eq!(
                snapshot,
                again,
                "{}: the restored state differs",
                conv.path.display()
            );
        }
        steps.push(
            replayer
                .step(&conv.path, line)
                .unwrap_or_else(|e| panic!("{e}")),
        );
    }
    steps
}

#[test]
fn replaying_twice_gives_the_same_bytes() {
    for conv in conversations() {
        let a = golden(&replay_conversation(&conv).unwrap_or_else(|e| panic!("{e}")));
        let b = golden(&replay_conversation(&conv).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(a, b, "{}", conv.path.display());
    }
}

#[test]
fn restoring_half_way_continues_exactly() {
    for conv in conversations() {
        let whole = golden(&replay_conversation(&conv).unwrap_or_else(|e| panic!("{e}")));
        let half = conv.lines.len() / 2;
        let resumed = golden(&replay_with_restart(&conv, half));
        assert_eq!(
            whole,
            resumed,
            "{}: restoring before input {} of {} changed the outputs",
            conv.path.display(),
            half + 1,
            conv.lines.len()
        );
    }
}

#[test]
fn restoring_anywhere_continues_exactly() {
    for conv in conversations() {
        let whole = golden(&replay_conversation(&conv).unwrap_or_else(|e| panic!("{e}")));
        for split in 0..=conv.lines.len() {
            let resumed = golden(&replay_with_restart(&conv, split));
            assert_eq!(
                whole,
                resumed,
                "{}: restoring before input {} changed the outputs",
                conv.path.display(),
                split + 1
            );
        }
    }
}
