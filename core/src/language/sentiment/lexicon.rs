//! The scorer's data: the lexicon tables (word → valence) and the booster, negation and idiom
//! word lists. Data only: `lookup.rs` finds words in it.

use super::table::{entries, filter, index, index_len, pack, packed_len, Filter, Table};

/// Mean intensity increase of a booster word.
pub(super) const B_INCR: f64 = 0.293;
/// Mean intensity decrease of a dampener word.
pub(super) const B_DECR: f64 = -0.293;

/// Negation words (VADER's `NEGATE` plus "nobody", "noone" and Spanish).
/// Any word containing "n't" is a negation too.
pub(super) static NEGATIONS: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite", // VADER's list ends here.
    "nobody",
    "noone",
    "nunca",
    "jamás",
    "jamas",
    "nada",
    "nadie",
];

/// Hindi negations that follow the word they negate.
pub(super) static POST_NEGATIONS: &[&str] = &["nahi", "nahin", "nhi"];

/// Contrastive conjunctions ("but" in English, Spanish and Hindi).
pub(super) static CONTRASTIVE: &[&str] = &["but", "lekin", "pero"];

/// Multi-word dampeners (VADER's `BOOSTER_DICT` phrases).
pub(super) static MULTIWORD_BOOSTERS: &[[&str; 2]] =
    &[["just", "enough"], ["kind", "of"], ["sort", "of"]];

/// Idioms whose valence replaces the word's (VADER's `SPECIAL_CASES`).
pub(super) static SPECIAL_CASES: &[(&[&str], f64)] = &[
    (&["the", "shit"], 3.0),
    (&["the", "bomb"], 3.0),
    (&["bad", "ass"], 1.5),
    (&["bus", "stop"], 0.0),
    (&["yeah", "right"], -2.0),
    (&["kiss", "of", "death"], -1.5),
    (&["to", "die", "for"], 3.0),
    (&["beating", "heart"], 3.1),
    (&["broken", "heart"], -2.9),
    // Not VADER's: thanks for nothing, in English, Spanish and Hinglish.
    (&["thanks", "for", "nothing"], -2.0),
    (&["gracias", "por", "nada"], -2.0),
];

/// Booster (+) and dampener (-) words, sorted: VADER's `BOOSTER_DICT` plus
/// "bahut"/"bohot"/"bahot"/"bhot"/"bilkul" (Hindi), "muy" (Spanish) and
/// "super".
pub(super) static BOOSTERS: &[(&str, f64)] = &[
    ("absolutely", B_INCR),
    ("almost", B_DECR),
    ("amazingly", B_INCR),
    ("awfully", B_INCR),
    ("bahot", B_INCR),
    ("bahut", B_INCR),
    ("barely", B_DECR),
    ("bhot", B_INCR),
    ("bilkul", B_INCR),
    ("bohot", B_INCR),
    ("completely", B_INCR),
    ("considerable", B_INCR),
    ("considerably", B_INCR),
    ("decidedly", B_INCR),
    ("deeply", B_INCR),
    ("effing", B_INCR),
    ("enormous", B_INCR),
    ("enormously", B_INCR),
    ("entirely", B_INCR),
    ("especially", B_INCR),
    ("exceptional", B_INCR),
    ("exceptionally", B_INCR),
    ("extreme", B_INCR),
    ("extremely", B_INCR),
    ("fabulously", B_INCR),
    ("flippin", B_INCR),
    ("flipping", B_INCR),
    ("frackin", B_INCR),
    ("fracking", B_INCR),
    ("frickin", B_INCR),
    ("fricking", B_INCR),
    ("friggin", B_INCR),
    ("frigging", B_INCR),
    ("fuckin", B_INCR),
    ("fucking", B_INCR),
    ("fuggin", B_INCR),
    ("fugging", B_INCR),
    ("fully", B_INCR),
    ("greatly", B_INCR),
    ("hardly", B_DECR),
    ("hella", B_INCR),
    ("highly", B_INCR),
    ("hugely", B_INCR),
    ("incredible", B_INCR),
    ("incredibly", B_INCR),
    ("intensely", B_INCR),
    ("kind-of", B_DECR),
    ("kinda", B_DECR),
    ("kindof", B_DECR),
    ("less", B_DECR),
    ("little", B_DECR),
    ("major", B_INCR),
    ("majorly", B_INCR),
    ("marginal", B_DECR),
    ("marginally", B_DECR),
    ("more", B_INCR),
    ("most", B_INCR),
    ("muy", B_INCR),
    ("occasional", B_DECR),
    ("occasionally", B_DECR),
    ("particularly", B_INCR),
    ("partly", B_DECR),
    ("purely", B_INCR),
    ("quite", B_INCR),
    ("really", B_INCR),
    ("remarkably", B_INCR),
    ("scarce", B_DECR),
    ("scarcely", B_DECR),
    ("slight", B_DECR),
    ("slightly", B_DECR),
    ("so", B_INCR),
    ("somewhat", B_DECR),
    ("sort-of", B_DECR),
    ("sorta", B_DECR),
    ("sortof", B_DECR),
    ("substantially", B_INCR),
    ("super", B_INCR),
    ("thoroughly", B_INCR),
    ("total", B_INCR),
    ("totally", B_INCR),
    ("tremendous", B_INCR),
    ("tremendously", B_INCR),
    ("uber", B_INCR),
    ("unbelievably", B_INCR),
    ("unusually", B_INCR),
    ("utter", B_INCR),
    ("utterly", B_INCR),
    ("very", B_INCR),
];

/// VADER's lexicon, whole (`data/vader_lexicon.txt`, MIT licence in its header).
pub(super) const VADER_SOURCE: &str = include_str!("data/vader_lexicon.txt");
/// Words beyond VADER's (`data/additions.txt`): support words, emoji, Hinglish, Spanish.
pub(super) const ADDITIONS_SOURCE: &str = include_str!("data/additions.txt");

static VADER_BYTES: [u8; packed_len(VADER_SOURCE)] = pack(VADER_SOURCE);
static VADER_INDEX: [u32; index_len(entries(VADER_SOURCE))] = index(VADER_SOURCE);
static ADDITIONS_BYTES: [u8; packed_len(ADDITIONS_SOURCE)] = pack(ADDITIONS_SOURCE);
static ADDITIONS_INDEX: [u32; index_len(entries(ADDITIONS_SOURCE))] = index(ADDITIONS_SOURCE);

/// VADER's lexicon, packed.
pub(super) static VADER: Table = Table::new(&VADER_BYTES, &VADER_INDEX);
/// The additions, packed; looked up after [`VADER`].
pub(super) static ADDITIONS: Table = Table::new(&ADDITIONS_BYTES, &ADDITIONS_INDEX);
/// Every word of both tables, as a Bloom filter: a word it turns away is in neither.
pub(super) static WORDS_FILTER: Filter = filter(&[VADER_SOURCE, ADDITIONS_SOURCE]);

/// VADER words that are not sentiment in a support chat ("help", "please", "support", "sure",
/// "yes", ...: a customer asking for help is not pleased; "want", "cancel", "pay", "number",
/// "redeemed": transactions, not feelings), "super" (a booster here), and English
/// entries that are common Spanish words ("favor" of "por favor", "sin" = without). Looked up
/// first: these score nothing.
pub(super) static NOT_SENTIMENT: &[&str] = &[
    "cancel",
    "cancelled",
    "cancelling",
    "cancels",
    "care",
    "chance",
    "credit",
    "favor",
    "free",
    "help",
    "hope",
    "joke",
    "kind",
    "kindly",
    "like",
    "ok",
    "okay",
    "pay",
    "please",
    "pretty",
    "redeemed",
    "sin",
    "super",
    "support",
    "sure",
    "true",
    "want",
    "well",
    "wish",
    "yes",
];
