//! Matches configured topic keywords ("billing_dispute", "legal", ...) in a
//! customer's text.
//!
//! # Approach
//!
//! Text and keywords go through the same normaliser as
//! [`crate::language::request`] (lowercase, accents folded, apostrophes dropped,
//! repeated letters collapsed, split into words), so `"Refund"`, `"REFUNDS"`
//! and `"reembólso"` compare the way a person would expect and
//! `"doesn't work"` matches `"doesnt work"`.
//!
//! * A keyword matches whole words only: `"sue"` does not match `"issue"`.
//! * A multi-word keyword (`"charged twice"`) matches the same words in a row,
//!   within one clause (not across `.`, `,`, `!`, `?`, ...).
//! * A trailing `*` makes the last word a prefix: `"refund*"` matches
//!   `"refund"`, `"refunds"`, `"refunded"`.
//! * Each topic scores the number of its *distinct* keywords found in the
//!   text. The topic with the highest score wins; ties go to the topic
//!   configured first. The reported keyword is the first of that topic's
//!   keywords (in configured order) that matched, spelled as configured.
//! * A topic configured without keywords uses [`builtin_keywords`] for its
//!   name, if there is a built-in list.
//!
//! The text is normalised once per message (shared with request detection), and
//! each word, and each of its prefixes up to the longest prefix keyword, is looked
//! up in an index of the keywords by their first word: the cost grows with the
//! text, not with the number of keywords configured.

use crate::language::tokens::{normalize, tokenize, Text, Tokens};
use rustc_hash::FxHashMap;

/// A topic found in a customer's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicMatch {
    /// The topic name, as configured.
    pub topic: String,
    /// The keyword that matched, as configured (e.g. `"refund*"`).
    pub keyword: String,
}

/// One word of a compiled keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    word: String,
    prefix: bool,
}

#[derive(Debug, Clone)]
struct Keyword {
    original: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Topic {
    name: String,
    keywords: Vec<Keyword>,
}

/// Keyword lists per topic, ready for matching.
///
/// Built once from configuration with [`TopicMatcher::new`] and queried with
/// [`TopicMatcher::find`]. The default matcher has no topics and never
/// matches.
#[derive(Debug, Clone, Default)]
pub struct TopicMatcher {
    topics: Vec<Topic>,
    /// Keywords by their first word, when that word must match exactly: `(topic, keyword)`.
    by_word: FxHashMap<String, Vec<(u32, u32)>>,
    /// Keywords by their first word, when that word is a prefix (`refund*`).
    by_prefix: FxHashMap<String, Vec<(u32, u32)>>,
    /// The longest prefix in `by_prefix`, in bytes.
    longest_prefix: usize,
}

/// Compiles one configured keyword; `None` if it has no words.
fn compile(keyword: &str) -> Option<Keyword> {
    let mut parts = Vec::new();
    for chunk in keyword.split_whitespace() {
        let chunk = chunk.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '*');
        let (body, prefix) = match chunk.strip_suffix('*') {
            Some(body) => (body.trim_end_matches('*'), true),
            None => (chunk, false),
        };
        let normalised = normalize(body);
        let words: Vec<&str> = normalised.split(' ').filter(|w| !w.is_empty()).collect();
        let n = words.len();
        for (i, w) in words.into_iter().enumerate() {
            parts.push(Part {
                word: w.to_string(),
                prefix: prefix && i + 1 == n,
            });
        }
    }
    (!parts.is_empty()).then(|| Keyword {
        original: keyword.to_string(),
        parts,
    })
}

fn part_matches(part: &Part, word: &str) -> bool {
    if part.prefix {
        word.starts_with(part.word.as_str())
    } else {
        word == part.word
    }
}

/// Does `kw` occur in `toks` starting at word `i` (all its words in one clause)?
fn matches_at(toks: &Tokens, kw: &Keyword, i: usize) -> bool {
    let clause = toks.tok(i).map(|t| t.clause);
    kw.parts.iter().enumerate().all(|(k, part)| {
        let j = i + k;
        j < toks.len()
            && toks.tok(j).map(|t| t.clause) == clause
            && part_matches(part, toks.word(j))
    })
}

impl TopicMatcher {
    /// Builds a matcher from topic -> keywords, checked in the order given.
    ///
    /// A topic with no (non-blank) keywords gets [`builtin_keywords`] for its
    /// name when there is such a list; otherwise it never matches.
    pub fn new(topics: Vec<(String, Vec<String>)>) -> Self {
        let topics = topics
            .into_iter()
            .map(|(name, keywords)| {
                let mut compiled: Vec<Keyword> =
                    keywords.iter().filter_map(|k| compile(k)).collect();
                if compiled.is_empty() {
                    if let Some(builtin) = builtin_keywords(&name) {
                        compiled = builtin.iter().filter_map(|k| compile(k)).collect();
                    }
                }
                Topic {
                    name,
                    keywords: compiled,
                }
            })
            .collect::<Vec<Topic>>();
        let mut by_word: FxHashMap<String, Vec<(u32, u32)>> = FxHashMap::default();
        let mut by_prefix: FxHashMap<String, Vec<(u32, u32)>> = FxHashMap::default();
        let mut longest_prefix = 0;
        for (t, topic) in topics.iter().enumerate() {
            for (k, kw) in topic.keywords.iter().enumerate() {
                let Some(first) = kw.parts.first() else {
                    continue;
                };
                let at = (t as u32, k as u32);
                if first.prefix {
                    longest_prefix = longest_prefix.max(first.word.len());
                    by_prefix.entry(first.word.clone()).or_default().push(at);
                } else {
                    by_word.entry(first.word.clone()).or_default().push(at);
                }
            }
        }
        TopicMatcher {
            topics,
            by_word,
            by_prefix,
            longest_prefix,
        }
    }

    /// The best topic for `text`, if any keyword matches.
    ///
    /// The topic with the most distinct keywords found wins; ties go to the
    /// topic configured first. `keyword` is that topic's first configured
    /// keyword that matched.
    pub fn find(&self, text: &str) -> Option<TopicMatch> {
        if self.topics.is_empty() {
            return None;
        }
        self.find_in(&tokenize(text))
    }

    /// [`TopicMatcher::find`] on a customer's text, tokenized once for every detector.
    pub(crate) fn find_text(&self, text: &Text<'_>) -> Option<TopicMatch> {
        if self.topics.is_empty() {
            return None;
        }
        self.find_in(text.tokens())
    }

    /// [`TopicMatcher::find`] on a text already tokenized (the callers return early when no
    /// topic is configured, before tokenizing).
    fn find_in(&self, toks: &Tokens) -> Option<TopicMatch> {
        // Every keyword found, as (topic, keyword): looked up from each word (exactly, and by
        // each of its prefixes), never by scanning the keyword lists.
        let mut found: Vec<(u32, u32)> = Vec::new();
        for i in 0..toks.len() {
            let word = toks.word(i);
            let mut check = |list: Option<&Vec<(u32, u32)>>| {
                for &(t, k) in list.into_iter().flatten() {
                    if matches_at(toks, &self.topics[t as usize].keywords[k as usize], i) {
                        found.push((t, k));
                    }
                }
            };
            check(self.by_word.get(word));
            if !self.by_prefix.is_empty() {
                for (end, _) in word.char_indices().skip(1) {
                    if end > self.longest_prefix {
                        break;
                    }
                    check(self.by_prefix.get(&word[..end]));
                }
                if word.len() <= self.longest_prefix {
                    check(self.by_prefix.get(word));
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        // Per topic (in order): how many distinct keywords, and the first configured one.
        let mut best: Option<(usize, &Topic, &Keyword)> = None;
        for run in found.chunk_by(|a, b| a.0 == b.0) {
            let topic = &self.topics[run[0].0 as usize];
            let hits = run.len();
            if !matches!(best, Some((h, _, _)) if h >= hits) {
                best = Some((hits, topic, &topic.keywords[run[0].1 as usize]));
            }
        }
        best.map(|(_, topic, kw)| TopicMatch {
            topic: topic.name.clone(),
            keyword: kw.original.clone(),
        })
    }
}

const BILLING_DISPUTE: &[&str] = &[
    "charged twice",
    "charged me twice",
    "billed twice",
    "double charge*",
    "double billed",
    "double billing",
    "double payment",
    "overcharg*",
    "over charged",
    "wrong charge*",
    "wrong amount",
    "incorrect charge*",
    "unauthorized charge*",
    "unauthorised charge*",
    "refund*",
    "chargeback*",
    "charge back",
    "dispute*",
    "invoice wrong",
    "wrong invoice",
    "incorrect invoice",
    "billing error*",
    "billing mistake",
    "reembolso*",
    "cobro doble",
    "cobro indebido",
    "cobro incorrecto",
    "me cobraron dos veces",
    "paisa wapas",
    "paise wapas",
    "paise kat gaye",
    "do baar paise",
];

const LEGAL: &[&str] = &[
    "lawyer*",
    "attorney*",
    "solicitor*",
    "sue",
    "suing",
    "lawsuit*",
    "legal action",
    "legal notice",
    "legal proceedings",
    "litigation",
    "court",
    "small claims",
    "gdpr",
    "ccpa",
    "data protection",
    "consumer forum",
    "consumer court",
    "ombudsman",
    "regulator",
    "abogado*",
    "demanda*",
    "denuncia*",
    "accion legal",
    "tribunal*",
    "vakil",
    "kanooni",
    "kanuni",
    "court case",
];

const COMPLAINT: &[&str] = &[
    "complaint*",
    "complain*",
    "file a complaint",
    "escalat*",
    "unacceptable",
    "worst service",
    "terrible service",
    "horrible service",
    "poor service",
    "not happy",
    "disappointed",
    "disgusted",
    "ridiculous",
    "pathetic",
    "fed up",
    "queja*",
    "quejarme",
    "reclamo*",
    "reclamacion*",
    "pesimo servicio",
    "shikayat",
    "bakwas",
    "bekar service",
];

const CANCELLATION: &[&str] = &[
    "cancel*",
    "close my account",
    "delete my account",
    "terminate*",
    "termination",
    "unsubscribe",
    "end my subscription",
    "stop my subscription",
    "stop billing me",
    "opt out",
    "cancelar*",
    "cancelacion",
    "dar de baja",
    "darme de baja",
    "band karo",
    "band karna",
];

const REFUND: &[&str] = &[
    "refund*",
    "money back",
    "reimburse*",
    "return my money",
    "paisa wapas",
    "paise wapas",
    "paisa vapas",
    "paise vapas",
    "reembolso*",
    "devolucion",
    "devolver*",
    "mi dinero",
];

const TECHNICAL: &[&str] = &[
    "error*",
    "bug*",
    "crash*",
    "not working",
    "doesn't work",
    "does not work",
    "isn't working",
    "stopped working",
    "broken",
    "can't log in",
    "cannot log in",
    "can't login",
    "login",
    "log in",
    "password",
    "outage",
    "glitch*",
    "freez*",
    "not loading",
    "won't load",
    "kaam nahi kar raha",
    "chal nahi raha",
    "no funciona",
    "falla*",
    "fallo",
];

const SALES: &[&str] = &[
    "pricing",
    "price*",
    "quote",
    "demo",
    "buy",
    "purchase*",
    "upgrade*",
    "plan*",
    "discount*",
    "enterprise",
    "how much",
    "trial",
    "precio*",
    "cotizacion",
    "comprar",
    "kitna",
    "keemat",
    "kimat",
];

const BILLING: &[&str] = &[
    "bill",
    "bills",
    "billing",
    "billed",
    "invoice*",
    "payment*",
    "charge*",
    "credit card",
    "debit card",
    "receipt*",
    "subscription*",
    "factura*",
    "cobro*",
    "pago*",
    "tarjeta",
    "bhugtan",
];

const PRIVACY: &[&str] = &[
    "privacy",
    "personal data",
    "my data",
    "delete my data",
    "data deletion",
    "gdpr",
    "ccpa",
    "data breach",
    "consent",
    "cookies",
    "privacidad",
    "datos personales",
    "mis datos",
];

const FRAUD: &[&str] = &[
    "fraud*",
    "scam*",
    "unauthorized",
    "unauthorised",
    "hacked",
    "hacker*",
    "stolen",
    "identity theft",
    "phishing",
    "someone used my card",
    "i didn't make this",
    "fraude",
    "estafa*",
    "robo",
    "dhokha",
    "dhoka",
    "dhokhadhadi",
];

const SHIPPING: &[&str] = &[
    "delayed",
    "delay*",
    "late",
    "not delivered",
    "never arrived",
    "hasn't arrived",
    "not arrived",
    "where is my order",
    "where's my order",
    "tracking",
    "track my order",
    "tracking number",
    "shipment*",
    "shipping",
    "delivery",
    "courier",
    "package",
    "parcel",
    "lost package",
    "envio",
    "entrega",
    "pedido",
    "paquete",
    "no ha llegado",
    "order kahan hai",
    "delivery nahi hui",
    "abhi tak nahi aaya",
];

/// Built-in keywords for well-known topics (used when a topic has no
/// configured keywords).
///
/// Known names (case-insensitive; `-` and spaces count as `_`):
/// `billing_dispute`, `legal`, `complaint`, `cancellation`, `refund`,
/// `technical`, `sales`, `billing`, `privacy`, `fraud`, and `shipping` /
/// `delivery`, plus a few obvious aliases (`refunds`, `cancel`, `tech`,
/// `tech_support`, `complaints`, `dispute`, ...). The lists include some
/// Hinglish and Spanish words ("paisa wapas", "shikayat", "reembolso",
/// "queja", "abogado").
pub fn builtin_keywords(topic: &str) -> Option<&'static [&'static str]> {
    let name: String = topic
        .trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let list = match name.as_str() {
        "billing_dispute" | "billing_disputes" | "dispute" | "disputes" | "payment_dispute" => {
            BILLING_DISPUTE
        }
        "legal" | "legal_threat" | "legal_threats" => LEGAL,
        "complaint" | "complaints" => COMPLAINT,
        "cancellation" | "cancellations" | "cancel" | "churn" => CANCELLATION,
        "refund" | "refunds" => REFUND,
        "technical" | "tech" | "tech_support" | "technical_support" | "technical_issue"
        | "technical_issues" => TECHNICAL,
        "sales" | "pricing" => SALES,
        "billing" => BILLING,
        "privacy" | "data_privacy" => PRIVACY,
        "fraud" | "security" => FRAUD,
        "shipping" | "delivery" | "shipping_delivery" | "orders" => SHIPPING,
        _ => return None,
    };
    Some(list)
}

#[cfg(test)]
mod tests;
