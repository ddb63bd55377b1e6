//! JSON Schema to TypeScript declarations, for the subset `schemars` writes.
//!
//! Why our own and not a crate: `ts-rs` derives TypeScript from the Rust types, a second
//! description beside the schema that would have to agree with it (and with serde's attributes)
//! by itself, and it cannot read a schema that is not a Rust type (the configuration's, written
//! from its own field table). Converting the schema instead makes the JSON Schema the one source:
//! the TypeScript says exactly what the schema says, for every document fed to it.
//!
//! What it reads:
//! - `$defs` and `#/$defs/…` references: each definition becomes a named declaration;
//! - objects: `properties` (optional unless `required`), `additionalProperties` as a
//!   `Record<string, T>`; an object with properties becomes an `interface`, `extends` its `$ref`;
//! - `type` (one or a list: `["string", "null"]` is `string | null`), `const`, `enum` (`null`
//!   among its values too), arrays (`items`, `prefixItems` as tuples);
//! - boolean schemas: `true` is `unknown`; a `false` property is one that may not be written
//!   (`secret?: never`, the configuration's refused inline secret);
//! - `oneOf` / `anyOf` as unions (`anyOf` of a `$ref` and `{"type": "null"}` is `T | null`),
//!   `allOf` as intersections. A union whose branches are objects
//!   told apart by one constant property (serde's `tag`) is a *tagged union*: each branch becomes
//!   its own interface, named by the branch's `title`, or else by its tag value and the union's
//!   name (`customer_message` in `Input`: `CustomerMessageInput`). An object with properties and
//!   a union (serde's `flatten` of a tagged enum) is the union, named after the object and the
//!   tag (`ConversationStatus`), intersected with the properties;
//! - `description` as `/** … */` (with `@default` from `default`, `@deprecated` from
//!   `deprecated`).
//!
//! Anything else (formats, bounds, patterns) is a check the schema makes and TypeScript cannot.
//!
//! # Example
//! ```ignore
//! let schema = serde_json::json!({
//!     "type": "object",
//!     "properties": {"id": {"description": "The id.", "type": "string"}},
//!     "required": ["id"],
//! });
//! assert!(typescript(&schema, "Thing").contains("export interface Thing {"));
//! ```

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// TypeScript declarations of one schema document: its root as `root_name`, each of its `$defs`
/// under its own name. (For a document on its own; `wire.d.ts` holds every document through
/// [`Declarations`].)
#[allow(dead_code)] // called by the tests only
pub fn typescript(schema: &Value, root_name: &str) -> String {
    let mut declarations = Declarations::new();
    declarations.add(schema, root_name);
    declarations.finish()
}

/// Declarations of several schema documents in one file. A definition that two documents share
/// (the same name and the same declaration) is declared once; one whose name is taken by a
/// different declaration is renamed with its document's root name in front (`OutputCustomer`).
#[derive(Debug, Default)]
pub struct Declarations {
    /// Every declaration, in order: its name and its text.
    declared: Vec<(String, String)>,
}

impl Declarations {
    /// No declarations yet.
    pub fn new() -> Declarations {
        Declarations::default()
    }

    /// Adds the declarations of `schema`: its root named `root_name`, then its `$defs`.
    pub fn add(&mut self, schema: &Value, root_name: &str) {
        let defs: Vec<(String, Value)> = schema
            .get("$defs")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let mut names: BTreeMap<String, String> = defs
            .iter()
            .map(|(key, _)| (key.clone(), identifier(key)))
            .collect();
        // Rename definitions whose names are taken by something else, until nothing changes (a
        // rename changes the text of the definitions that refer to it).
        let mut rendered;
        let mut rounds = 0;
        loop {
            rounds += 1;
            rendered = Vec::new();
            let mut renamed = false;
            for (key, def) in &defs {
                let name = names[key].clone();
                let parts = Renderer { names: &names }.declare(&name, def);
                if parts.iter().any(|part| self.conflicts(part)) && rounds < 8 {
                    // Another document's variant of the same definition, or a new name.
                    let base = identifier(key);
                    let fitting = self
                        .declared
                        .iter()
                        .map(|(declared, _)| declared)
                        .filter(|declared| declared.ends_with(&base) && **declared != name)
                        .find(|declared| {
                            let parts = Renderer { names: &names }.declare(declared, def);
                            !parts.iter().any(|part| self.conflicts(part))
                        })
                        .cloned();
                    names.insert(
                        key.clone(),
                        fitting.unwrap_or_else(|| format!("{root_name}{base}")),
                    );
                    renamed = true;
                }
                rendered.push(parts);
            }
            if !renamed {
                break;
            }
        }
        let root = Renderer { names: &names }.declare(root_name, schema);
        for part in root.into_iter().chain(rendered.into_iter().flatten()) {
            if !self.declared.contains(&part) {
                self.declared.push(part);
            }
        }
    }

    /// Whether `part` names something already declared differently.
    fn conflicts(&self, part: &(String, String)) -> bool {
        self.declared
            .iter()
            .any(|(name, text)| *name == part.0 && *text != part.1)
    }

    /// The declarations, each followed by a blank line.
    pub fn finish(self) -> String {
        let mut out = String::new();
        for (_, text) in self.declared {
            out.push_str(&text);
            out.push('\n');
        }
        out
    }
}

/// Renders schemas with the names chosen for a document's definitions.
struct Renderer<'a> {
    /// `$defs` key -> TypeScript name.
    names: &'a BTreeMap<String, String>,
}

impl Renderer<'_> {
    /// The declarations for `schema` named `name`: its own, and those of its tagged branches.
    fn declare(&self, name: &str, schema: &Value) -> Vec<(String, String)> {
        let doc = doc_comment(schema, "");
        let Some(map) = schema.as_object() else {
            return vec![(
                name.to_string(),
                format!("{doc}export type {name} = {};\n", self.expr(schema, 0)),
            )];
        };
        let has_properties = map.contains_key("properties");
        let union = map.get("oneOf").or_else(|| map.get("anyOf"));
        if let Some(Value::Array(branches)) = union {
            if let Some(tag) = tag_of(branches) {
                if !has_properties {
                    // A tagged union: an interface per branch.
                    let mut parts = Vec::new();
                    let mut members = Vec::new();
                    for branch in branches {
                        if let Some(reference) = only_ref(branch) {
                            members.push(self.reference(reference));
                            continue;
                        }
                        let branch_name = branch_name(branch, &tag, name);
                        parts.extend(self.declare(&branch_name, branch));
                        members.push(branch_name);
                    }
                    let text = format!(
                        "{doc}export type {name} =\n{};\n",
                        members
                            .iter()
                            .map(|m| format!("  | {m}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    );
                    let mut all = vec![(name.to_string(), text)];
                    all.extend(parts);
                    return all;
                }
                // serde's `flatten` of a tagged enum: the union on its own, and the properties.
                let union_name = format!("{name}{}", pascal(&tag));
                let members: Vec<String> = branches.iter().map(|b| self.expr(b, 1)).collect();
                let union_text = format!(
                    "export type {union_name} =\n{};\n",
                    members
                        .iter()
                        .map(|m| format!("  | {m}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                );
                let mut rest = map.clone();
                rest.remove("oneOf");
                rest.remove("anyOf");
                rest.remove("description");
                let text = format!(
                    "{doc}export type {name} = {union_name} & {};\n",
                    self.object(&rest, 0)
                );
                return vec![(name.to_string(), text), (union_name, union_text)];
            }
        }
        let plain_object = has_properties
            && !map.contains_key("oneOf")
            && !map.contains_key("anyOf")
            && !map.contains_key("allOf")
            && !has_index(map);
        if plain_object {
            let extends = map
                .get("$ref")
                .and_then(Value::as_str)
                .map(|r| format!(" extends {}", self.reference(r)))
                .unwrap_or_default();
            let mut body = self.object(map, 0);
            if body == "{}" {
                body = "{\n}".to_string();
            }
            return vec![(
                name.to_string(),
                format!("{doc}export interface {name}{extends} {body}\n"),
            )];
        }
        vec![(
            name.to_string(),
            format!("{doc}export type {name} = {};\n", self.expr(schema, 0)),
        )]
    }

    /// The TypeScript name a `$ref` points to.
    fn reference(&self, reference: &str) -> String {
        let key = reference.strip_prefix("#/$defs/").unwrap_or(reference);
        let key = key.replace("~1", "/").replace("~0", "~");
        self.names
            .get(&key)
            .cloned()
            .unwrap_or_else(|| identifier(&key))
    }

    /// A type expression for `schema`, at nesting depth `depth` (for indentation).
    fn expr(&self, schema: &Value, depth: usize) -> String {
        let map = match schema {
            Value::Bool(true) => return "unknown".into(),
            Value::Bool(false) => return "never".into(),
            Value::Object(map) => map,
            _ => return "unknown".into(),
        };
        let mut parts: Vec<String> = Vec::new();
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            parts.push(self.reference(reference));
        }
        if let Some(Value::Array(all)) = map.get("allOf") {
            parts.extend(all.iter().map(|s| wrap(self.expr(s, depth))));
        }
        if let Some(Value::Array(any)) = map.get("oneOf").or_else(|| map.get("anyOf")) {
            let members: Vec<String> = any.iter().map(|s| self.expr(s, depth)).collect();
            parts.push(wrap(union(members)));
        }
        if let Some(value) = map.get("const") {
            parts.push(literal(value));
        } else if let Some(Value::Array(values)) = map.get("enum") {
            parts.push(wrap(union(values.iter().map(literal).collect())));
        } else if let Some(types) = map.get("type") {
            let types: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let members: Vec<String> = types.iter().map(|t| self.typed(t, map, depth)).collect();
            if !members.is_empty() {
                parts.push(wrap(union(members)));
            }
        } else if map.contains_key("properties") {
            parts.push(self.object(map, depth));
        }
        // The tagged properties beside a `$ref` (serde's tag on a newtype variant).
        if map.contains_key("$ref") && map.contains_key("properties") && !map.contains_key("type") {
            parts.push(self.object(map, depth));
        }
        match parts.len() {
            0 => "unknown".into(),
            1 => unwrap(parts.remove(0)),
            _ => parts.join(" & "),
        }
    }

    /// The TypeScript of one JSON type of `map`.
    fn typed(&self, json_type: &str, map: &Map<String, Value>, depth: usize) -> String {
        match json_type {
            "string" => "string".into(),
            "integer" | "number" => "number".into(),
            "boolean" => "boolean".into(),
            "null" => "null".into(),
            "array" => {
                if let Some(Value::Array(prefix)) = map.get("prefixItems") {
                    let items: Vec<String> = prefix.iter().map(|s| self.expr(s, depth)).collect();
                    return format!("[{}]", items.join(", "));
                }
                match map.get("items") {
                    Some(items) => {
                        let item = self.expr(items, depth);
                        if item.contains(' ') && !item.starts_with('{') {
                            format!("({item})[]")
                        } else {
                            format!("{item}[]")
                        }
                    }
                    None => "unknown[]".into(),
                }
            }
            "object" => self.object(map, depth),
            _ => "unknown".into(),
        }
    }

    /// An object type: its properties, or a `Record` of its additional properties.
    fn object(&self, map: &Map<String, Value>, depth: usize) -> String {
        let properties = map.get("properties").and_then(Value::as_object);
        let additional = map.get("additionalProperties");
        let Some(properties) = properties.filter(|p| !p.is_empty()) else {
            return match additional {
                Some(Value::Bool(false)) => "Record<string, never>".into(),
                Some(schema @ Value::Object(_)) => {
                    format!("Record<string, {}>", self.expr(schema, depth))
                }
                _ => "Record<string, unknown>".into(),
            };
        };
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let indent = "  ".repeat(depth + 1);
        let mut out = String::from("{\n");
        for (key, schema) in properties {
            out.push_str(&doc_comment(schema, &indent));
            let optional = if required.contains(&key.as_str()) {
                ""
            } else {
                "?"
            };
            out.push_str(&format!(
                "{indent}{}{optional}: {};\n",
                property_name(key),
                self.expr(schema, depth + 1)
            ));
        }
        if let Some(schema @ Value::Object(_)) = additional {
            out.push_str(&format!(
                "{indent}[key: string]: {};\n",
                self.expr(schema, depth + 1)
            ));
        }
        out.push_str(&"  ".repeat(depth));
        out.push('}');
        out
    }
}

/// The property name every branch of a union holds as a constant, if there is one: the union is
/// tagged by it.
fn tag_of(branches: &[Value]) -> Option<String> {
    let mut tagged = branches.iter().filter(|b| only_ref(b).is_none()).peekable();
    tagged.peek()?;
    let first = tagged.peek()?.get("properties")?.as_object()?;
    first
        .iter()
        .filter(|(_, s)| s.get("const").is_some_and(Value::is_string))
        .map(|(k, _)| k.clone())
        .find(|key| {
            branches.iter().filter(|b| only_ref(b).is_none()).all(|b| {
                b.get("properties")
                    .and_then(|p| p.get(key))
                    .and_then(|s| s.get("const"))
                    .is_some_and(Value::is_string)
            })
        })
}

/// The `$ref` of a schema that is nothing but a reference (a description aside).
fn only_ref(schema: &Value) -> Option<&str> {
    let map = schema.as_object()?;
    let reference = map.get("$ref")?.as_str()?;
    map.keys()
        .all(|k| matches!(k.as_str(), "$ref" | "description" | "title"))
        .then_some(reference)
}

/// The name of a tagged branch: its `title`, or its tag value and the union's name.
fn branch_name(branch: &Value, tag: &str, union: &str) -> String {
    if let Some(title) = branch.get("title").and_then(Value::as_str) {
        return identifier(title);
    }
    let value = branch
        .pointer(&format!("/properties/{tag}/const"))
        .and_then(Value::as_str)
        .unwrap_or("variant");
    format!("{}{union}", pascal(value))
}

/// Whether an object schema has an index signature besides its properties.
fn has_index(map: &Map<String, Value>) -> bool {
    matches!(map.get("additionalProperties"), Some(Value::Object(_)))
}

/// `customer_message` -> `CustomerMessage`; `conversation.queued` -> `ConversationQueued`.
fn pascal(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A TypeScript identifier for a definition's name (`Nullable<X>` -> `Nullable_X_`).
fn identifier(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A property name as written in an object type: bare when it is an identifier, else quoted.
fn property_name(name: &str) -> String {
    let bare = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if bare {
        name.to_string()
    } else {
        Value::String(name.to_string()).to_string()
    }
}

/// A JSON value as a TypeScript literal type.
fn literal(value: &Value) -> String {
    match value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null => value.to_string(),
        _ => "unknown".into(),
    }
}

/// `a | b`, without repeats (`string | null` twice is once).
fn union(members: Vec<String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for member in members {
        if !seen.contains(&member) {
            seen.push(member);
        }
    }
    if seen.is_empty() {
        return "never".into();
    }
    seen.join(" | ")
}

/// Parenthesises a union so it can stand in an intersection or before `[]`.
fn wrap(expr: String) -> String {
    if expr.contains(" | ") && !expr.starts_with('{') {
        format!("({expr})")
    } else {
        expr
    }
}

/// Removes the parentheses [`wrap`] added, for a type standing alone.
fn unwrap(expr: String) -> String {
    if expr.starts_with('(') && expr.ends_with(')') && balanced(&expr[1..expr.len() - 1]) {
        expr[1..expr.len() - 1].to_string()
    } else {
        expr
    }
}

/// Whether the brackets of `text` pair up (so removing outer parentheses keeps its meaning).
fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' | '{' | '[' | '<' => depth += 1,
            ')' | '}' | ']' | '>' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// Rustdoc's intra-doc links as plain code: `` [`State`](crate::State) `` and `` [`State`] ``
/// become `` `State` `` (the paths mean nothing to a TypeScript reader).
fn plain_links(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("[`") {
        let Some(len) = rest[start + 2..].find("`]") else {
            break;
        };
        let code = &rest[start + 1..start + 2 + len + 1];
        out.push_str(&rest[..start]);
        out.push_str(code);
        rest = &rest[start + 2 + len + 2..];
        if rest.starts_with('(') {
            if let Some(close) = rest.find(')') {
                rest = &rest[close + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `/** description */` (and `@default`) for `schema`, each line indented by `indent`; empty
/// when the schema has neither.
fn doc_comment(schema: &Value, indent: &str) -> String {
    let mut lines: Vec<String> = schema
        .get("description")
        .and_then(Value::as_str)
        .map(|d| {
            d.lines()
                .map(|l| plain_links(l).replace("*/", "*\\/"))
                .collect()
        })
        .unwrap_or_default();
    if schema.get("deprecated") == Some(&Value::Bool(true)) {
        lines.push("@deprecated".into());
    }
    if let Some(default) = schema.get("default") {
        lines.push(format!(
            "@default {}",
            default.to_string().replace("*/", "*\\/")
        ));
    }
    match lines.len() {
        0 => String::new(),
        1 => format!("{indent}/** {} */\n", lines[0]),
        _ => {
            let mut out = format!("{indent}/**\n");
            for line in lines {
                if line.is_empty() {
                    out.push_str(&format!("{indent} *\n"));
                } else {
                    out.push_str(&format!("{indent} * {line}\n"));
                }
            }
            out.push_str(&format!("{indent} */\n"));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn objects_become_interfaces_with_optional_fields_and_docs() {
        let schema = json!({
            "description": "A thing.",
            "type": "object",
            "properties": {
                "id": {"description": "The id.", "type": "string"},
                "size": {"type": ["integer", "null"], "default": 3},
                "tags": {"type": "array", "items": {"type": "string"}},
                "extra": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Kind"}},
                "not-an-identifier": {"type": "boolean"},
            },
            "required": ["id"],
            "$defs": {"Kind": {"type": "string", "enum": ["a", "b"]}},
        });
        let ts = typescript(&schema, "Thing");
        assert_eq!(
            ts,
            "/** A thing. */\nexport interface Thing {\n  /** The id. */\n  id: string;\n  \
             /** @default 3 */\n  size?: number | null;\n  tags?: string[];\n  \
             extra?: Record<string, Kind>;\n  \"not-an-identifier\"?: boolean;\n}\n\n\
             export type Kind = \"a\" | \"b\";\n\n"
        );
    }

    #[test]
    fn tagged_unions_name_their_branches() {
        let schema = json!({
            "oneOf": [
                {"type": "object", "properties": {"type": {"const": "tick"}}, "required": ["type"]},
                {
                    "title": "Said",
                    "type": "object",
                    "properties": {"type": {"const": "say"}, "text": {"type": "string"}},
                    "required": ["type", "text"],
                },
                {"type": "object", "properties": {"type": {"const": "job"}}, "$ref": "#/$defs/Job", "required": ["type"]},
            ],
            "$defs": {"Job": {"type": "object", "properties": {"id": {"type": "string"}}}},
        });
        let ts = typescript(&schema, "Input");
        assert!(
            ts.contains("export type Input =\n  | TickInput\n  | Said\n  | JobInput;\n"),
            "{ts}"
        );
        assert!(
            ts.contains("export interface TickInput {\n  type: \"tick\";\n}\n"),
            "{ts}"
        );
        assert!(
            ts.contains("export interface JobInput extends Job {\n  type: \"job\";\n}\n"),
            "{ts}"
        );
    }

    #[test]
    fn flattened_unions_are_named_after_their_tag() {
        let schema = json!({
            "type": "object",
            "properties": {"id": {"type": "string"}},
            "required": ["id"],
            "oneOf": [
                {"type": "object", "properties": {"state": {"const": "a"}}, "required": ["state"]},
                {"type": "object", "properties": {"state": {"const": "b"}, "at": {"type": "integer"}}, "required": ["state", "at"]},
            ],
        });
        let ts = typescript(&schema, "Entry");
        assert!(
            ts.contains("export type Entry = EntryState & {\n  id: string;\n};\n"),
            "{ts}"
        );
        assert!(
            ts.contains("export type EntryState =\n  | {\n    state: \"a\";\n  }\n  | {\n"),
            "{ts}"
        );
    }

    #[test]
    fn shared_definitions_are_declared_once_and_clashes_renamed() {
        let mut declarations = Declarations::new();
        let read = json!({"$ref": "#/$defs/Customer", "$defs": {
            "Customer": {"type": "object", "properties": {"id": {"type": "string"}}}}});
        let written = json!({"type": "object", "properties": {"customer": {"$ref": "#/$defs/Customer"}},
            "$defs": {"Customer": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}}});
        declarations.add(&read, "In");
        declarations.add(&written, "Out");
        declarations.add(&written, "Out2");
        let ts = declarations.finish();
        assert!(
            ts.contains("export interface Customer {\n  id?: string;\n}"),
            "{ts}"
        );
        assert!(
            ts.contains("export interface OutCustomer {\n  id: string;\n}"),
            "{ts}"
        );
        assert!(ts.contains("customer?: OutCustomer;"), "{ts}");
        assert_eq!(
            ts.matches("export interface OutCustomer").count(),
            1,
            "{ts}"
        );
    }

    #[test]
    fn rustdoc_links_become_code() {
        assert_eq!(
            plain_links("Format version ([`STATE_VERSION`]); see [`Engine::restore`](crate::Engine::restore)."),
            "Format version (`STATE_VERSION`); see `Engine::restore`."
        );
        assert_eq!(plain_links("a [`b` c"), "a [`b` c");
    }

    #[test]
    fn the_configurations_shapes() {
        // The configuration's schema (`core/src/config/schema.rs`): a root that is one of two
        // references, nullable keys three ways, a key that must not be written, numeric and
        // nullable enums, and a union of titled branches told apart by `kind`.
        let schema = json!({
            "description": "A configuration.",
            "anyOf": [{"$ref": "#/$defs/Wrapped"}, {"$ref": "#/$defs/Bare"}],
            "$defs": {
                "Wrapped": {"type": "object", "properties": {"bare": {"$ref": "#/$defs/Bare"}},
                            "required": ["bare"], "additionalProperties": false},
                "Bare": {"type": "object", "additionalProperties": false, "properties": {
                    "section": {"anyOf": [{"$ref": "#/$defs/Wrapped"}, {"type": "null"}], "description": "a section"},
                    "count": {"type": ["integer", "null"], "minimum": 1, "default": 10},
                    "method": {"enum": ["round_robin", "load_based", null], "default": "round_robin"},
                    "source": {"enum": [1, 7, null], "default": 7},
                    "id": {"type": ["string", "integer", "null"]},
                    "days": {"type": ["array", "null"], "items": {"type": "integer"}, "default": [5, 300]},
                    "map": {"type": ["object", "null"], "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                    "secret": false,
                    "plugins": {"type": ["array", "null"], "items": {"$ref": "#/$defs/Plugin"}},
                }},
                "Plugin": {"description": "A plugin.", "oneOf": [
                    {"title": "AlphaPlugin", "description": "Alpha.", "type": "object",
                     "properties": {"kind": {"const": "alpha"}, "key_ref": {"type": "string"}},
                     "required": ["kind", "key_ref"], "additionalProperties": false},
                    {"title": "BetaPlugin", "type": "object",
                     "properties": {"kind": {"const": "beta"}, "nested": {"type": ["object", "null"],
                        "properties": {"a": {"type": "string"}}, "required": ["a"]}},
                     "required": ["kind"], "additionalProperties": false},
                ]},
            },
        });
        let ts = typescript(&schema, "Document");
        assert!(
            ts.starts_with("/** A configuration. */\nexport type Document = Wrapped | Bare;\n"),
            "{ts}"
        );
        assert!(
            ts.contains("export interface Wrapped {\n  bare: Bare;\n}\n"),
            "{ts}"
        );
        assert!(
            ts.contains("  /** a section */\n  section?: Wrapped | null;\n"),
            "{ts}"
        );
        assert!(
            ts.contains("  /** @default 10 */\n  count?: number | null;\n"),
            "{ts}"
        );
        assert!(
            ts.contains(
                "  /** @default \"round_robin\" */\n  method?: \"round_robin\" | \"load_based\" | null;\n"
            ),
            "{ts}"
        );
        assert!(
            ts.contains("  /** @default 7 */\n  source?: 1 | 7 | null;\n"),
            "{ts}"
        );
        assert!(ts.contains("  id?: string | number | null;\n"), "{ts}");
        assert!(
            ts.contains("  /** @default [5,300] */\n  days?: number[] | null;\n"),
            "{ts}"
        );
        assert!(
            ts.contains("  map?: Record<string, string[]> | null;\n"),
            "{ts}"
        );
        assert!(ts.contains("  secret?: never;\n"), "{ts}");
        assert!(ts.contains("  plugins?: Plugin[] | null;\n"), "{ts}");
        assert!(
            ts.contains(
                "/** A plugin. */\nexport type Plugin =\n  | AlphaPlugin\n  | BetaPlugin;\n"
            ),
            "{ts}"
        );
        assert!(
            ts.contains("/** Alpha. */\nexport interface AlphaPlugin {\n  kind: \"alpha\";\n  key_ref: string;\n}\n"),
            "{ts}"
        );
        assert!(
            ts.contains("  nested?: {\n    a: string;\n  } | null;\n"),
            "{ts}"
        );
    }

    #[test]
    fn unions_and_nullable_references() {
        let schema = json!({"type": "object", "properties": {
            "a": {"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}]},
            "b": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "number"}]}},
            "c": true,
        }, "$defs": {"X": {"type": "string"}}});
        let ts = typescript(&schema, "T");
        assert!(ts.contains("a?: X | null;"), "{ts}");
        let old = json!({"type": "object", "properties": {
            "secret": false,
            "old": {"type": "string", "deprecated": true},
            "none": {"type": "object", "additionalProperties": false},
        }});
        assert!(ts.contains("b?: (string | number)[];"), "{ts}");
        assert!(ts.contains("c?: unknown;"), "{ts}");
        let ts = typescript(&old, "W");
        assert!(ts.contains("  secret?: never;\n"), "{ts}");
        assert!(
            ts.contains("  /** @deprecated */\n  old?: string;\n"),
            "{ts}"
        );
        assert!(ts.contains("  none?: Record<string, never>;\n"), "{ts}");
    }
}
