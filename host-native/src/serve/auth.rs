//! Bearer tokens and the roles they grant.
//!
//! Tokens come from environment variables (never from the configuration file, never printed):
//!
//! | variable | role |
//! | --- | --- |
//! | `HANDOFF_ADMIN_TOKEN` | admin: every route |
//! | `HANDOFF_WIDGET_TOKEN` | widget backend: customer side of conversations |
//! | `HANDOFF_AGENT_TOKENS` | agents: `agent_1=token1,agent_2=token2`, one token per agent id |
//! | `HANDOFF_METRICS_TOKEN` | `/metrics` only (the admin token works too) |

use subtle::ConstantTimeEq;

/// Environment variable of the admin token.
pub const ADMIN_TOKEN_ENV: &str = "HANDOFF_ADMIN_TOKEN";
/// Environment variable of the widget backend's token.
pub const WIDGET_TOKEN_ENV: &str = "HANDOFF_WIDGET_TOKEN";
/// Environment variable of the agents' tokens (`agent_id=token,…`).
pub const AGENT_TOKENS_ENV: &str = "HANDOFF_AGENT_TOKENS";
/// Environment variable of the metrics scraper's token.
pub const METRICS_TOKEN_ENV: &str = "HANDOFF_METRICS_TOKEN";

/// Who a request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Everything.
    Admin,
    /// The chat widget's backend: customer messages, AI replies, handoff requests, callbacks.
    Widget,
    /// One human agent.
    Agent(String),
    /// Only `/metrics`.
    Metrics,
    /// One customer's browser, signed in by a customer session (`POST /v1/customer-session`):
    /// the customer's side of this one conversation and nothing else. Never from a token.
    Customer(String),
}

/// Why the tokens could not be read from the environment.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// An entry of `HANDOFF_AGENT_TOKENS` is not `agent_id=token`.
    #[error("{AGENT_TOKENS_ENV}: entry {index} is not agent_id=token (write agent_1=token1,agent_2=token2)")]
    AgentEntry {
        /// 1-based position of the entry.
        index: usize,
    },
    /// Two entries for one agent.
    #[error("{AGENT_TOKENS_ENV}: agent {agent_id} is given twice")]
    DuplicateAgent {
        /// The agent id.
        agent_id: String,
    },
    /// No token at all: nobody could call the API.
    #[error(
        "no API token is set: set {ADMIN_TOKEN_ENV} (and {WIDGET_TOKEN_ENV}, {AGENT_TOKENS_ENV} as needed)"
    )]
    None,
    /// A token shorter than 16 characters.
    #[error("{variable}: tokens must be at least 16 characters")]
    TooShort {
        /// Which variable (and agent) it came from.
        variable: String,
    },
    /// The same token for two roles: a request could not tell who it is.
    #[error("{first} and {second} have the same token")]
    Shared {
        /// One holder.
        first: String,
        /// The other.
        second: String,
    },
}

/// The tokens the service accepts.
#[derive(Clone, Default)]
pub struct Tokens {
    entries: Vec<(Role, String, String)>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let roles: Vec<&Role> = self.entries.iter().map(|(r, _, _)| r).collect();
        f.debug_struct("Tokens").field("roles", &roles).finish()
    }
}

/// Shortest token accepted.
const MIN_TOKEN_LEN: usize = 16;

impl Tokens {
    /// Reads the tokens with `var` (e.g. `|name| std::env::var(name).ok()`).
    ///
    /// # Errors
    /// Every [`TokenError`] found.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Tokens, Vec<TokenError>> {
        let mut tokens = Tokens::default();
        let mut errors = Vec::new();
        let get = |name: &str| {
            var(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if let Some(t) = get(ADMIN_TOKEN_ENV) {
            tokens
                .entries
                .push((Role::Admin, t, ADMIN_TOKEN_ENV.into()));
        }
        if let Some(t) = get(WIDGET_TOKEN_ENV) {
            tokens
                .entries
                .push((Role::Widget, t, WIDGET_TOKEN_ENV.into()));
        }
        if let Some(t) = get(METRICS_TOKEN_ENV) {
            tokens
                .entries
                .push((Role::Metrics, t, METRICS_TOKEN_ENV.into()));
        }
        if let Some(list) = get(AGENT_TOKENS_ENV) {
            for (i, item) in list.split(',').enumerate() {
                let item = item.trim();
                if item.is_empty() {
                    continue;
                }
                match item.split_once('=') {
                    Some((id, token)) if !id.trim().is_empty() && !token.trim().is_empty() => {
                        let id = id.trim().to_string();
                        let seen = tokens
                            .entries
                            .iter()
                            .any(|(r, _, _)| matches!(r, Role::Agent(a) if *a == id));
                        if seen {
                            errors.push(TokenError::DuplicateAgent { agent_id: id });
                            continue;
                        }
                        let name = format!("{AGENT_TOKENS_ENV} ({id})");
                        tokens
                            .entries
                            .push((Role::Agent(id), token.trim().to_string(), name));
                    }
                    _ => errors.push(TokenError::AgentEntry { index: i + 1 }),
                }
            }
        }
        for (_, token, name) in &tokens.entries {
            if token.len() < MIN_TOKEN_LEN {
                errors.push(TokenError::TooShort {
                    variable: name.clone(),
                });
            }
        }
        for (i, (_, a, first)) in tokens.entries.iter().enumerate() {
            for (_, b, second) in &tokens.entries[i + 1..] {
                if a == b {
                    errors.push(TokenError::Shared {
                        first: first.clone(),
                        second: second.clone(),
                    });
                }
            }
        }
        if tokens.entries.is_empty() && errors.is_empty() {
            errors.push(TokenError::None);
        }
        if errors.is_empty() {
            Ok(tokens)
        } else {
            Err(errors)
        }
    }

    /// The role of `presented`, comparing in constant time against every token (so the time
    /// taken says nothing about which token, or how much of one, matched).
    pub fn role(&self, presented: &str) -> Option<Role> {
        let mut found = None;
        for (role, token, _) in &self.entries {
            let equal: bool = token.as_bytes().ct_eq(presented.as_bytes()).into();
            if equal && found.is_none() {
                found = Some(role.clone());
            }
        }
        found
    }

    /// Which roles are configured, for the start-up banner (names only, never tokens).
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        let mut agents = Vec::new();
        for (role, _, _) in &self.entries {
            match role {
                Role::Admin => parts.push("admin".to_string()),
                Role::Widget => parts.push("widget".to_string()),
                Role::Metrics => parts.push("metrics".to_string()),
                Role::Agent(id) => agents.push(id.clone()),
                Role::Customer(_) => {}
            }
        }
        if !agents.is_empty() {
            parts.push(format!("agents {}", agents.join(", ")));
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn roles_come_from_their_tokens() {
        let tokens = Tokens::from_env(env(&[
            (ADMIN_TOKEN_ENV, "admin-token-0123456789"),
            (
                AGENT_TOKENS_ENV,
                "a1=agent-one-0123456789, a2=agent-two-0123456789",
            ),
        ]))
        .expect("valid");
        assert_eq!(tokens.role("admin-token-0123456789"), Some(Role::Admin));
        assert_eq!(
            tokens.role("agent-two-0123456789"),
            Some(Role::Agent("a2".into()))
        );
        assert_eq!(tokens.role("agent-two-012345678"), None);
        assert_eq!(tokens.role(""), None);
    }

    #[test]
    fn every_problem_is_listed() {
        let errors = Tokens::from_env(env(&[
            (ADMIN_TOKEN_ENV, "short"),
            (AGENT_TOKENS_ENV, "a1=agent-one-0123456789,nonsense,a1=x"),
        ]))
        .expect_err("invalid");
        assert!(errors.contains(&TokenError::AgentEntry { index: 2 }));
        assert!(errors.contains(&TokenError::DuplicateAgent {
            agent_id: "a1".into()
        }));
        assert!(errors
            .iter()
            .any(|e| matches!(e, TokenError::TooShort { .. })));
        assert_eq!(
            Tokens::from_env(env(&[])).expect_err("none"),
            vec![TokenError::None]
        );
    }
}
