//! The one configuration reader: a small reader over `serde_json::Value` that tracks the JSON
//! path and collects every problem, and the field tables it walks.
//!
//! Configuration is parsed with this rather than `#[derive(Deserialize)]` so that a user sees *all*
//! mistakes at once, each with its path (`handoff.routing.method`) and the offending value, instead of
//! only the first one serde meets.
//!
//! Each section describes its fields once, as a [`Section`] of [`Field`]s (key, [`Kind`] with its
//! range, [`enum@Default`], what `null` means, doc). The reader takes its known keys, type and range
//! checks and defaults from that table, and the `schema` feature writes the JSON Schema and the
//! README reference from the same table (`config::schema`). Docs are kept only with that
//! feature ([`Doc`]), so the engine's own builds do not carry them.

use serde_json::{Map, Value};

use crate::wire::error::{ConfigError, ErrorKind};

mod table;
// Without the feature `integrations` (the widget build) nothing reads the helpdesks' kinds.
#[cfg_attr(not(feature = "integrations"), allow(dead_code))]
mod vendor;
pub(crate) use table::{fields, Codes, Default, Doc, Field, Kind, Known, Null, Section, Shape};

/// Collects errors while a configuration is read.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    pub(crate) list: Vec<ConfigError>,
}

impl Errors {
    /// A problem of `kind` at `path`, with no particular value.
    pub(crate) fn at(&mut self, kind: ErrorKind, path: &str, message: impl Into<String>) {
        self.list.push(ConfigError::new(kind, path, message));
    }

    /// How many errors so far.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// A problem of `kind` at `path`, caused by `value`.
    pub(crate) fn value(
        &mut self,
        kind: ErrorKind,
        path: &str,
        message: impl Into<String>,
        value: &Value,
    ) {
        self.list
            .push(ConfigError::with_value(kind, path, message, value));
    }
}

/// `parent.key` (or `key` at the top).
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[index]`.
pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// The JSON type of a value, as named in error messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The kind of a value refused where a number in a range belongs: out of range when it is a
/// number, of the wrong type otherwise.
pub(crate) fn number_kind(value: &Value) -> ErrorKind {
    if value.is_number() {
        ErrorKind::OutOfRange
    } else {
        ErrorKind::WrongType
    }
}

/// An object being read: remembers which keys were used so unknown keys can be reported.
pub(crate) struct Obj<'a> {
    pub(crate) map: &'a Map<String, Value>,
    pub(crate) path: String,
}

impl<'a> Obj<'a> {
    /// Reads `value` at `path` as an object whose keys must be among `known`.
    /// Reports a type error and returns `None` when it is not an object.
    pub(crate) fn new(
        value: &'a Value,
        path: &str,
        known: impl Into<Known>,
        errors: &mut Errors,
    ) -> Option<Obj<'a>> {
        Obj::read(value, path, known.into(), true, errors)
    }

    /// [`Obj::new`] for objects that hold credentials: an unknown field is reported without its
    /// value (a misspelt `api_tokn` may hold a secret).
    pub(crate) fn new_guarded(
        value: &'a Value,
        path: &str,
        known: impl Into<Known>,
        errors: &mut Errors,
    ) -> Option<Obj<'a>> {
        Obj::read(value, path, known.into(), false, errors)
    }

    fn read(
        value: &'a Value,
        path: &str,
        known: Known,
        show_values: bool,
        errors: &mut Errors,
    ) -> Option<Obj<'a>> {
        match value {
            Value::Object(map) => {
                unknown_keys(map, path, known, show_values, errors);
                Some(Obj {
                    map,
                    path: path.to_string(),
                })
            }
            other => {
                errors.value(
                    ErrorKind::WrongType,
                    path,
                    format!("expected an object, found {}", type_name(other)),
                    other,
                );
                None
            }
        }
    }

    /// The path of `key` inside this object.
    pub(crate) fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The raw value of `key`, treating `null` as absent.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// A boolean, or `default` when absent; a type error otherwise.
    pub(crate) fn bool(&self, key: &str, default: bool, errors: &mut Errors) -> bool {
        match self.get(key) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                errors.value(
                    ErrorKind::WrongType,
                    &self.path_of(key),
                    format!("expected true or false, found {}", type_name(other)),
                    other,
                );
                default
            }
        }
    }

    /// A number within `[min, max]`, if present.
    pub(crate) fn number(&self, key: &str, min: f64, max: f64, errors: &mut Errors) -> Option<f64> {
        let value = self.get(key)?;
        match value.as_f64() {
            Some(n) if n.is_finite() && (min..=max).contains(&n) => Some(n),
            Some(_) => {
                errors.value(
                    ErrorKind::OutOfRange,
                    &self.path_of(key),
                    format!("expected a number from {min} to {max}"),
                    value,
                );
                None
            }
            None => {
                errors.value(
                    ErrorKind::WrongType,
                    &self.path_of(key),
                    format!(
                        "expected a number from {min} to {max}, found {}",
                        type_name(value)
                    ),
                    value,
                );
                None
            }
        }
    }

    /// A whole number within `[min, max]`, if present.
    pub(crate) fn uint(&self, key: &str, min: u64, max: u64, errors: &mut Errors) -> Option<u64> {
        let value = self.get(key)?;
        match value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                errors.value(
                    number_kind(value),
                    &self.path_of(key),
                    format!("expected a whole number from {min} to {max}"),
                    value,
                );
                None
            }
        }
    }

    /// A string, if present.
    pub(crate) fn string(&self, key: &str, errors: &mut Errors) -> Option<&'a str> {
        let value = self.get(key)?;
        match value {
            Value::String(s) => Some(s.as_str()),
            other => {
                errors.value(
                    ErrorKind::WrongType,
                    &self.path_of(key),
                    format!("expected a string, found {}", type_name(other)),
                    other,
                );
                None
            }
        }
    }

    /// A non-empty string, if present.
    pub(crate) fn nonempty_string(&self, key: &str, errors: &mut Errors) -> Option<&'a str> {
        let s = self.string(key, errors)?;
        if s.trim().is_empty() {
            errors.value(
                ErrorKind::Invalid,
                &self.path_of(key),
                "expected a non-empty string",
                &Value::String(s.into()),
            );
            return None;
        }
        Some(s)
    }

    /// One of `variants`, if present.
    pub(crate) fn variant(
        &self,
        key: &str,
        variants: &'static [&'static str],
        errors: &mut Errors,
    ) -> Option<&'a str> {
        let value = self.get(key)?;
        match value {
            Value::String(s) if variants.contains(&s.as_str()) => Some(s.as_str()),
            Value::String(s) => {
                let hint = suggest(s, variants)
                    .map(|v| format!(" (did you mean \"{v}\"?)"))
                    .unwrap_or_default();
                errors.value(
                    ErrorKind::UnknownVariant,
                    &self.path_of(key),
                    format!(
                        "unknown variant \"{s}\"{hint}, expected one of: {}",
                        variants.join(", ")
                    ),
                    value,
                );
                None
            }
            other => {
                errors.value(
                    ErrorKind::WrongType,
                    &self.path_of(key),
                    format!(
                        "expected one of {}, found {}",
                        variants.join(", "),
                        type_name(other)
                    ),
                    other,
                );
                None
            }
        }
    }

    /// A list of non-empty strings, if present.
    pub(crate) fn strings(&self, key: &str, errors: &mut Errors) -> Option<Vec<String>> {
        let value = self.get(key)?;
        strings_at(value, &self.path_of(key), errors)
    }
}

impl<'a> Obj<'a> {
    /// Whether `field` is given as an explicit `null`.
    pub(crate) fn is_null(&self, field: &Field) -> bool {
        matches!(self.map.get(field.key), Some(Value::Null))
    }

    /// A [`Kind::Bool`] field, or its default.
    pub(crate) fn flag(&self, field: &Field, errors: &mut Errors) -> bool {
        self.bool(field.key, field.default_bool(), errors)
    }

    /// A [`Kind::Whole`] field within its range, if present.
    pub(crate) fn whole(&self, field: &Field, errors: &mut Errors) -> Option<u64> {
        match field.kind {
            Kind::Whole { min, max } => self.uint(field.key, min, max, errors),
            _ => panic!("{} is not a whole number", field.key),
        }
    }

    /// A [`Kind::Number`] field within its range, if present.
    pub(crate) fn real(&self, field: &Field, errors: &mut Errors) -> Option<f64> {
        match field.kind {
            Kind::Number { min, max } => self.number(field.key, min, max, errors),
            _ => panic!("{} is not a number", field.key),
        }
    }

    /// A [`Kind::OneOf`] field, if present and known.
    pub(crate) fn one_of(&self, field: &Field, errors: &mut Errors) -> Option<&'a str> {
        match field.kind {
            Kind::OneOf(variants) => self.variant(field.key, variants, errors),
            _ => panic!("{} is not a choice", field.key),
        }
    }

    /// A [`Kind::Text`] or [`Kind::Template`] field (not blank), if present.
    pub(crate) fn text(&self, field: &Field, errors: &mut Errors) -> Option<&'a str> {
        self.nonempty_string(field.key, errors)
    }

    /// A [`Kind::Texts`] field, if present.
    pub(crate) fn texts(&self, field: &Field, errors: &mut Errors) -> Option<Vec<String>> {
        self.strings(field.key, errors)
    }
}

/// Reports every key of `map` (an object at `path`) that is not among `known`, with a "did you
/// mean" hint, and with its value when `show_values`.
pub(crate) fn unknown_keys(
    map: &Map<String, Value>,
    path: &str,
    known: Known,
    show_values: bool,
    errors: &mut Errors,
) {
    for (key, value) in map {
        if known.contains(key) {
            continue;
        }
        let keys = known.keys();
        let hint = suggest(key, &keys)
            .map(|s| format!(" (did you mean \"{s}\"?)"))
            .unwrap_or_default();
        let message = format!(
            "unknown field \"{key}\"{hint}, expected one of: {}",
            keys.join(", ")
        );
        if show_values {
            errors.value(ErrorKind::UnknownField, &join(path, key), message, value);
        } else {
            errors.at(ErrorKind::UnknownField, &join(path, key), message);
        }
    }
}

/// Reads `value` at `path` as a list of non-empty strings.
pub(crate) fn strings_at(value: &Value, path: &str, errors: &mut Errors) -> Option<Vec<String>> {
    let Value::Array(items) = value else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!("expected an array of strings, found {}", type_name(value)),
            value,
        );
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(s) if !s.trim().is_empty() => out.push(s.clone()),
            other => {
                ok = false;
                let kind = if other.is_string() {
                    ErrorKind::Invalid
                } else {
                    ErrorKind::WrongType
                };
                errors.value(kind, &index(path, i), "expected a non-empty string", other);
            }
        }
    }
    ok.then_some(out)
}

/// The closest of `candidates` to `word`, for "did you mean" hints.
pub(crate) fn suggest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    suggest_among(word, candidates.iter().copied())
}

/// [`suggest`] over any list of names (the time zones, say).
pub(crate) fn suggest_among<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    crate::text::suggest(word, candidates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_keys_are_reported_with_a_hint() {
        let v = json!({"methd": "x"});
        let mut errors = Errors::default();
        Obj::new(&v, "handoff.routing", &["method", "fallback"], &mut errors);
        assert_eq!(errors.list.len(), 1);
        assert_eq!(errors.list[0].path, "handoff.routing.methd");
        assert!(errors.list[0].message.contains("did you mean \"method\""));
    }

    #[test]
    fn variants_suggest_the_closest() {
        let v = json!({"method": "round_robbin"});
        let mut errors = Errors::default();
        let obj = Obj::new(&v, "handoff.routing", &["method"], &mut errors).unwrap();
        assert_eq!(
            obj.variant("method", &["round_robin", "load_based"], &mut errors),
            None
        );
        assert_eq!(
            errors.list[0].to_string(),
            "handoff.routing.method: unknown variant \"round_robbin\" (did you mean \"round_robin\"?), \
             expected one of: round_robin, load_based (got \"round_robbin\")"
        );
    }
}
