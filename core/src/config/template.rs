//! Message templates with `{{placeholder}}`s.
//!
//! Messages shown to customers (for example "You're {{position}} in queue.")
//! are configured as templates. A template is parsed once, against the list of
//! placeholders that message offers, and can then be rendered any number of
//! times without re-parsing.
//!
//! Syntax:
//!
//! * `{{name}}` or `{{ name }}` is a placeholder; names are `[a-z0-9_]+`.
//! * `{{name|fallback}}` shows `fallback` when the placeholder has no value (a customer who gave
//!   no name: `Hi {{customer_name|there}}!` renders `Hi there!`); spaces around the `|` are
//!   trimmed, the fallback is any text without `}}`.
//! * A lone `{` or `}` is literal text, and so is a `}}` that closes nothing.
//! * In a run of three or more `{`, the last two open the placeholder and the
//!   others are literal, so `{{{name}}}` renders as `{value}`.
//!
//! ```
//! use handoff_core::config::template::Template;
//!
//! let t = Template::parse("You're now connected with {{ agent_name }}.", &["agent_name"])?;
//! let text = t.render(&|name| (name == "agent_name").then(|| "Asha".to_string()));
//! assert_eq!(text, "You're now connected with Asha.");
//! # Ok::<(), handoff_core::config::template::TemplateError>(())
//! ```

use std::fmt;

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Text copied as is.
    Literal(String),
    /// A placeholder, by name, with the text shown when it has no value (`{{name|fallback}}`).
    Placeholder(String, Option<String>),
}

/// A parsed message template.
///
/// Build one with [`Template::parse`]; render it with [`Template::render`].
///
/// ```
/// use handoff_core::config::template::Template;
///
/// let t = Template::parse(
///     "Please hold while I find an available agent. You're {{position}} in queue.",
///     &["position"],
/// )?;
/// let text = t.render(&|name| (name == "position").then(|| "2".to_string()));
/// assert!(text.ends_with("You're 2 in queue."));
/// # Ok::<(), handoff_core::config::template::TemplateError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    segments: Vec<Segment>,
    /// Distinct placeholder names, in order of first appearance.
    names: Vec<String>,
}

/// Why a template was refused.
///
/// The [`Display`](fmt::Display) text is meant for the person configuring the
/// message:
///
/// ```
/// use handoff_core::config::template::Template;
///
/// let err = Template::parse("You're {{postion}} in queue.", &["position"]).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "unknown placeholder {{postion}}: did you mean {{position}}? (allowed: position)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateError {
    /// A placeholder this message does not offer.
    UnknownPlaceholder {
        /// The placeholder name as written (inner spaces trimmed).
        name: String,
        /// The placeholders this message offers, comma separated, in the
        /// order given.
        allowed: String,
        /// The closest allowed name, if one is within edit distance 2.
        suggestion: Option<String>,
    },
    /// `{{` without a closing `}}`.
    Unclosed {
        /// Byte offset of the `{{`.
        offset: usize,
    },
    /// `{{}}` or `{{ }}`: a placeholder with no name.
    EmptyPlaceholder {
        /// Byte offset of the `{{`.
        offset: usize,
    },
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::UnknownPlaceholder {
                name,
                allowed,
                suggestion,
            } => {
                write!(f, "unknown placeholder {{{{{name}}}}}")?;
                if let Some(s) = suggestion {
                    write!(f, ": did you mean {{{{{s}}}}}?")?;
                }
                if allowed.is_empty() {
                    write!(f, " (this message has no placeholders)")
                } else {
                    write!(f, " (allowed: {allowed})")
                }
            }
            TemplateError::Unclosed { offset } => write!(
                f,
                "unclosed placeholder: \"{{{{\" at byte {offset} has no closing \"}}}}\""
            ),
            TemplateError::EmptyPlaceholder { offset } => {
                write!(f, "empty placeholder at byte {offset}: a name is needed between \"{{{{\" and \"}}}}\"")
            }
        }
    }
}

impl std::error::Error for TemplateError {}

impl Template {
    /// Parses `source`, allowing only the placeholders named in `allowed`.
    ///
    /// Errors: [`TemplateError::Unclosed`] for a `{{` with no `}}` after it,
    /// [`TemplateError::EmptyPlaceholder`] for `{{ }}`, and
    /// [`TemplateError::UnknownPlaceholder`] for any name not in `allowed`
    /// (including names that are not `[a-z0-9_]+`).
    ///
    /// # Errors
    /// A [`TemplateError`]: an unclosed `{{` or an empty placeholder (with its byte offset), or a
    /// placeholder that is not in `allowed` (with the closest one allowed).
    ///
    /// # Example
    /// ```
    /// use handoff_core::config::template::{Template, TemplateError};
    ///
    /// assert!(Template::parse("Hi {{name}}", &["name"]).is_ok());
    /// assert_eq!(
    ///     Template::parse("Hi {{name", &["name"]),
    ///     Err(TemplateError::Unclosed { offset: 3 })
    /// );
    /// ```
    pub fn parse(source: &str, allowed: &[&str]) -> Result<Template, TemplateError> {
        let mut segments = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut literal = String::new();
        let mut rest = source;
        // Byte offset of `rest` within `source`.
        let mut base = 0usize;

        while let Some(open) = rest.find("{{") {
            // In a run of `{`, only the last two open the placeholder.
            let run = rest[open..].bytes().take_while(|&b| b == b'{').count();
            let open = open + run - 2;
            literal.push_str(&rest[..open]);

            let after_open = &rest[open + 2..];
            let Some(close) = after_open.find("}}") else {
                return Err(TemplateError::Unclosed {
                    offset: base + open,
                });
            };
            let (name, fallback) = match after_open[..close].split_once('|') {
                Some((name, fallback)) => (name.trim(), Some(fallback.trim().to_string())),
                None => (after_open[..close].trim(), None),
            };
            if name.is_empty() {
                return Err(TemplateError::EmptyPlaceholder {
                    offset: base + open,
                });
            }
            if !is_valid_name(name) || !allowed.contains(&name) {
                return Err(TemplateError::UnknownPlaceholder {
                    name: name.to_string(),
                    allowed: allowed.join(", "),
                    suggestion: suggest(name, allowed),
                });
            }

            if !literal.is_empty() {
                segments.push(Segment::Literal(std::mem::take(&mut literal)));
            }
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
            segments.push(Segment::Placeholder(name.to_string(), fallback));

            let consumed = open + 2 + close + 2;
            base += consumed;
            rest = &rest[consumed..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            segments.push(Segment::Literal(literal));
        }

        Ok(Template {
            source: source.to_string(),
            segments,
            names,
        })
    }

    /// Renders with `value` giving each placeholder's text.
    ///
    /// `value` is called once per placeholder occurrence; a placeholder whose
    /// value is `None` or empty renders as its fallback, or as the empty string without one.
    ///
    /// ```
    /// use handoff_core::config::template::Template;
    ///
    /// let t = Template::parse("[{{a}}|{{b}}|{{ b | none }}]", &["a", "b"])?;
    /// assert_eq!(t.render(&|n| (n == "a").then(|| "x".to_string())), "[x||none]");
    /// # Ok::<(), handoff_core::config::template::TemplateError>(())
    /// ```
    pub fn render(&self, value: &dyn Fn(&str) -> Option<String>) -> String {
        let mut out = String::with_capacity(self.source.len());
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Placeholder(name, fallback) => match value(name) {
                    Some(v) if !v.is_empty() => out.push_str(&v),
                    _ => out.push_str(fallback.as_deref().unwrap_or("")),
                },
            }
        }
        out
    }

    /// The template as configured.
    ///
    /// ```
    /// use handoff_core::config::template::Template;
    ///
    /// let t = Template::parse("Hi {{ name }}", &["name"])?;
    /// assert_eq!(t.source(), "Hi {{ name }}");
    /// # Ok::<(), handoff_core::config::template::TemplateError>(())
    /// ```
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The distinct placeholder names used, in order of first appearance.
    ///
    /// ```
    /// use handoff_core::config::template::Template;
    ///
    /// let t = Template::parse("{{b}} {{a}} {{b}}", &["a", "b"])?;
    /// assert_eq!(t.placeholders().collect::<Vec<_>>(), ["b", "a"]);
    /// # Ok::<(), handoff_core::config::template::TemplateError>(())
    /// ```
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }
}

/// Whether `name` matches `[a-z0-9_]+`.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The allowed name closest to `name`, for a "did you mean" hint.
fn suggest(name: &str, allowed: &[&str]) -> Option<String> {
    super::read::suggest(name, allowed).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values(name: &str) -> Option<String> {
        match name {
            "position" => Some("2".to_string()),
            "agent_name" => Some("Asha".to_string()),
            _ => None,
        }
    }

    #[test]
    fn a_placeholder_without_a_value_shows_its_fallback() {
        let t = Template::parse(
            "Hi {{customer_name|there}}! {{ agent_name | a colleague }} is here.",
            &["customer_name", "agent_name"],
        )
        .unwrap();
        assert_eq!(t.render(&|_| None), "Hi there! a colleague is here.");
        assert_eq!(
            t.render(&|_| Some(String::new())),
            "Hi there! a colleague is here."
        );
        assert_eq!(
            t.render(&|n| Some(n.to_uppercase())),
            "Hi CUSTOMER_NAME! AGENT_NAME is here."
        );
        assert_eq!(
            t.placeholders().collect::<Vec<_>>(),
            ["customer_name", "agent_name"]
        );
        // The name before the `|` is checked like any other.
        let e = Template::parse("Hi {{custmer_name|there}}", &["customer_name"]).unwrap_err();
        assert!(
            e.to_string().contains("did you mean {{customer_name}}"),
            "{e}"
        );
        let e = Template::parse("Hi {{|there}}", &["customer_name"]).unwrap_err();
        assert_eq!(e, TemplateError::EmptyPlaceholder { offset: 3 });
    }

    #[test]
    fn spec_queue_template() {
        let t = Template::parse(
            "Please hold while I find an available agent. You're {{position}} in queue.",
            &["position"],
        )
        .unwrap();
        assert_eq!(
            t.render(&values),
            "Please hold while I find an available agent. You're 2 in queue."
        );
        assert!(t.render(&values).ends_with("You're 2 in queue."));
    }

    #[test]
    fn spec_connected_template() {
        let t =
            Template::parse("You're now connected with {{agent_name}}.", &["agent_name"]).unwrap();
        assert_eq!(t.render(&values), "You're now connected with Asha.");
    }

    #[test]
    fn render_many_times() {
        let t = Template::parse("#{{position}}", &["position"]).unwrap();
        for i in 0..3 {
            let s = t.render(&|_| Some(i.to_string()));
            assert_eq!(s, format!("#{i}"));
        }
    }

    #[test]
    fn unknown_placeholder_with_suggestion() {
        let err = Template::parse("You're {{postion}} in queue.", &["position", "agent_name"])
            .unwrap_err();
        assert_eq!(
            err,
            TemplateError::UnknownPlaceholder {
                name: "postion".into(),
                allowed: "position, agent_name".into(),
                suggestion: Some("position".into()),
            }
        );
        assert_eq!(
            err.to_string(),
            "unknown placeholder {{postion}}: did you mean {{position}}? (allowed: position, agent_name)"
        );
    }

    #[test]
    fn unknown_placeholder_without_suggestion() {
        let err = Template::parse("Hi {{customer}}", &["position", "agent_name"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown placeholder {{customer}} (allowed: position, agent_name)"
        );
        let err = Template::parse("Hi {{x}}", &["id"]).unwrap_err();
        assert!(matches!(
            err,
            TemplateError::UnknownPlaceholder {
                suggestion: None,
                ..
            }
        ));
        let err = Template::parse("Hi {{x}}", &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown placeholder {{x}} (this message has no placeholders)"
        );
    }

    #[test]
    fn invalid_name_is_unknown_with_suggestion() {
        let err = Template::parse("{{Position}}", &["position"]).unwrap_err();
        assert!(err.to_string().contains("did you mean {{position}}?"));
        let err = Template::parse("{{agent name}}", &["agent_name"]).unwrap_err();
        assert!(err.to_string().contains("did you mean {{agent_name}}?"));
    }

    #[test]
    fn closest_suggestion_wins() {
        assert_eq!(
            suggest("agent_nam", &["agent_id", "agent_name"]),
            Some("agent_name".into())
        );
        assert_eq!(suggest("queue", &["position"]), None);
    }

    #[test]
    fn unclosed() {
        assert_eq!(
            Template::parse("Hello {{agent_name", &["agent_name"]),
            Err(TemplateError::Unclosed { offset: 6 })
        );
        assert_eq!(
            Template::parse("{{a}} and {{a }", &["a"]),
            Err(TemplateError::Unclosed { offset: 10 })
        );
        let msg = TemplateError::Unclosed { offset: 6 }.to_string();
        assert!(msg.contains("byte 6"), "{msg}");
    }

    #[test]
    fn empty_placeholder() {
        assert_eq!(
            Template::parse("a {{ }} b", &["a"]),
            Err(TemplateError::EmptyPlaceholder { offset: 2 })
        );
        assert_eq!(
            Template::parse("{{}}", &["a"]),
            Err(TemplateError::EmptyPlaceholder { offset: 0 })
        );
    }

    #[test]
    fn spaces_inside_braces() {
        let t =
            Template::parse("{{ position }}|{{position }}|{{  position}}", &["position"]).unwrap();
        assert_eq!(t.render(&values), "2|2|2");
        assert_eq!(t.placeholders().collect::<Vec<_>>(), ["position"]);
    }

    #[test]
    fn lone_braces_are_literal() {
        let t = Template::parse("{a} } { }} {x", &[]).unwrap();
        assert_eq!(t.render(&values), "{a} } { }} {x");
        assert_eq!(t.placeholders().count(), 0);
        let t = Template::parse("{{{position}}}", &["position"]).unwrap();
        assert_eq!(t.render(&values), "{2}");
    }

    #[test]
    fn unicode_around_placeholders() {
        let t = Template::parse(
            "Espera, por favor… ¡Eres el nº {{position}} en la cola! 🙏 {{agent_name}}さん",
            &["position", "agent_name"],
        )
        .unwrap();
        assert_eq!(
            t.render(&values),
            "Espera, por favor… ¡Eres el nº 2 en la cola! 🙏 Ashaさん"
        );
        assert_eq!(
            Template::parse("é{{x", &["x"]),
            Err(TemplateError::Unclosed { offset: 2 })
        );
    }

    #[test]
    fn missing_value_renders_empty() {
        let t = Template::parse("[{{position}}]", &["position"]).unwrap();
        assert_eq!(t.render(&|_| None), "[]");
    }

    #[test]
    fn no_placeholders_roundtrip() {
        let t = Template::parse("", &[]).unwrap();
        assert_eq!(t.render(&values), "");
        assert_eq!(t.source(), "");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = Template::parse(&s, &["position", "agent_name"]).map(|t| t.render(&values));
        }

        #[test]
        fn never_panics_brace_heavy(s in "[{} a-z_éポ]{0,40}") {
            if let Ok(t) = Template::parse(&s, &["a", "ab", "position"]) {
                let _ = t.render(&|n| Some(n.to_uppercase()));
                let _ = t.placeholders().count();
            }
        }

        #[test]
        fn text_without_double_braces_is_verbatim(s in "[^{}]*") {
            let t = Template::parse(&s, &[]).unwrap();
            prop_assert_eq!(t.render(&values), s);
        }

        #[test]
        fn identity_render_reproduces_source(
            parts in proptest::collection::vec(("[^{}]{0,8}", proptest::bool::ANY), 0..8)
        ) {
            let mut src = String::new();
            let mut expected = String::new();
            for (text, ph) in &parts {
                src.push_str(text);
                expected.push_str(text);
                if *ph {
                    src.push_str("{{ position }}");
                    expected.push('2');
                }
            }
            let t = Template::parse(&src, &["position"]).unwrap();
            prop_assert_eq!(t.render(&values), expected);
        }
    }
}
