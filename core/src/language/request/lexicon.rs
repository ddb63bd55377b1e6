//! The request detector's word lists, by the role a word plays, and the lexicon built from them
//! (normalised the way customer text is) on the first message.

use std::borrow::Cow;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::language::tokens::{normalize, normalize_ascii_into};

/// Nouns that can stand alone as a request ("human", "agent please").
#[rustfmt::skip]
pub(super) const STRONG_NOUNS: &[&str] = &[
    // en
    "human", "humans", "hooman", "agent", "agents", "representative", "representatives", "rep",
    "reps", "operator", "operators", "supervisor", "supervisors", "manager", "managers", "helpdesk",
    // es
    "humano", "humana", "humanos", "agente", "agentes", "representante", "representantes",
    "operador", "operadora", "asesor", "asesora", "gerente", "encargado", "encargada",
    "supervisora",
    // hi-Latn
    "insaan", "insaano", "insaanon", "manav",
    "agnt", "agnet", "humn",
];

/// Nouns that need a request word ("talk to someone", "persona real").
#[rustfmt::skip]
pub(super) const WEAK_NOUNS: &[&str] = &[
    // en
    "person", "persons", "people", "someone", "somebody", "somone", "sombody", "anyone", "anybody",
    "staff", "employee", "employees", "advisor", "adviser", "specialist", "executive", "executives",
    "associate",
    // es
    "persona", "personas", "alguien", "ejecutivo", "ejecutiva",
    // hi-Latn
    "kisi", "aadmi", "banda", "bande",
    "team", "teams", "member", "members", "colleague", "colleagues", "coworker", "senior", "sm1", "some1", "any1", "equipo", "companero", "companera", "empleado", "empleada", "empleados", "gerencia", "soporte", "departamento",
];

/// Nouns that also match with one edit (misspellings).
#[rustfmt::skip]
pub(super) const FUZZY_NOUNS: &[&str] = &[
    "human", "humano", "person", "persona", "agent", "agente", "representative", "representante",
    "operator", "operador", "supervisor", "manager", "gerente", "someone", "somebody", "specialist",
    "executive",
];

/// Real words that are one edit away from a fuzzy noun.
#[rustfmt::skip]
pub(super) const FUZZY_BLOCK: &[&str] = &[
    "manage", "managed", "manages", "humane", "personal", "insane", "employer", "parson",
];

/// Multi-word nouns; all strong.
#[rustfmt::skip]
pub(super) const MULTI_NOUNS: &[&str] = &[
    "customer service", "customer services", "customer support", "customer care", "help desk",
    "call center", "call centre", "tech support", "technical support", "live chat", "live support",
    "support staff", "support team", "human being", "servicio al cliente", "atencion al cliente",
    "soporte tecnico", "ser humano",
];

/// Words before a person noun that make it a request.
#[rustfmt::skip]
pub(super) const PRE_TRIGGERS: &[&str] = &[
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
    "rather", "chahiye", "llame", "llamen", "contacte", "contacten", "devuelva", "devuelvan", "ponme", "pongame", "pasas", "pasa", "comunicas", "need2",
    "kiero", "ablar",
];

/// Words allowed between a request word and the person noun.
#[rustfmt::skip]
pub(super) const PRE_GLUE: &[&str] = &[
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
    "2", "w", "wid", "in", "touch", "back", "callback", "called", "by", "speaking", "talking", "dealing", "deal", "aapke", "aapki", "apke", "apki", "tumhare", "llamada", "mere", "meri",
    "tu", "tus", "ablar",
];

/// "be"/"ser" only glue when followed by one of these ("want to be
/// transferred to a human", "quiero ser atendido por una persona").
#[rustfmt::skip]
pub(super) const BE_NEXT: &[&str] = &[
    "connected", "transferred", "transfered", "put", "passed", "sent", "routed", "escalated",
    "switched", "handed", "helped", "served", "contacted", "called", "attended", "atendido",
    "atendida", "transferido", "transferida", "comunicado", "comunicada",
];

/// Words after a person noun that make it a request.
#[rustfmt::skip]
pub(super) const POST_TRIGGERS: &[&str] = &[
    // en
    "please", "pls", "plz", "plis",
    // es
    "favor", "porfa", "porfavor",
    // hi-Latn
    "baat", "baatein", "batein", "bhejo", "bhejiye", "chahiye", "chaiye", "chahie", "chaie", "chahye", "chahiya",
    "bulao", "bulaiye", "bulado", "bula", "bulwao", "milao", "milwao", "milaiye", "milado", "jodo",
    "jod", "jodiye", "connect", "conect", "transfer", "talk",
    "llame", "llamen", "contacte", "contacten",
    "bt",
];

/// Post triggers that only count at the end of the clause ("human now",
/// but not "the agent now says ...").
#[rustfmt::skip]
pub(super) const POST_FINAL_TRIGGERS: &[&str] = &[
    "now", "asap", "needed", "required", "urgently", "immediately", "there", "ahora", "ya",
    "urgente",
    "around",
];

/// Post verbs that count when followed by "me"/"us" ("can a human help me").
#[rustfmt::skip]
pub(super) const ME_VERBS: &[&str] = &[
    "call", "help", "contact", "assist", "phone", "ring", "text", "email", "reach",
];

/// Words allowed between a person noun and a following request word.
#[rustfmt::skip]
pub(super) const POST_GLUE: &[&str] = &[
    "se", "sey", "say", "sai", "ko", "pe", "par", "wale", "wala", "wali", "vale", "vala", "walo",
    "valo", "log", "logo", "ji", "sir", "bhai", "yaar", "sahab", "mujhe", "right", "por", "de",
    "verdad", "real", "who", "that", "can", "could", "to", "karni", "karna",
    "me", "bolo", "boliye", "from", "your", "the", "of", "in", "on",
    "sales", "billing", "accounts", "support", "tech", "ventas", "facturacion", "soporte",
];

/// Words that may precede a request and are included in the phrase.
#[rustfmt::skip]
pub(super) const LEAD_IN: &[&str] = &[
    "how", "why", "where", "you", "u", "cant", "cannot", "couldnt", "wont", "pueden", "puede",
    "podrian", "i", "im", "id", "ill", "ive", "we", "do", "does", "would", "could", "can", "may",
    "might", "please", "pls", "plz", "kindly", "let", "lets", "me", "want", "wanna", "need", "like",
    "to", "just", "really", "actually", "seriously", "rather", "also", "still", "now", "again",
    "try", "trying", "am", "real", "live", "actual", "a", "an", "the", "some", "any", "yo",
    "quiero", "quisiera", "necesito", "puedo", "podria", "podrias", "por", "favor", "solo",
    "solamente", "un", "una", "mujhe", "muje", "mujhko", "mereko", "meko", "hume", "humein",
    "hamein", "kisi", "koi", "ek", "bhai", "yaar", "sir", "kya", "mai", "main",
    "have", "get", "ask", "make", "que", "xfa", "plis",
];

/// Words that may follow a request and are included in the phrase.
#[rustfmt::skip]
pub(super) const RIGHT_EXT: &[&str] = &[
    "please", "pls", "plz", "plis", "now", "asap", "right", "away", "immediately", "urgently", "ji",
    "sir", "bhai", "yaar", "hai", "h", "he", "hain", "karni", "karna", "karo", "karao", "karwao",
    "karwa", "karwado", "karado", "krwao", "krao", "krna", "krni", "kara", "karaiye", "karwaiye",
    "kijiye", "karvao", "do", "dijiye", "dedo", "chahta", "chahti", "hu", "hoon", "por", "favor",
    "porfa", "ahora", "ya", "urgente", "chahiye",
    "ho", "sakta", "sakti", "sakte", "karne", "zaroorat", "zarurat", "jarurat", "back",
];

/// Negation words (English and Spanish).
#[rustfmt::skip]
pub(super) const NEGATORS: &[&str] = &[
    "not", "dont", "dnt", "doesnt", "didnt", "no", "never", "nor", "neither", "without", "nope",
    "nah", "ni", "nunca", "tampoco", "sin",
];

/// Hinglish negation words (count anywhere in the verb group after the noun).
pub(super) const HI_NEGATORS: &[&str] = &["nahi", "nahin", "nhi", "nai", "nehi", "mat"];

/// Past-tense and conditional markers before a request ("I wanted to talk to ...", "asking if I
/// want an agent").
#[rustfmt::skip]
pub(super) const PAST_BEFORE: &[&str] = &[
    "wanted", "needed", "tried", "asked", "was", "were", "had", "used", "wished", "requested",
    "maine",
    "if", "whether",
];

/// Hinglish past-tense markers after a request ("agent se baat ki thi").
#[rustfmt::skip]
pub(super) const PAST_AFTER: &[&str] = &[
    "thi", "tha", "kiya", "ki", "hui", "hua", "chuka", "chuki", "chuke",
    "gayi", "gaya", "gaye",
];

/// Words that, with nouns, can make up a whole request ("a real human pls").
#[rustfmt::skip]
pub(super) const FILLER: &[&str] = &[
    "a", "an", "the", "please", "pls", "plz", "plis", "now", "asap", "urgently", "urgent",
    "immediately", "real", "live", "actual", "ok", "okay", "just", "sir", "maam", "madam", "mam",
    "bhai", "yaar", "ji", "un", "una", "el", "la", "por", "favor", "porfa", "porfavor", "ahora",
    "ya", "urgente", "pronto", "some", "customer", "service", "support", "care", "wale", "wala",
    "vale", "vala", "koi", "kisi", "ek", "de", "verdad", "verdadero", "verdadera", "again",
    "another", "other",
    "kya", "yahan", "idhar",
];

/// Adjectives that turn a weak noun into a stand-alone request ("real person").
#[rustfmt::skip]
pub(super) const MODIFIERS: &[&str] = &[
    "real", "live", "actual", "verdadera", "verdadero", "human", "humana", "humano", "proper",
    "genuine",
];

/// Words after a noun that make it not a person ("human body", "agent ID").
#[rustfmt::skip]
pub(super) const EXCLUDE_AFTER: &[&str] = &[
    "body", "bodies", "error", "errors", "nature", "rights", "race", "resources", "anatomy",
    "trafficking", "history", "id", "number", "code", "portal", "login", "app", "software",
    "program", "programme", "license", "licence", "fee", "fees", "commission", "cuerpo", "derechos",
    "recursos",
    "limit", "limits", "role", "roles", "discount",
];

/// Conjunctions that split clauses.
#[rustfmt::skip]
pub(super) const SPLITTERS: &[&str] = &[
    "but", "however", "although", "though", "and", "so", "because", "instead", "lekin", "magar",
    "parantu", "aur", "kyunki", "kyuki", "pero", "sino", "y", "porque",
];

/// Words tagging a phrase as Hinglish.
#[rustfmt::skip]
pub(super) const HI_TAG: &[&str] = &[
    "mujhe", "muje", "mujhko", "mereko", "meko", "hume", "humein", "hamein", "kisi", "koi", "ek",
    "insaan", "insaano", "insaanon", "manav", "aadmi", "banda", "bande", "baat", "baatein",
    "batein", "karni", "karna", "karo", "karao", "karwao", "karwa", "karwado", "karado", "krwao",
    "krao", "krna", "krni", "kara", "karaiye", "karwaiye", "kijiye", "karvao", "dijiye", "dedo",
    "hai", "hain", "chahiye", "chaiye", "chahie", "chaie", "chahye", "chahiya", "bulao", "bulaiye",
    "bulado", "bula", "bulwao", "milao", "milwao", "milaiye", "milado", "jodo", "jod", "jodiye",
    "wale", "wala", "wali", "vale", "vala", "walo", "valo", "ji", "bhai", "yaar", "sahab", "chahta",
    "chahti", "hu", "hoon", "ko", "pe", "sey", "kya", "mai",
    "aapke", "aapki", "apke", "apki", "tumhare", "bolo", "boliye", "sakta", "sakti", "sakte", "dekh", "dekhe", "kare", "karein", "karwao", "mera", "mere", "meri",
    "bt",
];

/// Words tagging a phrase as Spanish.
#[rustfmt::skip]
pub(super) const ES_TAG: &[&str] = &[
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
    "llame", "llamen", "contacte", "contacten", "devuelva", "devuelvan", "ponme", "pongame", "pasas", "pasa", "comunicas", "equipo", "companero", "companera", "empleado", "empleada", "empleados", "gerencia", "departamento", "llamada", "revisar", "revise", "vea", "que", "pueda",
    "kiero", "ablar", "tu", "tus",
];

/// Verbs of an indirect request: what the person is asked to do ("can a human *review* my case",
/// "let someone from your team *handle* this", "koi insaan *dekhe*", "¿puede un humano
/// *revisar*?").
#[rustfmt::skip]
pub(super) const ACTION_VERBS: &[&str] = &[
    // en
    "handle", "review", "check", "look", "see", "decide", "deal", "take", "sort", "fix", "reply",
    "respond", "answer", "investigate", "approve", "verify", "process", "call", "contact", "phone",
    "ring", "help", "assist", "email", "text", "message",
    // es
    "revisar", "revise", "revisen", "ver", "vea", "vean", "atender", "atienda", "atiendan",
    "resolver", "resuelva", "llamar", "llame", "contactar", "contacte", "ayudar", "ayude",
    // hi-Latn
    "dekh", "dekhe", "dekhein", "dekho", "dekhiye", "check", "call", "sambhal", "sambhale",
];

/// Words before the person noun that make an action verb after it a request: modals and
/// causatives ("can", "could", "let", "have", "please", "ask", "need", "want", "puede", "deja").
#[rustfmt::skip]
pub(super) const DIRECTIVES: &[&str] = &[
    "can", "could", "let", "have", "please", "pls", "plz", "ask", "get", "need", "want", "like",
    "puede", "pueda", "podria", "deja", "dejen", "que", "necesito", "quiero",
];

/// Words after the person noun, before the action verb, that make it a request: a modal
/// ("a human should handle this") or a Hinglish ability/subjunctive ("dekh sakta hai").
#[rustfmt::skip]
pub(super) const AFTER_MODALS: &[&str] = &["should", "must", "kare", "karein", "dekhe", "dekhein"];

/// Hinglish "can" after the verb ("koi human mera case dekh sakta hai").
pub(super) const HI_CAN: &[&str] = &["sakta", "sakti", "sakte", "sake"];

/// Words allowed between the person noun and the action verb.
#[rustfmt::skip]
pub(super) const ACTION_GLUE: &[&str] = &[
    "from", "your", "ur", "the", "of", "on", "in", "at", "to", "actually", "please", "pls", "just",
    "should", "must", "real", "mera", "meri", "mere", "case", "ko", "se", "de", "del", "tu", "su",
    "mi", "a", "an", "lo", "la", "le", "me", "this", "it", "my",
    "sales", "billing", "accounts", "support", "tech", "team", "ventas", "facturacion", "soporte", "equipo",
];

/// Words that say the matter is settled ("... pero ya se resolvió", "... but it's fixed now"):
/// a request before them is withdrawn.
#[rustfmt::skip]
pub(super) const RESOLVED: &[&str] = &[
    "resolvio", "resuelto", "resuelta", "solucionado", "soluciono", "fixed", "resolved", "solved",
    "sorted",
];

/// Spanish "put me through" verbs: followed by "con" and any noun they are a request, whether
/// the noun is a person or a department ("pásame con ventas", "comunícame con soporte").
#[rustfmt::skip]
pub(super) const TRANSFER_VERBS: &[&str] = &[
    "pasame", "pasenme", "pasas", "pasa", "pasan", "comunicame", "comuniqueme",
    "comunicas", "ponme", "pongame", "ponganme", "transfiereme", "transfierame", "conectame",
    "conecteme",
];

/// Longest word considered for fuzzy matching.
pub(super) const MAX_FUZZY_LEN: usize = 24;

/// A language other than English that a word of the phrase marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    /// Hindi in Latin script (`"hi-Latn"`).
    Hi,
    /// Spanish (`"es"`).
    Es,
}

/// The word lists, normalised into sets, built once per instance on the first message.
#[derive(Debug)]
pub(super) struct Lexicon {
    /// [`STRONG_NOUNS`], normalised.
    pub(super) strong: Words,
    /// [`WEAK_NOUNS`], normalised.
    pub(super) weak: Words,
    /// [`FUZZY_NOUNS`] as characters, each with whether it is a strong noun.
    pub(super) fuzzy: Vec<(Vec<char>, bool)>,
    /// [`FUZZY_BLOCK`], normalised.
    pub(super) fuzzy_block: Words,
    /// Multi-word nouns by their first word.
    pub(super) multi: HashMap<String, Vec<Vec<String>>>,
    /// [`PRE_TRIGGERS`], normalised.
    pub(super) pre_triggers: Words,
    /// [`PRE_GLUE`], normalised.
    pub(super) pre_glue: Words,
    /// [`BE_NEXT`], normalised.
    pub(super) be_next: Words,
    /// [`POST_TRIGGERS`], normalised.
    pub(super) post_triggers: Words,
    /// [`POST_FINAL_TRIGGERS`], normalised.
    pub(super) post_final: Words,
    /// [`ME_VERBS`], normalised.
    pub(super) me_verbs: Words,
    /// [`POST_GLUE`], normalised.
    pub(super) post_glue: Words,
    /// [`LEAD_IN`], normalised.
    pub(super) lead_in: Words,
    /// [`RIGHT_EXT`], normalised.
    pub(super) right_ext: Words,
    /// [`NEGATORS`], normalised.
    pub(super) negators: Words,
    /// [`HI_NEGATORS`], normalised.
    pub(super) hi_negators: Words,
    /// [`PAST_BEFORE`], normalised.
    pub(super) past_before: Words,
    /// [`PAST_AFTER`], normalised.
    pub(super) past_after: Words,
    /// [`FILLER`], normalised.
    pub(super) filler: Words,
    /// [`MODIFIERS`], normalised.
    pub(super) modifiers: Words,
    /// [`EXCLUDE_AFTER`], normalised.
    pub(super) exclude_after: Words,
    /// [`SPLITTERS`], normalised.
    pub(super) splitters: Words,
    /// [`ACTION_VERBS`], normalised.
    pub(super) action_verbs: Words,
    /// [`DIRECTIVES`], normalised.
    pub(super) directives: Words,
    /// [`AFTER_MODALS`], normalised.
    pub(super) after_modals: Words,
    /// [`HI_CAN`], normalised.
    pub(super) hi_can: Words,
    /// [`ACTION_GLUE`], normalised.
    pub(super) action_glue: Words,
    /// [`TRANSFER_VERBS`], normalised.
    pub(super) transfer_verbs: Words,
    /// [`RESOLVED`], normalised.
    pub(super) resolved: Words,
    /// The language a word marks ([`HI_TAG`], [`ES_TAG`]).
    pub(super) lang: HashMap<Cow<'static, str>, Lang>,
}

/// A set of normalised words: the list's own `&'static str` when it is already normalised (most
/// are), a normalised copy otherwise. Built once per instance, on the first message.
pub(super) type Words = HashSet<Cow<'static, str>>;

/// `word` normalised, borrowed when [`normalize`] does not change it; `buf` is scratch space
/// reused across words, so an unchanged word costs no allocation.
pub(super) fn normalized(word: &'static str, buf: &mut String) -> Cow<'static, str> {
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

/// `words` normalised into a set.
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
            action_verbs: set(ACTION_VERBS),
            directives: set(DIRECTIVES),
            after_modals: set(AFTER_MODALS),
            hi_can: set(HI_CAN),
            action_glue: set(ACTION_GLUE),
            resolved: set(RESOLVED),
            transfer_verbs: set(TRANSFER_VERBS),
            lang,
        }
    }
}

impl Lexicon {
    /// Whether `next` (normalised) makes a Hinglish "call" a request ("call karo", "call karwa
    /// do").
    pub(super) fn hinglish_call_next(&self, next: &str) -> bool {
        matches!(
            next,
            "karo"
                | "karwao"
                | "karwa"
                | "karwado"
                | "kare"
                | "karein"
                | "karne"
                | "kijiye"
                | "karwaiye"
                | "krwao"
                | "kro"
        )
    }

    /// Strength of the fuzzy person noun `w` is one edit away from, if any.
    pub(super) fn fuzzy_noun(&self, w: &str) -> Option<bool> {
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

/// The lexicon, built on first use.
pub(super) fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::build)
}
