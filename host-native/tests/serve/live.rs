//! After the handoff, through the real service: the agent and the customer both ways on their
//! streams, a private note, a warm transfer, a hand-back to the AI, a second handoff and an
//! admin's transfer; and the refusals (unknown target, an agent who does not hold it, another
//! agent's stream), each leaving the conversation as it was.

use serde_json::{json, Value};

use crate::support::{
    config_with_webhook, find, read_events, Receiver, Reply, Service, Setup, ADMIN, AGENT_A,
    AGENT_B, WIDGET,
};

const CONV: &str = "/v1/conversations/live1";
const NOTE: &str = "VIP: refund of ORD-12345 promised, check the courier";
const TRANSFER_NOTE: &str = "Billing question left: Bea knows the refunds tool";
const HAND_BACK_NOTE: &str = "Refund done; the AI may close once the customer is happy";

/// One event stream and every event read from it so far.
struct Stream {
    response: reqwest::Response,
    seen: Vec<(String, Value)>,
}

impl Stream {
    async fn open(service: &Service, path: &str, token: &str) -> Stream {
        Stream {
            response: service.events(path, token).await,
            seen: Vec::new(),
        }
    }

    /// Reads until an event `kind` of conversation live1 for which `also` holds; returns it.
    async fn until(&mut self, kind: &str, also: impl Fn(&Value) -> bool) -> Value {
        let wanted =
            |(k, d): &(String, Value)| k == kind && d["conversation_id"] == "live1" && also(d);
        if let Some((_, d)) = self.seen.iter().find(|e| wanted(e)) {
            return d.clone();
        }
        let new = read_events(&mut self.response, |e| e.iter().any(wanted)).await;
        self.seen.extend(new);
        let (_, d) = self.seen.iter().find(|e| wanted(e)).expect("read until it");
        d.clone()
    }

    /// Where the first event `kind` of live1 is in what was read.
    fn index_of(&self, kind: &str) -> usize {
        self.seen
            .iter()
            .position(|(k, d)| k == kind && d["conversation_id"] == "live1")
            .unwrap_or_else(|| panic!("no {kind} read"))
    }

    /// live1's events read from position `from` on.
    fn of_live1(&self, from: usize) -> Vec<(String, Value)> {
        self.seen[from..]
            .iter()
            .filter(|(_, d)| d["conversation_id"] == "live1")
            .cloned()
            .collect()
    }

    /// The kinds of live1's events read so far, in order.
    fn kinds(&self) -> Vec<&str> {
        self.seen
            .iter()
            .filter(|(_, d)| d["conversation_id"] == "live1")
            .map(|(k, _)| k.as_str())
            .collect()
    }
}

/// What an agent who left live1 read of it before it came back to them: none of the chat with
/// the next agent, the hand-back or the AI's turn.
fn nothing_after_leaving(between: &[(String, Value)], agent: &str) {
    for (kind, data) in between {
        let chat = [
            "agent_message",
            "customer_message",
            "agent_note",
            "returned_to_ai",
            "assigned",
        ]
        .contains(&kind.as_str());
        let told = data["template"] == "returned_to_ai";
        let event = data["event"]["event"].as_str().unwrap_or("");
        let their_event = [
            "conversation.message",
            "conversation.note",
            "conversation.returned_to_ai",
        ]
        .contains(&event);
        assert!(
            !(chat || told || their_event),
            "{agent} saw {kind} after leaving: {data}"
        );
    }
}

/// The engine's record of live1, as admin reads it.
async fn record(service: &Service) -> Value {
    service.record(CONV).await
}

/// `POST path` is refused with `status` (and `kind` at `path` when given), and live1 is as it was.
async fn refused(
    service: &Service,
    path: &str,
    token: &str,
    body: Value,
    status: u16,
    error: Option<(&str, &str)>,
) {
    service
        .refused(CONV, path, token, body, status, error)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_conversation_after_the_handoff_reaches_each_side_and_only_its_side() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let setup = Setup::new("live", &config_with_webhook(&receiver.url));
    let service = setup.start();
    let mut customer = Stream::open(&service, &format!("{CONV}/events"), WIDGET).await;
    let mut alex = Stream::open(&service, "/v1/agents/agent_a/events", AGENT_A).await;
    let mut bea = Stream::open(&service, "/v1/agents/agent_b/events", AGENT_B).await;
    let mut admin = Stream::open(&service, "/v1/agents/agent_a/events", ADMIN).await;

    // Another agent's stream, or the widget's, is closed; unknown tokens are 401.
    for (token, status) in [
        (AGENT_B, 403),
        (WIDGET, 403),
        ("not-a-token-0123456789", 401),
    ] {
        let denied = service.get("/v1/agents/agent_a/events", token).await;
        assert_eq!(denied.status, status, "{}", denied.text);
    }
    assert_eq!(
        service
            .status_with_query_token("/v1/agents/agent_b/events", AGENT_A)
            .await,
        403
    );

    // The AI answers first.
    service
        .put(
            "/v1/agents/agent_a",
            AGENT_A,
            json!({"name": "Alex", "status": "online"}),
        )
        .await;
    let out = service
        .ok(
            &format!("{CONV}/messages"),
            WIDGET,
            json!({"text": "Hi, where is my parcel?"}),
        )
        .await;
    assert!(out.iter().all(|o| o["type"] != "handoff"), "{out:#?}");
    service
        .ok(
            &format!("{CONV}/ai-replies"),
            WIDGET,
            json!({"text": "Let me check that for you.", "confidence": 0.9}),
        )
        .await;

    // The customer asks for a person: offered to Alex, who accepts.
    let out = service
        .ok(
            &format!("{CONV}/messages"),
            WIDGET,
            json!({"text": "I want to talk to a real person",
                   "customer": {"name": "Priya", "email": "priya@example.com"}}),
        )
        .await;
    assert_eq!(find(&out, "offered")["agent_id"], "agent_a");
    alex.until("offered", |_| true).await;
    let out = service
        .ok(&format!("{CONV}/accept"), AGENT_A, json!({}))
        .await;
    assert_eq!(find(&out, "assigned")["agent_name"], "Alex");

    // Alex writes: the customer's stream has it.
    let out = service
        .ok(
            &format!("{CONV}/agent-messages"),
            AGENT_A,
            json!({"text": "Hi Priya, I'm Alex. Checking with the courier."}),
        )
        .await;
    find(&out, "agent_message");
    let said = customer.until("agent_message", |_| true).await;
    assert_eq!(said["agent_name"], "Alex");
    assert_eq!(
        said["text"],
        "Hi Priya, I'm Alex. Checking with the courier."
    );

    // The customer answers: Alex's stream has it.
    let out = service
        .ok(
            &format!("{CONV}/messages"),
            WIDGET,
            json!({"text": "Thanks! It's ORD-12345."}),
        )
        .await;
    assert_eq!(find(&out, "customer_message")["agent_id"], "agent_a");
    let heard = alex
        .until("customer_message", |d| {
            d["text"] == "Thanks! It's ORD-12345."
        })
        .await;
    assert_eq!(heard["agent_id"], "agent_a");

    // A private note: on Alex's stream, never the customer's.
    let out = service
        .ok(&format!("{CONV}/notes"), AGENT_A, json!({"text": NOTE}))
        .await;
    find(&out, "agent_note");
    alex.until("agent_note", |d| d["text"] == NOTE).await;
    admin.until("agent_note", |d| d["text"] == NOTE).await;
    // The customer's side reads the conversation without it; admin with it.
    let as_widget = service.get(CONV, WIDGET).await;
    assert_eq!(as_widget.status, 200, "{}", as_widget.text);
    assert!(!as_widget.text.contains(NOTE), "{}", as_widget.text);
    assert!(record(&service).await.to_string().contains(NOTE));

    // Bea comes online. She may not write notes on, transfer or hand back Alex's conversation;
    // a transfer to nobody known is refused with the field it names. Nothing changes.
    service
        .put(
            "/v1/agents/agent_b",
            AGENT_B,
            json!({"name": "Bea", "status": "online"}),
        )
        .await;
    let not_hers = Some(("not_held_by", "input.agent_id"));
    refused(
        &service,
        &format!("{CONV}/notes"),
        AGENT_B,
        json!({"text": "mine now"}),
        403,
        not_hers,
    )
    .await;
    refused(
        &service,
        &format!("{CONV}/return-to-ai"),
        AGENT_B,
        json!({}),
        403,
        not_hers,
    )
    .await;
    refused(
        &service,
        &format!("{CONV}/transfer"),
        AGENT_B,
        json!({"to": {"agent": "agent_b"}}),
        403,
        not_hers,
    )
    .await;
    refused(
        &service,
        &format!("{CONV}/transfer"),
        AGENT_A,
        json!({"to": {"agent": "agent_z"}, "mode": "warm"}),
        400,
        Some(("unknown_agent", "input.to.agent")),
    )
    .await;
    // An agent token acts as its own agent only; fields the input does not have are refused.
    refused(
        &service,
        &format!("{CONV}/transfer"),
        AGENT_B,
        json!({"to": {"agent": "agent_b"}, "agent_id": "agent_a"}),
        403,
        None,
    )
    .await;
    refused(
        &service,
        &format!("{CONV}/transfer"),
        AGENT_A,
        json!({"to": {"agent": "agent_b"}, "by": "admin"}),
        403,
        None,
    )
    .await;
    let unknown = service
        .post(
            &format!("{CONV}/notes"),
            AGENT_A,
            json!({"text": "x", "colour": "red"}),
        )
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);
    assert_eq!(
        unknown.json["error"]["path"], "input.colour",
        "{}",
        unknown.text
    );
    // The widget may not act as an agent.
    let widget = service
        .post(&format!("{CONV}/return-to-ai"), WIDGET, json!({}))
        .await;
    assert_eq!(widget.status, 403, "{}", widget.text);

    // Alex transfers warm to Bea: Bea is offered it with Alex's note, accepts, Alex leaves.
    let out = service
        .ok(
            &format!("{CONV}/transfer"),
            AGENT_A,
            json!({"to": {"agent": "agent_b"}, "mode": "warm", "note": TRANSFER_NOTE}),
        )
        .await;
    assert_eq!(find(&out, "offered")["agent_id"], "agent_b");
    let offer = bea.until("offered", |_| true).await;
    assert_eq!(offer["transfer"]["note"], TRANSFER_NOTE, "{offer}");
    assert_eq!(offer["transfer"]["from_agent_id"], "agent_a", "{offer}");
    assert_eq!(offer["transfer"]["mode"], "warm", "{offer}");
    let out = service
        .ok(&format!("{CONV}/accept"), AGENT_B, json!({}))
        .await;
    assert_eq!(find(&out, "assigned")["agent_id"], "agent_b");
    assert_eq!(find(&out, "agent_left")["agent_id"], "agent_a");
    let left = alex.until("agent_left", |_| true).await;
    assert_eq!(left["reason"], "transferred");
    let alex_until_left = alex.index_of("agent_left") + 1;
    customer
        .until("assigned", |d| d["agent_id"] == "agent_b")
        .await;
    // Alex no longer writes to it.
    refused(
        &service,
        &format!("{CONV}/notes"),
        AGENT_A,
        json!({"text": "still here?"}),
        403,
        not_hers,
    )
    .await;

    // Bea and the customer talk.
    service
        .ok(
            &format!("{CONV}/agent-messages"),
            AGENT_B,
            json!({"text": "Hi, Bea here."}),
        )
        .await;
    customer
        .until("agent_message", |d| d["agent_id"] == "agent_b")
        .await;
    service
        .ok(
            &format!("{CONV}/messages"),
            WIDGET,
            json!({"text": "Is the refund done?"}),
        )
        .await;
    bea.until("customer_message", |d| d["text"] == "Is the refund done?")
        .await;

    // Bea gives it back to the AI: her side has the note; the customer is told, without it.
    let out = service
        .ok(
            &format!("{CONV}/return-to-ai"),
            AGENT_B,
            json!({"note": HAND_BACK_NOTE}),
        )
        .await;
    assert_eq!(find(&out, "returned_to_ai")["note"], HAND_BACK_NOTE);
    let back = bea.until("returned_to_ai", |_| true).await;
    assert_eq!(back["note"], HAND_BACK_NOTE);
    let told = customer
        .until("message", |d| d["template"] == "returned_to_ai")
        .await;
    assert!(told["text"].is_string(), "{told}");
    let bea_until_back = bea.index_of("returned_to_ai") + 1;
    assert_eq!(record(&service).await["status"], "ai");

    // The AI answers again; a later request for a person hands off again, to Bea first.
    service
        .ok(
            &format!("{CONV}/ai-replies"),
            WIDGET,
            json!({"text": "Your refund is on its way.", "confidence": 0.95}),
        )
        .await;
    let out = service
        .ok(
            &format!("{CONV}/messages"),
            WIDGET,
            json!({"text": "I want to talk to a person again please"}),
        )
        .await;
    find(&out, "handoff");
    let again = find(&out, "offered");
    assert_eq!(again["agent_id"], "agent_b", "{out:#?}");
    bea.until("offered", |d| d["transfer"].is_null()).await;
    // Between her hand-back and this handoff, nothing of live1 reached Bea: the customer's
    // `message` and the hand-back's webhook event were not hers. The handoff's batch is hers
    // again (she is offered it).
    let between = bea.of_live1(bea_until_back);
    assert_eq!(
        between.first().map(|(k, _)| k.as_str()),
        Some("handoff"),
        "{between:#?}"
    );
    nothing_after_leaving(&between, "agent_b");
    service
        .ok(&format!("{CONV}/accept"), AGENT_B, json!({}))
        .await;

    // Admin moves it to Alex (by: admin), who accepts and closes it.
    let out = service
        .ok(
            &format!("{CONV}/transfer"),
            ADMIN,
            json!({"to": {"agent": "agent_a"}, "note": "Alex had it first"}),
        )
        .await;
    assert_eq!(find(&out, "agent_left")["agent_id"], "agent_b");
    let offer = alex
        .until("offered", |d| d["transfer"]["by"] == "admin")
        .await;
    assert_eq!(offer["transfer"]["note"], "Alex had it first");
    // From his agent_left to this transfer, nothing of live1 reached Alex: Bea's chat, the
    // customer's words to her, the hand-back and the second handoff were not his. The
    // transfer's batch is his again (he is offered it).
    let between = alex.of_live1(alex_until_left);
    let first = between
        .first()
        .map(|(k, d)| (k.as_str(), d["agent_id"].clone()));
    assert_eq!(
        first,
        Some(("agent_left", json!("agent_b"))),
        "{between:#?}"
    );
    nothing_after_leaving(&between, "agent_a");
    service
        .ok(&format!("{CONV}/accept"), AGENT_A, json!({}))
        .await;
    let out = service
        .ok(&format!("{CONV}/close"), AGENT_A, json!({}))
        .await;
    find(&out, "closed");
    customer.until("closed", |_| true).await;

    // The customer's stream had the customer's side only: no note, handoff context, echo of
    // their own words, hand-back note, webhook event or delivery; and no transfer note.
    let kinds = customer.kinds();
    for never in [
        "agent_note",
        "handoff",
        "offered",
        "customer_message",
        "returned_to_ai",
        "event",
        "delivery",
    ] {
        assert!(
            !kinds.contains(&never),
            "the customer saw {never}: {kinds:?}"
        );
    }
    for (kind, data) in &customer.seen {
        let text = data.to_string();
        for secret in [NOTE, TRANSFER_NOTE, HAND_BACK_NOTE] {
            assert!(
                !text.contains(secret),
                "the customer's {kind} has {secret:?}: {text}"
            );
        }
    }
    for kind in [
        "agent_message",
        "assigned",
        "agent_left",
        "message",
        "closed",
    ] {
        assert!(
            kinds.contains(&kind),
            "the customer missed {kind}: {kinds:?}"
        );
    }
    // The agents' streams never carry the outbox.
    for stream in [&alex, &bea, &admin] {
        for (kind, _) in &stream.seen {
            assert!(!kind.starts_with("deliver"), "an agent stream had {kind}");
        }
    }
    service.terminate();
}
