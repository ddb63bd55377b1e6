//! The field tables: what a configuration object's keys are, described once (key, [`Kind`] with
//! its range, [`enum@Default`], what `null` means, doc). The reader ([`super::Obj`]) takes its known
//! keys, type and range checks and defaults from them; `config::schema` writes them out.

#[cfg(feature = "schema")]
use serde_json::Value;
/// Text only the `schema` feature keeps (field docs, type names): `()` otherwise.
#[cfg(feature = "schema")]
pub(crate) type Doc = &'static str;
/// Text only the `schema` feature keeps (field docs, type names): `()` otherwise.
#[cfg(not(feature = "schema"))]
pub(crate) type Doc = ();

/// A JSON Schema written by hand for a [`Kind::Custom`] field (only with the `schema` feature).
#[cfg(feature = "schema")]
pub(crate) type Shape = fn() -> Value;
/// A JSON Schema written by hand for a [`Kind::Custom`] field (only with the `schema` feature).
#[cfg(not(feature = "schema"))]
pub(crate) type Shape = ();

/// What a field holds: what the reader checks and the schema says.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "schema"), allow(dead_code))]
pub(crate) enum Kind {
    /// `true` or `false`.
    Bool,
    /// A number from `min` to `max`.
    Number {
        /// Smallest allowed.
        min: f64,
        /// Largest allowed.
        max: f64,
    },
    /// A whole number from `min` to `max`.
    Whole {
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// A string that is not blank.
    Text,
    /// A message template: a non-blank string whose `{{placeholders}}` are among these.
    Template(&'static [&'static str]),
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An array of non-blank strings.
    Texts,
    /// An object read by its own table.
    Object(&'static Section),
    /// An array of objects, each read by this table.
    List(&'static Section),
    /// Known so that a misspelling is not suggested, but refused (an inline secret).
    Refused,
    /// The name of an environment variable or worker secret that holds a credential (letters,
    /// digits, `_`, `.`, `-`, at most 128, not starting with a digit): never the credential, so a
    /// value that is not such a name is refused without being echoed.
    Reference,
    /// A basic-auth user name: a non-blank string without `:` (RFC 7617 §2).
    UserName,
    /// A vendor's id: a string of letters, digits, `_`, `-`, `.` (at most 128), or a whole number
    /// (kept as its digits).
    Id,
    /// One of a vendor's numeric codes.
    Code(&'static Codes),
    /// An object of our priorities (`low`, `normal`, `high`, `urgent`) → the vendor's, each a value
    /// of this kind (a [`Kind::OneOf`] or a [`Kind::Code`]); a priority left out keeps its
    /// [`Default::InOrder`].
    Priorities(&'static Kind),
    /// An object of our agent ids → the vendor's ids, each a [`Kind::Whole`] or a [`Kind::Id`].
    Agents {
        /// What one of the vendor's ids is.
        ids: &'static Kind,
        /// What the vendor calls them (`Zendesk user id`), in errors.
        what: &'static str,
    },
    /// Read by the section's own code: `what` names it in the reference, `shape` is its schema.
    Custom {
        /// The type column of the reference (`object of skill -> agent ids`).
        what: Doc,
        /// Its JSON Schema.
        shape: Shape,
    },
}

/// A field's default: the one place it is written.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "schema"), allow(dead_code))]
pub(crate) enum Default {
    /// No value; the doc says what absence means (`no limit`, `every known agent`).
    Absent(Doc),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A whole number.
    Whole(u64),
    /// A string (a variant's name, a message text).
    Text(&'static str),
    /// Durations kept in milliseconds, written in seconds (a retry schedule).
    Millis(&'static [i64]),
    /// A [`Kind::Priorities`] map's: each of our priorities in order (`low`, `normal`, `high`,
    /// `urgent`) → the vendor's value at the same position (its words, or its codes in order).
    InOrder,
}

/// A vendor's numeric codes, each with the vendor's name for it (Freshdesk's `source`: `7` Chat).
///
/// A value that is not one of them is refused as "expected a {what} code from {first} to {last}"
/// when the codes run without gaps (out of range), else as "expected a {what} code: 1 Email, …"
/// (invalid).
#[derive(Debug)]
#[cfg_attr(not(feature = "integrations"), allow(dead_code))]
pub(crate) struct Codes {
    /// Whose codes, in errors (`Freshdesk source`).
    pub(crate) what: &'static str,
    /// The codes and their names, in the vendor's order.
    pub(crate) codes: &'static [(u64, &'static str)],
}

impl Codes {
    #[cfg_attr(not(feature = "integrations"), allow(dead_code))]
    /// Whether the codes run without gaps (`1, 2, 3, 4`).
    pub(crate) fn contiguous(&self) -> bool {
        self.codes.windows(2).all(|w| w[1].0 == w[0].0 + 1)
    }
}

/// What `null` means for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Null {
    /// The same as leaving the key out (the reader's rule for every object field).
    Absent,
    /// Turns the feature off (`"max_exchanges": null`).
    Off,
    /// Not accepted.
    Refused,
}

/// One key of a configuration object.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "schema"), allow(dead_code))]
pub(crate) struct Field {
    /// The key.
    pub(crate) key: &'static str,
    /// What it holds, with its range.
    pub(crate) kind: Kind,
    /// Its default.
    pub(crate) default: Default,
    /// What `null` means.
    pub(crate) null: Null,
    /// Required: absence is an error.
    pub(crate) required: bool,
    /// What it does, for the reference and the schema.
    pub(crate) doc: Doc,
}

impl Field {
    /// An optional field whose `null` means "absent".
    pub(crate) const fn new(key: &'static str, kind: Kind, default: Default, doc: Doc) -> Field {
        Field {
            key,
            kind,
            default,
            null: Null::Absent,
            required: false,
            doc,
        }
    }

    /// This field, with `null` meaning `null` instead.
    pub(crate) const fn null(mut self, null: Null) -> Field {
        self.null = null;
        self
    }

    /// This field, required.
    pub(crate) const fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// The default of a [`Default::Bool`] field.
    pub(crate) const fn default_bool(&self) -> bool {
        match self.default {
            Default::Bool(b) => b,
            _ => panic!("not a boolean default"),
        }
    }

    /// The default of a [`Default::Whole`] field.
    pub(crate) const fn default_whole(&self) -> u64 {
        match self.default {
            Default::Whole(n) => n,
            _ => panic!("not a whole-number default"),
        }
    }

    /// The default of a [`Default::Number`] field.
    pub(crate) const fn default_number(&self) -> f64 {
        match self.default {
            Default::Number(n) => n,
            _ => panic!("not a number default"),
        }
    }

    /// The default of a [`Default::Text`] field.
    pub(crate) const fn default_text(&self) -> &'static str {
        match self.default {
            Default::Text(s) => s,
            _ => panic!("not a text default"),
        }
    }
}

/// One configuration object, described once.
#[derive(Debug)]
#[cfg_attr(not(feature = "schema"), allow(dead_code))]
pub(crate) struct Section {
    /// Its name among the schema's definitions, which is also its TypeScript name
    /// (`RoutingConfig`).
    pub(crate) name: &'static str,
    /// Where it is (`handoff.routing`, `handoff.agents[]`).
    pub(crate) path: &'static str,
    /// Its keys, in documentation order (also the order of "expected one of").
    pub(crate) fields: &'static [Field],
    /// What it is, before its table in the reference.
    pub(crate) doc: Doc,
    /// More prose, after the table.
    pub(crate) notes: Doc,
}

impl Section {
    /// Its keys, in order.
    pub(crate) fn keys(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.key).collect()
    }
}

/// `parts` one after the other, as one table: a section made of fields it shares with others
/// (the integrations' common keys, the ticketing keys, the refused secrets). `N` is their total
/// (a wrong one fails the build).
pub(crate) const fn fields<const N: usize>(parts: &[&[Field]]) -> [Field; N] {
    let mut out = [parts[0][0]; N];
    let (mut i, mut n) = (0, 0);
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            assert!(n < N, "more fields than the table holds");
            out[n] = parts[i][j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(n == N, "fewer fields than the table holds");
    out
}

/// The keys an object may have: a list, or a section's table.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Known {
    /// A plain list of keys.
    Keys(&'static [&'static str]),
    /// The keys of a table.
    Fields(&'static Section),
}

impl Known {
    /// Whether `key` is one of them.
    pub(crate) fn contains(self, key: &str) -> bool {
        match self {
            Known::Keys(keys) => keys.contains(&key),
            Known::Fields(section) => section.fields.iter().any(|f| f.key == key),
        }
    }

    pub(super) fn keys(self) -> Vec<&'static str> {
        match self {
            Known::Keys(keys) => keys.to_vec(),
            Known::Fields(section) => section.fields.iter().map(|f| f.key).collect(),
        }
    }
}

impl From<&'static [&'static str]> for Known {
    fn from(keys: &'static [&'static str]) -> Known {
        Known::Keys(keys)
    }
}

impl<const N: usize> From<&'static [&'static str; N]> for Known {
    fn from(keys: &'static [&'static str; N]) -> Known {
        Known::Keys(keys)
    }
}

impl From<&'static Section> for Known {
    fn from(section: &'static Section) -> Known {
        Known::Fields(section)
    }
}
