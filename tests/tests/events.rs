//! Every webhook event in the golden vectors is one of the typed events of
//! `handoff_core::wire::event`, and writing the typed event gives the same bytes: the types are
//! the definition of what receivers get.

use handoff_conformance::vectors_dir;
use handoff_core::wire::event::{Event, EventData, EventName};
use serde_json::Value;

#[test]
fn every_event_in_the_golden_vectors_is_a_typed_event_with_the_same_bytes() {
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0;
    for entry in std::fs::read_dir(vectors_dir()).expect("tests/vectors") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("golden file");
        for (n, line) in text.lines().enumerate() {
            let step: Value = serde_json::from_str(line).expect("a golden line");
            let Some(outputs) = step.get("outputs").and_then(Value::as_array) else {
                continue;
            };
            for output in outputs.iter().filter(|o| o["type"] == "event") {
                let raw = &output["event"];
                let typed: Event = serde_json::from_value(raw.clone()).unwrap_or_else(|e| {
                    panic!(
                        "{}:{}: not a typed event ({e}): {raw}",
                        path.display(),
                        n + 1
                    )
                });
                assert_eq!(
                    serde_json::to_string(&typed).expect("writes"),
                    raw.to_string(),
                    "{}:{}",
                    path.display(),
                    n + 1
                );
                let matches = matches!(
                    (typed.event, &typed.data),
                    (EventName::HandoffRequested, EventData::HandoffRequested(_))
                        | (EventName::Queued, EventData::Queued(_))
                        | (EventName::Assigned, EventData::Assigned(_))
                        | (
                            EventName::CallbackRequested,
                            EventData::CallbackRequested(_)
                        )
                        | (EventName::Closed, EventData::Closed(_))
                        | (EventName::Message, EventData::Message(_))
                        | (EventName::Note, EventData::Note(_))
                        | (EventName::ReturnedToAi, EventData::ReturnedToAi(_))
                        | (EventName::Transferred, EventData::Transferred(_))
                        | (EventName::TransferFailed, EventData::TransferFailed(_))
                        | (EventName::Resolved, EventData::Resolved(_))
                        | (EventName::Reopened, EventData::Reopened(_))
                        | (EventName::Csat, EventData::Csat(_))
                );
                assert!(
                    matches,
                    "{}:{}: data of another event",
                    path.display(),
                    n + 1
                );
                seen.insert(typed.event.as_str());
                count += 1;
            }
        }
    }
    assert_eq!(seen.len(), 13, "every event kind appears: {seen:?}");
    assert!(count > 100, "{count} events");
}
