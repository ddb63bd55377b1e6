//! Reading the kinds the helpdesk integrations describe their keys with: credential references,
//! basic-auth user names, vendor ids and codes, and the priority and agent maps.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{join, type_name, Codes, Errors, Field, Kind, Obj};
use crate::wire::error::ErrorKind;
use crate::wire::limits::is_safe_id;
use crate::wire::state::Priority;

impl<'a> Obj<'a> {
    /// A [`Kind::Reference`] field, if present. The value is never echoed in an error: someone
    /// may have pasted the secret itself.
    pub(crate) fn reference(&self, field: &Field, errors: &mut Errors) -> Option<String> {
        debug_assert!(matches!(field.kind, Kind::Reference), "{}", field.key);
        match self.get(field.key)? {
            Value::String(s) if is_reference(s) => Some(s.clone()),
            _ => {
                errors.at(
                    ErrorKind::Invalid,
                    &self.path_of(field.key),
                    "expected the name of an environment variable or worker secret (letters, \
                     digits, '_', '.', '-'), not the secret itself",
                );
                None
            }
        }
    }

    /// A [`Kind::UserName`] field, if present: a user name holding `:` is reported, and still
    /// returned so that the fields read after it are checked as usual.
    pub(crate) fn user_name(&self, field: &Field, errors: &mut Errors) -> Option<&'a str> {
        debug_assert!(matches!(field.kind, Kind::UserName), "{}", field.key);
        let name = self.nonempty_string(field.key, errors)?;
        if name.contains(':') {
            // RFC 7617 §2: "a user-id containing a colon character is invalid" (the receiver
            // would split it at the colon). The same rule refuses one resolved from a reference
            // at send time (`Auth::header`).
            errors.value(
                ErrorKind::Invalid,
                &self.path_of(field.key),
                "a basic-auth user name cannot hold \":\" (RFC 7617 §2)",
                &Value::String(name.into()),
            );
        }
        Some(name)
    }

    /// A [`Kind::Id`] field, if present.
    pub(crate) fn id(&self, field: &Field, errors: &mut Errors) -> Option<String> {
        debug_assert!(matches!(field.kind, Kind::Id), "{}", field.key);
        let value = self.get(field.key)?;
        id(value, &self.path_of(field.key), errors)
    }

    /// A [`Kind::Code`] field, if present and one of the codes.
    pub(crate) fn code(&self, field: &Field, errors: &mut Errors) -> Option<u64> {
        let Kind::Code(codes) = field.kind else {
            panic!("{} is not a code", field.key)
        };
        let value = self.get(field.key)?;
        codes.read(value, &self.path_of(field.key), errors)
    }

    /// A [`Kind::Priorities`] field: every priority mapped, those left out (or refused) to their
    /// [`Default::InOrder`](super::Default::InOrder).
    pub(crate) fn priorities<T: MapValue>(
        &self,
        field: &Field,
        errors: &mut Errors,
    ) -> BTreeMap<Priority, T> {
        let Kind::Priorities(values) = field.kind else {
            panic!("{} is not a priority map", field.key)
        };
        let mut out: BTreeMap<Priority, T> = Priority::NAMES
            .iter()
            .enumerate()
            .filter_map(|(i, name)| Some((Priority::from_name(name)?, T::in_order(values, i))))
            .collect();
        let Some(value) = self.get(field.key) else {
            return out;
        };
        let path = self.path_of(field.key);
        let Value::Object(map) = value else {
            errors.value(
                ErrorKind::WrongType,
                &path,
                format!(
                    "expected an object of our priority -> the vendor's, found {}",
                    type_name(value)
                ),
                value,
            );
            return out;
        };
        for (ours, theirs) in map {
            let at = join(&path, ours);
            match Priority::from_name(ours) {
                Some(priority) => {
                    if let Some(v) = T::read(values, "", theirs, &at, errors) {
                        out.insert(priority, v);
                    }
                }
                None => errors.value(
                    ErrorKind::UnknownVariant,
                    &at,
                    format!(
                        "unknown priority, expected one of: {}",
                        Priority::NAMES.join(", ")
                    ),
                    &Value::String(ours.clone()),
                ),
            }
        }
        out
    }

    /// A [`Kind::Agents`] field (empty when absent).
    pub(crate) fn agents<T: MapValue>(
        &self,
        field: &Field,
        errors: &mut Errors,
    ) -> BTreeMap<String, T> {
        let Kind::Agents { ids, what } = field.kind else {
            panic!("{} is not an agent map", field.key)
        };
        let mut out = BTreeMap::new();
        let Some(value) = self.get(field.key) else {
            return out;
        };
        let path = self.path_of(field.key);
        let Value::Object(map) = value else {
            errors.value(
                ErrorKind::WrongType,
                &path,
                format!(
                    "expected an object of our agent id -> the vendor's agent id, found {}",
                    type_name(value)
                ),
                value,
            );
            return out;
        };
        for (agent, id) in map {
            if let Some(v) = T::read(ids, what, id, &join(&path, agent), errors) {
                out.insert(agent.clone(), v);
            }
        }
        out
    }
}

impl Codes {
    /// `value` at `path` if it is one of the codes; reported otherwise.
    pub(crate) fn read(&self, value: &Value, path: &str, errors: &mut Errors) -> Option<u64> {
        if let Some(n) = value.as_u64() {
            if self.codes.iter().any(|(code, _)| *code == n) {
                return Some(n);
            }
        }
        let first = self.codes.first().map_or(0, |c| c.0);
        let last = self.codes.last().map_or(0, |c| c.0);
        if self.contiguous() {
            errors.value(
                ErrorKind::OutOfRange,
                path,
                format!("expected a {} code from {first} to {last}", self.what),
                value,
            );
        } else {
            let named: Vec<String> = self
                .codes
                .iter()
                .map(|(code, name)| format!("{code} {name}"))
                .collect();
            errors.value(
                ErrorKind::Invalid,
                path,
                format!("expected a {} code: {}", self.what, named.join(", ")),
                value,
            );
        }
        None
    }
}

/// A value of a map the tables describe ([`Kind::Priorities`], [`Kind::Agents`]): the vendor's
/// words and string ids (`String`), or its numbers (`u64`).
pub(crate) trait MapValue: Sized {
    /// `value` at `path` read as `kind` (`what` names the vendor's ids); reported when it is not one.
    fn read(
        kind: &Kind,
        what: &str,
        value: &Value,
        path: &str,
        errors: &mut Errors,
    ) -> Option<Self>;

    /// The value at position `i` of `kind` ([`Default::InOrder`](super::Default::InOrder)).
    fn in_order(kind: &Kind, i: usize) -> Self;
}

impl MapValue for String {
    fn read(
        kind: &Kind,
        _what: &str,
        value: &Value,
        path: &str,
        errors: &mut Errors,
    ) -> Option<String> {
        match (kind, value) {
            (Kind::OneOf(words), Value::String(s)) if words.contains(&s.as_str()) => {
                Some(s.clone())
            }
            (Kind::OneOf(words), other) => {
                errors.value(
                    ErrorKind::UnknownVariant,
                    path,
                    format!("expected one of: {}", words.join(", ")),
                    other,
                );
                None
            }
            (Kind::Id, value) => id(value, path, errors),
            _ => panic!("{path}: not a map of words or ids"),
        }
    }

    fn in_order(kind: &Kind, i: usize) -> String {
        match kind {
            Kind::OneOf(words) => words[i].to_string(),
            _ => panic!("no words in order"),
        }
    }
}

impl MapValue for u64 {
    fn read(
        kind: &Kind,
        what: &str,
        value: &Value,
        path: &str,
        errors: &mut Errors,
    ) -> Option<u64> {
        match kind {
            Kind::Code(codes) => codes.read(value, path, errors),
            Kind::Whole { min, max } => match value.as_u64() {
                Some(n) if (*min..=*max).contains(&n) => Some(n),
                _ => {
                    errors.value(
                        ErrorKind::WrongType,
                        path,
                        format!("expected a {what} (a whole number)"),
                        value,
                    );
                    None
                }
            },
            _ => panic!("{path}: not a map of numbers"),
        }
    }

    fn in_order(kind: &Kind, i: usize) -> u64 {
        match kind {
            Kind::Code(codes) => codes.codes[i].0,
            _ => panic!("no codes in order"),
        }
    }
}

/// The name of an environment variable or worker secret ([`Kind::Reference`]).
fn is_reference(s: &str) -> bool {
    s.len() <= 128
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// A [`Kind::Id`] at `path`: a plain string id, or a whole number kept as its digits.
fn id(value: &Value, path: &str, errors: &mut Errors) -> Option<String> {
    match value {
        Value::String(s) if is_safe_id(s) => Some(s.clone()),
        Value::Number(n) if n.is_u64() => Some(n.to_string()),
        other => {
            errors.value(
                ErrorKind::Invalid,
                path,
                "expected an id (letters, digits, '_', '-', '.')",
                other,
            );
            None
        }
    }
}
