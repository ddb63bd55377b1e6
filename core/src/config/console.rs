//! `handoff.console`: what the agents' consoles offer that the engine does not decide: the
//! canned responses an agent may pick in the composer. The engine reads and checks it (every
//! mistake with its path, like the rest of the configuration) and otherwise ignores it; hosts
//! hand it to their consoles (`handoff serve`: `GET /v1/settings`).

use serde_json::Value;

use crate::config::read::{index, type_name, Default, Errors, Field, Kind, Obj, Section};
use crate::wire::error::ErrorKind;

/// One canned response: a short title to pick it by and the text it puts in the composer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedResponse {
    /// What the agent picks it by (at most 80 bytes, unique).
    pub title: String,
    /// The text put in the composer (at most 4,000 bytes), which the agent may edit before sending.
    pub text: String,
}

/// `handoff.console`.
#[derive(Debug, Clone, PartialEq, Eq, std::default::Default)]
pub struct Console {
    /// The canned responses, in the configuration's order.
    pub canned_responses: Vec<CannedResponse>,
}

/// The longest title (bytes).
pub const MAX_TITLE_BYTES: usize = 80;
/// The longest text (bytes).
pub const MAX_TEXT_BYTES: usize = 4000;
/// Most canned responses.
pub const MAX_CANNED_RESPONSES: usize = 200;

const TITLE: Field = Field::new(
    "title",
    Kind::Text,
    Default::Absent(doc!("required")),
    doc!("what the agent picks it by (at most 80 bytes; unique)"),
)
.required();
const TEXT: Field = Field::new(
    "text",
    Kind::Text,
    Default::Absent(doc!("required")),
    doc!("the text put in the composer, which the agent may edit before sending (at most 4000 bytes)"),
)
.required();

/// One entry of `handoff.console.canned_responses`, described once.
pub(crate) static CANNED_RESPONSE: Section = Section {
    name: "CannedResponse",
    path: "handoff.console.canned_responses[]",
    fields: &[TITLE, TEXT],
    doc: doc!("A reply an agent may pick in the console's composer."),
    notes: doc!(""),
};

const CANNED_RESPONSES: Field = Field::new(
    "canned_responses",
    Kind::List(&CANNED_RESPONSE),
    Default::Absent(doc!("`[]`")),
    doc!("replies agents may pick in the console's composer (at most 200)"),
);

/// `handoff.console`, described once.
pub(crate) static CONSOLE: Section = Section {
    name: "ConsoleConfig",
    path: "handoff.console",
    fields: &[CANNED_RESPONSES],
    doc: doc!(
        "What the agents' consoles offer: canned responses. The engine checks it and otherwise \
         ignores it; `handoff serve` gives it to its console (`GET /v1/settings`)."
    ),
    notes: doc!(""),
};

/// Reads `handoff.console` (absent: nothing).
pub(super) fn parse_console(value: Option<&Value>, path: &str, errors: &mut Errors) -> Console {
    let mut console = Console::default();
    let Some(value) = value else {
        return console;
    };
    let Some(obj) = Obj::new(value, path, &CONSOLE, errors) else {
        return console;
    };
    let Some(list) = obj.get(CANNED_RESPONSES.key) else {
        return console;
    };
    let list_path = obj.path_of(CANNED_RESPONSES.key);
    let Value::Array(items) = list else {
        errors.value(
            ErrorKind::WrongType,
            &list_path,
            format!(
                "expected an array of {{\"title\", \"text\"}} objects, found {}",
                type_name(list)
            ),
            list,
        );
        return console;
    };
    if items.len() > MAX_CANNED_RESPONSES {
        errors.at(
            ErrorKind::TooLarge,
            &list_path,
            format!("at most {MAX_CANNED_RESPONSES} canned responses"),
        );
        return console;
    }
    for (i, item) in items.iter().enumerate() {
        let item_path = index(&list_path, i);
        let Some(entry) = Obj::new(item, &item_path, &CANNED_RESPONSE, errors) else {
            continue;
        };
        let mut field = |f: &Field, max: usize| -> Option<String> {
            let Some(raw) = entry.get(f.key) else {
                errors.at(
                    ErrorKind::Missing,
                    &entry.path_of(f.key),
                    format!("missing field \"{}\"", f.key),
                );
                return None;
            };
            let text = entry.text(f, errors)?;
            if text.len() > max {
                errors.value(
                    ErrorKind::TooLarge,
                    &entry.path_of(f.key),
                    format!("at most {max} bytes"),
                    raw,
                );
                return None;
            }
            Some(text.to_string())
        };
        let title = field(&TITLE, MAX_TITLE_BYTES);
        let text = field(&TEXT, MAX_TEXT_BYTES);
        let (Some(title), Some(text)) = (title, text) else {
            continue;
        };
        if console.canned_responses.iter().any(|c| c.title == title) {
            errors.value(
                ErrorKind::Duplicate,
                &entry.path_of(TITLE.key),
                "this title is used by another canned response",
                &Value::String(title),
            );
            continue;
        }
        console
            .canned_responses
            .push(CannedResponse { title, text });
    }
    console
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::wire::error::ErrorKind;

    #[test]
    fn canned_responses_are_read_in_order() {
        let config = Config::from_json_str(
            r#"{"handoff": {"console": {"canned_responses": [
                {"title": "Greeting", "text": "Hi, I'm here to help."},
                {"title": "Refund policy", "text": "Refunds take 5 to 7 working days."}]}}}"#,
        )
        .unwrap();
        let titles: Vec<&str> = config
            .console
            .canned_responses
            .iter()
            .map(|c| c.title.as_str())
            .collect();
        assert_eq!(titles, ["Greeting", "Refund policy"]);
        let none = Config::from_json_str(r#"{"handoff": {}}"#).unwrap();
        assert!(none.console.canned_responses.is_empty());
    }

    #[test]
    fn mistakes_name_their_paths() {
        let errors = Config::from_json_str(
            r#"{"handoff": {"console": {"canned_responses": [
                {"title": "Hi", "text": "Hello"},
                {"title": "Hi", "text": "Hello again"},
                {"title": "No text"},
                {"title": "", "text": "x", "colour": "red"},
                "just text"], "macros": []}}}"#,
        )
        .unwrap_err();
        let found: Vec<(&str, ErrorKind)> =
            errors.0.iter().map(|e| (e.path.as_str(), e.kind)).collect();
        for expected in [
            ("handoff.console.macros", ErrorKind::UnknownField),
            (
                "handoff.console.canned_responses[1].title",
                ErrorKind::Duplicate,
            ),
            (
                "handoff.console.canned_responses[2].text",
                ErrorKind::Missing,
            ),
            (
                "handoff.console.canned_responses[3].colour",
                ErrorKind::UnknownField,
            ),
            ("handoff.console.canned_responses[4]", ErrorKind::WrongType),
        ] {
            assert!(found.contains(&expected), "{expected:?} in {found:?}");
        }
        assert!(
            found
                .iter()
                .any(|(p, _)| *p == "handoff.console.canned_responses[3].title"),
            "{found:?}"
        );
        let errors = Config::from_json_str(r#"{"handoff": {"console": {"canned_responses": {}}}}"#)
            .unwrap_err();
        assert_eq!(errors.0[0].path, "handoff.console.canned_responses");
        assert_eq!(errors.0[0].kind, ErrorKind::WrongType);
    }
}
