//! Scenarios for the specification's "Configuration": every snippet of the specification is a valid
//! configuration as written, the full example speaks the specification's messages, and a wrong
//! configuration is refused with every problem listed at once, each with its JSON path.

mod support;

use handoff_core::{Config, ConfigError};
use serde_json::{json, Value};
use support::{example, offered_to, one, positions, texts_for, Sim};

fn errors(config: Value) -> Vec<ConfigError> {
    match Config::from_value(&config) {
        Ok(_) => panic!("accepted: {config}"),
        Err(e) => e.0,
    }
}

fn paths(errors: &[ConfigError]) -> Vec<&str> {
    errors.iter().map(|e| e.path.as_str()).collect()
}

fn only_error(config: Value) -> ConfigError {
    let errs = errors(config);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    errs.into_iter().next().unwrap()
}

/// A bare `"routing": {...}` fragment of the specification, wrapped as written.
fn wrapped(fragment_file: &str) -> String {
    format!("{{\"handoff\": {{\n{}\n}}}}", example(fragment_file))
}

// ----- Every snippet of the specification --------------------------------------------------------

#[test]
fn the_handoff_settings_example_is_accepted_as_written() {
    let config =
        Config::from_json_str(&example("handoff-settings.json")).unwrap_or_else(|e| panic!("{e}"));
    assert!(config.enabled);
    assert_eq!(config.triggers.sentiment_threshold, Some(-0.5));
    assert_eq!(config.triggers.max_exchanges, Some(10));
    assert_eq!(config.triggers.low_confidence_threshold, Some(0.3));
    let topics: Vec<&str> = config
        .triggers
        .topics
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(topics, ["billing_dispute", "legal", "complaint"]);
}

#[test]
fn the_business_hours_example_is_accepted_as_written() {
    Config::from_json_str(&example("business-hours.json")).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn each_routing_example_is_accepted_inside_a_handoff_object() {
    for file in [
        "routing-round-robin.json",
        "routing-skill-based.json",
        "routing-load-based.json",
    ] {
        let text = wrapped(file);
        Config::from_json_str(&text).unwrap_or_else(|e| panic!("{file}: {e}\n{text}"));
    }
}

#[test]
fn an_empty_handoff_object_is_a_working_configuration() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    sim.online("agent_1", "Asha");
    let out = sim.customer("conv_1", "I want to talk to a human");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_1"));
}

#[test]
fn the_full_example_speaks_the_specifications_messages() {
    let mut sim =
        Sim::with_config(Config::from_json_str(&example("handoff-settings.json")).unwrap());
    let out = sim.customer("conv_1", "Can I talk to a real person?");
    assert_eq!(
        texts_for(&out, "conv_1"),
        [
            "I'm connecting you with a team member who can help further.",
            "Please hold while I find an available agent. You're 1 in queue."
        ]
    );
    let out = sim.customer("conv_2", "I'd like to speak to an agent please");
    assert_eq!(
        texts_for(&out, "conv_2"),
        [
            "I'm connecting you with a team member who can help further.",
            "Please hold while I find an available agent. You're 2 in queue."
        ]
    );
    let out = sim.send(json!({"type": "agent_update", "agent":
        {"id": "agent_1", "name": "Asha", "status": "online", "max_concurrent": 1}}));
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_1"));
    assert_eq!(positions(&out, "conv_2"), [1]);
    let out = sim.accept("conv_1", "agent_1");
    assert_eq!(
        texts_for(&out, "conv_1"),
        ["You're now connected with Asha."]
    );
}

#[test]
fn messages_can_address_the_customer_by_name() {
    let mut sim = Sim::new(json!({"handoff": {"messages": {
        "handoff_initiated": "One moment {{customer_name}}, connecting you.",
        "waiting_for_agent": "You're {{position}} of {{queue_length}}."
    }}}));
    let out = sim.send(
        json!({"type": "handoff_request", "conversation_id": "conv_1",
        "customer": {"name": "Priya"}}),
    );
    assert_eq!(
        texts_for(&out, "conv_1"),
        ["One moment Priya, connecting you.", "You're 1 of 1."]
    );
}

#[test]
fn a_configured_topic_object_sets_its_priority() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"topics": [
        {"name": "legal", "keywords": ["lawyer"], "priority": "urgent"}
    ]}}}));
    let out = sim.customer_signals("conv_1", "Read my letter", json!({"topic": "legal"}));
    assert_eq!(one(&out, "handoff")["priority"], "urgent");
}

// ----- Wrong configurations ---------------------------------------------------------------------

#[test]
fn a_misspelt_routing_method_is_named_with_a_suggestion() {
    let err = only_error(json!({"handoff": {"routing": {"method": "round_robbin"}}}));
    assert_eq!(err.path, "handoff.routing.method");
    assert!(
        err.message.contains("did you mean \"round_robin\""),
        "{err}"
    );
    assert_eq!(err.value.as_deref(), Some("\"round_robbin\""));
}

#[test]
fn unknown_fields_are_errors_at_their_path() {
    let errs = errors(json!({"handoff": {
        "triggers": {"topcs": ["legal"]},
        "routing": {"agent_pol": ["agent_1"]},
        "mesages": {}
    }}));
    let mut got = paths(&errs);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            "handoff.mesages",
            "handoff.routing.agent_pol",
            "handoff.triggers.topcs"
        ]
    );
    let topcs = errs
        .iter()
        .find(|e| e.path == "handoff.triggers.topcs")
        .unwrap();
    assert!(topcs.message.contains("topics"), "{topcs}");
}

#[test]
fn thresholds_out_of_range_are_refused() {
    let errs = errors(json!({"handoff": {"triggers": {
        "sentiment_threshold": -1.5,
        "low_confidence_threshold": 1.5,
        "max_exchanges": 0
    }}}));
    let mut got = paths(&errs);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            "handoff.triggers.low_confidence_threshold",
            "handoff.triggers.max_exchanges",
            "handoff.triggers.sentiment_threshold",
        ]
    );
    let s = errs
        .iter()
        .find(|e| e.path.ends_with("sentiment_threshold"))
        .unwrap();
    assert_eq!(s.value.as_deref(), Some("-1.5"));
}

#[test]
fn a_wrong_type_is_refused() {
    let err = only_error(json!({"handoff": {"enabled": "yes"}}));
    assert_eq!(err.path, "handoff.enabled");
}

#[test]
fn a_time_zone_that_does_not_exist_is_refused_with_a_suggestion() {
    let mut config = support::example_json("business-hours.json");
    config["handoff"]["business_hours"]["timezone"] = json!("Asia/Kolkatta");
    let err = only_error(config);
    assert_eq!(err.path, "handoff.business_hours.timezone");
    assert!(err.message.contains("Asia/Kolkata"), "{err}");
}

#[test]
fn a_window_ending_before_it_starts_is_refused() {
    let mut config = support::example_json("business-hours.json");
    config["handoff"]["business_hours"]["schedule"]["monday"] =
        json!({"start": "18:00", "end": "09:00"});
    let err = only_error(config);
    assert_eq!(err.path, "handoff.business_hours.schedule.monday.end");
    assert!(err.message.contains("overnight"), "{err}");
}

#[test]
fn an_unknown_placeholder_is_refused_with_a_suggestion() {
    let err = only_error(json!({"handoff": {"messages": {
        "waiting_for_agent": "Please hold. You're {{postion}} in queue."
    }}}));
    assert_eq!(err.path, "handoff.messages.waiting_for_agent");
    assert!(err.message.contains("position"), "{err}");
}

#[test]
fn a_placeholder_the_message_does_not_offer_is_refused() {
    let err = only_error(json!({"handoff": {"messages": {
        "agent_connected": "You're {{position}} in queue."
    }}}));
    assert_eq!(err.path, "handoff.messages.agent_connected");
}

#[test]
fn an_unknown_placeholder_in_the_outside_hours_message_is_refused_there() {
    let mut config = support::example_json("business-hours.json");
    config["handoff"]["outside_hours"]["message"] = json!("Back at {{next_openin}}.");
    let err = only_error(config);
    assert_eq!(err.path, "handoff.outside_hours.message");
}

#[test]
fn a_skill_map_naming_an_agent_outside_the_pool_is_refused() {
    let err = only_error(json!({"handoff": {"routing": {
        "method": "skill_based",
        "agent_pool": ["agent_1", "agent_2", "agent_3"],
        "skills": {"billing": ["agent_1", "agent_2"], "technical": ["agent_3", "agent_4"]}
    }}}));
    assert_eq!(err.path, "handoff.routing.skills.technical[1]");
    assert_eq!(err.value.as_deref(), Some("\"agent_4\""));
}

#[test]
fn a_skill_map_naming_an_unknown_agent_is_refused_when_agents_are_listed() {
    let err = only_error(json!({"handoff": {
        "agents": [{"id": "agent_1"}, {"id": "agent_2"}],
        "routing": {"method": "skill_based", "skills": {"billing": ["agent_1", "agent_7"]}}
    }}));
    assert_eq!(err.path, "handoff.routing.skills.billing[1]");
}

#[test]
fn an_inline_webhook_secret_is_refused_without_showing_it() {
    let err = only_error(json!({"handoff": {"webhooks": [
        {"url": "https://hooks.example.com/x", "secret": "whsec_TOPSECRET"}
    ]}}));
    assert_eq!(err.path, "handoff.webhooks[0].secret");
    assert!(!err.to_string().contains("TOPSECRET"), "{err}");
    assert!(err.message.contains("secret_ref"), "{err}");
}

#[test]
fn a_webhook_with_a_bad_url_or_an_unknown_event_is_refused() {
    let errs = errors(json!({"handoff": {"webhooks": [
        {"url": "ftp://hooks.example.com/x", "events": ["conversation.handoff"]}
    ]}}));
    assert_eq!(
        paths(&errs),
        ["handoff.webhooks[0].url", "handoff.webhooks[0].events[0]"]
    );
}

#[test]
fn every_problem_is_listed_at_once() {
    let config = json!({"handoff": {
        "enabled": "yes",
        "triggers": {"sentiment_threshold": -1.5, "topcs": []},
        "routing": {
            "method": "round_robbin",
            "agent_pool": ["agent_1"],
            "skills": {"billing": ["agent_1", "agent_9"]}
        },
        "messages": {"waiting_for_agent": "You're {{postion}} in queue."},
        "business_hours": {
            "timezone": "Asia/Kolkatta",
            "schedule": {"monday": {"start": "18:00", "end": "09:00"}}
        }
    }});
    let errs = errors(config.clone());
    let got = paths(&errs);
    for expected in [
        "handoff.enabled",
        "handoff.triggers.sentiment_threshold",
        "handoff.triggers.topcs",
        "handoff.routing.method",
        "handoff.routing.skills.billing[1]",
        "handoff.messages.waiting_for_agent",
        "handoff.business_hours.timezone",
        "handoff.business_hours.schedule.monday.end",
    ] {
        assert!(got.contains(&expected), "{expected} missing from {got:#?}");
    }
    assert_eq!(errs.len(), 8, "{errs:#?}");

    let text = Config::from_value(&config).unwrap_err().to_string();
    assert!(text.starts_with("8 configuration errors"), "{text}");
    assert!(
        text.contains("handoff.routing.method: unknown variant \"round_robbin\""),
        "{text}"
    );
}

#[test]
fn text_that_is_not_json_is_refused_with_its_position() {
    let err = Config::from_json_str("{\"handoff\": {\"enabled\": true,}}").unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert!(err.0[0].message.contains("line 1"), "{}", err.0[0]);
}

#[test]
fn a_routing_fragment_on_its_own_is_not_a_configuration() {
    // As printed in the specification, the routing snippets are fragments, not JSON documents.
    assert!(Config::from_json_str(&example("routing-round-robin.json")).is_err());
}
