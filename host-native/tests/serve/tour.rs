//! The curl tour `cargo xtask demo` prints, run step by step against the real service: each
//! request answers 200 with the outputs the tour says, and each stream it names opens.

use serde_json::Value;

use crate::support::{root, Setup, ADMIN, AGENT_A, AGENT_B, WIDGET};

#[path = "../../../xtask/src/tour.rs"]
#[allow(dead_code)]
mod steps;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_tour_runs_as_printed() {
    let text = std::fs::read_to_string(root().join("examples/handoff-settings.json"))
        .expect("the demo's seed configuration");
    let config: Value = serde_json::from_str(&text).expect("JSON");
    let service = Setup::new("tour", &config).start();
    let token = |var: &str| match var {
        "W" => WIDGET,
        "ADMIN" => ADMIN,
        "AGENT_A" => AGENT_A,
        "AGENT_B" => AGENT_B,
        other => panic!("the tour names a token ${other}"),
    };
    for (what, line) in steps::streams("agent_a", "agent_b") {
        let rest = line.strip_prefix("curl -N $H").expect("a stream line");
        let path = rest.split_whitespace().next().expect("a path");
        let var = rest
            .rsplit('$')
            .next()
            .expect("a token")
            .trim_end_matches('"');
        service.events(path, token(var)).await;
        assert!(!what.is_empty());
    }
    for step in steps::steps(("agent_a", "Alex"), ("agent_b", "Bea")) {
        let shown = steps::curl(&step);
        let answer = service
            .raw(
                step.method,
                &step.path,
                Some(token(&step.token)),
                step.body.clone().map(String::into_bytes),
            )
            .await;
        assert_eq!(answer.status, 200, "{shown}\n{}", answer.text);
        if step.method == "GET" {
            continue;
        }
        let outputs = answer.json["outputs"].as_array().expect("outputs");
        for kind in &step.expect {
            assert!(
                outputs.iter().any(|o| o["type"] == *kind),
                "# {}\n{shown}\nexpected {kind} in {outputs:#?}",
                step.say
            );
        }
    }
    let queue = service.get("/v1/queue", ADMIN).await;
    assert_eq!(queue.json["total"], 0, "{}", queue.text);
    service.terminate();
}
