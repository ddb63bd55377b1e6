//! The agent console through the real service: its files come with a strict policy; an agent's
//! token is traded for an HttpOnly, SameSite=Strict session cookie that then authorises reads,
//! the agent's event stream and (with the console's header) writes, with the token's role and
//! nothing more; signing out ends the session. `GET /v1/settings` gives the configured outcomes.
//! The whole console in Chromium: host-node/test/console.browser.test.mjs.

use serde_json::{json, Value};

use crate::support::{Service, Setup, ADMIN, AGENT_A, METRICS, WIDGET};

/// A request with only `cookie` (and the console's header when `console`).
async fn with_cookie(
    service: &Service,
    method: &str,
    path: &str,
    cookie: &str,
    console: bool,
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", service.base))
        .header("cookie", cookie);
    if console {
        request = request.header("x-handoff-console", "1");
    }
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let response = request.send().await.expect("the service answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, json)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_signs_in_with_a_cookie_that_carries_its_role_and_nothing_more() {
    let config = json!({"handoff": {
        "agents": [{"id": "agent_a", "name": "Asha"}, {"id": "agent_b", "name": "Ben"}],
        "resolution": {"outcomes": ["fixed", "not_fixed"]}
    }});
    let service = Setup::new("console", &config).start();
    assert!(service.banner.contains("/console"), "{}", service.banner);
    let client = reqwest::Client::new();

    // The page and its files: no token needed, a strict policy on each.
    for path in ["/console", "/console/app.js", "/console/console.css"] {
        let response = client
            .get(format!("{}{path}", service.base))
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 200, "{path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .expect("text");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe"),
            "{csp}"
        );
    }
    let missing = service.raw("GET", "/console/secret.rs", None, None).await;
    assert_eq!(missing.status, 404);

    // Signing in: the token in the header only; the widget and metrics tokens may not.
    let signed = client
        .post(format!("{}/v1/session", service.base))
        .bearer_auth(AGENT_A)
        .send()
        .await
        .expect("answer");
    assert_eq!(signed.status(), 200);
    let set_cookie = signed.headers()["set-cookie"]
        .to_str()
        .expect("text")
        .to_string();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(!set_cookie.contains(AGENT_A), "the cookie is not the token");
    let who: Value = serde_json::from_str(&signed.text().await.expect("body")).expect("json");
    assert_eq!(who, json!({"role": "agent", "agent_id": "agent_a"}));
    let cookie = set_cookie
        .split(';')
        .next()
        .expect("name=value")
        .to_string();
    for token in [WIDGET, METRICS] {
        assert_eq!(
            service.post("/v1/session", token, json!({})).await.status,
            403
        );
    }
    assert_eq!(
        service.raw("POST", "/v1/session", None, None).await.status,
        401
    );

    // The cookie reads as the agent, and only what the agent may.
    let (status, who) = with_cookie(&service, "GET", "/v1/session", &cookie, false, None).await;
    assert_eq!((status, who["agent_id"].clone()), (200, json!("agent_a")));
    let (status, settings) =
        with_cookie(&service, "GET", "/v1/settings", &cookie, false, None).await;
    assert_eq!(status, 200);
    assert_eq!(settings["outcomes"], json!(["fixed", "not_fixed"]));
    assert_eq!(settings["agents"][0]["name"], "Asha");
    let (status, _) = with_cookie(&service, "GET", "/v1/dead-letters", &cookie, false, None).await;
    assert_eq!(status, 403, "an agent's cookie is not admin");
    let stream = client
        .get(format!("{}/v1/agents/agent_a/events", service.base))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("stream");
    assert_eq!(
        stream.status(),
        200,
        "EventSource works with the cookie alone"
    );
    drop(stream);
    let (status, _) = with_cookie(
        &service,
        "GET",
        "/v1/agents/agent_b/events",
        &cookie,
        false,
        None,
    )
    .await;
    assert_eq!(status, 403, "not another agent's stream");

    // Writes need the console's header (a forged cross-site request cannot add it).
    let online = Some(json!({"status": "online"}));
    let (status, _) = with_cookie(
        &service,
        "PUT",
        "/v1/agents/agent_a",
        &cookie,
        false,
        online.clone(),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = with_cookie(
        &service,
        "PUT",
        "/v1/agents/agent_a",
        &cookie,
        true,
        online.clone(),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) =
        with_cookie(&service, "PUT", "/v1/agents/agent_b", &cookie, true, online).await;
    assert_eq!(status, 403, "only its own presence");
    let agents = service.get("/v1/agents", ADMIN).await.json;
    let asha = agents["agents"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["id"] == "agent_a"))
        .expect("agent_a");
    assert_eq!(asha["status"], "online");

    // Signing out ends the session for good.
    let (status, _) = with_cookie(&service, "DELETE", "/v1/session", &cookie, true, None).await;
    assert_eq!(status, 200);
    let (status, _) = with_cookie(&service, "GET", "/v1/session", &cookie, false, None).await;
    assert_eq!(status, 401);
    let (status, _) = with_cookie(&service, "GET", "/v1/settings", &cookie, false, None).await;
    assert_eq!(status, 401);

    // Tokens never reach the log.
    let log = service.log_text();
    assert!(
        !log.contains(AGENT_A) && !log.contains(&cookie[16..]),
        "no token or session id in the log"
    );
}
