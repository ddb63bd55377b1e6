//! Extractive summaries for the human agent.
//!
//! When the caller's AI gives no summary, the engine builds a factual one
//! from the conversation: only the customer's own words and the AI's recorded
//! actions, nothing inferred. The result is deterministic and at most
//! [`MAX_SUMMARY_CHARS`] characters.

/// The longest summary [`extractive_summary`] returns, in characters.
pub const MAX_SUMMARY_CHARS: usize = 400;

/// The most references a summary lists.
pub const MAX_REFERENCES: usize = 5;

/// What [`extractive_summary`] says when there is nothing from the customer.
pub const NO_CUSTOMER_MESSAGES: &str = "No customer messages.";

/// The ellipsis appended where text was cut.
const ELLIPSIS: char = '…';

/// Longest token considered as a reference, in characters.
const MAX_REFERENCE_CHARS: usize = 64;

/// Caps on the tail sections, so the customer's words keep most of the room.
const MAX_REFERENCES_SECTION: usize = 120;
const MAX_ACTIONS_SECTION: usize = 160;

/// A factual summary built from the customer's own words and the AI's actions.
///
/// Shape: `Customer: "<first sentence or two of the first message>"
/// Latest: "<latest message, if different>" References: <ids>.
/// AI actions: <a>; <b>.` Sections with nothing to say are left out. Blank
/// messages and actions are skipped, whitespace is collapsed, actions are
/// deduplicated (ignoring case) and the whole is cut at a word, with `…`, to
/// at most [`MAX_SUMMARY_CHARS`] characters. References are as found by
/// [`extract_references`].
pub fn extractive_summary(customer_messages: &[&str], ai_actions: &[String]) -> String {
    let messages: Vec<String> = customer_messages
        .iter()
        .map(|m| collapse_whitespace(m))
        .filter(|m| !m.is_empty())
        .collect();

    let actions_section = actions_section(ai_actions)
        .map(|s| truncate_at_word(&s, MAX_ACTIONS_SECTION))
        .unwrap_or_default();

    let Some(first_message) = messages.first() else {
        let mut out = NO_CUSTOMER_MESSAGES.to_string();
        if !actions_section.is_empty() {
            out.push(' ');
            out.push_str(&actions_section);
        }
        return truncate_at_word(&out, MAX_SUMMARY_CHARS);
    };

    let refs = extract_references(customer_messages);
    let refs_section = if refs.is_empty() {
        String::new()
    } else {
        truncate_at_word(
            &format!("References: {}.", refs.join(", ")),
            MAX_REFERENCES_SECTION,
        )
    };

    let lead = leading_sentences(first_message, 2);
    let latest = messages
        .last()
        .filter(|last| messages.len() > 1 && *last != first_message);

    // Share the room left by the tail sections between the two quotes.
    const CUSTOMER_LABEL: &str = "Customer: \"";
    const LATEST_LABEL: &str = "Latest: \"";
    let tail: Vec<&str> = [refs_section.as_str(), actions_section.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let tail_chars: usize = tail.iter().map(|s| s.chars().count() + 1).sum();
    let mut overhead = CUSTOMER_LABEL.len() + 1;
    if latest.is_some() {
        overhead += 1 + LATEST_LABEL.len() + 1;
    }
    let room = MAX_SUMMARY_CHARS.saturating_sub(tail_chars + overhead);

    let lead_chars = lead.chars().count();
    let (lead_room, latest_room) = match latest {
        Some(latest) => {
            let latest_chars = latest.chars().count();
            let lead_room = lead_chars.min((room / 2).max(room.saturating_sub(latest_chars)));
            (lead_room, room - lead_room)
        }
        None => (room, 0),
    };

    let mut out = String::with_capacity(MAX_SUMMARY_CHARS * 4);
    out.push_str(CUSTOMER_LABEL);
    out.push_str(&truncate_at_word(lead, lead_room));
    out.push('"');
    if let Some(latest) = latest {
        out.push(' ');
        out.push_str(LATEST_LABEL);
        out.push_str(&truncate_at_word(latest, latest_room));
        out.push('"');
    }
    for section in tail {
        out.push(' ');
        out.push_str(section);
    }
    truncate_at_word(&out, MAX_SUMMARY_CHARS)
}

/// Reference-like tokens in the customer's messages: order, ticket and
/// invoice ids (at least 4 characters, containing a digit, such as
/// `ORD-12345`, `#4521` or `INV2024-77`) and email addresses.
///
/// Deduplicated ignoring case, in order of first appearance, at most
/// [`MAX_REFERENCES`]. Prices (`$49.99`, `49.99`), times (`10:30`) and
/// ordinals (`21st`) are not references.
pub fn extract_references(customer_messages: &[&str]) -> Vec<String> {
    let mut refs: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for message in customer_messages {
        for raw in message.split(is_token_separator) {
            let token = trim_token(raw);
            if !(looks_like_id(token) || looks_like_email(token)) {
                continue;
            }
            let key = token.to_lowercase();
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            refs.push(token.to_string());
            if refs.len() == MAX_REFERENCES {
                return refs;
            }
        }
    }
    refs
}

/// `AI actions: a; b.`, or `None` when there are none.
fn actions_section(ai_actions: &[String]) -> Option<String> {
    let mut actions: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for action in ai_actions {
        let action = collapse_whitespace(action);
        let action = action.trim_end_matches(['.', ';', ',', ' ']);
        if action.is_empty() {
            continue;
        }
        let key = action.to_lowercase();
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        actions.push(action.to_string());
    }
    (!actions.is_empty()).then(|| format!("AI actions: {}.", actions.join("; ")))
}

/// Collapses every run of whitespace to one space and trims the ends.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `n` sentences of `text` (a sentence ends at `.`, `!`, `?` or
/// `…`, possibly repeated, followed by whitespace or the end).
fn leading_sentences(text: &str, n: usize) -> &str {
    let is_end = |c: char| matches!(c, '.' | '!' | '?' | '…');
    let mut ends = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !is_end(c) {
            continue;
        }
        while let Some(&(_, next)) = chars.peek() {
            if is_end(next) {
                chars.next();
            } else {
                break;
            }
        }
        match chars.peek() {
            None => return text,
            Some(&(i, next)) if next.is_whitespace() => {
                ends += 1;
                if ends == n {
                    return &text[..i];
                }
            }
            Some(_) => {}
        }
    }
    text
}

/// Cuts `text` to at most `max` characters, at a word boundary when one is
/// reasonably close, ending with `…` when anything was cut.
fn truncate_at_word(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    // Keep `max - 1` characters, leaving room for the ellipsis.
    let keep = max - 1;
    let cut = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let next_is_space = text[cut..].starts_with(char::is_whitespace);
    let head = if next_is_space {
        head
    } else {
        match head.rfind(char::is_whitespace) {
            // Only back off to a word if that keeps at least half.
            Some(space) if space >= head.len() / 2 => &head[..space],
            _ => head,
        }
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'));
    let mut out = String::with_capacity(head.len() + ELLIPSIS.len_utf8());
    out.push_str(head);
    out.push(ELLIPSIS);
    out
}

/// Characters that separate candidate reference tokens.
fn is_token_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | ';'
                | ':'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '<'
                | '>'
                | '"'
                | '\''
                | '`'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '!'
                | '?'
                | '='
                | '*'
                | '|'
        )
}

/// Strips sentence punctuation around a token, keeping a leading `#`.
fn trim_token(token: &str) -> &str {
    token
        .trim_start_matches(['.', '-', '/', '_'])
        .trim_end_matches(['.', '-', '/', '_', '#', '…'])
}

/// An id: ≥ 4 chars, has an ASCII digit, only alphanumerics and `-_/.`
/// inside (and `#` only in front); not a plain decimal number or an ordinal.
fn looks_like_id(token: &str) -> bool {
    let len = token.chars().count();
    if !(4..=MAX_REFERENCE_CHARS).contains(&len) || !token.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let body = token.strip_prefix('#').unwrap_or(token);
    if !body
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
    {
        return false;
    }
    let decimal = body.contains('.') && body.chars().all(|c| c.is_ascii_digit() || c == '.');
    !decimal && !is_ordinal(body)
}

/// `21st`, `2nd`, `103rd`, `4th` …
fn is_ordinal(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    ["st", "nd", "rd", "th"].iter().any(|suffix| {
        lower
            .strip_suffix(suffix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// `local@domain.tld` with ordinary address characters.
fn looks_like_email(token: &str) -> bool {
    if token.chars().count() > MAX_REFERENCE_CHARS {
        return false;
    }
    let Some((local, domain)) = token.split_once('@') else {
        return false;
    };
    let ok_chars = |s: &str| {
        s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-'))
    };
    !local.is_empty()
        && ok_chars(local)
        && ok_chars(domain)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_module_example_summarises_two_messages() {
        let summary = extractive_summary(
            &[
                "Where is my order ORD-12345? It was due last week.",
                "This is ridiculous, I want a refund.",
            ],
            &[
                "looked up order".to_string(),
                "checked tracking".to_string(),
            ],
        );
        assert_eq!(
            summary,
            "Customer: \"Where is my order ORD-12345? It was due last week.\" \
             Latest: \"This is ridiculous, I want a refund.\" \
             References: ORD-12345. \
             AI actions: looked up order; checked tracking."
        );
    }

    #[test]
    fn extractive_summary_leaves_out_empty_sections() {
        assert_eq!(extractive_summary(&[], &[]), "No customer messages.");
        assert_eq!(
            extractive_summary(&["  "], &["greeted customer".to_string()]),
            "No customer messages. AI actions: greeted customer."
        );
    }

    #[test]
    fn extract_references_skips_prices_and_ordinals() {
        assert_eq!(
            extract_references(&[
                "Order #4521 (invoice INV2024-77) cost $49.99, mail me at a.b@example.com.",
                "Still nothing for #4521 since the 21st!",
            ]),
            ["#4521", "INV2024-77", "a.b@example.com"]
        );
    }

    fn actions(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn spec_shape() {
        let s = extractive_summary(
            &[
                "Where is my order ORD-12345? It was due last week.",
                "Hello?",
                "This is ridiculous, I want a refund.",
            ],
            &actions(&["looked up order", "checked tracking"]),
        );
        assert_eq!(
            s,
            "Customer: \"Where is my order ORD-12345? It was due last week.\" \
             Latest: \"This is ridiculous, I want a refund.\" \
             References: ORD-12345. \
             AI actions: looked up order; checked tracking."
        );
    }

    #[test]
    fn first_two_sentences_only() {
        let s = extractive_summary(
            &["My card was charged twice. Ticket T-9981 says pending. Please fix it. Thanks."],
            &[],
        );
        assert_eq!(
            s,
            "Customer: \"My card was charged twice. Ticket T-9981 says pending.\" References: T-9981."
        );
    }

    #[test]
    fn latest_omitted_when_same_as_first() {
        let s = extractive_summary(&["Help me!", "  Help   me! "], &[]);
        assert_eq!(s, "Customer: \"Help me!\"");
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(extractive_summary(&[], &[]), NO_CUSTOMER_MESSAGES);
        assert_eq!(
            extractive_summary(&["", " \n\t"], &actions(&["", " "])),
            NO_CUSTOMER_MESSAGES
        );
        assert_eq!(
            extractive_summary(&[], &actions(&["escalated"])),
            "No customer messages. AI actions: escalated."
        );
    }

    #[test]
    fn whitespace_collapsed() {
        let s = extractive_summary(&["Line one\n\nline   two"], &[]);
        assert_eq!(s, "Customer: \"Line one line two\"");
    }

    #[test]
    fn references_extraction() {
        let refs = extract_references(&[
            "Order ORD-12345, ticket #4521 and invoice INV2024-77 (see x@y.co).",
            "Paid $49.99 at 10:30 on the 21st, 49.99 total, id 123, ref abc.",
            "ord-12345 again; also 'INV2024-77's status?",
        ]);
        assert_eq!(refs, ["ORD-12345", "#4521", "INV2024-77", "x@y.co"]);
    }

    #[test]
    fn references_capped_at_five() {
        let refs = extract_references(&["A-1001 A-1002 A-1003", "A-1004 A-1005 A-1006 A-1001"]);
        assert_eq!(refs, ["A-1001", "A-1002", "A-1003", "A-1004", "A-1005"]);
    }

    #[test]
    fn emails_without_digits() {
        let refs = extract_references(&["Write to jane.doe@example.com or bob@localhost."]);
        assert_eq!(refs, ["jane.doe@example.com"]);
    }

    #[test]
    fn actions_deduplicated() {
        let s = extractive_summary(
            &["Hi"],
            &actions(&[
                "looked up order",
                "checked tracking.",
                "Looked up order",
                "checked tracking",
                "",
            ]),
        );
        assert_eq!(
            s,
            "Customer: \"Hi\" AI actions: looked up order; checked tracking."
        );
    }

    #[test]
    fn truncation_on_multibyte_boundary() {
        let long = "Заказ ORD-777 не пришёл 😡 ".repeat(60);
        let s = extractive_summary(
            &[&long, "ещё жду ответа 🙏🙏🙏"],
            &actions(&["looked up order"]),
        );
        assert!(
            s.chars().count() <= MAX_SUMMARY_CHARS,
            "{}",
            s.chars().count()
        );
        assert!(s.contains("…\" Latest: \"ещё жду ответа 🙏🙏🙏\""), "{s}");
        assert!(
            s.ends_with("References: ORD-777. AI actions: looked up order."),
            "{s}"
        );
        // Cut at a word: the quoted lead is a prefix of the message that
        // ends right before a space.
        let lead = s.split("…\"").next().unwrap();
        let inner = lead.trim_start_matches("Customer: \"");
        assert!(long.starts_with(&format!("{inner} ")), "{lead}");
    }

    #[test]
    fn truncate_helper() {
        assert_eq!(truncate_at_word("hello world", 20), "hello world");
        assert_eq!(truncate_at_word("hello world", 9), "hello…");
        assert_eq!(truncate_at_word("hello world", 7), "hello…");
        assert_eq!(truncate_at_word("ééééééééé", 4), "ééé…");
        assert_eq!(truncate_at_word("🙂🙂 🙂🙂", 4), "🙂🙂…");
        assert_eq!(truncate_at_word("abc", 0), "");
        assert_eq!(truncate_at_word("abc", 1), "…");
    }

    #[test]
    fn long_everything_stays_within_limit() {
        let msg = "x".repeat(2000);
        let acts: Vec<String> = (0..50).map(|i| format!("action number {i}")).collect();
        let s = extractive_summary(&[&msg, &msg, "y y y y y y y y y y y y y y y y"], &acts);
        assert!(s.chars().count() <= MAX_SUMMARY_CHARS);
        assert!(s.starts_with("Customer: \""));
        assert!(s.contains("Latest: \""));
        assert!(s.contains("AI actions: action number 0; "));
    }

    #[test]
    fn deterministic() {
        let msgs = ["Where is ORD-1234?", "Now!"];
        let acts = actions(&["looked up order"]);
        assert_eq!(
            extractive_summary(&msgs, &acts),
            extractive_summary(&msgs, &acts)
        );
    }

    proptest! {
        #[test]
        fn never_panics_and_bounded(
            msgs in proptest::collection::vec("\\PC{0,300}", 0..6),
            acts in proptest::collection::vec("\\PC{0,80}", 0..6),
        ) {
            let refs: Vec<&str> = msgs.iter().map(String::as_str).collect();
            let s = extractive_summary(&refs, &acts);
            prop_assert!(s.chars().count() <= MAX_SUMMARY_CHARS);
            prop_assert!(!s.is_empty());
            prop_assert!(extract_references(&refs).len() <= MAX_REFERENCES);
        }

        #[test]
        fn truncate_bounded(s in "\\PC{0,200}", max in 0usize..120) {
            let t = truncate_at_word(&s, max);
            prop_assert!(t.chars().count() <= max);
        }
    }
}
