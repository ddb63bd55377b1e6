//! The vendors' own API descriptions (`tests/vendor-schemas/`) as request checkers.
//!
//! Our contracts (`tests/contracts/`) are our reading of the vendors' references; these are the
//! vendors' own machine-readable descriptions (OpenAPI 3.0 for Intercom 2.14, Sunshine
//! Conversations and Zendesk Support; Freshdesk's documented field tables in the same shape). A
//! request is matched to its operation by method and path template (after the path of one of the
//! description's `servers`, such as Sunshine's `/sc`), then checked:
//!
//! - the path parameters (and, when the caller gives the headers, the header parameters) against
//!   their schemas, a path segment read as the parameter's type (`ticket_id` is an integer);
//! - the JSON body against the operation's `requestBody` schema for `application/json`, with every
//!   `$ref` into `components` resolved and OpenAPI 3.0 turned into JSON Schema 2020-12 first
//!   ([`to_json_schema`]);
//! - Freshdesk's `x-conditional` rules (a field required when another is present and a third
//!   absent), and the few rules a description states only in words ([`PROSE_RULES`], each quoted
//!   verbatim and looked up in the description, so a changed description is noticed).
//!
//! Every [`Problem`] names the vendor, the operation, the JSON path and the reason.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::{json, Map, Value};

/// One of the API descriptions in `tests/vendor-schemas/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Description {
    /// Zendesk Support's OpenAPI description (`zendesk-support.json`).
    ZendeskSupport,
    /// Sunshine Conversations' OpenAPI description (`sunshine-conversations.json`).
    SunshineConversations,
    /// Freshdesk's v2 field tables (`freshdesk.json`).
    Freshdesk,
    /// Intercom's OpenAPI description, API version 2.14 (`intercom-2.14.json`).
    Intercom,
}

impl Description {
    /// Every description.
    pub const ALL: [Description; 4] = [
        Description::ZendeskSupport,
        Description::SunshineConversations,
        Description::Freshdesk,
        Description::Intercom,
    ];

    /// The vendor (and API), as problems name it.
    pub fn vendor(self) -> &'static str {
        match self {
            Description::ZendeskSupport => "Zendesk Support",
            Description::SunshineConversations => "Sunshine Conversations",
            Description::Freshdesk => "Freshdesk",
            Description::Intercom => "Intercom 2.14",
        }
    }

    /// The file in `tests/vendor-schemas/`.
    pub fn file(self) -> &'static str {
        match self {
            Description::ZendeskSupport => "zendesk-support.json",
            Description::SunshineConversations => "sunshine-conversations.json",
            Description::Freshdesk => "freshdesk.json",
            Description::Intercom => "intercom-2.14.json",
        }
    }

    /// The file's text, embedded at build time.
    pub fn text(self) -> &'static str {
        match self {
            Description::ZendeskSupport => {
                include_str!("../../vendor-schemas/zendesk-support.json")
            }
            Description::SunshineConversations => {
                include_str!("../../vendor-schemas/sunshine-conversations.json")
            }
            Description::Freshdesk => include_str!("../../vendor-schemas/freshdesk.json"),
            Description::Intercom => include_str!("../../vendor-schemas/intercom-2.14.json"),
        }
    }

    /// The descriptions a helpdesk delivery's `operation` (`zendesk.pass_control`) is sent to:
    /// Zendesk's requests go to Zendesk Support or, for pass-control, Sunshine Conversations.
    pub fn for_operation(operation: &str) -> &'static [Description] {
        match operation.split('.').next() {
            Some("zendesk") => &[
                Description::ZendeskSupport,
                Description::SunshineConversations,
            ],
            Some("freshdesk") => &[Description::Freshdesk],
            Some("intercom") => &[Description::Intercom],
            _ => &[],
        }
    }

    fn index(self) -> usize {
        match self {
            Description::ZendeskSupport => 0,
            Description::SunshineConversations => 1,
            Description::Freshdesk => 2,
            Description::Intercom => 3,
        }
    }
}

/// One way a request does not fit the vendor's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The vendor and API (`Zendesk Support`).
    pub vendor: String,
    /// The operation: `operationId (METHOD /path/{template})`, or `-` when none matched.
    pub operation: String,
    /// Where: `body.ticket.priority`, `path parameter ticket_id`, `header Intercom-Version`, or
    /// the request line when no operation matched.
    pub at: String,
    /// Why, in the validator's words (long values shortened).
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}: {}",
            self.vendor, self.operation, self.at, self.reason
        )
    }
}

/// A request as sent, for [`check`].
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The HTTP method (any case).
    pub method: &'a str,
    /// The path, with the query if any (`/api/v2/tickets/35436`).
    pub path: &'a str,
    /// The headers by lower-case name; `None` leaves header parameters unchecked.
    pub headers: Option<&'a BTreeMap<String, String>>,
    /// The JSON body, if any.
    pub body: Option<&'a Value>,
}

/// A rule a description states only in words: `quote` is the sentence, verbatim, and `check`
/// returns `(JSON path, reason)` for each way a body breaks it.
pub struct ProseRule {
    /// The description that states it.
    pub description: Description,
    /// The operation it applies to (`operationId`).
    pub operation_id: &'static str,
    /// The sentence of the description, verbatim.
    pub quote: &'static str,
    /// Checks a request body.
    pub check: fn(&Value) -> Vec<(String, String)>,
}

/// Sunshine Conversations' `metadata` limit, "4KB" read as 4,000 bytes (the stricter reading) of
/// the metadata object's JSON text, as sent (UTF-8).
pub const SUNSHINE_METADATA_MAX_BYTES: usize = 4000;

/// The rules the descriptions state only in words.
pub const PROSE_RULES: &[ProseRule] = &[
    ProseRule {
        description: Description::SunshineConversations,
        operation_id: "PassControl",
        quote: "The metadata is limited to 4KB in size.",
        check: sunshine_metadata_size,
    },
    ProseRule {
        description: Description::SunshineConversations,
        operation_id: "PassControl",
        quote: "Strings, numbers and booleans are the only supported format that can be passed to metadata.",
        check: sunshine_metadata_flat,
    },
];

fn sunshine_metadata_size(body: &Value) -> Vec<(String, String)> {
    let Some(metadata) = body.get("metadata").filter(|m| !m.is_null()) else {
        return Vec::new();
    };
    let bytes = metadata.to_string().len();
    if bytes > SUNSHINE_METADATA_MAX_BYTES {
        vec![(
            "body.metadata".into(),
            format!(
                "{bytes} bytes of JSON, over the limit of {SUNSHINE_METADATA_MAX_BYTES} \
                 (\"The metadata is limited to 4KB in size.\")"
            ),
        )]
    } else {
        Vec::new()
    }
}

fn sunshine_metadata_flat(body: &Value) -> Vec<(String, String)> {
    let Some(Value::Object(metadata)) = body.get("metadata") else {
        return Vec::new();
    };
    metadata
        .iter()
        .filter(|(_, v)| !(v.is_string() || v.is_number() || v.is_boolean()))
        .map(|(k, v)| {
            (
                format!(
                    "body.metadata{}",
                    dotted(&format!("/{}", escape_pointer(k)))
                ),
                format!(
                    "{} is not a string, number or boolean (\"Strings, numbers and booleans \
                     are the only supported format that can be passed to metadata.\")",
                    shorten(&v.to_string())
                ),
            )
        })
        .collect()
}

/// Checks `request` against the first of `descriptions` that describes its method and path.
/// Empty when it fits (or when `descriptions` is empty).
pub fn check(descriptions: &[Description], request: &Request<'_>) -> Vec<Problem> {
    if descriptions.is_empty() {
        return Vec::new();
    }
    let method = request.method.to_ascii_uppercase();
    let path = request.path.split(['?', '#']).next().unwrap_or_default();
    let mut loaded = Vec::new();
    for d in descriptions {
        match load(*d) {
            Ok(l) => loaded.push(l),
            Err(e) => {
                return vec![Problem {
                    vendor: d.vendor().into(),
                    operation: "-".into(),
                    at: d.file().into(),
                    reason: format!("the description cannot be used: {e}"),
                }]
            }
        }
    }
    let mut other_methods = Vec::new();
    for l in &loaded {
        for (op, params) in l.find(path) {
            if op.method == method {
                return op.check(l.description, &params, request);
            }
            other_methods.push(format!("{} {}", op.method, op.template));
        }
    }
    let vendors: Vec<&str> = descriptions.iter().map(|d| d.vendor()).collect();
    let reason = if other_methods.is_empty() {
        "no operation of the description has this path".to_string()
    } else {
        format!(
            "the description has no {method} for this path, only {}",
            other_methods.join(", ")
        )
    };
    vec![Problem {
        vendor: vendors.join(" / "),
        operation: "-".into(),
        at: format!("{method} {path}"),
        reason,
    }]
}

/// Every operation of `description`: `(operationId, METHOD, path template)`.
///
/// # Errors
/// When the description cannot be read or compiled.
pub fn operations(description: Description) -> Result<Vec<(String, String, String)>, String> {
    Ok(load(description)?
        .operations
        .iter()
        .map(|o| (o.id.clone(), o.method.clone(), o.template.clone()))
        .collect())
}

/// An OpenAPI 3.0 Schema Object turned into JSON Schema 2020-12, for a request:
///
/// - `$ref: #/components/schemas/X` becomes `$ref: #/$defs/X` (the caller puts the converted
///   components there); other local `$ref`s are resolved in `document` and inlined. Properties
///   beside a `$ref` are dropped: OpenAPI 3.0 says they "SHALL be ignored".
/// - `nullable: true` adds `"null"` to `type` when `type` is given in the same object (3.0.3:
///   other constraints, such as an `enum` without `null`, keep their meaning).
/// - A property that is `readOnly` "SHOULD NOT be sent as part of the request": its schema
///   becomes `false`, and it leaves `required`.
/// - Boolean `exclusiveMinimum`/`exclusiveMaximum` (draft 4 style) become the 2020-12 numbers.
/// - `format: int32`/`int64` on integers become `minimum`/`maximum`; other formats stay
///   annotations (format assertion is off: Intercom's `from.id` is `format: uuid` yet 24
///   characters long, as its own examples are).
/// - `example`, `discriminator`, `xml`, `externalDocs` and `x-…` extensions are dropped.
pub fn to_json_schema(schema: &Value, document: &Value) -> Value {
    convert(schema, document, 0)
}

fn convert(schema: &Value, doc: &Value, depth: usize) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(Value::String(r)) = map.get("$ref") {
        if let Some(name) = r.strip_prefix("#/components/schemas/") {
            return json!({ "$ref": format!("#/$defs/{name}") });
        }
        if let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            if depth < 32 {
                return convert(target, doc, depth + 1);
            }
        }
        return json!({ "$ref": r });
    }
    let mut out = Map::new();
    let mut read_only = Vec::new();
    for (k, v) in map {
        match k.as_str() {
            "properties" => {
                let mut props = Map::new();
                if let Value::Object(p) = v {
                    for (name, s) in p {
                        if is_read_only(s, doc) {
                            read_only.push(name.clone());
                            props.insert(name.clone(), Value::Bool(false));
                        } else {
                            props.insert(name.clone(), convert(s, doc, depth + 1));
                        }
                    }
                }
                out.insert(k.clone(), Value::Object(props));
            }
            "additionalProperties" | "items" | "not" => {
                out.insert(k.clone(), convert(v, doc, depth + 1));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = v
                    .as_array()
                    .map(|a| a.iter().map(|s| convert(s, doc, depth + 1)).collect())
                    .unwrap_or_default();
                out.insert(k.clone(), Value::Array(list));
            }
            "nullable" | "example" | "discriminator" | "xml" | "externalDocs" => {}
            "exclusiveMinimum" | "exclusiveMaximum" if v.is_boolean() => {}
            k if k.starts_with("x-") => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    if !read_only.is_empty() {
        if let Some(Value::Array(required)) = out.get_mut("required") {
            required.retain(|r| !r.as_str().is_some_and(|r| read_only.iter().any(|n| n == r)));
        }
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(t)) = out.get("type") {
            let t = t.clone();
            out.insert("type".into(), json!([t, "null"]));
        }
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if map.get(flag) == Some(&Value::Bool(true)) {
            if let Some(limit) = out.remove(bound) {
                out.insert(flag.into(), limit);
            }
        }
    }
    if map.get("type").and_then(Value::as_str) == Some("integer") {
        let bounds = match map.get("format").and_then(Value::as_str) {
            Some("int32") => Some((json!(i32::MIN), json!(i32::MAX))),
            Some("int64") => Some((json!(i64::MIN), json!(i64::MAX))),
            _ => None,
        };
        if let Some((min, max)) = bounds {
            out.entry("minimum").or_insert(min);
            out.entry("maximum").or_insert(max);
        }
    }
    Value::Object(out)
}

/// `readOnly: true` on the property's schema, or on the component it refers to.
fn is_read_only(schema: &Value, doc: &Value) -> bool {
    let target = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r.strip_prefix('#').and_then(|p| doc.pointer(p)),
        None => Some(schema),
    };
    target.and_then(|s| s.get("readOnly")) == Some(&Value::Bool(true))
}

struct Loaded {
    description: Description,
    /// Paths of the `servers` (`/sc`), longest first; `""` when a server has none.
    prefixes: Vec<String>,
    /// Operations, those with more literal segments first.
    operations: Vec<Operation>,
}

impl Loaded {
    /// The operations whose template matches `path`, with the path parameters' values.
    fn find(&self, path: &str) -> Vec<(&Operation, BTreeMap<String, String>)> {
        let mut out = Vec::new();
        for prefix in &self.prefixes {
            let Some(rest) = path.strip_prefix(prefix.as_str()) else {
                continue;
            };
            if !rest.starts_with('/') {
                continue;
            }
            for op in &self.operations {
                if let Some(params) = op.matches(rest) {
                    out.push((op, params));
                }
            }
            if !out.is_empty() {
                break;
            }
        }
        out
    }
}

enum Segment {
    Literal(String),
    Param {
        prefix: String,
        name: String,
        suffix: String,
    },
}

enum In {
    Path,
    Header,
}

struct Param {
    name: String,
    location: In,
    required: bool,
    /// The JSON types the schema allows (`integer`), to read a path segment as.
    types: Vec<String>,
    validator: Validator,
}

struct Body {
    required: bool,
    /// `None` when the description has no `application/json` body.
    validator: Option<(Validator, Value)>,
}

struct Conditional {
    if_present: Vec<String>,
    if_absent: Vec<String>,
    then_required: Vec<String>,
    text: String,
}

struct Operation {
    id: String,
    method: String,
    template: String,
    segments: Vec<Segment>,
    params: Vec<Param>,
    body: Option<Body>,
    conditionals: Vec<Conditional>,
    /// The prose rules of this operation, with whether their quote is still in the description.
    prose: Vec<(&'static ProseRule, bool)>,
}

impl Operation {
    fn label(&self) -> String {
        format!("{} ({} {})", self.id, self.method, self.template)
    }

    fn matches(&self, path: &str) -> Option<BTreeMap<String, String>> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (seg, part) in self.segments.iter().zip(&parts) {
            match seg {
                Segment::Literal(l) if l == part => {}
                Segment::Literal(_) => return None,
                Segment::Param {
                    prefix,
                    name,
                    suffix,
                } => {
                    let value = part.strip_prefix(prefix.as_str())?;
                    let value = value.strip_suffix(suffix.as_str())?;
                    if value.is_empty() {
                        return None;
                    }
                    params.insert(name.clone(), percent_decode(value));
                }
            }
        }
        Some(params)
    }

    fn check(
        &self,
        d: Description,
        path_params: &BTreeMap<String, String>,
        request: &Request<'_>,
    ) -> Vec<Problem> {
        let problem = |at: String, reason: String| Problem {
            vendor: d.vendor().into(),
            operation: self.label(),
            at,
            reason,
        };
        let mut out = Vec::new();
        for name in path_params.keys() {
            if !self
                .params
                .iter()
                .any(|p| matches!(p.location, In::Path) && &p.name == name)
            {
                out.push(problem(
                    format!("path parameter {name}"),
                    "the description declares no such path parameter".into(),
                ));
            }
        }
        for p in &self.params {
            let (at, raw) = match p.location {
                In::Path => (
                    format!("path parameter {}", p.name),
                    path_params.get(&p.name).map(String::as_str),
                ),
                In::Header => {
                    let Some(headers) = request.headers else {
                        continue;
                    };
                    (
                        format!("header {}", p.name),
                        headers
                            .get(&p.name.to_ascii_lowercase())
                            .map(String::as_str),
                    )
                }
            };
            let Some(raw) = raw else {
                if p.required {
                    out.push(problem(at, "required, and missing".into()));
                }
                continue;
            };
            match read_as(raw, &p.types) {
                Err(reason) => out.push(problem(at, reason)),
                Ok(value) => {
                    for e in p.validator.iter_errors(&value) {
                        out.push(problem(at.clone(), reason_of(&e)));
                    }
                }
            }
        }
        match (&self.body, request.body) {
            (None, Some(body)) if !body.is_null() => out.push(problem(
                "body".into(),
                "the operation takes no request body".into(),
            )),
            (Some(b), None) if b.required => out.push(problem(
                "body".into(),
                "the request body is required, and missing".into(),
            )),
            (Some(b), Some(body)) => match &b.validator {
                None => out.push(problem(
                    "body".into(),
                    "the description has no application/json request body".into(),
                )),
                Some((validator, schema)) => {
                    for e in validator.iter_errors(body) {
                        for (at, reason) in describe(&e, schema) {
                            out.push(problem(at, reason));
                        }
                    }
                    for c in &self.conditionals {
                        let has = |f: &String| body.get(f.as_str()).is_some();
                        if c.if_present.iter().all(has) && !c.if_absent.iter().any(has) {
                            for f in c.then_required.iter().filter(|f| !has(f)) {
                                out.push(problem(
                                    format!("body.{f}"),
                                    format!("required here (\"{}\")", c.text),
                                ));
                            }
                        }
                    }
                    for (rule, quoted) in &self.prose {
                        if !quoted {
                            out.push(problem(
                                "description".into(),
                                format!(
                                    "the rule \"{}\" is no longer in {}: review PROSE_RULES",
                                    rule.quote,
                                    d.file()
                                ),
                            ));
                        }
                        for (at, reason) in (rule.check)(body) {
                            out.push(problem(at, reason));
                        }
                    }
                }
            },
            _ => {}
        }
        out
    }
}

/// A path segment or header value read as the parameter's type.
fn read_as(raw: &str, types: &[String]) -> Result<Value, String> {
    let has = |t: &str| types.iter().any(|x| x == t);
    if has("string") || types.is_empty() {
        return Ok(Value::String(raw.into()));
    }
    if has("integer") {
        if let Ok(n) = raw.parse::<i64>() {
            return Ok(json!(n));
        }
        if let Ok(n) = raw.parse::<u64>() {
            return Ok(json!(n));
        }
    }
    if has("number") {
        if let Some(n) = raw
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Ok(Value::Number(n));
        }
    }
    if has("boolean") && (raw == "true" || raw == "false") {
        return Ok(Value::Bool(raw == "true"));
    }
    Err(format!(
        "\"{}\" is not {}",
        shorten(raw),
        types.join(" or ")
    ))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let v = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(v as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

static LOADED: [OnceLock<Result<Loaded, String>>; 4] = [
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
];

fn load(d: Description) -> Result<&'static Loaded, String> {
    LOADED[d.index()]
        .get_or_init(|| read(d))
        .as_ref()
        .map_err(Clone::clone)
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn compile(schema: Value, defs: &Value) -> Result<(Validator, Value), String> {
    let mut root = match schema {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("allOf".into(), json!([other]));
            m
        }
    };
    root.insert("$defs".into(), defs.clone());
    let root = Value::Object(root);
    let validator = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(false)
        .build(&root)
        .map_err(|e| e.to_string())?;
    Ok((validator, root))
}

/// Follows a local `$ref` (one level at a time, at most 8).
fn resolve<'a>(value: &'a Value, doc: &'a Value) -> &'a Value {
    let mut v = value;
    for _ in 0..8 {
        match v
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        {
            Some(target) => v = target,
            None => break,
        }
    }
    v
}

fn read(d: Description) -> Result<Loaded, String> {
    let doc: Value =
        serde_json::from_str(d.text()).map_err(|e| format!("{} is not JSON: {e}", d.file()))?;
    let mut defs = Map::new();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for (name, s) in schemas {
            defs.insert(name.clone(), convert(s, &doc, 0));
        }
    }
    let defs = Value::Object(defs);
    let mut prefixes: Vec<String> = doc
        .get("servers")
        .and_then(Value::as_array)
        .map(|servers| {
            servers
                .iter()
                .filter_map(|s| s.get("url").and_then(Value::as_str))
                .map(|url| {
                    let rest = url.split_once("://").map_or(url, |(_, r)| r);
                    rest.find('/')
                        .map_or(String::new(), |i| rest[i..].trim_end_matches('/').into())
                })
                .collect()
        })
        .unwrap_or_default();
    if prefixes.is_empty() {
        prefixes.push(String::new());
    }
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    prefixes.dedup();
    let mut operations = Vec::new();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{} has no paths", d.file()))?;
    for (template, item) in paths {
        let shared: Vec<&Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|p| resolve(p, &doc)).collect())
            .unwrap_or_default();
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let label = format!("{} {template}", method.to_ascii_uppercase());
            let mut declared: Vec<&Value> = shared.clone();
            for p in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let p = resolve(p, &doc);
                declared
                    .retain(|q| !(q.get("name") == p.get("name") && q.get("in") == p.get("in")));
                declared.push(p);
            }
            let mut params = Vec::new();
            for p in declared {
                let location = match p.get("in").and_then(Value::as_str) {
                    Some("path") => In::Path,
                    Some("header") => In::Header,
                    _ => continue, // query and cookie parameters are not sent
                };
                let name = p
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("{label}: a parameter without a name"))?
                    .to_string();
                let schema = convert(p.get("schema").unwrap_or(&json!({})), &doc, 0);
                let types = match resolve(&schema, &doc).get("type") {
                    Some(Value::String(t)) => vec![t.clone()],
                    Some(Value::Array(ts)) => ts
                        .iter()
                        .filter_map(Value::as_str)
                        .filter(|t| *t != "null")
                        .map(str::to_string)
                        .collect(),
                    _ => Vec::new(),
                };
                let (validator, _) =
                    compile(schema, &defs).map_err(|e| format!("{label} parameter {name}: {e}"))?;
                params.push(Param {
                    name,
                    required: matches!(location, In::Path)
                        || p.get("required") == Some(&Value::Bool(true)),
                    location,
                    types,
                    validator,
                });
            }
            let body = match op.get("requestBody").map(|b| resolve(b, &doc)) {
                None => None,
                Some(b) => {
                    let media = b.get("content").and_then(Value::as_object).and_then(|c| {
                        c.iter()
                            .find(|(k, _)| k.starts_with("application/json"))
                            .map(|(_, v)| v)
                    });
                    let validator = match media.and_then(|m| m.get("schema")) {
                        Some(s) => Some(
                            compile(convert(s, &doc, 0), &defs)
                                .map_err(|e| format!("{label} request body: {e}"))?,
                        ),
                        None => None,
                    };
                    Some(Body {
                        required: b.get("required") == Some(&Value::Bool(true)),
                        validator,
                    })
                }
            };
            let conditionals = op
                .get("x-conditional")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| {
                    let list = |k: &str| -> Vec<String> {
                        c.get(k)
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    };
                    Conditional {
                        if_present: list("if_present"),
                        if_absent: list("if_absent"),
                        then_required: list("then_required"),
                        text: c
                            .get("vendor_text")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                    }
                })
                .collect();
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(|| label.clone(), str::to_string);
            let prose = PROSE_RULES
                .iter()
                .filter(|r| r.description == d && r.operation_id == id)
                .map(|r| (r, d.text().contains(r.quote)))
                .collect();
            operations.push(Operation {
                id,
                method: method.to_ascii_uppercase(),
                template: template.clone(),
                segments: segments(template),
                params,
                body,
                conditionals,
                prose,
            });
        }
    }
    operations.sort_by_key(|o| {
        std::cmp::Reverse(
            o.segments
                .iter()
                .filter(|s| matches!(s, Segment::Literal(_)))
                .count(),
        )
    });
    Ok(Loaded {
        description: d,
        prefixes,
        operations,
    })
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .trim_start_matches('/')
        .split('/')
        .map(|s| match (s.find('{'), s.find('}')) {
            (Some(open), Some(close)) if open < close => Segment::Param {
                prefix: s[..open].into(),
                name: s[open + 1..close].into(),
                suffix: s[close + 1..].into(),
            },
            _ => Segment::Literal(s.into()),
        })
        .collect()
}

/// `/ticket/tags/0` as `body.ticket.tags[0]`.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{part}]"));
        } else {
            out.push('.');
            out.push_str(&part);
        }
    }
    out
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// At most 80 characters of `s`, with `…` when cut.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(80) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

/// The validator's message, with a long instance shortened.
fn reason_of(e: &ValidationError<'_>) -> String {
    if matches!(e.kind(), ValidationErrorKind::FalseSchema) {
        return format!(
            "{} is sent, but the description marks it readOnly (a response field; \"SHOULD NOT \
             be sent as part of the request\")",
            e.instance_path()
                .as_str()
                .rsplit('/')
                .next()
                .unwrap_or_default()
        );
    }
    let text = e.to_string();
    let instance = e.instance().to_string();
    if instance.chars().count() > 80 {
        text.replacen(&instance, &shorten(&instance), 1)
    } else {
        text
    }
}

/// `(JSON path, reason)` for one validation error. A value that fits none of a `oneOf`/`anyOf`'s
/// alternatives is explained by the nearest alternative ([`distance`]), named after its
/// component, title or type.
fn describe(e: &ValidationError<'_>, root: &Value) -> Vec<(String, String)> {
    let at = format!("body{}", dotted(e.instance_path().as_str()));
    let (keyword, context) = match e.kind() {
        ValidationErrorKind::OneOfNotValid { context } => ("oneOf", context),
        ValidationErrorKind::AnyOf { context } => ("anyOf", context),
        _ => return vec![(at, reason_of(e))],
    };
    let Some((best, errors)) = nearest(e, context) else {
        return vec![(at, reason_of(e))];
    };
    let alternative = root
        .pointer(e.schema_path().as_str())
        .and_then(|alternatives| alternatives.get(best));
    let label = alternative
        .and_then(|alt| {
            alt.get("$ref")
                .and_then(Value::as_str)
                .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
                .or_else(|| alt.get("title").and_then(Value::as_str).map(str::to_string))
                .or_else(|| {
                    alt.get("type")
                        .and_then(Value::as_str)
                        .map(|t| format!("the {t} alternative"))
                })
        })
        .unwrap_or_else(|| format!("alternative {}", best + 1));
    let n = context.len();
    let within = if n == 1 {
        format!("in {label}")
    } else {
        format!("in {label}, the nearest of the {n} {keyword} alternatives")
    };
    errors
        .iter()
        .flat_map(|inner| describe(inner, root))
        .map(|(at, reason)| (at, format!("{reason} ({within})")))
        .collect()
}

/// The alternative of a failed `oneOf`/`anyOf` nearest to fitting, with its errors.
fn nearest<'e>(
    e: &ValidationError<'_>,
    context: &'e [Vec<ValidationError<'static>>],
) -> Option<(usize, &'e Vec<ValidationError<'static>>)> {
    context
        .iter()
        .enumerate()
        .filter(|(_, errors)| !errors.is_empty())
        .min_by_key(|(_, errors)| distance(e.instance_path().as_str(), errors))
}

/// How far an alternative is from fitting: its errors, counting a nested `oneOf`/`anyOf` as its
/// nearest alternative, and an alternative of another type than the value as very far.
fn distance(at: &str, errors: &[ValidationError<'_>]) -> usize {
    errors
        .iter()
        .map(|e| match e.kind() {
            ValidationErrorKind::OneOfNotValid { context }
            | ValidationErrorKind::AnyOf { context } => context
                .iter()
                .map(|alt| distance(e.instance_path().as_str(), alt))
                .min()
                .unwrap_or(1),
            ValidationErrorKind::Type { .. } if e.instance_path().as_str() == at => 1000,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_read_only_and_bounds_are_converted() {
        let doc = json!({});
        let s = json!({"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer", "format": "int64", "readOnly": true},
            "name": {"type": "string", "nullable": true, "example": "x", "x-extra": 1},
            "n": {"type": "number", "minimum": 0, "exclusiveMinimum": true}
        }});
        assert_eq!(
            to_json_schema(&s, &doc),
            json!({"type": "object", "required": ["name"], "properties": {
                "id": false,
                "name": {"type": ["string", "null"]},
                "n": {"type": "number", "exclusiveMinimum": 0}
            }})
        );
    }

    #[test]
    fn dotted_paths() {
        assert_eq!(dotted("/ticket/tags/0"), ".ticket.tags[0]");
        assert_eq!(dotted(""), "");
        assert_eq!(dotted("/a~1b"), ".a/b");
    }
}
