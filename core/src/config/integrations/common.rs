//! What every entry of `handoff.integrations` has: `kind`, `id`, `enabled`, the refused inline
//! secrets; and what the helpdesks share: where their API is (`base_url`), required keys.

use serde_json::Value;

use crate::config::read::{fields, Default, Errors, Field, Kind, Obj};
use crate::wire::error::ErrorKind;

/// The kinds of integration.
pub(super) const KINDS: &[&str] = &["zendesk", "freshdesk", "intercom", "webhook"];

/// `kind`: which integration (told apart before its table is known).
pub(crate) const KIND: Field = Field::new(
    "kind",
    Kind::OneOf(KINDS),
    Default::Absent(doc!("required")),
    doc!("the helpdesk, or a custom webhook"),
)
.required();
/// `id`: the integration's id (a helpdesk's; a webhook's is `handoff.webhooks[]`'s).
pub(crate) const ID: Field = Field::new(
    "id",
    Kind::Custom {
        what: doc!("string: letters, digits, `_`, `-`, at most 64 (a webhook's: any)"),
        shape: shape!({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}),
    },
    Default::Absent(doc!("the kind (`webhook_<index>` for webhooks)")),
    doc!(
        "unique across `handoff.webhooks` and `handoff.integrations`; the `webhook_id` of its \
         deliveries, the id for `enable_webhook`"
    ),
);
/// `enabled`.
pub(crate) const ENABLED: Field = Field::new(
    "enabled",
    Kind::Bool,
    Default::Bool(true),
    doc!("`false`: nothing new is sent (dead letters can still be re-driven)"),
);
/// The keys every helpdesk's table starts with.
pub(super) const COMMON: [Field; 3] = [KIND, ID, ENABLED];

/// The keys every entry of `handoff.integrations` has, described once (README's table of them;
/// each kind's own table starts with them).
#[cfg(feature = "schema")]
pub(crate) static INTEGRATION: crate::config::read::Section = crate::config::read::Section {
    name: "IntegrationConfig",
    path: "handoff.integrations[]",
    fields: &COMMON,
    doc: doc!(
        "One entry of `handoff.integrations`: a helpdesk told about handoffs (Zendesk, Freshdesk, \
         Intercom) or a custom webhook. Credentials are references only (`*_ref`: an environment \
         variable or worker secret); an inline `api_token`, `api_key`, `access_token`, \
         `password`, `token` or `secret` is refused. Keep them out of a browser's configuration: \
         they belong to the backend or edge worker that holds the credentials."
    ),
    notes: doc!(""),
};

/// A key that would hold a secret inline: known (so that it is not "did you mean"-ed), refused.
const fn refused(key: &'static str) -> Field {
    Field::new(
        key,
        Kind::Refused,
        Default::Absent(doc!("never")),
        doc!("refused: credentials are references (`*_ref`), never values"),
    )
}

/// The keys that would hold a credential inline, besides `secret`.
pub(super) const CREDENTIALS: [Field; 7] = [
    refused("api_token"),
    refused("api_key"),
    refused("access_token"),
    refused("oauth_token"),
    refused("token"),
    refused("password"),
    refused("key_secret"),
];
/// Every key that would hold a secret inline, refused wherever a helpdesk's keys are (a
/// webhook's `secret` is refused by the webhook reader, like `handoff.webhooks[]`'s).
pub(super) const SECRETS: [Field; 8] = fields(&[&[refused("secret")], &CREDENTIALS]);

/// `webhook_secret_ref` (or Intercom's `client_secret_ref`): the reference of the secret the
/// vendor's webhooks to `POST /v1/integrations/{id}/webhook` are checked with; without it that
/// route refuses the integration's webhooks.
pub(super) const fn inbound_secret(key: &'static str, doc: crate::config::read::Doc) -> Field {
    Field::new(
        key,
        Kind::Reference,
        Default::Absent(doc!("none: webhooks refused")),
        doc,
    )
}

/// `base_url`: the vendor's API elsewhere (a proxy, a test server), instead of the account.
pub(super) const fn base_url(doc: crate::config::read::Doc) -> Field {
    Field::new(
        "base_url",
        Kind::Custom {
            what: doc!("string, an `http://` or `https://` URL without query or fragment"),
            shape: shape!({"type": "string", "pattern": "^https?://[^{} ?#]*$"}),
        },
        Default::Absent(doc!("none")),
        doc,
    )
}

/// Reports each of `secrets` that `obj` has, by its path and never with its value, naming the
/// `*_ref` key to set instead.
pub(super) fn refuse_inline_secrets(obj: &Obj<'_>, secrets: &[Field], errors: &mut Errors) {
    for field in secrets {
        if !obj.map.contains_key(field.key) {
            continue;
        }
        // The `_ref` key of the same name where an integration has one (`api_token_ref`).
        let reference = format!("{}_ref", field.key);
        let has_reference = super::tables()
            .iter()
            .any(|t| t.fields.iter().any(|f| f.key == reference));
        let instead = if has_reference {
            format!("\"{reference}\"")
        } else {
            "a *_ref field".to_string()
        };
        errors.at(
            ErrorKind::Invalid,
            &obj.path_of(field.key),
            format!(
                "inline secrets are not accepted; set {instead} to the name of an environment \
                 variable or worker secret that holds it"
            ),
        );
    }
}

/// A helpdesk's `id`: as given (letters, digits, `_`, `-`), else its kind.
pub(super) fn read_id(obj: &Obj<'_>, kind: &str, errors: &mut Errors) -> Option<String> {
    let id = match obj.get(ID.key) {
        Some(_) => obj.nonempty_string(ID.key, errors).map(str::to_string),
        None => Some(kind.to_string()),
    };
    if let Some(id) = &id {
        if !super::is_identifier(id) {
            errors.value(
                ErrorKind::Invalid,
                &obj.path_of(ID.key),
                "expected letters, digits, '_' or '-'",
                &Value::String(id.clone()),
            );
        }
    }
    id
}

/// `value`, reported missing when neither it nor `field`'s key is there.
pub(super) fn require<T>(
    obj: &Obj<'_>,
    field: &Field,
    value: Option<T>,
    errors: &mut Errors,
) -> Option<T> {
    if value.is_none() && obj.get(field.key).is_none() {
        errors.at(
            ErrorKind::Missing,
            &obj.path_of(field.key),
            format!("missing field \"{}\"", field.key),
        );
    }
    value
}

/// `https://{account}.{domain}` from the account's field, or the `base` URL as given; exactly
/// one of them.
pub(super) fn account_url(
    obj: &Obj<'_>,
    account: &Field,
    base: &Field,
    domain: &str,
    errors: &mut Errors,
) -> Option<String> {
    let (name_key, base_key) = (account.key, base.key);
    let name = obj.nonempty_string(name_key, errors);
    let given = obj.nonempty_string(base_key, errors);
    match (name, given) {
        (Some(_), Some(_)) => {
            errors.at(
                ErrorKind::Invalid,
                &obj.path_of(base_key),
                format!("give \"{name_key}\" or \"{base_key}\", not both"),
            );
            None
        }
        (Some(n), None) => {
            let n = n.strip_suffix(&format!(".{domain}")).unwrap_or(n);
            if n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                Some(format!("https://{n}.{domain}"))
            } else {
                errors.value(
                    ErrorKind::Invalid,
                    &obj.path_of(name_key),
                    format!("expected the account name of https://NAME.{domain}"),
                    &Value::String(n.into()),
                );
                None
            }
        }
        (None, Some(b)) => url(obj, base, b, errors),
        (None, None) => {
            if obj.get(name_key).is_none() && obj.get(base_key).is_none() {
                errors.at(
                    ErrorKind::Missing,
                    &obj.path_of(name_key),
                    format!("missing field \"{name_key}\" (or \"{base_key}\")"),
                );
            }
            None
        }
    }
}

/// `u`, the value of a [`base_url`] field, without its trailing `/`; reported when it is not an
/// `http://` or `https://` URL without query or fragment.
pub(super) fn url(obj: &Obj<'_>, field: &Field, u: &str, errors: &mut Errors) -> Option<String> {
    let ok = (u.starts_with("https://") || u.starts_with("http://"))
        && !u.contains(['{', '}', ' ', '?', '#']);
    if ok {
        Some(u.trim_end_matches('/').to_string())
    } else {
        errors.value(
            ErrorKind::Invalid,
            &obj.path_of(field.key),
            "expected an http:// or https:// URL without query or fragment",
            &Value::String(u.into()),
        );
        None
    }
}
