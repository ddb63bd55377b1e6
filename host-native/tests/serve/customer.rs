//! The demo's two tabs through the real service: a one-time sign-in link for the console (a
//! ticket, not the token; good once), and a customer session scoped to one conversation (the
//! widget token never reaches a browser), answered by the scripted demo assistant with
//! `--demo-widget`. The whole path in Chromium: host-node/test/console.demo.browser.test.mjs.

use serde_json::{json, Value};

use crate::support::{Service, Setup, ADMIN, AGENT_A, WIDGET};

/// A client that does not follow redirects (the sign-in link's 303 is the answer under test).
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// `name=value` of a `Set-Cookie` header.
fn cookie_of(response: &reqwest::Response) -> (String, String) {
    let set = response.headers()["set-cookie"]
        .to_str()
        .expect("text")
        .to_string();
    let pair = set.split(';').next().expect("name=value").to_string();
    (pair, set)
}

/// A request carrying `cookie` (and the browser pages' header when `page`).
async fn as_browser(
    service: &Service,
    method: &str,
    path: &str,
    cookie: &str,
    page: bool,
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", service.base))
        .header("cookie", cookie);
    if page {
        request = request.header("x-handoff-console", "1");
    }
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let response = request.send().await.expect("the service answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_link_signs_in_once_and_is_not_the_token() {
    let service = Setup::new("links", &json!({"handoff": {}})).start();
    let client = no_redirects();

    let link = service.post("/v1/session/links", AGENT_A, json!({})).await;
    assert_eq!(link.status, 200, "{}", link.text);
    let url = link.json["url"].as_str().expect("url").to_string();
    let ticket = url
        .strip_prefix("/console/sign-in?ticket=")
        .expect("a console sign-in URL");
    assert_eq!(ticket.len(), 64);
    assert!(!url.contains(AGENT_A), "the link does not carry the token");

    // The first visit signs in and redirects to the console without the ticket.
    let first = client
        .get(format!("{}{url}", service.base))
        .send()
        .await
        .expect("answer");
    assert_eq!(first.status(), 303);
    assert_eq!(first.headers()["location"], "/console");
    let (cookie, set) = cookie_of(&first);
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let (status, who) = as_browser(&service, "GET", "/v1/session", &cookie, false, None).await;
    assert_eq!(
        (status, who),
        (200, json!({"role": "agent", "agent_id": "agent_a"}))
    );

    // A second visit of the same link is refused, and nothing is signed in by it.
    let again = client
        .get(format!("{}{url}", service.base))
        .send()
        .await
        .expect("answer");
    assert_eq!(again.status(), 401);
    assert!(again.headers().get("set-cookie").is_none());
    let unknown = client
        .get(format!("{}/console/sign-in?ticket=0123", service.base))
        .send()
        .await
        .expect("answer");
    assert_eq!(unknown.status(), 401);

    // Who may make links, and for whom.
    assert_eq!(
        service
            .post("/v1/session/links", WIDGET, json!({}))
            .await
            .status,
        403
    );
    let other = service
        .post("/v1/session/links", AGENT_A, json!({"agent_id": "agent_b"}))
        .await;
    assert_eq!(other.status, 403, "an agent links only itself");
    let for_b = service
        .post("/v1/session/links", ADMIN, json!({"agent_id": "agent_b"}))
        .await;
    let url_b = for_b.json["url"].as_str().expect("url");
    let visit = client
        .get(format!("{}{url_b}", service.base))
        .send()
        .await
        .expect("answer");
    let (cookie_b, _) = cookie_of(&visit);
    let (_, who) = as_browser(&service, "GET", "/v1/session", &cookie_b, false, None).await;
    assert_eq!(who["agent_id"], "agent_b");
    let supervisor = service.post("/v1/session/links", ADMIN, json!({})).await;
    let url_s = supervisor.json["url"].as_str().expect("url");
    let visit = client
        .get(format!("{}{url_s}", service.base))
        .send()
        .await
        .expect("answer");
    assert_eq!(visit.headers()["location"], "/console/supervisor");

    let log = service.log_text();
    assert!(!log.contains(ticket), "the ticket is never logged");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_demo_customer_session_reaches_its_own_conversation_only() {
    let service = Setup::new("customer", &json!({"handoff": {}}))
        .arg("--demo-widget")
        .start();
    assert!(service.banner.contains("/widget"), "{}", service.banner);
    let page = service.raw("GET", "/widget", None, None).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("/widget/widget.js"));
    assert!(!page.text.contains(WIDGET), "no token in the page");

    // A browser with no token gets a session for a new conversation.
    let started = reqwest::Client::new()
        .post(format!("{}/v1/customer/session", service.base))
        .header("x-handoff-console", "1")
        .send()
        .await
        .expect("answer");
    assert_eq!(started.status(), 200);
    let (cookie, set) = cookie_of(&started);
    assert!(
        set.contains("Path=/v1/customer") && set.contains("HttpOnly"),
        "{set}"
    );
    let body: Value = serde_json::from_str(&started.text().await.expect("body")).expect("json");
    let conversation = body["conversation_id"].as_str().expect("id").to_string();
    assert!(conversation.starts_with("web_"), "{conversation}");

    // Writes need the page's header; the scripted assistant answers while the AI has it.
    let text = json!({"text": "Where is my order?"});
    let (status, _) = as_browser(
        &service,
        "POST",
        "/v1/customer/messages",
        &cookie,
        false,
        Some(text.clone()),
    )
    .await;
    assert_eq!(status, 403, "a forged cross-site write is refused");
    let (status, answer) = as_browser(
        &service,
        "POST",
        "/v1/customer/messages",
        &cookie,
        true,
        Some(text),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (status, record) = as_browser(
        &service,
        "GET",
        "/v1/customer/conversation",
        &cookie,
        false,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let roles: Vec<&str> = record["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|l| l["role"].as_str())
        .collect();
    assert_eq!(roles, ["customer", "ai"], "{record}");
    assert!(record["history"][1]["text"]
        .as_str()
        .unwrap_or("")
        .contains("order"));

    // The same browser reloading keeps its conversation.
    let (status, again) = as_browser(
        &service,
        "POST",
        "/v1/customer/session",
        &cookie,
        true,
        None,
    )
    .await;
    assert_eq!(
        (status, again["conversation_id"].as_str()),
        (200, Some(conversation.as_str()))
    );

    // The cookie is nothing anywhere else: not another conversation, not the agents' routes.
    for path in [
        format!("/v1/conversations/{conversation}"),
        "/v1/conversations/conv_other".to_string(),
        "/v1/queue".to_string(),
    ] {
        let (status, _) = as_browser(&service, "GET", &path, &cookie, false, None).await;
        assert_eq!(status, 401, "{path}");
    }
    let (status, _) = as_browser(
        &service,
        "POST",
        "/v1/customer/close",
        &cookie,
        true,
        Some(json!({"by": "agent"})),
    )
    .await;
    assert_eq!(status, 403, "a customer closes only as the customer");

    // Asking for a person hands off (nobody online: the queue); the AI is then silent.
    let (status, _) = as_browser(
        &service,
        "POST",
        "/v1/customer/handoff",
        &cookie,
        true,
        Some(json!({"source": "widget_button"})),
    )
    .await;
    assert_eq!(status, 200);
    let holder = service
        .record(&format!("/v1/conversations/{conversation}"))
        .await;
    assert_ne!(holder["status"], "ai", "{holder}");
    let (_, _) = as_browser(
        &service,
        "POST",
        "/v1/customer/messages",
        &cookie,
        true,
        Some(json!({"text": "hello?"})),
    )
    .await;
    let (_, record) = as_browser(
        &service,
        "GET",
        "/v1/customer/conversation",
        &cookie,
        false,
        None,
    )
    .await;
    let last = record["history"]
        .as_array()
        .and_then(|h| h.last())
        .expect("a line");
    assert_eq!(
        last["role"], "customer",
        "the demo AI does not answer once handed off"
    );

    // Signing out ends the session.
    let (status, _) = as_browser(
        &service,
        "DELETE",
        "/v1/customer/session",
        &cookie,
        true,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = as_browser(
        &service,
        "GET",
        "/v1/customer/conversation",
        &cookie,
        false,
        None,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_demo_flag_only_the_widget_token_opens_a_customer_session() {
    let service = Setup::new("customer-plain", &json!({"handoff": {}})).start();
    assert_eq!(service.raw("GET", "/widget", None, None).await.status, 404);
    let anonymous = service
        .raw("POST", "/v1/customer/session", None, None)
        .await;
    assert_eq!(anonymous.status, 401);
    let missing = service
        .post("/v1/customer/session", WIDGET, json!({}))
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json["error"]["path"], "body.conversation_id");
    assert_eq!(
        service
            .post(
                "/v1/customer/session",
                AGENT_A,
                json!({"conversation_id": "c1"})
            )
            .await
            .status,
        403
    );
    let started = reqwest::Client::new()
        .post(format!("{}/v1/customer/session", service.base))
        .bearer_auth(WIDGET)
        .body(json!({"conversation_id": "conv_42"}).to_string())
        .send()
        .await
        .expect("answer");
    assert_eq!(started.status(), 200);
    let (cookie, _) = cookie_of(&started);
    let (status, _) = as_browser(
        &service,
        "POST",
        "/v1/customer/messages",
        &cookie,
        true,
        Some(json!({"text": "Hi"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, record) = as_browser(
        &service,
        "GET",
        "/v1/customer/conversation",
        &cookie,
        false,
        None,
    )
    .await;
    assert_eq!(record["id"], "conv_42");
    assert_eq!(
        record["history"].as_array().map(Vec::len),
        Some(1),
        "no demo AI without the flag"
    );
}
