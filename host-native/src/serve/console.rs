//! The agent console at `/console` and the supervisor view at `/console/supervisor`: static files compiled into the binary (plain ES modules and
//! CSS, no bundler, nothing fetched from elsewhere at run time), served with a strict
//! Content-Security-Policy, and the settings it reads (`GET /v1/settings`).
//!
//! The console speaks only the public HTTP API (`docs/serve.md`); it signs in by trading an
//! agent token for a session cookie ([`super::session`]).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// The policy every console file is served with: only this origin's scripts, styles, images
/// and connections; no inline script or style, no plugins, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One file of the console: its name under `/console/`, content type and bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

/// Every file, `index.html` first (served at `/console`).
const ASSETS: &[Asset] = &[
    Asset {
        name: "index.html",
        content_type: "text/html; charset=utf-8",
        body: include_str!("console/index.html"),
    },
    Asset {
        name: "console.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("console/console.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("console/app.js"),
    },
    Asset {
        name: "api.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("console/api.js"),
    },
    Asset {
        name: "dom.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("console/dom.js"),
    },
    Asset {
        name: "context.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("console/context.js"),
    },
    Asset {
        name: "supervisor",
        content_type: "text/html; charset=utf-8",
        body: include_str!("console/supervisor.html"),
    },
    Asset {
        name: "supervisor.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("console/supervisor.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_str!("console/favicon.svg"),
    },
    Asset {
        name: "charts.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("console/charts.js"),
    },
    Asset {
        name: "chat.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("console/chat.js"),
    },
];

/// The console file `name` (`""` is `index.html`) with its headers, or `None`.
pub fn asset(name: &str) -> Option<Response> {
    let name = if name.is_empty() { "index.html" } else { name };
    let asset = ASSETS.iter().find(|a| a.name == name)?;
    Some(with_policy(asset.body, asset.content_type))
}

/// `body` as `content_type` with the strict [`CSP`] and the headers every page file carries.
pub fn with_policy(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// What the console needs from the configuration, as `GET /v1/settings` answers it:
/// `{"outcomes", "offer_timeout_seconds", "max_concurrent_per_agent", "agents": [{"id", "name",
/// "skills", "max_concurrent"}], "skills", "canned_responses": [{"title", "text"}]}`
/// (`handoff.console.canned_responses`). A configuration the engine
/// would refuse gives the defaults (the service does not start with one anyway).
pub fn settings(config: &str) -> Value {
    use handoff_core::config::Config;
    let Ok(config) = Config::from_json_str(config) else {
        return json!({
            "outcomes": handoff_core::config::DEFAULT_OUTCOMES,
            "offer_timeout_seconds": Value::Null,
            "max_concurrent_per_agent": Value::Null,
            "agents": [],
            "skills": [],
            "canned_responses": [],
        });
    };
    let agents: Vec<Value> = config
        .agents
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "name": a.name,
                "skills": a.skills.keys().collect::<Vec<_>>(),
                "max_concurrent": a.max_concurrent,
            })
        })
        .collect();
    let mut skills: Vec<String> = config.routing.skills.keys().cloned().collect();
    for a in &config.agents {
        skills.extend(a.skills.keys().cloned());
    }
    skills.extend(config.routing.topic_skills.values().cloned());
    skills.sort();
    skills.dedup();
    json!({
        "outcomes": config.resolution.outcomes,
        "offer_timeout_seconds": config.routing.offer_timeout_seconds,
        "max_concurrent_per_agent": config.routing.max_concurrent_per_agent,
        "agents": agents,
        "skills": skills,
        "canned_responses": config
            .console
            .canned_responses
            .iter()
            .map(|c| json!({"title": c.title, "text": c.text}))
            .collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_has_the_policy_and_its_type() {
        for name in [
            "",
            "console.css",
            "app.js",
            "api.js",
            "dom.js",
            "context.js",
            "chat.js",
        ] {
            let response = asset(name).expect(name);
            let headers = response.headers();
            assert_eq!(headers[header::CONTENT_SECURITY_POLICY], CSP);
            assert!(!headers[header::CONTENT_TYPE].is_empty());
        }
        assert!(asset("../api.rs").is_none());
        assert!(!CSP.contains("unsafe"), "no inline script or style");
    }

    #[test]
    fn the_pages_have_no_inline_script_or_style() {
        for page in ASSETS
            .iter()
            .filter(|a| a.content_type.starts_with("text/html"))
        {
            no_inline(page.body);
        }
    }

    fn no_inline(page: &str) {
        assert!(!page.contains("<style"), "no <style> in index.html");
        assert!(!page.contains(" style="), "no style attribute");
        let handler = page.split(" on").skip(1).any(|rest| {
            let name: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
            !name.is_empty() && rest[name.len()..].starts_with('=')
        });
        assert!(!handler, "no inline event handlers");
        for script in page.split("<script").skip(1) {
            assert!(
                script.trim_start().starts_with("type=\"module\" src="),
                "{script}"
            );
        }
    }

    #[test]
    fn settings_come_from_the_configuration() {
        let config = r#"{"handoff": {"agents": [{"id": "asha", "name": "Asha", "skills": {"billing": 3}}],
            "routing": {"offer_timeout_seconds": 45},
            "resolution": {"outcomes": ["fixed", "not_fixed"]},
            "console": {"canned_responses": [{"title": "Greeting", "text": "Hi, Asha here."}]}}}"#;
        let s = settings(config);
        assert_eq!(s["outcomes"], json!(["fixed", "not_fixed"]));
        assert_eq!(s["offer_timeout_seconds"], 45);
        assert_eq!(s["agents"][0]["name"], "Asha");
        assert_eq!(s["skills"], json!(["billing"]));
        assert_eq!(
            s["canned_responses"],
            json!([{"title": "Greeting", "text": "Hi, Asha here."}])
        );
        let defaults = settings(r#"{"handoff": {}}"#);
        assert_eq!(
            defaults["outcomes"],
            json!(["solved", "not_solved", "duplicate", "spam"])
        );
    }
}
