//! Detects a customer asking for a person ("talk to a human", "agent se baat
//! karwao", "quiero hablar con una persona").
//!
//! # Approach
//!
//! Rather than a list of literal sentences, detection works on normalised
//! words and a small lexicon of word *roles*:
//!
//! 1. **Normalise** (`tokenize`, shared with topic detection): lowercase,
//!    fold accents (`é`→`e`, `ñ`→`n`, combining marks dropped), drop
//!    apostrophes inside words (`don't`→`dont`), collapse runs of a repeated
//!    letter (`humannnn`→`human`, `speek`→`spek`), and split into words that
//!    remember their byte span in the original text. `.`, `!`, `?`, `,`, `;`,
//!    `:` and line breaks end a clause.
//! 2. **Clauses** are further split at conjunctions ("but", "and", "lekin",
//!    "pero", "sino", ...), so that a negation in one clause does not cancel a
//!    request in the next ("I don't want a bot, I want a human").
//! 3. **Person nouns** are found per clause: *strong* nouns (human, agent,
//!    representative, operator, supervisor, manager, humano, agente, insaan,
//!    "customer service", ...) and *weak* ones (person, someone, staff,
//!    persona, alguien, kisi, ...). Nouns of five or more letters also match
//!    with an optimal-string-alignment (restricted Damerau-Levenshtein)
//!    distance of one (`humen`, `huamn`, `agnet`, `persn`, `representitive`).
//! 4. **Request patterns.** A noun is a request when
//!    * a request word comes before it, with only "glue" words in between
//!      (`talk`/`speak`/`want`/`need`/`connect`/`transfer`/`get me`/
//!      `hablar`/`quiero`/`pásame` ... + `to`, `a`, `with`, `real`, `con`,
//!      `un` ...), or
//!    * a request word follows it (`please`, `por favor`, Hinglish
//!      `se baat`, `chahiye`, `bulao`, `(can) help me` ...), or
//!    * the clause consists only of a strong noun and filler words
//!      ("human", "representative!!", "live agent", "persona real").
//!
//!    A verb in the past tense is not a request word, and a request preceded
//!    by "wanted"/"tried"/"was"/"maine" or followed by Hinglish "thi"/"tha"
//!    is treated as narrative ("I spoke to an agent yesterday"). Nouns used
//!    as modifiers ("human body", "agent ID") and a clause right after
//!    "thanks"/"thank you" ("Thank you, agent") are ignored.
//! 5. **Negation** cancels a request when it sits in the run of request words
//!    right before it ("I don't want", "no need for", "no quiero", "no
//!    human please") or, for Hinglish, anywhere in the verb group after the
//!    noun ("nahi chahiye", "se baat nahi karni").
//!
//! The reported phrase is the matched words plus adjoining lead-in and
//! politeness words ("can I", "please", "karni hai"), sliced from the original
//! text. The language is Hinglish (`"hi-Latn"`) when any Hindi word is part of
//! the phrase, Spanish (`"es"`) when any Spanish word is, English otherwise.
//!
//! Everything is linear in the input length (every scan is bounded by a small
//! window) and never panics.

use std::borrow::Cow;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

/// A request for a person found in a customer's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMatch {
    /// The words that matched, as the customer wrote them (original casing,
    /// trimmed), e.g. `"Can I talk to a real person please"`.
    pub phrase: String,
    /// Language of the matched phrase: `"en"`, `"hi-Latn"` or `"es"`.
    pub language: &'static str,
}

// ---------------------------------------------------------------------------
// Normaliser (shared with `topics`)
// ---------------------------------------------------------------------------

/// One normalised word and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    /// Byte range of the normalised word inside [`Tokens::buf`].
    norm: (usize, usize),
    /// Byte offset of the word's first character in the original text.
    pub(crate) start: usize,
    /// Byte offset just after the word's last character in the original text.
    pub(crate) end: usize,
    /// Punctuation clause number; increases at `.`, `!`, `?`, `,`, `;`, ...
    pub(crate) clause: usize,
}

/// The normalised words of a text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tokens {
    buf: String,
    toks: Vec<Tok>,
}

impl Tokens {
    /// Number of words.
    pub(crate) fn len(&self) -> usize {
        self.toks.len()
    }

    /// The normalised form of word `i` (empty if out of range).
    pub(crate) fn word(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .and_then(|t| self.buf.get(t.norm.0..t.norm.1))
            .unwrap_or("")
    }

    /// Position information of word `i`.
    pub(crate) fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i)
    }

    /// Normalised words joined by single spaces.
    pub(crate) fn joined(&self) -> String {
        let mut s = String::new();
        for i in 0..self.len() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.word(i));
        }
        s
    }
}

/// Characters that are dropped without ending a word: apostrophes, combining
/// marks, zero-width joiners, soft hyphens and Indic signs.
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}'
            | '\u{2018}'
            | '\u{02BC}'
            | '`'
            | '\u{00B4}'
            | '\u{00AD}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    ) || (('\u{0900}'..='\u{0DFF}').contains(&c)
        && !c.is_alphanumeric()
        && c != '\u{0964}'
        && c != '\u{0965}')
}

/// Characters that end a clause.
fn is_boundary(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | ','
            | ';'
            | ':'
            | '\n'
            | '\r'
            | '\u{00BF}'
            | '\u{00A1}'
            | '\u{2026}'
            | '\u{0964}'
            | '\u{0965}'
            | '\u{3002}'
            | '\u{FF01}'
            | '\u{FF1F}'
            | '\u{FF0C}'
            | '\u{FF1B}'
            | '\u{060C}'
            | '\u{061F}'
            | '\u{3001}'
    )
}

/// Folds a lowercase Latin letter with a diacritic to its base letter.
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'ł' | 'ľ' | 'ĺ' | 'ļ' => 'l',
        'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ř' | 'ŗ' => 'r',
        'ś' | 'š' | 'ş' | 'ŝ' => 's',
        'ť' | 'ţ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

/// Splits `text` into normalised words: lowercased, accents folded,
/// apostrophes dropped, runs of one repeated letter collapsed to one letter.
/// Anything that is not a letter or digit separates words; clause
/// punctuation additionally bumps [`Tok::clause`]. Never panics.
pub(crate) fn tokenize(text: &str) -> Tokens {
    let mut out = Tokens {
        buf: String::with_capacity(text.len()),
        toks: Vec::new(),
    };
    let mut clause = 0usize;
    let mut in_word = false;
    let (mut start, mut end, mut nstart) = (0usize, 0usize, 0usize);
    let mut last: Option<char> = None;

    fn flush(out: &mut Tokens, nstart: usize, start: usize, end: usize, clause: usize) {
        if out.buf.len() > nstart {
            out.toks.push(Tok {
                norm: (nstart, out.buf.len()),
                start,
                end,
                clause,
            });
        }
    }

    for (i, c) in text.char_indices() {
        if is_joiner(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if !in_word {
                in_word = true;
                start = i;
                nstart = out.buf.len();
                last = None;
            }
            end = i + c.len_utf8();
            for lc in c.to_lowercase() {
                let f = fold_accent(lc);
                if is_joiner(f) {
                    continue;
                }
                if f.is_alphabetic() && last == Some(f) {
                    continue;
                }
                out.buf.push(f);
                last = Some(f);
            }
        } else {
            if in_word {
                flush(&mut out, nstart, start, end, clause);
                in_word = false;
            }
            if is_boundary(c) {
                clause += 1;
            }
        }
    }
    if in_word {
        flush(&mut out, nstart, start, end, clause);
    }
    out
}

/// Normalises a word or phrase to space-separated normalised words, the same
/// way [`tokenize`] treats customer text.
pub(crate) fn normalize(text: &str) -> String {
    if text.is_ascii() {
        normalize_ascii(text)
    } else {
        tokenize(text).joined()
    }
}

/// [`normalize`] for ASCII text, in one pass and one allocation: configuration keywords and the
/// built-in word lists are normalised when an engine is created, so this is start-up time.
fn normalize_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_ascii_into(text, &mut out);
    out
}

/// [`normalize_ascii`] into `out` (cleared first), so a caller can reuse one buffer.
fn normalize_ascii_into(text: &str, out: &mut String) {
    out.clear();
    let mut in_word = false;
    let mut last = 0u8;
    for &b in text.as_bytes() {
        if is_joiner(char::from(b)) {
            continue;
        }
        if !b.is_ascii_alphanumeric() {
            in_word = false;
            continue;
        }
        let c = b.to_ascii_lowercase();
        if !in_word {
            if !out.is_empty() {
                out.push(' ');
            }
            in_word = true;
        } else if c.is_ascii_alphabetic() && c == last {
            continue;
        }
        out.push(char::from(c));
        last = c;
    }
}

// ---------------------------------------------------------------------------
// Lexicon
// ---------------------------------------------------------------------------

/// Nouns that can stand alone as a request ("human", "agent please").
#[rustfmt::skip]
const STRONG_NOUNS: &[&str] = &[
    // en
    "human", "humans", "hooman", "agent", "agents", "representative", "representatives", "rep",
    "reps", "operator", "operators", "supervisor", "supervisors", "manager", "managers", "helpdesk",
    // es
    "humano", "humana", "humanos", "agente", "agentes", "representante", "representantes",
    "operador", "operadora", "asesor", "asesora", "gerente", "encargado", "encargada",
    "supervisora",
    // hi-Latn
    "insaan", "insaano", "insaanon", "manav",
];

/// Nouns that need a request word ("talk to someone", "persona real").
#[rustfmt::skip]
const WEAK_NOUNS: &[&str] = &[
    // en
    "person", "persons", "people", "someone", "somebody", "somone", "sombody", "anyone", "anybody",
    "staff", "employee", "employees", "advisor", "adviser", "specialist", "executive", "executives",
    "associate",
    // es
    "persona", "personas", "alguien", "ejecutivo", "ejecutiva",
    // hi-Latn
    "kisi", "aadmi", "banda", "bande",
];

/// Nouns that also match with one edit (misspellings).
#[rustfmt::skip]
const FUZZY_NOUNS: &[&str] = &[
    "human", "humano", "person", "persona", "agent", "agente", "representative", "representante",
    "operator", "operador", "supervisor", "manager", "gerente", "someone", "somebody", "specialist",
    "executive",
];

/// Real words that are one edit away from a fuzzy noun.
#[rustfmt::skip]
const FUZZY_BLOCK: &[&str] = &[
    "manage", "managed", "manages", "humane", "personal", "insane", "employer", "parson",
];

/// Multi-word nouns; all strong.
#[rustfmt::skip]
const MULTI_NOUNS: &[&str] = &[
    "customer service", "customer services", "customer support", "customer care", "help desk",
    "call center", "call centre", "tech support", "technical support", "live chat", "live support",
    "support staff", "support team", "human being", "servicio al cliente", "atencion al cliente",
    "soporte tecnico", "ser humano",
];

/// Words before a person noun that make it a request.
#[rustfmt::skip]
const PRE_TRIGGERS: &[&str] = &[
    // en
    "talk", "tlak", "speak", "speek", "spaek", "chat", "connect", "conect", "transfer", "trasfer",
    "tranfer", "put", "get", "gimme", "give", "want", "wanna", "wnat", "need", "needs", "request",
    "prefer", "escalate", "call", "contact", "reach", "switch", "send", "route", "forward", "bring",
    "demand", "ask", "pass", "redirect", "hand", "looking", "please", "pls", "plz", "plis",
    "have",  // only "can/could/may I have"
    "there", // only "is/are there"
    "like",  // only "I'd like" / "would like"
    // es
    "hablar", "quiero", "quisiera", "queria", "necesito", "ocupo", "pasame", "pasenme", "pasar",
    "pasarme", "comunicar", "comunicarme", "comunicame", "comuniqueme", "conectar", "conectarme",
    "conectame", "transferir", "transferirme", "transfiereme", "transfierame", "dame", "deme",
    "contactar", "hay", "atienda", "atender", "llamar", "porfa", "porfavor",
    // hi-Latn ("baat karni hai kisi insaan se")
    "baat",
];

/// Words allowed between a request word and the person noun.
#[rustfmt::skip]
const PRE_GLUE: &[&str] = &[
    // en
    "to", "with", "a", "an", "the", "me", "us", "my", "your", "ur", "yr", "our", "some", "any",
    "one", "of", "for", "from", "through", "thru", "over", "on", "up", "real", "live", "actual",
    "actually", "proper", "genuine", "human", "customer", "service", "support", "care", "sales",
    "tech", "technical", "billing", "account", "senior", "qualified", "experienced", "another",
    "other", "different", "just", "directly", "immediately", "now", "right", "away", "asap",
    "speak", "talk", "chat", "converse", "communicate", "connected", "transferred", "put", "passed",
    "sent", "routed", "escalated", "help", "assistance", "this", "it", "case", "ticket", "issue",
    "conversation",
    // es
    "con", "un", "una", "uno", "el", "la", "los", "las", "al", "de", "del", "alguna", "alguno",
    "algun", "hablar", "comunicar", "comunicarme", "por", "favor", "verdadero", "verdadera",
    "humana", "que", "otro", "otra", "su", "sus", "mi", "atendido", "atendida", "directamente",
    "ahora", "ya",
    // hi-Latn
    "karni", "karna", "karao", "karwao", "karwa", "karado", "karwado", "hai", "h", "se", "koi",
    "ek", "ko",
];

/// "be"/"ser" only glue when followed by one of these ("want to be
/// transferred to a human", "quiero ser atendido por una persona").
#[rustfmt::skip]
const BE_NEXT: &[&str] = &[
    "connected", "transferred", "transfered", "put", "passed", "sent", "routed", "escalated",
    "switched", "handed", "helped", "served", "contacted", "called", "attended", "atendido",
    "atendida", "transferido", "transferida", "comunicado", "comunicada",
];

/// Words after a person noun that make it a request.
#[rustfmt::skip]
const POST_TRIGGERS: &[&str] = &[
    // en
    "please", "pls", "plz", "plis",
    // es
    "favor", "porfa", "porfavor",
    // hi-Latn
    "baat", "baatein", "batein", "chahiye", "chaiye", "chahie", "chaie", "chahye", "chahiya",
    "bulao", "bulaiye", "bulado", "bula", "bulwao", "milao", "milwao", "milaiye", "milado", "jodo",
    "jod", "jodiye", "connect", "conect", "transfer", "talk",
];

/// Post triggers that only count at the end of the clause ("human now",
/// but not "the agent now says ...").
#[rustfmt::skip]
const POST_FINAL_TRIGGERS: &[&str] = &[
    "now", "asap", "needed", "required", "urgently", "immediately", "there", "ahora", "ya",
    "urgente",
];

/// Post verbs that count when followed by "me"/"us" ("can a human help me").
#[rustfmt::skip]
const ME_VERBS: &[&str] = &[
    "call", "help", "contact", "assist", "phone", "ring", "text", "email", "reach",
];

/// Words allowed between a person noun and a following request word.
#[rustfmt::skip]
const POST_GLUE: &[&str] = &[
    "se", "sey", "say", "sai", "ko", "pe", "par", "wale", "wala", "wali", "vale", "vala", "walo",
    "valo", "log", "logo", "ji", "sir", "bhai", "yaar", "sahab", "mujhe", "right", "por", "de",
    "verdad", "real", "who", "that", "can", "could", "to", "karni", "karna",
];

/// Words that may precede a request and are included in the phrase.
#[rustfmt::skip]
const LEAD_IN: &[&str] = &[
    "how", "why", "where", "you", "u", "cant", "cannot", "couldnt", "wont", "pueden", "puede",
    "podrian", "i", "im", "id", "ill", "ive", "we", "do", "does", "would", "could", "can", "may",
    "might", "please", "pls", "plz", "kindly", "let", "lets", "me", "want", "wanna", "need", "like",
    "to", "just", "really", "actually", "seriously", "rather", "also", "still", "now", "again",
    "try", "trying", "am", "real", "live", "actual", "a", "an", "the", "some", "any", "yo",
    "quiero", "quisiera", "necesito", "puedo", "podria", "podrias", "por", "favor", "solo",
    "solamente", "un", "una", "mujhe", "muje", "mujhko", "mereko", "meko", "hume", "humein",
    "hamein", "kisi", "koi", "ek", "bhai", "yaar", "sir", "kya", "mai", "main",
];

/// Words that may follow a request and are included in the phrase.
#[rustfmt::skip]
const RIGHT_EXT: &[&str] = &[
    "please", "pls", "plz", "plis", "now", "asap", "right", "away", "immediately", "urgently", "ji",
    "sir", "bhai", "yaar", "hai", "h", "he", "hain", "karni", "karna", "karo", "karao", "karwao",
    "karwa", "karwado", "karado", "krwao", "krao", "krna", "krni", "kara", "karaiye", "karwaiye",
    "kijiye", "karvao", "do", "dijiye", "dedo", "chahta", "chahti", "hu", "hoon", "por", "favor",
    "porfa", "ahora", "ya", "urgente", "chahiye",
];

/// Negation words (English and Spanish).
#[rustfmt::skip]
const NEGATORS: &[&str] = &[
    "not", "dont", "dnt", "doesnt", "didnt", "no", "never", "nor", "neither", "without", "nope",
    "nah", "ni", "nunca", "tampoco", "sin",
];

/// Hinglish negation words (count anywhere in the verb group after the noun).
const HI_NEGATORS: &[&str] = &["nahi", "nahin", "nhi", "nai", "nehi", "mat"];

/// Past-tense markers before a request ("I wanted to talk to ...").
#[rustfmt::skip]
const PAST_BEFORE: &[&str] = &[
    "wanted", "needed", "tried", "asked", "was", "were", "had", "used", "wished", "requested",
    "maine",
];

/// Hinglish past-tense markers after a request ("agent se baat ki thi").
#[rustfmt::skip]
const PAST_AFTER: &[&str] = &[
    "thi", "tha", "kiya", "ki", "hui", "hua", "chuka", "chuki", "chuke",
];

/// Words that, with nouns, can make up a whole request ("a real human pls").
#[rustfmt::skip]
const FILLER: &[&str] = &[
    "a", "an", "the", "please", "pls", "plz", "plis", "now", "asap", "urgently", "urgent",
    "immediately", "real", "live", "actual", "ok", "okay", "just", "sir", "maam", "madam", "mam",
    "bhai", "yaar", "ji", "un", "una", "el", "la", "por", "favor", "porfa", "porfavor", "ahora",
    "ya", "urgente", "pronto", "some", "customer", "service", "support", "care", "wale", "wala",
    "vale", "vala", "koi", "kisi", "ek", "de", "verdad", "verdadero", "verdadera", "again",
    "another", "other",
];

/// Adjectives that turn a weak noun into a stand-alone request ("real person").
#[rustfmt::skip]
const MODIFIERS: &[&str] = &[
    "real", "live", "actual", "verdadera", "verdadero", "human", "humana", "humano", "proper",
    "genuine",
];

/// Words after a noun that make it not a person ("human body", "agent ID").
#[rustfmt::skip]
const EXCLUDE_AFTER: &[&str] = &[
    "body", "bodies", "error", "errors", "nature", "rights", "race", "resources", "anatomy",
    "trafficking", "history", "id", "number", "code", "portal", "login", "app", "software",
    "program", "programme", "license", "licence", "fee", "fees", "commission", "cuerpo", "derechos",
    "recursos",
];

/// Conjunctions that split clauses.
#[rustfmt::skip]
const SPLITTERS: &[&str] = &[
    "but", "however", "although", "though", "and", "so", "because", "instead", "lekin", "magar",
    "parantu", "aur", "kyunki", "kyuki", "pero", "sino", "y", "porque",
];

/// Words tagging a phrase as Hinglish.
#[rustfmt::skip]
const HI_TAG: &[&str] = &[
    "mujhe", "muje", "mujhko", "mereko", "meko", "hume", "humein", "hamein", "kisi", "koi", "ek",
    "insaan", "insaano", "insaanon", "manav", "aadmi", "banda", "bande", "baat", "baatein",
    "batein", "karni", "karna", "karo", "karao", "karwao", "karwa", "karwado", "karado", "krwao",
    "krao", "krna", "krni", "kara", "karaiye", "karwaiye", "kijiye", "karvao", "dijiye", "dedo",
    "hai", "hain", "chahiye", "chaiye", "chahie", "chaie", "chahye", "chahiya", "bulao", "bulaiye",
    "bulado", "bula", "bulwao", "milao", "milwao", "milaiye", "milado", "jodo", "jod", "jodiye",
    "wale", "wala", "wali", "vale", "vala", "walo", "valo", "ji", "bhai", "yaar", "sahab", "chahta",
    "chahti", "hu", "hoon", "ko", "pe", "sey", "kya", "mai",
];

/// Words tagging a phrase as Spanish.
#[rustfmt::skip]
const ES_TAG: &[&str] = &[
    "humano", "humana", "humanos", "agente", "agentes", "representante", "representantes",
    "operador", "operadora", "asesor", "asesora", "gerente", "encargado", "encargada",
    "supervisora", "persona", "personas", "alguien", "ejecutivo", "ejecutiva", "hablar", "quiero",
    "quisiera", "queria", "necesito", "ocupo", "pasame", "pasenme", "pasar", "pasarme", "comunicar",
    "comunicarme", "comunicame", "comuniqueme", "conectar", "conectarme", "conectame", "transferir",
    "transferirme", "transfiereme", "transfierame", "dame", "deme", "contactar", "hay", "atienda",
    "atender", "llamar", "porfa", "porfavor", "favor", "con", "un", "una", "uno", "el", "los",
    "las", "al", "del", "alguna", "alguno", "algun", "verdadero", "verdadera", "verdad", "ahora",
    "urgente", "puedo", "podria", "podrias", "solo", "solamente", "yo", "ser", "atendido",
    "atendida", "servicio", "cliente", "atencion", "soporte", "pueden", "puede", "podrian",
];

/// Maximum words between a request word and the noun.
const PRE_WINDOW: usize = 8;
/// Maximum words between the noun and a following request word.
const POST_WINDOW: usize = 6;
/// Maximum words added to the phrase on either side.
const EXT_WINDOW: usize = 12;
/// Longest word considered for fuzzy matching.
const MAX_FUZZY_LEN: usize = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Hi,
    Es,
}

#[derive(Debug)]
struct Lexicon {
    strong: Words,
    weak: Words,
    fuzzy: Vec<(Vec<char>, bool)>,
    fuzzy_block: Words,
    /// Multi-word nouns by their first word.
    multi: HashMap<String, Vec<Vec<String>>>,
    pre_triggers: Words,
    pre_glue: Words,
    be_next: Words,
    post_triggers: Words,
    post_final: Words,
    me_verbs: Words,
    post_glue: Words,
    lead_in: Words,
    right_ext: Words,
    negators: Words,
    hi_negators: Words,
    past_before: Words,
    past_after: Words,
    filler: Words,
    modifiers: Words,
    exclude_after: Words,
    splitters: Words,
    lang: HashMap<Cow<'static, str>, Lang>,
}

/// A set of normalised words: the list's own `&'static str` when it is already normalised (most
/// are), a normalised copy otherwise. Built once per instance, on the first message.
type Words = HashSet<Cow<'static, str>>;

/// `word` normalised, borrowed when [`normalize`] does not change it; `buf` is scratch space
/// reused across words, so an unchanged word costs no allocation.
fn normalized(word: &'static str, buf: &mut String) -> Cow<'static, str> {
    if !word.is_ascii() {
        return Cow::Owned(normalize(word));
    }
    normalize_ascii_into(word, buf);
    if buf.as_str() == word {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(buf.clone())
    }
}

fn set(words: &[&'static str]) -> Words {
    let mut set = Words::with_capacity_and_hasher(words.len(), Default::default());
    let mut buf = String::new();
    set.extend(words.iter().map(|w| normalized(w, &mut buf)));
    set
}

impl Lexicon {
    fn build() -> Self {
        let strong = set(STRONG_NOUNS);
        let mut lang = HashMap::default();
        let mut buf = String::new();
        for w in HI_TAG {
            lang.insert(normalized(w, &mut buf), Lang::Hi);
        }
        for w in ES_TAG {
            lang.insert(normalized(w, &mut buf), Lang::Es);
        }
        Lexicon {
            fuzzy: FUZZY_NOUNS
                .iter()
                .map(|w| {
                    let n = normalize(w);
                    let is_strong = strong.contains(n.as_str());
                    (n.chars().collect(), is_strong)
                })
                .collect(),
            strong,
            weak: set(WEAK_NOUNS),
            fuzzy_block: set(FUZZY_BLOCK),
            multi: {
                let mut multi: HashMap<String, Vec<Vec<String>>> = HashMap::default();
                for m in MULTI_NOUNS {
                    let words: Vec<String> = normalize(m).split(' ').map(str::to_string).collect();
                    if let Some(first) = words.first() {
                        multi.entry(first.clone()).or_default().push(words);
                    }
                }
                multi
            },
            pre_triggers: set(PRE_TRIGGERS),
            pre_glue: set(PRE_GLUE),
            be_next: set(BE_NEXT),
            post_triggers: set(POST_TRIGGERS),
            post_final: set(POST_FINAL_TRIGGERS),
            me_verbs: set(ME_VERBS),
            post_glue: set(POST_GLUE),
            lead_in: set(LEAD_IN),
            right_ext: set(RIGHT_EXT),
            negators: set(NEGATORS),
            hi_negators: set(HI_NEGATORS),
            past_before: set(PAST_BEFORE),
            past_after: set(PAST_AFTER),
            filler: set(FILLER),
            modifiers: set(MODIFIERS),
            exclude_after: set(EXCLUDE_AFTER),
            splitters: set(SPLITTERS),
            lang,
        }
    }
}

impl Lexicon {
    /// Strength of the fuzzy person noun `w` is one edit away from, if any.
    fn fuzzy_noun(&self, w: &str) -> Option<bool> {
        if self.fuzzy_block.contains(w) || w.chars().any(|c| c.is_numeric()) {
            return None;
        }
        let len = w.chars().count();
        if !(5..=MAX_FUZZY_LEN).contains(&len) {
            return None;
        }
        let chars: Vec<char> = w.chars().collect();
        self.fuzzy
            .iter()
            .find(|(entry, _)| {
                entry.len() >= 5
                    && entry.len().abs_diff(len) <= 1
                    && crate::text::within_one_edit(&chars, entry)
            })
            .map(|(_, strong)| *strong)
    }
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::build)
}

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

/// A run of adjacent person nouns ("customer service rep", "kisi insaan").
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    strong: bool,
}

/// Fuzzy-match results per distinct word, shared by all clauses of a text.
type FuzzyCache<'a> = RefCell<HashMap<&'a str, Option<bool>>>;

struct Ctx<'a> {
    toks: &'a Tokens,
    lx: &'a Lexicon,
    clause: Range<usize>,
    /// Index of the clause's last word that is not filler.
    last_non_filler: Option<usize>,
    fuzzy_cache: &'a FuzzyCache<'a>,
}

impl<'a> Ctx<'a> {
    fn new(
        toks: &'a Tokens,
        lx: &'a Lexicon,
        clause: Range<usize>,
        fuzzy_cache: &'a FuzzyCache<'a>,
    ) -> Self {
        let last_non_filler = clause
            .clone()
            .rev()
            .find(|&j| !lx.filler.contains(toks.word(j)));
        Ctx {
            toks,
            lx,
            clause,
            last_non_filler,
            fuzzy_cache,
        }
    }

    fn w(&self, i: usize) -> &str {
        if self.clause.contains(&i) {
            self.toks.word(i)
        } else {
            ""
        }
    }

    fn w_before(&self, i: usize, back: usize) -> &str {
        match i.checked_sub(back) {
            Some(j) => self.w(j),
            None => "",
        }
    }

    /// Is word `i` a negation? "no" directly before "I"/"we"/"thanks" is an
    /// interjection ("No I want a human"), not a negation.
    fn is_negator(&self, i: usize) -> bool {
        let w = self.w(i);
        if w == "no" {
            return !matches!(self.w(i + 1), "i" | "we" | "thanks" | "thank" | "gracias");
        }
        self.lx.negators.contains(w) || self.lx.hi_negators.contains(w)
    }

    /// If word `i` is a request word before the noun, the index where the
    /// request phrase starts ("can I have" starts two words earlier).
    fn pre_trigger(&self, i: usize) -> Option<usize> {
        let w = self.w(i);
        if !self.lx.pre_triggers.contains(w) {
            return None;
        }
        match w {
            "have" => {
                let p1 = self.w_before(i, 1);
                let p2 = self.w_before(i, 2);
                let ok = matches!(p1, "i" | "we") && matches!(p2, "can" | "could" | "may");
                i.checked_sub(2).filter(|_| ok)
            }
            "there" => {
                let ok = matches!(self.w_before(i, 1), "is" | "are" | "isnt" | "arent");
                i.checked_sub(1).filter(|_| ok)
            }
            "like" => {
                let ok = matches!(self.w_before(i, 1), "id" | "would" | "wd");
                i.checked_sub(1).filter(|_| ok)
            }
            _ => Some(i),
        }
    }

    fn is_pre_glue(&self, i: usize) -> bool {
        let w = self.w(i);
        if matches!(w, "be" | "ser") {
            return self.lx.be_next.contains(self.w(i + 1));
        }
        self.lx.pre_glue.contains(w)
    }

    /// Are all words after `i` in the clause filler?
    fn only_filler_after(&self, i: usize) -> bool {
        !matches!(self.last_non_filler, Some(l) if l > i)
    }

    /// If word `i` is a request word after the noun, the index of the last
    /// word of the request phrase.
    fn post_trigger(&self, i: usize, group_start: usize) -> Option<usize> {
        let w = self.w(i);
        if self.lx.post_triggers.contains(w) {
            return Some(i);
        }
        if self.lx.post_final.contains(w) && self.only_filler_after(i) {
            return Some(i);
        }
        // "koi insaan hai?" (is there a human?)
        if matches!(w, "hai" | "h" | "he")
            && self.w_before(group_start, 1) == "koi"
            && self.only_filler_after(i)
        {
            return Some(i);
        }
        if self.lx.me_verbs.contains(w) && matches!(self.w(i + 1), "me" | "us" | "mujhe") {
            return Some(i + 1);
        }
        None
    }

    /// Person-noun length at word `i` (multi-word nouns first), and whether it
    /// is strong.
    fn noun_at(&self, i: usize) -> Option<(usize, bool)> {
        if !self.clause.contains(&i) {
            return None;
        }
        let toks: &'a Tokens = self.toks;
        let w: &'a str = toks.word(i);
        if let Some(candidates) = self.lx.multi.get(w) {
            let best = candidates
                .iter()
                .filter(|m| m.iter().enumerate().all(|(k, part)| self.w(i + k) == part))
                .map(Vec::len)
                .max();
            if let Some(len) = best {
                return Some((len, true));
            }
        }
        if self.lx.strong.contains(w) {
            return Some((1, true));
        }
        if self.lx.weak.contains(w) {
            return Some((1, false));
        }
        if let Some(cached) = self.fuzzy_cache.borrow().get(w) {
            return cached.map(|strong| (1, strong));
        }
        let found = self.lx.fuzzy_noun(w);
        self.fuzzy_cache.borrow_mut().insert(w, found);
        found.map(|strong| (1, strong))
    }

    /// Is the weak noun group next to a modifier ("real person", "persona
    /// real", "persona de verdad")?
    fn has_modifier(&self, g: &Group) -> bool {
        let before = self.w_before(g.start, 1);
        let after = self.w(g.end);
        self.lx.modifiers.contains(before)
            || self.lx.modifiers.contains(after)
            || (after == "de" && self.w(g.end + 1) == "verdad")
    }

    /// Evaluates one noun group; returns the phrase's word range if it is a
    /// (non-negated, non-narrative) request.
    fn evaluate(&self, g: &Group, bare: bool) -> Option<(usize, usize)> {
        let lx = self.lx;
        if lx.exclude_after.contains(self.w(g.end)) {
            return None;
        }
        let mut negated = false;

        // Request word before the noun.
        let mut pre = None;
        let lower = self.clause.start.max(g.start.saturating_sub(PRE_WINDOW));
        let mut j = g.start;
        while j > lower {
            j -= 1;
            if self.is_negator(j) {
                negated = true;
                continue;
            }
            if let Some(st) = self.pre_trigger(j) {
                pre = Some(st);
                break;
            }
            if self.is_pre_glue(j) {
                continue;
            }
            break;
        }

        // Request word after the noun.
        let mut post = None;
        let mut post_negated = false;
        let upper = self.clause.end.min(g.end + POST_WINDOW);
        let mut k = g.end;
        while k < upper {
            if self.is_negator(k) {
                post_negated = true;
                k += 1;
                continue;
            }
            if let Some(end) = self.post_trigger(k, g.start) {
                post = Some(end);
                break;
            }
            if lx.post_glue.contains(self.w(k)) {
                k += 1;
                continue;
            }
            break;
        }
        if post.is_some() {
            negated |= post_negated;
        }

        let (mut a, mut b) = if pre.is_some() || post.is_some() {
            (pre.unwrap_or(g.start), post.unwrap_or(g.end - 1))
        } else if bare && (g.strong || self.has_modifier(g)) {
            (self.clause.start, self.clause.end - 1)
        } else {
            return None;
        };

        // Lead-in words ("can I", "I don't want to") before the phrase.
        let mut past = false;
        let lim = self.clause.start.max(a.saturating_sub(EXT_WINDOW));
        while a > lim {
            let w = self.w(a - 1);
            if w == "no" && !self.is_negator(a - 1) {
                break;
            }
            if self.is_negator(a - 1) {
                negated = true;
                a -= 1;
                continue;
            }
            if lx.past_before.contains(w) {
                past = true;
                break;
            }
            if lx.lead_in.contains(w) {
                a -= 1;
                continue;
            }
            break;
        }

        // Verb group and politeness words after the phrase.
        let lim = self.clause.end.min(b + 1 + EXT_WINDOW);
        while b + 1 < lim {
            let w = self.w(b + 1);
            if lx.hi_negators.contains(w) {
                negated = true;
                b += 1;
                continue;
            }
            if lx.past_after.contains(w) {
                past = true;
                break;
            }
            if lx.right_ext.contains(w) {
                b += 1;
                continue;
            }
            break;
        }

        (!negated && !past).then_some((a, b))
    }

    fn language(&self, a: usize, b: usize) -> &'static str {
        let mut es = false;
        for i in a..=b {
            match self.lx.lang.get(self.w(i)) {
                Some(Lang::Hi) => return "hi-Latn",
                Some(Lang::Es) => es = true,
                None => {}
            }
        }
        if es {
            "es"
        } else {
            "en"
        }
    }

    /// Finds the first request in this clause.
    fn find(&self) -> Option<(usize, usize)> {
        let mut groups: Vec<Group> = Vec::new();
        let mut covered = 0usize;
        let mut fillers = 0usize;
        let mut i = self.clause.start;
        while i < self.clause.end {
            match self.noun_at(i) {
                Some((len, strong)) => {
                    let end = (i + len).min(self.clause.end);
                    covered += end - i;
                    match groups.last_mut() {
                        Some(g) if g.end == i => {
                            g.end = end;
                            g.strong |= strong;
                        }
                        _ => groups.push(Group {
                            start: i,
                            end,
                            strong,
                        }),
                    }
                    i = end;
                }
                None => {
                    if self.lx.filler.contains(self.w(i)) {
                        fillers += 1;
                    }
                    i += 1;
                }
            }
        }
        if groups.is_empty() {
            return None;
        }
        // "Thank you, agent": a vocative, not a request.
        let before = |back: usize| {
            self.clause
                .start
                .checked_sub(back)
                .map_or("", |j| self.toks.word(j))
        };
        let after_thanks = matches!(
            before(1),
            "thanks" | "thx" | "ty" | "gracias" | "shukriya" | "dhanyavad"
        ) || (before(1) == "you" && before(2) == "thank");
        let bare = !after_thanks && covered + fillers == self.clause.len();
        groups.iter().find_map(|g| self.evaluate(g, bare))
    }
}

/// Splits the words into clauses at punctuation and conjunctions.
fn clauses(toks: &Tokens, lx: &Lexicon) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut current = toks.tok(0).map(|t| t.clause);
    for i in 0..toks.len() {
        let c = toks.tok(i).map(|t| t.clause);
        if c != current {
            if start < i {
                out.push(start..i);
            }
            start = i;
            current = c;
        }
        if lx.splitters.contains(toks.word(i)) {
            if start < i {
                out.push(start..i);
            }
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(start..toks.len());
    }
    out
}

/// Finds a request for a human in `text`, respecting negation.
///
/// Understands English, Hindi in Latin script (Hinglish) and Spanish,
/// tolerates casing, punctuation, accents, repeated letters and one-letter
/// typos in the person noun, and ignores negated requests ("I don't want a
/// human"), questions about the bot ("are you a real person?") and past
/// narrative ("I spoke to an agent yesterday"). Returns the first request
/// found.
///
/// ```
/// use handoff_core::request::detect_human_request;
///
/// let m = detect_human_request("This is useless. Can I talk to a real persn plz??").unwrap();
/// assert_eq!(m.phrase, "Can I talk to a real persn plz");
/// assert_eq!(m.language, "en");
///
/// let m = detect_human_request("mujhe insaan se baat karni hai").unwrap();
/// assert_eq!(m.language, "hi-Latn");
///
/// assert!(detect_human_request("I don't want a human").is_none());
/// assert!(detect_human_request("I don't want a bot, I want a human").is_some());
/// ```
pub fn detect_human_request(text: &str) -> Option<RequestMatch> {
    detect_in(text, &tokenize(text))
}

/// A customer's text, tokenized at most once for every detector that reads it (request and topic
/// detection both split and normalise words the same way).
pub(crate) struct Text<'a> {
    /// The text as the customer wrote it.
    pub(crate) raw: &'a str,
    tokens: std::cell::OnceCell<Tokens>,
}

impl<'a> Text<'a> {
    pub(crate) fn new(raw: &'a str) -> Text<'a> {
        Text {
            raw,
            tokens: std::cell::OnceCell::new(),
        }
    }

    /// The words of the text ([`tokenize`]), computed on first use.
    pub(crate) fn tokens(&self) -> &Tokens {
        self.tokens.get_or_init(|| tokenize(self.raw))
    }

    /// [`detect_human_request`] on this text.
    pub(crate) fn human_request(&self) -> Option<RequestMatch> {
        detect_in(self.raw, self.tokens())
    }
}

/// [`detect_human_request`] on `text` already tokenized as `toks`.
fn detect_in(text: &str, toks: &Tokens) -> Option<RequestMatch> {
    let lx = lexicon();
    let fuzzy_cache = FuzzyCache::default();
    for clause in clauses(toks, lx) {
        let ctx = Ctx::new(toks, lx, clause, &fuzzy_cache);
        if let Some((a, b)) = ctx.find() {
            let (Some(first), Some(last)) = (toks.tok(a), toks.tok(b)) else {
                continue;
            };
            let phrase = text.get(first.start..last.end).unwrap_or("").trim();
            return Some(RequestMatch {
                phrase: phrase.to_string(),
                language: ctx.language(a, b),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(text: &str) -> RequestMatch {
        detect_human_request(text).unwrap_or_else(|| panic!("expected a request in {text:?}"))
    }

    fn miss(text: &str) {
        assert_eq!(
            detect_human_request(text),
            None,
            "expected no request in {text:?}"
        );
    }

    #[test]
    fn list_words_are_borrowed_only_when_already_normalised() {
        let lists: &[&[&'static str]] = &[
            STRONG_NOUNS,
            WEAK_NOUNS,
            FUZZY_NOUNS,
            FUZZY_BLOCK,
            MULTI_NOUNS,
            PRE_TRIGGERS,
            PRE_GLUE,
            BE_NEXT,
            POST_TRIGGERS,
            POST_FINAL_TRIGGERS,
            ME_VERBS,
            POST_GLUE,
            LEAD_IN,
            RIGHT_EXT,
            NEGATORS,
            HI_NEGATORS,
            PAST_BEFORE,
            PAST_AFTER,
            FILLER,
            MODIFIERS,
            EXCLUDE_AFTER,
            SPLITTERS,
            HI_TAG,
            ES_TAG,
        ];
        let mut borrowed = 0;
        let mut buf = String::new();
        for list in lists {
            for word in *list {
                let n = normalized(word, &mut buf);
                assert_eq!(n, normalize(word), "{word:?}");
                borrowed += usize::from(matches!(n, Cow::Borrowed(_)));
            }
        }
        assert!(borrowed > 500, "{borrowed}");
        for (word, plain) in [
            ("agent", true),
            ("staff", false),
            ("customer service", true),
            ("call center", false),
            ("don't", false),
            ("a  b", false),
            (" a", false),
            ("Agent", false),
        ] {
            assert_eq!(
                matches!(normalized(word, &mut buf), Cow::Borrowed(_)),
                plain,
                "{word:?}"
            );
        }
    }

    #[test]
    fn normaliser() {
        assert_eq!(normalize("HUMANNNN!!"), "human");
        assert_eq!(normalize("Pásame con él, señor"), "pasame con el senor");
        assert_eq!(normalize("don’t  DON'T"), "dont dont");
        assert_eq!(normalize("cafe\u{301}"), "cafe");
        assert_eq!(normalize("real-person"), "real person");
        let t = tokenize("Hi. I want, a human");
        assert_eq!(t.len(), 5);
        let clauses: Vec<usize> = (0..t.len()).map(|i| t.tok(i).unwrap().clause).collect();
        assert_eq!(clauses, vec![0, 1, 1, 2, 2]);
        assert_eq!(t.tok(4).map(|x| (x.start, x.end)), Some((14, 19)));
    }

    #[test]
    fn osa() {
        let d = |a: &str, b: &str| {
            crate::text::edit_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("human", "human"), 0);
        assert_eq!(d("huamn", "human"), 1);
        assert_eq!(d("agnet", "agent"), 1);
        assert_eq!(d("persn", "person"), 1);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("ca", "abc"), 3);
    }

    #[test]
    fn english_requests() {
        for text in [
            "talk to a human",
            "I want to speak to a real person",
            "can I talk to someone",
            "agent please",
            "I want an agent",
            "representative",
            "customer service rep",
            "live agent",
            "live chat with a person",
            "human please",
            "connect me to support staff",
            "operator",
            "get me a manager",
            "supervisor",
            "Let me speak with a representative.",
            "Please transfer me to a live agent now",
            "I need a human being to look at this",
            "is there a real person I can talk to?",
            "I'd like to speak to your supervisor",
            "escalate this to a human",
            "can I have a human",
            "can a human help me",
            "I want to be transferred to an agent",
            "No I want a human",
            "Customer service please",
            "hello? anyone there?",
        ] {
            assert_eq!(hit(text).language, "en", "{text}");
        }
    }

    #[test]
    fn bare_nouns() {
        assert_eq!(hit("human").phrase, "human");
        assert_eq!(hit("Agent").phrase, "Agent");
        assert_eq!(hit("representative!!").phrase, "representative");
        assert_eq!(hit("  OPERATOR  ").phrase, "OPERATOR");
        assert_eq!(hit("a real human pls").phrase, "a real human pls");
        assert_eq!(hit("ugh. real person.").phrase, "real person");
    }

    #[test]
    fn misspellings_casing_repeats() {
        for text in [
            "talk to a humen",
            "huamn please",
            "I want a representitive",
            "reprasentative",
            "agnet pls",
            "i need a real persn",
            "let me speek to a manager",
            "HUMANNNN",
            "Talk To A HUMAN!!!",
            "TALK TO A HUMAAAN PLEASEEEE",
            "agentttt",
        ] {
            hit(text);
        }
    }

    #[test]
    fn phrase_span_keeps_original_text() {
        assert_eq!(
            hit("Ugh!! Can I talk to a REAL person?? thanks").phrase,
            "Can I talk to a REAL person"
        );
        assert_eq!(hit("hmm... I want an agent").phrase, "I want an agent");
        assert_eq!(
            hit("I don't want a bot, I want a human").phrase,
            "I want a human"
        );
        assert_eq!(
            hit("Pásame con un agente, por favor").phrase,
            "Pásame con un agente"
        );
        assert_eq!(hit("humannnn 🙂").phrase, "humannnn");
        assert_eq!(
            hit("bhai mujhe insaan se baat karni hai!!").phrase,
            "bhai mujhe insaan se baat karni hai"
        );
    }

    #[test]
    fn hinglish_requests() {
        for (text, phrase) in [
            (
                "mujhe insaan se baat karni hai",
                "mujhe insaan se baat karni hai",
            ),
            ("kisi insaan se baat karao", "kisi insaan se baat karao"),
            ("agent se baat karwao", "agent se baat karwao"),
            (
                "kisi real person se baat karni hai",
                "kisi real person se baat karni hai",
            ),
            (
                "customer care wale se baat karao",
                "customer care wale se baat karao",
            ),
            ("manav se baat", "manav se baat"),
            ("mujhe agent chahiye", "mujhe agent chahiye"),
            ("manager ko bulao", "manager ko bulao"),
            (
                "baat karni hai kisi insaan se",
                "baat karni hai kisi insaan",
            ),
            ("koi insaan hai?", "koi insaan hai"),
            ("insaan", "insaan"),
        ] {
            let m = hit(text);
            assert_eq!(m.language, "hi-Latn", "{text}");
            assert_eq!(m.phrase, phrase, "{text}");
        }
    }

    #[test]
    fn spanish_requests() {
        for (text, phrase) in [
            (
                "quiero hablar con una persona",
                "quiero hablar con una persona",
            ),
            ("hablar con un humano", "hablar con un humano"),
            ("pásame con un agente", "pásame con un agente"),
            ("un agente por favor", "un agente por favor"),
            ("necesito un representante", "necesito un representante"),
            ("persona real", "persona real"),
            ("¿Puedo hablar con alguien?", "Puedo hablar con alguien"),
            ("Quiero un ser humano", "Quiero un ser humano"),
            ("¡HUMANO!", "HUMANO"),
            (
                "¿Me pueden comunicar con un agente?",
                "Me pueden comunicar con un agente",
            ),
        ] {
            let m = hit(text);
            assert_eq!(m.language, "es", "{text}");
            assert_eq!(m.phrase, phrase, "{text}");
        }
    }

    #[test]
    fn negation() {
        for text in [
            "I don't want a human",
            "I dont want an agent",
            "no need for an agent",
            "I do not need to talk to a person",
            "no human please",
            "don't transfer me to an agent",
            "Don’t connect me to a representative",
            "I really don't want to speak to a manager",
            "insaan se baat nahi karni",
            "mujhe agent nahi chahiye",
            "agent se baat mat karao",
            "no quiero hablar con una persona",
            "no necesito un agente",
        ] {
            miss(text);
        }
    }

    #[test]
    fn negation_is_clause_local() {
        hit("I don't want a bot, I want a human");
        hit("I don't want a bot but I want a human");
        hit("I don't want a bot but a human");
        hit("I don't understand this bill. Agent please");
        hit("no bot, human please");
        hit("mujhe bot nahi chahiye, insaan se baat karni hai");
        hit("bot nahi chahiye lekin agent se baat karao");
        hit("no quiero un bot, quiero hablar con una persona");
        hit("no quiero un bot sino una persona real");
        hit("I want to talk to a human not a bot");
        miss("I want a bot, I don't want a human");
    }

    #[test]
    fn false_positives() {
        for text in [
            "is the AI a human?",
            "are you a real person?",
            "Are you a human or a bot?",
            "the human body is amazing",
            "I spoke to an agent yesterday and he was rude",
            "I talked to a representative last week",
            "I was transferred to an agent and nothing happened",
            "I wanted to talk to a manager but gave up",
            "I tried to reach a human for hours",
            "maine agent se baat ki thi",
            "agent se baat hui thi",
            "my agent ID is 42",
            "I need a personal loan",
            "I want to manage my account",
            "this is insane",
            "How are you today?",
            "Am I chatting with a human?",
            "the agent was rude",
            "¿eres una persona real?",
            "Thank you, agent",
            "Hi agent, my order is late",
            "I want to know if I'm talking to a human",
            "I want to talk about my bill",
            "I want to transfer money to another person",
            "hablé con un agente ayer",
            "I want to be an agent",
            "",
        ] {
            miss(text);
        }
    }

    #[test]
    fn first_request_wins() {
        let m = hit("refund please. Actually, talk to a human. Or a supervisor!");
        assert_eq!(m.phrase, "talk to a human");
    }

    #[test]
    fn tricky_strings_do_not_panic() {
        let long_human = "humannnn ".repeat(20_000);
        let long_text = "a".repeat(200_000);
        let long_neg = "no ".repeat(50_000) + "human please";
        let mixed = "talk to a hümän 🙂 ".repeat(5_000);
        let tricky = [
            "",
            " ",
            ".",
            "...!!!???",
            "🙂",
            "👨‍👩‍👧‍👦 agent",
            "\u{301}\u{301}human",
            "İstanbul agent",
            "ß human ß",
            "ﬁ agent",
            "\u{200B}human\u{200D}",
            "عميل human",
            "इंसान से बात करनी है।",
            "人間と話したい",
            "\0agent\0",
            "\u{FEFF}agent",
            "a\u{0307}gent",
            "'human'",
            "’’’",
            "¿¡",
            "no",
            "no i",
            "be",
            "there",
            "can I have",
            "I'd like",
            long_human.as_str(),
            long_text.as_str(),
            long_neg.as_str(),
            mixed.as_str(),
        ];
        for s in tricky {
            let _ = detect_human_request(s);
            let _ = normalize(s);
        }
        assert!(detect_human_request(&long_human).is_some());
        assert!(detect_human_request(&long_neg).is_none());
    }

    proptest::proptest! {
        #[test]
        fn ascii_normalisation_is_the_tokenizers(text in "[ -~]{0,24}") {
            proptest::prop_assert_eq!(normalize_ascii(&text), tokenize(&text).joined());
        }

        #[test]
        fn ascii_normalisation_collapses_and_joins_as_the_tokenizer(text in "[aAbB1' `.,-]{0,16}") {
            proptest::prop_assert_eq!(normalize_ascii(&text), tokenize(&text).joined());
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = detect_human_request(&s);
        }

        #[test]
        fn never_panics_with_keywords(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "talk", "to", "a", "human", "no", "not", "don't", "please", "se", "baat",
                    "nahi", "agent", ",", ".", "but", "quiero", "hablar", "con", "persona",
                    "é", "🙂", "can", "I", "have", "there", "is", "be", "de", "verdad", "real",
                ]),
                0..40,
            )
        ) {
            let text = words.join(" ");
            if let Some(m) = detect_human_request(&text) {
                proptest::prop_assert!(text.contains(&m.phrase));
                proptest::prop_assert!(!m.phrase.is_empty());
            }
        }
    }
}
