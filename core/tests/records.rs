//! The state as records ([`Engine::take_changes`], [`Engine::restore_records`]): a host keeping one
//! row per record holds exactly the engine's state, a change set costs what changed (counted on a
//! big state, not timed), and bad records are refused with the place in the state.

use std::collections::BTreeMap;

use handoff_core::wire::changes::{apply_changes, changes_to_json, Change, RecordKind};
use handoff_core::{Config, Engine, ErrorKind, RestoreError};

const NOW: i64 = 1_768_213_800_000; // 2026-01-12T10:30:00Z

type Table = BTreeMap<(RecordKind, String), String>;

fn config() -> Config {
    Config::from_json_str(
        r#"{"handoff": {"routing": {"method": "load_based"},
            "webhooks": [{"id": "crm", "url": "https://hooks.example.com/h"}]}}"#,
    )
    .expect("config")
}

fn restore(config: &Config, table: &Table) -> Result<Engine, RestoreError> {
    let rows = table
        .iter()
        .map(|((kind, id), json)| (*kind, id.as_str(), json.as_str()));
    Engine::restore_records(config.clone(), rows)
}

fn handle(engine: &mut Engine, table: &mut Table, input: &str, now: i64) -> Vec<Change> {
    engine.handle_json(input, now).expect("accepted");
    let changes = engine.take_changes();
    apply_changes(table, changes.clone());
    changes
}

fn state_json(engine: &Engine) -> String {
    serde_json::to_string(engine.state()).expect("state")
}

#[test]
fn a_table_of_records_holds_the_whole_state_after_every_input() {
    let config = config();
    let mut engine = Engine::new(config.clone());
    let mut table = Table::new();
    let inputs = [
        r#"{"type":"agent_update","agent":{"id":"a1","name":"Asha","status":"online","max_concurrent":1}}"#,
        r#"{"type":"customer_message","conversation_id":"c1","text":"I want a human"}"#,
        r#"{"type":"customer_message","conversation_id":"c2","text":"a real person please"}"#,
        r#"{"type":"agent_accept","conversation_id":"c1","agent_id":"a1"}"#,
        r#"{"type":"agent_message","conversation_id":"c1","agent_id":"a1","text":"Hi, Asha here"}"#,
        r#"{"type":"conversation_closed","conversation_id":"c1","by":"agent","agent_id":"a1"}"#,
        r#"{"type":"tick"}"#,
    ];
    for (i, input) in inputs.iter().enumerate() {
        handle(&mut engine, &mut table, input, NOW + i as i64 * 1_000);
        let restored = restore(&config, &table).expect("the table restores");
        assert_eq!(
            state_json(&restored),
            state_json(&engine),
            "after input {i}"
        );
        assert_eq!(restored.next_wakeup(), engine.next_wakeup());
    }
    assert!(
        !table.contains_key(&(RecordKind::Conversation, "c1".into())),
        "a closed conversation's row is deleted"
    );
    assert!(
        table.keys().any(|(k, _)| *k == RecordKind::Outbox),
        "webhook deliveries are rows"
    );
    // Delivering removes the outbox rows again.
    let ids: Vec<String> = engine.state().outbox.keys().cloned().collect();
    for id in ids {
        let result = format!(r#"{{"type":"delivery_result","delivery_id":"{id}","status":200}}"#);
        let changes = handle(&mut engine, &mut table, &result, NOW + 60_000);
        assert!(changes
            .iter()
            .any(|c| c.kind == RecordKind::Outbox && c.id == id && c.value.is_none()));
    }
    assert!(!table.keys().any(|(k, _)| *k == RecordKind::Outbox));
    assert_eq!(
        state_json(&restore(&config, &table).expect("restores")),
        state_json(&engine)
    );
}

#[test]
fn a_change_set_costs_what_changed_not_the_state() {
    let config = Config::from_json_str(r#"{"handoff": {}}"#).expect("config");
    let mut engine = Engine::new(config);
    for i in 0..10_000 {
        let input =
            format!(r#"{{"type":"customer_message","conversation_id":"c{i}","text":"hello"}}"#);
        engine.handle_json(&input, NOW).expect("accepted");
    }
    let all = engine.take_changes();
    assert_eq!(
        all.len(),
        10_001,
        "the engine record and every conversation, once"
    );
    assert!(engine.take_changes().is_empty(), "nothing changed since");

    engine
        .handle_json(
            r#"{"type":"customer_message","conversation_id":"c42","text":"where is my order?"}"#,
            NOW + 1_000,
        )
        .expect("accepted");
    let changes = engine.take_changes();
    let keys: Vec<_> = changes.iter().map(|c| (c.kind, c.id.as_str())).collect();
    assert_eq!(
        keys,
        [
            (RecordKind::Engine, "engine"),
            (RecordKind::Conversation, "c42")
        ],
        "one message in a state of 10,000 conversations writes two records"
    );
    let bytes = changes_to_json(&changes).len();
    assert!(bytes < 4_096, "the change set is small: {bytes} bytes");
}

#[test]
fn no_records_is_a_new_engine_and_a_snapshot_moves_into_records_once() {
    let config = config();
    let empty = Engine::restore_records(config.clone(), Vec::<(RecordKind, &str, &str)>::new())
        .expect("no rows");
    assert_eq!(state_json(&empty), state_json(&Engine::new(config.clone())));

    let mut engine = Engine::new(config.clone());
    let mut scratch = Table::new();
    handle(
        &mut engine,
        &mut scratch,
        r#"{"type":"customer_message","conversation_id":"c1","text":"a human please"}"#,
        NOW,
    );
    // An old host's whole snapshot, moved into rows once.
    let snapshot = state_json(&engine);
    let old = Engine::restore_json(config.clone(), &snapshot).expect("snapshot");
    let mut table = Table::new();
    apply_changes(&mut table, old.records());
    assert_eq!(
        state_json(&restore(&config, &table).expect("rows")),
        snapshot
    );
    assert_eq!(table, scratch, "the same rows as the change sets wrote");
}

#[test]
fn bad_records_are_refused_with_their_place_in_the_state() {
    let config = config();
    let mut engine = Engine::new(config.clone());
    let mut table = Table::new();
    handle(
        &mut engine,
        &mut table,
        r#"{"type":"agent_update","agent":{"id":"a1","status":"online"}}"#,
        NOW,
    );
    handle(
        &mut engine,
        &mut table,
        r#"{"type":"customer_message","conversation_id":"c1","text":"a human please"}"#,
        NOW,
    );
    let rows = |table: &Table| -> Vec<(RecordKind, String, String)> {
        table
            .iter()
            .map(|((k, id), json)| (*k, id.clone(), json.clone()))
            .collect()
    };
    let refused = |rows: Vec<(RecordKind, String, String)>| {
        Engine::restore_records(config.clone(), rows).expect_err("refused")
    };

    let mut twice = rows(&table);
    twice.push(twice[1].clone());
    let e = refused(twice);
    assert_eq!(e.kind, ErrorKind::Duplicate);

    let no_engine: Vec<_> = rows(&table)
        .into_iter()
        .filter(|r| r.0 != RecordKind::Engine)
        .collect();
    let e = refused(no_engine);
    assert_eq!((e.path.as_str(), e.kind), ("state", ErrorKind::Missing));

    let mut broken = table.clone();
    broken.insert((RecordKind::Conversation, "c1".into()), "{not json".into());
    let e = refused(rows(&broken));
    assert_eq!(
        (e.path.as_str(), e.kind),
        ("state.conversations.c1", ErrorKind::NotJson)
    );

    let mut wrong = table.clone();
    let conv = wrong
        .get(&(RecordKind::Conversation, "c1".into()))
        .expect("c1")
        .clone();
    let conv = conv.replacen("\"status\":", "\"status\":7,\"_\":", 1);
    wrong.insert((RecordKind::Conversation, "c1".into()), conv);
    let e = refused(rows(&wrong));
    assert!(e.path.starts_with("state.conversations.c1"), "{e}");

    // The agent's row says it holds nothing while the conversation's row says it is offered to it.
    let mut contradict = table.clone();
    contradict.insert(
        (RecordKind::Agent, "a1".into()),
        r#"{"id":"a1","status":"online","skills":{},"active":[],"last_assigned_at":0}"#.into(),
    );
    let e = refused(rows(&contradict));
    assert_eq!(e.kind, ErrorKind::Inconsistent, "{e}");

    let mut newer = table.clone();
    let record = newer
        .get(&(RecordKind::Engine, "engine".into()))
        .expect("engine")
        .clone();
    newer.insert(
        (RecordKind::Engine, "engine".into()),
        record.replacen("\"version\":2", "\"version\":99", 1),
    );
    assert_eq!(refused(rows(&newer)).kind, ErrorKind::NewerVersion);
}

#[test]
fn a_host_that_never_asks_keeps_no_marks_and_the_first_change_set_is_everything() {
    let config = config();
    let mut engine = Engine::new(config.clone());
    for i in 0..50 {
        let input = format!(
            r#"{{"type":"customer_message","conversation_id":"c{i}","text":"a human please"}}"#
        );
        engine.handle_json(&input, NOW + i).expect("accepted");
    }
    let state = engine.state();
    assert!(
        !state.conversations.is_dirty() && !state.outbox.is_dirty(),
        "nothing is marked for a host that persists snapshots"
    );
    let first = engine.take_changes();
    assert_eq!(
        first,
        engine.records(),
        "the first change set is every record"
    );
    let mut table = Table::new();
    apply_changes(&mut table, first);
    handle(
        &mut engine,
        &mut table,
        r#"{"type":"customer_message","conversation_id":"c7","text":"hello?"}"#,
        NOW + 100,
    );
    assert_eq!(
        state_json(&restore(&config, &table).expect("rows")),
        state_json(&engine)
    );
}
