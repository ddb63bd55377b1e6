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
mod tests {
    use super::*;

    #[test]
    fn find_prefers_the_topic_with_most_keywords() {
        let matcher = TopicMatcher::new(vec![
            (
                "billing".to_string(),
                vec!["invoice".to_string(), "refund*".to_string()],
            ),
            (
                "legal".to_string(),
                vec!["lawyer".to_string(), "legal action".to_string()],
            ),
        ]);
        assert_eq!(
            matcher.find("Where is my REFUND? My lawyer will take legal action."),
            Some(TopicMatch {
                topic: "legal".to_string(),
                keyword: "lawyer".to_string()
            })
        );
        assert_eq!(
            matcher.find("I was refunded twice").unwrap().keyword,
            "refund*"
        );
        assert_eq!(matcher.find("hello"), None);
    }

    #[test]
    fn builtin_keywords_know_aliases() {
        assert!(builtin_keywords("legal").unwrap().contains(&"lawyer*"));
        assert_eq!(builtin_keywords("Shipping"), builtin_keywords("delivery"));
        assert_eq!(builtin_keywords("no_such_topic"), None);
    }

    fn matcher(spec: &[(&str, &[&str])]) -> TopicMatcher {
        TopicMatcher::new(
            spec.iter()
                .map(|(t, ks)| (t.to_string(), ks.iter().map(|k| k.to_string()).collect()))
                .collect(),
        )
    }

    fn found(m: &TopicMatcher, text: &str) -> Option<(String, String)> {
        m.find(text).map(|t| (t.topic, t.keyword))
    }

    fn pair(t: &str, k: &str) -> Option<(String, String)> {
        Some((t.to_string(), k.to_string()))
    }

    #[test]
    fn case_insensitive_word_boundaries() {
        let m = matcher(&[("legal", &["sue", "GDPR"])]);
        assert_eq!(found(&m, "I will SUE you"), pair("legal", "sue"));
        assert_eq!(found(&m, "what about gdpr?"), pair("legal", "GDPR"));
        assert_eq!(found(&m, "I have an issue"), None);
        assert_eq!(found(&m, "pursue"), None);
        assert_eq!(found(&m, ""), None);
    }

    #[test]
    fn normalisation_is_shared_with_request() {
        let m = matcher(&[
            ("refund", &["reembolso", "doesn't work"]),
            ("angry", &["unacceptable"]),
        ]);
        assert_eq!(
            found(&m, "¡Quiero un REEMBÓLSO!"),
            pair("refund", "reembolso")
        );
        assert_eq!(found(&m, "it doesnt work"), pair("refund", "doesn't work"));
        assert_eq!(found(&m, "it DOESN’T work"), pair("refund", "doesn't work"));
        assert_eq!(found(&m, "UNACCEPTABLEEEE"), pair("angry", "unacceptable"));
    }

    #[test]
    fn multi_word_keywords() {
        let m = matcher(&[("billing_dispute", &["charged twice", "wrong charge"])]);
        assert_eq!(
            found(&m, "You CHARGED me... no, you charged-twice!"),
            pair("billing_dispute", "charged twice")
        );
        assert_eq!(found(&m, "charged me twice"), None);
        assert_eq!(found(&m, "I was charged. Twice is too many"), None);
        assert_eq!(found(&m, "twice charged"), None);
        assert_eq!(
            found(&m, "a wrong   charge on my card"),
            pair("billing_dispute", "wrong charge")
        );
    }

    #[test]
    fn wildcard_prefix() {
        let m = matcher(&[("refund", &["refund*"]), ("cancel", &["cancel*"])]);
        for text in ["refund", "Refunds?", "I was REFUNDED", "refunding"] {
            assert_eq!(found(&m, text), pair("refund", "refund*"), "{text}");
        }
        assert_eq!(found(&m, "non-refundable"), pair("refund", "refund*"));
        assert_eq!(found(&m, "prerefund"), None);
        assert_eq!(found(&m, "cancellation"), pair("cancel", "cancel*"));
        let m = matcher(&[("x", &["double charge*"])]);
        assert_eq!(found(&m, "double charged!"), pair("x", "double charge*"));
        assert_eq!(found(&m, "charged double"), None);
    }

    #[test]
    fn most_hits_wins_ties_by_config_order() {
        let m = matcher(&[
            ("billing", &["invoice", "refund*", "charge"]),
            ("legal", &["lawyer", "sue", "court"]),
        ]);
        // legal: 2 distinct keywords, billing: 1.
        assert_eq!(
            found(&m, "refund or I sue, my lawyer says"),
            pair("legal", "lawyer")
        );
        // 1 each: config order decides.
        assert_eq!(found(&m, "refund or I sue"), pair("billing", "refund*"));
        // Repeating one keyword does not outweigh two different ones.
        assert_eq!(
            found(&m, "refund refund refund! invoice charge... court"),
            pair("billing", "invoice")
        );
        // `keyword` is the first configured keyword that matched, not the first in the text.
        assert_eq!(
            found(&m, "see you in court, my lawyer will call"),
            pair("legal", "lawyer")
        );
    }

    #[test]
    fn empty_and_odd_config() {
        assert_eq!(TopicMatcher::default().find("refund"), None);
        let m = matcher(&[("a", &["", "  ", "*", "!!"]), ("b", &["ok"])]);
        assert_eq!(found(&m, "ok refund"), pair("b", "ok"));
        let m = matcher(&[("x", &["refund*!"])]);
        assert_eq!(found(&m, "refunded"), pair("x", "refund*!"));
    }

    #[test]
    fn builtin_lists() {
        for name in [
            "billing_dispute",
            "legal",
            "complaint",
            "cancellation",
            "refund",
            "technical",
            "sales",
            "billing",
            "privacy",
            "fraud",
            "shipping",
            "delivery",
            "Billing-Dispute",
            " LEGAL ",
        ] {
            let list = builtin_keywords(name).unwrap_or_else(|| panic!("{name}"));
            assert!(list.len() >= 5, "{name}");
            for kw in list {
                assert!(compile(kw).is_some(), "{name}: {kw}");
            }
        }
        assert_eq!(builtin_keywords("weather"), None);
        assert_eq!(builtin_keywords(""), None);
        let bd = builtin_keywords("billing_dispute").unwrap();
        for kw in [
            "charged twice",
            "refund*",
            "chargeback*",
            "dispute*",
            "overcharg*",
        ] {
            assert!(bd.contains(&kw), "{kw}");
        }
        assert!(builtin_keywords("refund").unwrap().contains(&"reembolso*"));
        assert!(builtin_keywords("complaint").unwrap().contains(&"shikayat"));
        assert!(builtin_keywords("legal").unwrap().contains(&"abogado*"));
        assert!(builtin_keywords("refund").unwrap().contains(&"paisa wapas"));
        assert!(builtin_keywords("complaint").unwrap().contains(&"queja*"));
    }

    #[test]
    fn topics_without_keywords_use_builtins() {
        let m = TopicMatcher::new(vec![
            ("billing_dispute".to_string(), vec![]),
            ("legal".to_string(), vec![]),
            ("complaint".to_string(), vec![]),
            ("shipping".to_string(), vec![]),
            ("custom_without_builtin".to_string(), vec![]),
        ]);
        assert_eq!(
            found(&m, "You charged me twice for one order!"),
            pair("billing_dispute", "charged me twice")
        );
        assert_eq!(
            found(&m, "I'll talk to my lawyer and take legal action"),
            pair("legal", "lawyer*")
        );
        assert_eq!(
            found(&m, "This is the worst service, I want to file a complaint"),
            pair("complaint", "complaint*")
        );
        assert_eq!(
            found(&m, "Where's my order? It's delayed"),
            pair("shipping", "delayed")
        );
        assert_eq!(
            found(&m, "mujhe paisa wapas chahiye"),
            pair("billing_dispute", "paisa wapas")
        );
        assert_eq!(
            found(&m, "voy a llamar a mi abogado"),
            pair("legal", "abogado*")
        );
        assert_eq!(found(&m, "hello there"), None);
    }

    #[test]
    fn configured_keywords_override_builtins() {
        let m = matcher(&[("legal", &["subpoena"])]);
        assert_eq!(found(&m, "my lawyer"), None);
        assert_eq!(found(&m, "a subpoena"), pair("legal", "subpoena"));
    }

    #[test]
    fn tricky_strings_do_not_panic() {
        let m = TopicMatcher::new(vec![
            (
                "refund".to_string(),
                vec!["refund*".into(), "é*".into(), "🙂".into()],
            ),
            ("legal".to_string(), vec![]),
        ]);
        let long = "refund ".repeat(50_000);
        for s in [
            "",
            "🙂",
            "\u{301}",
            "ééé",
            "İ",
            "ß",
            "\0",
            "人間",
            "refund\u{200D}",
            long.as_str(),
        ] {
            let _ = m.find(s);
        }
        assert_eq!(found(&m, &long), pair("refund", "refund*"));
        assert_eq!(found(&m, "é"), pair("refund", "é*"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,200}", kw in "\\PC{0,20}") {
            let m = TopicMatcher::new(vec![
                ("t".to_string(), vec![kw.clone(), format!("{kw}*")]),
                ("legal".to_string(), vec![]),
            ]);
            let _ = m.find(&text);
            let _ = builtin_keywords(&kw);
        }
    }

    /// The definition, word for word: every keyword of every topic tried at every position.
    fn find_by_scanning(m: &TopicMatcher, text: &str) -> Option<TopicMatch> {
        let toks = tokenize(text);
        let mut best: Option<(usize, &Topic, &Keyword)> = None;
        for topic in &m.topics {
            let found: Vec<&Keyword> = topic
                .keywords
                .iter()
                .filter(|kw| (0..toks.len()).any(|i| matches_at(&toks, kw, i)))
                .collect();
            if let Some(first) = found.first() {
                if !matches!(best, Some((h, _, _)) if h >= found.len()) {
                    best = Some((found.len(), topic, first));
                }
            }
        }
        best.map(|(_, t, k)| TopicMatch {
            topic: t.name.clone(),
            keyword: k.original.clone(),
        })
    }

    proptest::proptest! {
        #[test]
        fn the_indexed_lookup_finds_what_scanning_finds(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "refund", "refunded", "Refunds", "charged", "twice", "double", "charges",
                    "lawyer", "legal", "action", "sue", "court", "my", "the", "invoice",
                    "wrong", "reembolso", "cobro", "doble", "ship", "shipping", "shipment",
                    "late", ",", ".", "!", "not", "account", "hacked", "Ümlaut", "🙂",
                ]),
                0..14,
            )
        ) {
            let text = words.join(" ");
            let m = TopicMatcher::new(vec![
                ("billing".into(), vec![]),
                ("legal".into(), vec![]),
                ("custom".into(), vec!["ship*".into(), "double charge*".into(), "wrong invoice".into(), "Ü*".into()]),
                ("twice".into(), vec!["twice".into(), "charged twice".into(), "refund*".into()]),
            ]);
            proptest::prop_assert_eq!(m.find(&text), find_by_scanning(&m, &text), "{}", text);
        }
    }
}
