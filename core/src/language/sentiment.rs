//! Lexicon-and-rules sentiment scoring in the style of VADER.
//!
//! This is a pure-Rust re-implementation of the scoring algorithm of
//! **VADER** (*Valence Aware Dictionary and sEntiment Reasoner*; Hutto, C.J. &
//! Gilbert, E.E. (2014). *VADER: A Parsimonious Rule-based Model for Sentiment
//! Analysis of Social Media Text.* ICWSM-14), following the reference Python
//! implementation `vaderSentiment` 3.3.2
//! (<https://github.com/cjhutto/vaderSentiment>, MIT licence). It does no I/O
//! and needs nothing beyond `std`.
//!
//! # Algorithm
//!
//! 1. **Tokenise.** The text is split on whitespace; emoji are split off into
//!    tokens of their own (variation selectors, zero-width joiners and skin
//!    tones are dropped). Surrounding punctuation is stripped from words, but a
//!    token that is itself a lexicon entry (an emoticon such as `:)` or `</3`)
//!    is kept as is. Punctuation-only tokens and one-character words are
//!    ignored (emoji are kept). Lookup is case-insensitive; `’` counts as `'`.
//! 2. **Valence.** Every token found in the lexicon gets its valence
//!    (-4 ..= 4). It is then adjusted by the rules below; every other token
//!    counts as neutral (0).
//!    * *ALL CAPS*: if some, but not all, tokens are in capitals, a
//!      capitalised sentiment word moves 0.733 further from zero.
//!    * *Boosters / dampeners* ("very", "extremely", "so", "kinda",
//!      "slightly", ...) up to three tokens back add ±0.293 in the direction of
//!      the word's valence, scaled by 1, 0.95 and 0.9 with distance; a booster
//!      in capitals adds another 0.733.
//!    * *Negation* ("not", "never", "isn't", "dont", any "n't" word, "nor",
//!      "without", ...) up to three tokens back multiplies by -0.74; "no"
//!      one or two tokens back (or three, with "or"/"nor" right before the
//!      word) does the same. "never so / never this" amplifies by 1.25
//!      instead; "without doubt" does not negate.
//!    * *"least"*: "least good" is negated, "at least good" and
//!      "very least good" are not.
//!    * *Idioms*: "yeah right", "kiss of death", "broken heart", "the shit",
//!      "bad ass", ... replace the valence; "kind of" / "sort of" /
//!      "just enough" dampen it.
//!
//!    These rules look at most three tokens back (and one or two ahead), and
//!    never across the end of a sentence (`.`, `!`, `?`).
//! 3. **"but".** Sentiment before the first "but" is halved, after it is
//!    multiplied by 1.5.
//! 4. **Punctuation.** Up to four `!` add 0.292 each, and two or three `?` add
//!    0.18 each (four or more add 0.96), away from zero.
//! 5. **Normalise.** `compound = s / sqrt(s² + 15)`, clamped to [-1, 1] and
//!    rounded to 4 decimals. `positive`, `negative` and `neutral` are VADER's
//!    proportions: each positive token counts `valence + 1`, each negative one
//!    `|valence| + 1`, each neutral token 1, punctuation emphasis goes to the
//!    dominant side; rounded to 3 decimals.
//!
//! # Lexicon
//!
//! The embedded lexicon has 1614 entries in five sorted tables searched with
//! binary search:
//!
//! * 1450 entries copied with their values from VADER's `vader_lexicon.txt`:
//!   a hand-picked list of customer-support words (frustration, anger, delay,
//!   failure, fraud, politeness, praise, ...), every VADER word derived from
//!   some key stems ("frustrat", "disappoint", "annoy", "satisf", ...), every
//!   VADER word with |valence| ≥ 2.5, a few words needed by the idiom rules and
//!   the common ASCII emoticons. A handful of words that are neutral in a
//!   support chat but positive in VADER ("help", "please", "support", "care",
//!   "like", "kind", "kindly", "credit", "free", "sure", "yes", "well", "joke",
//!   "pretty", "true") are deliberately left out, and "super" is a booster
//!   here rather than a sentiment word.
//! * Additions that are *not* VADER values: support words missing from VADER
//!   ("unhelpful", "scammed", "garbage", "refund", "waiting", ...), emoji,
//!   Hindi/Hinglish in Latin script ("bakwas", "ghatiya", "accha",
//!   "shukriya", ...) and Spanish ("pésimo", "malo", "harto", "gracias",
//!   ...), valued like their closest VADER counterparts.
//!
//! The tables store `f32`; every value has one decimal and is read back as
//! the nearest `f64` to that decimal, so arithmetic matches VADER's.
//!
//! Beyond VADER's word lists, "bahut" / "bohot" / "bilkul" / "muy" / "super"
//! are boosters; "nobody", "noone", "nunca", "jamás", "nada", "nadie" are
//! negations; Hindi "nahi" negates the word *before* it ("accha nahi"); and
//! "pero" and "lekin" act like "but".
//!
//! # Deliberate differences from vaderSentiment 3.3.2
//!
//! * Emoji are scored directly rather than replaced by their English names.
//! * One-character words and punctuation-only tokens are dropped (as in older
//!   VADER releases), and punctuation is stripped from two-letter words too
//!   ("no." is "no").
//! * The idiom and "kind of" checks run wherever the words are present
//!   (VADER skips them in the first three tokens), and "kind of" dampens a
//!   negative word towards zero instead of making it more negative.
//! * Word rules do not look across sentence ends: in "it never arrived.
//!   SCAM" the "never" does not negate "SCAM".
//! * The "never so/this" check uses the intended grouping (VADER also
//!   amplifies any word right after "so"/"this" by 1.25).
//! * The "but" weighting is applied by position (VADER looks values up by
//!   equality, which mis-weights repeated values).
//! * A text without any token scores as fully neutral (`neutral == 1.0`);
//!   VADER returns all zeros.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

/// Sentiment of one text, as computed by [`score`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SentimentScore {
    /// Normalised compound score in [-1, 1] (rounded to 4 decimals): below
    /// about -0.05 is negative, above about 0.05 positive.
    pub compound: f64,
    /// Share of positive intensity in [0, 1] (rounded to 3 decimals).
    pub positive: f64,
    /// Share of neutral intensity in [0, 1] (rounded to 3 decimals).
    pub neutral: f64,
    /// Share of negative intensity in [0, 1] (rounded to 3 decimals).
    pub negative: f64,
}

/// Scores the sentiment of `text` with the VADER rules (see the
/// [module documentation](self)).
///
/// Never panics, allocates one lower-cased string per token and is
/// deterministic.
///
/// # Example
///
/// ```
/// use handoff_core::sentiment::score;
///
/// let angry = score("This is the WORST service ever, I am furious!!");
/// assert!(angry.compound < -0.5);
/// assert!(angry.negative > angry.positive);
///
/// let happy = score("Thanks, that was really helpful!");
/// assert!(happy.compound > 0.5);
///
/// assert_eq!(score("The book was good.").compound, 0.4404);
/// ```
pub fn score(text: &str) -> SentimentScore {
    let tokens = tokenize(text);
    let cap_diff = allcap_differential(&tokens);
    let mut sentiments = Vec::with_capacity(tokens.len());
    let mut start = 0;
    while start < tokens.len() {
        // Word rules look no further than the sentence.
        let end = tokens[start..]
            .iter()
            .position(|t| t.ends_sentence)
            .map_or(tokens.len(), |p| start + p + 1);
        let sentence = &tokens[start..end];
        for (i, token) in sentence.iter().enumerate() {
            let word = token.text.as_str();
            let starts_phrase_booster = sentence.get(i + 1).is_some_and(|next| {
                MULTIWORD_BOOSTERS
                    .iter()
                    .any(|p| p[0] == word && p[1] == next.text)
            });
            if booster(word).is_some() || starts_phrase_booster {
                sentiments.push(0.0);
            } else {
                sentiments.push(sentiment_valence(sentence, i, cap_diff));
            }
        }
        start = end;
    }
    but_check(&tokens, &mut sentiments);
    score_valence(&sentiments, text)
}

/// Mean intensity increase of a booster word.
const B_INCR: f64 = 0.293;
/// Mean intensity decrease of a dampener word.
const B_DECR: f64 = -0.293;
/// Intensity increase of a word in ALL CAPS amid mixed-case text.
const C_INCR: f64 = 0.733;
/// Multiplier for a negated word.
const N_SCALAR: f64 = -0.74;
/// Normalisation constant approximating the largest expected sum.
const ALPHA: f64 = 15.0;

/// One token of the input.
#[derive(Debug)]
struct Token {
    /// Lower-cased text.
    text: String,
    /// Whether the original has cased letters, all upper case (Python's `isupper`).
    upper: bool,
    /// Lexicon valence, if the token is a lexicon entry.
    valence: Option<f64>,
    /// Whether a sentence ends after this token (`.`, `!` or `?`).
    ends_sentence: bool,
}

impl Token {
    fn in_lexicon(&self) -> bool {
        self.valence.is_some()
    }
}

/// Splits `text` into tokens (see the module documentation).
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for chunk in text.split_whitespace() {
        let mut start: Option<usize> = None;
        for (pos, c) in chunk.char_indices() {
            if is_emoji_modifier(c) {
                if let Some(s) = start.take() {
                    push_word(&mut tokens, &chunk[s..pos]);
                }
            } else if is_emoji(c) {
                if let Some(s) = start.take() {
                    push_word(&mut tokens, &chunk[s..pos]);
                }
                let mut buf = [0u8; 4];
                let key: &str = c.encode_utf8(&mut buf);
                tokens.push(Token {
                    text: key.to_owned(),
                    upper: false,
                    valence: lexicon_valence(key),
                    ends_sentence: false,
                });
            } else if start.is_none() {
                start = Some(pos);
            }
        }
        if let Some(s) = start {
            push_word(&mut tokens, &chunk[s..]);
        }
    }
    tokens
}

/// Adds the word `raw` (no whitespace, no emoji) to `tokens`, if it is one.
fn push_word(tokens: &mut Vec<Token>, raw: &str) {
    let body = raw.trim_end_matches(is_punctuation);
    let ends_sentence = raw[body.len()..].contains(is_sentence_end);
    let mut text: String = raw
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c == '\u{2019}' || c == '\u{2018}' {
                '\''
            } else {
                c
            }
        })
        .collect();
    let mut valence = lexicon_valence(&text);
    if valence.is_none() {
        // An emoticon followed by sentence punctuation: ":)." or ":(!".
        let trimmed = text.trim_end_matches(['.', ',', '!', '?', ';']);
        let emoticon = lexicon_valence(trimmed).filter(|_| trimmed.len() > 1);
        if emoticon.is_some() {
            text.truncate(trimmed.len());
            valence = emoticon;
        } else {
            let from = text.len() - text.trim_start_matches(is_punctuation).len();
            let to = text.trim_end_matches(is_punctuation).len().max(from);
            text.truncate(to);
            text.drain(..from);
            valence = lexicon_valence(&text);
        }
    }
    if text.chars().nth(1).is_none() {
        // Empty or a single character: not a word, but it may end a sentence.
        if ends_sentence {
            if let Some(last) = tokens.last_mut() {
                last.ends_sentence = true;
            }
        }
        return;
    }
    let upper = raw.chars().any(char::is_uppercase) && !raw.chars().any(char::is_lowercase);
    tokens.push(Token {
        text,
        upper,
        valence,
        ends_sentence,
    });
}

/// Whether `c` ends a sentence.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？')
}

/// Punctuation stripped from the ends of words: ASCII punctuation (Python's
/// `string.punctuation`) and common Unicode quotes, dashes and marks.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '¡' | '¿'
                | '…'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '«'
                | '»'
                | '–'
                | '—'
                | '·'
                | '。'
                | '，'
                | '！'
                | '？'
        )
}

/// Whether `c` is a pictographic emoji (or similar symbol) that forms a token
/// of its own.
fn is_emoji(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF
    )
}

/// Emoji presentation and joining characters, which are dropped.
fn is_emoji_modifier(c: char) -> bool {
    matches!(
        u32::from(c),
        0xFE0E | 0xFE0F | 0x200D | 0x20E3 | 0x1F3FB..=0x1F3FF
    )
}

/// VADER's `allcap_differential`: some, but not all, tokens are ALL CAPS.
fn allcap_differential(tokens: &[Token]) -> bool {
    let caps = tokens.iter().filter(|t| t.upper).count();
    caps > 0 && caps < tokens.len()
}

/// Valence of the token at `i` after the per-word rules.
fn sentiment_valence(tokens: &[Token], i: usize, cap_diff: bool) -> f64 {
    let Some(base) = tokens[i].valence else {
        return 0.0;
    };
    let word = |k: usize| tokens[k].text.as_str();
    let mut valence = base;

    // "no" as a negation of the next lexicon word rather than a word of its own.
    if word(i) == "no" && tokens.get(i + 1).is_some_and(Token::in_lexicon) {
        valence = 0.0;
    }
    if (i > 0 && word(i - 1) == "no")
        || (i > 1 && word(i - 2) == "no")
        || (i > 2 && word(i - 3) == "no" && matches!(word(i - 1), "or" | "nor"))
    {
        valence = base * N_SCALAR;
    }

    if tokens[i].upper && cap_diff {
        if valence > 0.0 {
            valence += C_INCR;
        } else {
            valence -= C_INCR;
        }
    }

    for distance in 0..3 {
        if i > distance && !tokens[i - distance - 1].in_lexicon() {
            let mut scalar = scalar_inc_dec(&tokens[i - distance - 1], valence, cap_diff);
            if distance == 1 {
                scalar *= 0.95;
            } else if distance == 2 {
                scalar *= 0.9;
            }
            valence += scalar;
            valence = negation_check(valence, tokens, distance, i);
        }
    }

    valence = special_idioms_check(valence, tokens, i);
    valence = least_check(valence, tokens, i);

    // Hinglish negation follows the word: "accha nahi".
    if tokens
        .get(i + 1)
        .is_some_and(|t| POST_NEGATIONS.contains(&t.text.as_str()))
    {
        valence *= N_SCALAR;
    }
    valence
}

/// Booster / dampener contribution of `token` to a word of valence `valence`.
fn scalar_inc_dec(token: &Token, valence: f64, cap_diff: bool) -> f64 {
    let Some(mut scalar) = booster(&token.text) else {
        return 0.0;
    };
    if valence < 0.0 {
        scalar = -scalar;
    }
    if token.upper && cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

/// Whether `word` is a negation (VADER's `negated` for one word).
fn is_negation(word: &str) -> bool {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| NEGATIONS.iter().copied().collect())
        .contains(word)
        || word.contains("n't")
}

/// VADER's `_negation_check` for the token `distance + 1` places before `i`.
fn negation_check(valence: f64, tokens: &[Token], distance: usize, i: usize) -> f64 {
    let word = |k: usize| tokens[k].text.as_str();
    let so_this = |w: &str| w == "so" || w == "this";
    match distance {
        0 => {
            if is_negation(word(i - 1)) {
                return valence * N_SCALAR;
            }
        }
        1 => {
            if word(i - 2) == "never" && so_this(word(i - 1)) {
                return valence * 1.25;
            } else if word(i - 2) == "without" && word(i - 1) == "doubt" {
                return valence;
            } else if is_negation(word(i - 2)) {
                return valence * N_SCALAR;
            }
        }
        _ => {
            if word(i - 3) == "never" && (so_this(word(i - 2)) || so_this(word(i - 1))) {
                return valence * 1.25;
            } else if word(i - 3) == "without" && (word(i - 2) == "doubt" || word(i - 1) == "doubt")
            {
                return valence;
            } else if is_negation(word(i - 3)) {
                return valence * N_SCALAR;
            }
        }
    }
    valence
}

/// Whether the tokens starting at `start` (if it is in range) spell `phrase`.
fn phrase_at(tokens: &[Token], start: Option<usize>, phrase: &[&str]) -> bool {
    let Some(start) = start else {
        return false;
    };
    tokens
        .get(start..start + phrase.len())
        .is_some_and(|ts| ts.iter().zip(phrase).all(|(t, p)| t.text == *p))
}

/// VADER's `_special_idioms_check`: idioms replace the valence of the word at
/// `i`, preceding "kind of" / "sort of" / "just enough" dampen it.
fn special_idioms_check(mut valence: f64, tokens: &[Token], i: usize) -> f64 {
    // (offset of the first word before `i`, phrase length), in VADER's order:
    // "w[i-1] w[i]", "w[i-2] w[i-1] w[i]", "w[i-2] w[i-1]",
    // "w[i-3] w[i-2] w[i-1]", "w[i-3] w[i-2]".
    const BEFORE: [(usize, usize); 5] = [(1, 2), (2, 3), (2, 2), (3, 3), (3, 2)];
    'found: for (back, len) in BEFORE {
        for (phrase, value) in SPECIAL_CASES {
            if phrase.len() == len && phrase_at(tokens, i.checked_sub(back), phrase) {
                valence = *value;
                break 'found;
            }
        }
    }
    // "w[i] w[i+1]", then "w[i] w[i+1] w[i+2]".
    for len in [2, 3] {
        for (phrase, value) in SPECIAL_CASES {
            if phrase.len() == len && phrase_at(tokens, Some(i), phrase) {
                valence = *value;
            }
        }
    }
    for back in [2, 3] {
        if MULTIWORD_BOOSTERS
            .iter()
            .any(|p| phrase_at(tokens, i.checked_sub(back), p))
        {
            valence += if valence < 0.0 { -B_DECR } else { B_DECR };
        }
    }
    valence
}

/// VADER's `_least_check`: "least X" negates X, "at least X" does not.
fn least_check(valence: f64, tokens: &[Token], i: usize) -> f64 {
    if i == 0 || tokens[i - 1].text != "least" {
        return valence;
    }
    if i > 1 && matches!(tokens[i - 2].text.as_str(), "at" | "very") {
        valence
    } else {
        valence * N_SCALAR
    }
}

/// VADER's `_but_check`: halves sentiment before the first contrastive
/// conjunction and multiplies what follows by 1.5.
fn but_check(tokens: &[Token], sentiments: &mut [f64]) {
    let Some(at) = tokens
        .iter()
        .position(|t| CONTRASTIVE.contains(&t.text.as_str()))
    else {
        return;
    };
    for (k, s) in sentiments.iter_mut().enumerate() {
        if k < at {
            *s *= 0.5;
        } else if k > at {
            *s *= 1.5;
        }
    }
}

/// Emphasis from exclamation and question marks (VADER's
/// `_punctuation_emphasis`).
fn punctuation_emphasis(text: &str) -> f64 {
    let mut exclamations = 0usize;
    let mut questions = 0usize;
    for b in text.bytes() {
        match b {
            b'!' => exclamations += 1,
            b'?' => questions += 1,
            _ => {}
        }
    }
    let ep = exclamations.min(4) as f64 * 0.292;
    let qm = match questions {
        0 | 1 => 0.0,
        2 | 3 => questions as f64 * 0.18,
        _ => 0.96,
    };
    ep + qm
}

/// `score / sqrt(score² + alpha)`, clamped to [-1, 1].
fn normalize(score: f64) -> f64 {
    let norm = score / (score * score + ALPHA).sqrt();
    if norm.is_nan() {
        0.0
    } else {
        norm.clamp(-1.0, 1.0)
    }
}

/// Rounds `x` to `places` decimals.
fn round_to(x: f64, places: i32) -> f64 {
    let factor = 10f64.powi(places);
    (x * factor).round() / factor
}

/// VADER's `score_valence` and `_sift_sentiment_scores`.
fn score_valence(sentiments: &[f64], text: &str) -> SentimentScore {
    if sentiments.is_empty() {
        return SentimentScore {
            compound: 0.0,
            positive: 0.0,
            neutral: 1.0,
            negative: 0.0,
        };
    }
    let emphasis = punctuation_emphasis(text);
    let mut sum: f64 = sentiments.iter().sum();
    if sum > 0.0 {
        sum += emphasis;
    } else if sum < 0.0 {
        sum -= emphasis;
    }
    let compound = normalize(sum);

    let (mut pos_sum, mut neg_sum, mut neu_count) = (0.0f64, 0.0f64, 0usize);
    for &s in sentiments {
        if s > 0.0 {
            pos_sum += s + 1.0;
        } else if s < 0.0 {
            neg_sum += s - 1.0;
        } else {
            neu_count += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += emphasis;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= emphasis;
    }
    let total = pos_sum + neg_sum.abs() + neu_count as f64;
    let share = |x: f64| {
        if total > 0.0 && total.is_finite() {
            round_to((x / total).abs(), 3)
        } else {
            0.0
        }
    };
    SentimentScore {
        compound: round_to(compound, 4),
        positive: share(pos_sum),
        neutral: share(neu_count as f64),
        negative: share(neg_sum),
    }
}

/// A table value as the one-decimal number it was written as (undoing the f32 rounding).
fn one_decimal(v: f32) -> f64 {
    (f64::from(v) * 10.0).round() / 10.0
}

/// FNV-1a: a `const fn`, so the lexicon's index is built by the compiler.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Slots of the lexicon index: a power of two, over twice the entries (short probes).
const LEXICON_SLOTS: usize = 4096;
/// Entries per table fit in this many bits of a slot.
const ENTRY_BITS: u32 = 11;

/// The entry a (non-empty) slot names: table `(slot - 1) >> ENTRY_BITS`, entry the rest.
const fn slot_entry(tables: &[&'static [(&'static str, f32)]], slot: u16) -> (&'static str, f32) {
    let n = (slot - 1) as usize;
    tables[n >> ENTRY_BITS][n & ((1 << ENTRY_BITS) - 1)]
}

/// An open-addressing index (linear probing, FNV-1a) over every table: a key in several tables
/// is indexed at its first, in [`LEXICON_TABLES`] order. Built at compile time, so no instance
/// (every wasm instance has its own memory) pays for building a map on its first message.
const fn lexicon_index(tables: &[&'static [(&'static str, f32)]]) -> [u16; LEXICON_SLOTS] {
    let mut slots = [0u16; LEXICON_SLOTS];
    let mut used = 0;
    let mut t = 0;
    while t < tables.len() {
        let table = tables[t];
        assert!(
            table.len() < 1 << ENTRY_BITS,
            "a lexicon table is too long for a slot"
        );
        let mut e = 0;
        while e < table.len() {
            let key = table[e].0.as_bytes();
            let mut at = (fnv1a(key) as usize) & (LEXICON_SLOTS - 1);
            let mut seen = false;
            while slots[at] != 0 {
                if same_bytes(slot_entry(tables, slots[at]).0.as_bytes(), key) {
                    seen = true;
                    break;
                }
                at = (at + 1) & (LEXICON_SLOTS - 1);
            }
            if !seen {
                slots[at] = ((t << ENTRY_BITS | e) + 1) as u16;
                used += 1;
            }
            e += 1;
        }
        t += 1;
    }
    assert!(
        used * 2 < LEXICON_SLOTS,
        "the lexicon index is too full: raise LEXICON_SLOTS"
    );
    slots
}

static LEXICON_INDEX: [u16; LEXICON_SLOTS] = lexicon_index(&LEXICON_TABLES);

/// Valence of a lower-cased token, if it is in any lexicon table.
fn lexicon_valence(key: &str) -> Option<f64> {
    if key.is_empty() {
        return None;
    }
    let mut at = (fnv1a(key.as_bytes()) as usize) & (LEXICON_SLOTS - 1);
    loop {
        let slot = LEXICON_INDEX[at];
        if slot == 0 {
            return None;
        }
        let (entry, value) = slot_entry(&LEXICON_TABLES, slot);
        if entry == key {
            return Some(one_decimal(value));
        }
        at = (at + 1) & (LEXICON_SLOTS - 1);
    }
}

/// Booster / dampener value of a lower-cased token.
fn booster(word: &str) -> Option<f64> {
    static MAP: OnceLock<FxHashMap<&'static str, f64>> = OnceLock::new();
    MAP.get_or_init(|| BOOSTERS.iter().copied().collect())
        .get(word)
        .copied()
}

/// All lexicon tables, searched in order.
static LEXICON_TABLES: [&[(&str, f32)]; 5] = [
    VADER_LEXICON,
    SUPPORT_LEXICON,
    EMOJI_LEXICON,
    HINGLISH_LEXICON,
    SPANISH_LEXICON,
];

/// Negation words (VADER's `NEGATE` plus "nobody", "noone" and Spanish).
/// Any word containing "n't" is a negation too.
static NEGATIONS: &[&str] = &[
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
static POST_NEGATIONS: &[&str] = &["nahi", "nahin", "nhi"];

/// Contrastive conjunctions ("but" in English, Spanish and Hindi).
static CONTRASTIVE: &[&str] = &["but", "lekin", "pero"];

/// Multi-word dampeners (VADER's `BOOSTER_DICT` phrases).
static MULTIWORD_BOOSTERS: &[[&str; 2]] = &[["just", "enough"], ["kind", "of"], ["sort", "of"]];

/// Idioms whose valence replaces the word's (VADER's `SPECIAL_CASES`).
static SPECIAL_CASES: &[(&[&str], f64)] = &[
    (&["the", "shit"], 3.0),
    (&["the", "bomb"], 3.0),
    (&["bad", "ass"], 1.5),
    (&["bus", "stop"], 0.0),
    (&["yeah", "right"], -2.0),
    (&["kiss", "of", "death"], -1.5),
    (&["to", "die", "for"], 3.0),
    (&["beating", "heart"], 3.1),
    (&["broken", "heart"], -2.9),
];

/// Booster (+) and dampener (-) words, sorted: VADER's `BOOSTER_DICT` plus
/// "bahut"/"bohot"/"bahot"/"bhot"/"bilkul" (Hindi), "muy" (Spanish) and
/// "super".
static BOOSTERS: &[(&str, f64)] = &[
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

/// Entries of VADER's `vader_lexicon.txt` (values unchanged), sorted by key.
static VADER_LEXICON: &[(&str, f32)] = &[
    ("(:", 2.2),
    ("):", -1.8),
    ("8)", 1.9),
    (":'(", -2.2),
    (":')", 2.3),
    (":(", -1.9),
    (":)", 2.0),
    (":*", 2.5),
    (":-(", -1.5),
    (":-)", 1.3),
    (":-/", -1.2),
    (":-d", 2.3),
    (":-p", 1.5),
    (":-|", -0.7),
    (":/", -1.4),
    (":3", 2.3),
    (":@", -2.5),
    (":[", -2.0),
    (":]", 2.2),
    (":d", 2.3),
    (":o", -0.4),
    (":p", 1.0),
    (":s", -1.2),
    (":|", -0.4),
    (";)", 0.9),
    (";-)", 1.0),
    ("</3", -3.0),
    ("<3", 1.9),
    ("=)", 2.2),
    ("=d", 2.3),
    (">:(", -2.7),
    (">:[", -2.1),
    ("aas", 2.5),
    ("aayf", 2.7),
    ("abandon", -1.9),
    ("abandoned", -2.0),
    ("abduction", -2.8),
    ("abhorrent", -3.1),
    ("abhors", -2.9),
    ("abuse", -3.2),
    ("abused", -2.3),
    ("abuser", -2.6),
    ("abusers", -2.6),
    ("abuses", -2.6),
    ("abusive", -3.2),
    ("abusively", -2.8),
    ("abusiveness", -2.5),
    ("abusivenesses", -3.0),
    ("accept", 1.6),
    ("acceptable", 1.3),
    ("accepted", 1.1),
    ("accomplish", 1.8),
    ("accomplished", 1.9),
    ("admirable", 2.6),
    ("admirably", 2.5),
    ("admiration", 2.5),
    ("adorableness", 2.5),
    ("adoration", 2.9),
    ("adore", 2.6),
    ("adoring", 2.6),
    ("afu", -2.9),
    ("aggravate", -2.5),
    ("aggravated", -1.9),
    ("aggravating", -1.2),
    ("aggressive", -0.6),
    ("agitated", -2.0),
    ("agonizing", -2.7),
    ("agree", 1.5),
    ("agreed", 1.1),
    ("alarm", -1.4),
    ("alarmed", -1.4),
    ("alarming", -0.5),
    ("alarmingly", -2.6),
    ("alol", 2.8),
    ("alright", 1.0),
    ("amaze", 2.5),
    ("amazed", 2.2),
    ("amazement", 2.5),
    ("amazing", 2.8),
    ("ambw", 2.9),
    ("aml", 3.4),
    ("amor", 3.0),
    ("amuse", 1.7),
    ("amused", 1.8),
    ("anger", -2.7),
    ("angered", -2.3),
    ("angering", -2.2),
    ("angerly", -1.9),
    ("angers", -2.3),
    ("angrier", -2.3),
    ("angriest", -3.1),
    ("angrily", -1.8),
    ("angriness", -1.7),
    ("angry", -2.3),
    ("anguish", -2.9),
    ("anguishing", -2.7),
    ("annoy", -1.9),
    ("annoyance", -1.3),
    ("annoyances", -1.8),
    ("annoyed", -1.6),
    ("annoyer", -2.2),
    ("annoyers", -1.5),
    ("annoying", -1.7),
    ("annoys", -1.8),
    ("antagonizing", -2.7),
    ("anxiety", -0.7),
    ("anxious", -1.0),
    ("apocalyptic", -3.4),
    ("apologise", 1.6),
    ("apologize", 0.4),
    ("apologized", 1.3),
    ("apology", 0.2),
    ("appalled", -2.0),
    ("appalling", -1.5),
    ("appreciate", 1.7),
    ("appreciated", 2.3),
    ("appreciates", 2.3),
    ("appreciating", 1.9),
    ("appreciation", 2.3),
    ("appreciations", 1.7),
    ("appreciative", 2.6),
    ("appreciatively", 1.8),
    ("appreciativeness", 1.6),
    ("appreciator", 2.6),
    ("appreciators", 1.5),
    ("appreciatory", 1.7),
    ("arrogant", -2.2),
    ("ashamed", -2.1),
    ("ass", -2.5),
    ("assassination", -2.9),
    ("assassinations", -2.7),
    ("assault", -2.8),
    ("assaultive", -2.8),
    ("assaults", -2.5),
    ("assfucking", -2.5),
    ("assholes", -2.8),
    ("attack", -2.1),
    ("attacker", -2.7),
    ("attackers", -2.7),
    ("avoid", -1.2),
    ("award", 2.5),
    ("awesome", 3.1),
    ("awful", -2.0),
    ("awkward", -0.6),
    ("bad", -2.5),
    ("badly", -2.1),
    ("ban", -2.6),
    ("bankrupt", -2.6),
    ("banned", -2.0),
    ("bastard", -2.5),
    ("bastardising", -2.6),
    ("bastardly", -2.7),
    ("bastards", -3.0),
    ("bastardy", -2.7),
    ("beating", -2.0),
    ("beauteous", 2.5),
    ("beauteously", 2.6),
    ("beauteousness", 2.7),
    ("beautiful", 2.9),
    ("beautifulest", 2.6),
    ("beautifully", 2.7),
    ("beautifulness", 2.6),
    ("beauty", 2.8),
    ("beneficence", 2.8),
    ("benefit", 2.0),
    ("benevolent", 2.7),
    ("best", 3.2),
    ("betray", -3.2),
    ("betrayal", -2.8),
    ("betrayed", -3.0),
    ("betraying", -2.5),
    ("betrays", -2.5),
    ("better", 1.9),
    ("bfd", -2.7),
    ("bfe", -2.6),
    ("bff", 2.9),
    ("bitch", -2.8),
    ("bitched", -2.6),
    ("bitchery", -2.7),
    ("bitches", -2.9),
    ("bitchiest", -3.0),
    ("bitchily", -2.6),
    ("bitchiness", -2.6),
    ("bitter", -1.8),
    ("blah", -0.4),
    ("blame", -1.4),
    ("blamed", -2.1),
    ("blaming", -2.2),
    ("bless", 1.8),
    ("blessed", 2.9),
    ("blessedest", 2.8),
    ("blesser", 2.6),
    ("blesses", 2.6),
    ("blessings", 2.5),
    ("bliss", 2.7),
    ("blissful", 2.9),
    ("block", -1.9),
    ("blockbuster", 2.9),
    ("blocked", -1.1),
    ("bomb", -2.2),
    ("bonus", 2.5),
    ("bonuses", 2.6),
    ("bored", -1.1),
    ("boring", -1.3),
    ("bother", -1.4),
    ("bothered", -1.3),
    ("bothering", -1.6),
    ("brightening", 2.5),
    ("brightest", 3.0),
    ("brilliance", 2.9),
    ("brilliances", 2.9),
    ("brilliancy", 2.6),
    ("brilliant", 2.8),
    ("brilliantly", 3.0),
    ("broke", -1.8),
    ("broken", -2.1),
    ("brutal", -3.1),
    ("brutalise", -2.7),
    ("brutalised", -2.9),
    ("brutalises", -3.2),
    ("brutalising", -2.8),
    ("brutalities", -2.6),
    ("brutality", -3.0),
    ("brutalize", -2.9),
    ("brutalizes", -3.2),
    ("brutalizing", -3.4),
    ("brutally", -3.0),
    ("bullied", -3.1),
    ("bullshit", -2.8),
    ("bullying", -2.9),
    ("bummer", -1.6),
    ("burden", -1.9),
    ("bwahahah", 2.5),
    ("calm", 1.3),
    ("calmed", 1.6),
    ("cancel", -1.0),
    ("cancelled", -1.0),
    ("cancer", -3.4),
    ("careful", 0.6),
    ("careless", -1.5),
    ("catastrophe", -3.4),
    ("catastrophic", -2.2),
    ("celebrate", 2.7),
    ("celebrated", 2.7),
    ("celebrates", 2.7),
    ("celebrating", 2.7),
    ("champion", 2.9),
    ("chaos", -2.7),
    ("chaotic", -2.2),
    ("charged", -0.8),
    ("charges", -1.1),
    ("charming", 2.8),
    ("chastise", -2.5),
    ("cheat", -2.0),
    ("cheated", -2.3),
    ("cheater", -2.5),
    ("cheaters", -1.9),
    ("cheating", -2.6),
    ("cheats", -1.8),
    ("cheer", 2.3),
    ("cheerful", 2.5),
    ("cheerfullest", 3.2),
    ("cheerier", 2.6),
    ("cheerily", 2.5),
    ("cheeriness", 2.5),
    ("cheers", 2.1),
    ("cheery", 2.6),
    ("choke", -2.5),
    ("clean", 1.7),
    ("clear", 1.6),
    ("cleverest", 2.6),
    ("clueless", -1.5),
    ("cocksucker", -3.1),
    ("cocksuckers", -2.6),
    ("comfort", 1.5),
    ("comfortable", 2.3),
    ("commend", 1.9),
    ("commended", 1.9),
    ("compassionless", -2.6),
    ("compelling", 0.9),
    ("complain", -1.5),
    ("complainant", -0.7),
    ("complainants", -1.1),
    ("complained", -1.7),
    ("complainer", -1.8),
    ("complainers", -1.3),
    ("complaining", -0.8),
    ("complainingly", -1.7),
    ("complains", -1.6),
    ("complaint", -1.2),
    ("complaints", -1.7),
    ("compliment", 2.1),
    ("condemnation", -2.8),
    ("confused", -1.3),
    ("confusing", -0.9),
    ("confusion", -1.2),
    ("congrats", 2.4),
    ("congratulation", 2.9),
    ("congratulations", 2.9),
    ("contempt", -2.8),
    ("cool", 1.3),
    ("corpse", -2.7),
    ("costly", -0.4),
    ("courteous", 2.3),
    ("courtesy", 1.5),
    ("crap", -1.6),
    ("crappy", -2.6),
    ("crash", -1.7),
    ("crazy", -1.4),
    ("crestfallen", -2.5),
    ("crime", -2.5),
    ("criminals", -2.7),
    ("crisis", -3.1),
    ("critical", -1.3),
    ("crude", -2.7),
    ("cruel", -2.8),
    ("cruelest", -2.6),
    ("cruellest", -2.9),
    ("cruelly", -2.8),
    ("cruelness", -2.9),
    ("cruelty", -2.9),
    ("cry", -2.1),
    ("crying", -2.1),
    ("cunts", -2.9),
    ("curse", -2.5),
    ("cutest", 2.8),
    ("d:", 1.2),
    ("damage", -2.2),
    ("damaged", -1.9),
    ("damages", -1.9),
    ("damn", -1.7),
    ("damnation", -2.6),
    ("damnatory", -2.6),
    ("damned", -1.6),
    ("damnified", -2.8),
    ("danger", -2.4),
    ("dangering", -2.5),
    ("dangerous", -2.1),
    ("darling", 2.8),
    ("dead", -3.3),
    ("dearest", 2.6),
    ("death", -2.9),
    ("deceit", -2.0),
    ("deceitful", -1.9),
    ("deceive", -1.7),
    ("deceived", -1.9),
    ("deceiving", -1.4),
    ("defect", -1.4),
    ("defective", -1.9),
    ("degrading", -2.8),
    ("degradingly", -2.7),
    ("delay", -1.3),
    ("delayed", -0.9),
    ("delectable", 2.9),
    ("delectably", 2.8),
    ("delicious", 2.7),
    ("delight", 2.9),
    ("delighted", 2.3),
    ("delighters", 2.6),
    ("delightful", 2.8),
    ("delightfully", 2.7),
    ("demand", -0.5),
    ("demanded", -0.9),
    ("demanding", -0.9),
    ("denied", -1.9),
    ("deny", -1.4),
    ("depressed", -2.3),
    ("depressing", -1.6),
    ("depression", -2.7),
    ("despair", -1.3),
    ("despaired", -2.7),
    ("despairs", -2.7),
    ("desperate", -1.3),
    ("desperately", -1.6),
    ("despisements", -2.5),
    ("despising", -2.7),
    ("destroy", -2.5),
    ("destroyed", -2.2),
    ("destroying", -2.6),
    ("destroys", -2.6),
    ("destructing", -2.5),
    ("destruction", -2.7),
    ("destructionist", -2.6),
    ("destructive", -3.0),
    ("devastate", -3.1),
    ("devastated", -3.0),
    ("devastates", -2.8),
    ("devastating", -3.3),
    ("devastative", -3.2),
    ("devastator", -2.8),
    ("devastators", -2.9),
    ("devil", -3.4),
    ("devilry", -2.8),
    ("devils", -2.7),
    ("deviltry", -2.8),
    ("dickhead", -3.1),
    ("die", -2.9),
    ("died", -2.6),
    ("difficult", -1.5),
    ("direful", -3.1),
    ("dirty", -1.9),
    ("disagree", -1.6),
    ("disappoint", -1.7),
    ("disappointed", -2.1),
    ("disappointedly", -1.7),
    ("disappointing", -2.2),
    ("disappointingly", -1.9),
    ("disappointment", -2.3),
    ("disappointments", -2.0),
    ("disappoints", -1.6),
    ("disaster", -3.1),
    ("disasters", -2.6),
    ("disastrous", -2.9),
    ("discomfort", -1.8),
    ("disgrace", -2.2),
    ("disgraced", -2.0),
    ("disgust", -2.9),
    ("disgusted", -2.4),
    ("disgustedly", -3.0),
    ("disgustful", -2.6),
    ("disgusting", -2.4),
    ("disgustingly", -2.9),
    ("disgusts", -2.1),
    ("dishonest", -2.7),
    ("dislike", -1.6),
    ("disliked", -1.7),
    ("dismal", -3.0),
    ("dismayed", -1.9),
    ("displeased", -1.9),
    ("disregard", -1.1),
    ("disrespect", -1.8),
    ("disrespected", -2.0),
    ("dissatisfaction", -2.2),
    ("dissatisfactions", -1.9),
    ("dissatisfactory", -2.0),
    ("dissatisfied", -1.6),
    ("dissatisfies", -1.8),
    ("dissatisfy", -2.2),
    ("dissatisfying", -2.4),
    ("distraught", -2.6),
    ("distress", -2.4),
    ("distressed", -1.8),
    ("distrust", -1.8),
    ("disturbed", -1.6),
    ("disturbing", -2.3),
    ("divine", 2.6),
    ("divinely", 2.9),
    ("divinest", 2.7),
    ("divinity", 2.7),
    ("doomed", -3.2),
    ("dooming", -2.8),
    ("doomsday", -2.8),
    ("doubt", -1.5),
    ("doubtful", -1.4),
    ("douchebag", -3.0),
    ("dread", -2.0),
    ("dreaded", -2.7),
    ("dreadful", -1.9),
    ("dreadfully", -2.7),
    ("dreadfulness", -3.2),
    ("drown", -2.7),
    ("drowned", -2.9),
    ("dubious", -1.5),
    ("dull", -1.7),
    ("dumb", -2.3),
    ("dumbass", -2.6),
    ("dumbhead", -2.6),
    ("dump", -1.6),
    ("dumped", -1.7),
    ("dx", -3.0),
    ("easier", 1.8),
    ("easiest", 1.8),
    ("easy", 1.9),
    ("ecstacy", 3.3),
    ("ecstasy", 2.9),
    ("ecstatically", 2.8),
    ("ecstatics", 2.9),
    ("effective", 2.1),
    ("efficient", 1.8),
    ("elated", 3.2),
    ("embarrass", -1.2),
    ("embarrassed", -1.5),
    ("embarrassing", -1.6),
    ("emergency", -1.6),
    ("encourage", 2.3),
    ("encouraged", 1.5),
    ("enemy", -2.5),
    ("enjoy", 2.2),
    ("enjoyed", 2.3),
    ("enjoyment", 2.6),
    ("enrage", -2.6),
    ("enraged", -1.7),
    ("enraging", -2.8),
    ("enrapture", 3.0),
    ("enslave", -3.1),
    ("enthusiastically", 2.6),
    ("error", -1.7),
    ("errors", -1.4),
    ("euphoria", 3.3),
    ("euphoric", 3.2),
    ("evil", -3.4),
    ("evildoer", -3.1),
    ("evildoing", -3.1),
    ("evildoings", -2.5),
    ("evilest", -2.5),
    ("eviller", -2.9),
    ("evillest", -3.3),
    ("evilly", -3.4),
    ("evilness", -3.1),
    ("evils", -2.7),
    ("exasperated", -1.8),
    ("excellence", 3.1),
    ("excellences", 2.5),
    ("excellency", 2.5),
    ("excellent", 2.7),
    ("excellently", 3.1),
    ("excelling", 2.5),
    ("excels", 2.5),
    ("excite", 2.1),
    ("excited", 1.4),
    ("exciting", 2.2),
    ("excruciate", -2.7),
    ("excruciating", -3.3),
    ("excruciatingly", -2.9),
    ("excruciation", -3.4),
    ("exhausted", -1.5),
    ("exhausting", -1.5),
    ("exhilarated", 3.0),
    ("exhilarates", 2.8),
    ("exuberant", 2.8),
    ("exultant", 3.0),
    ("fab", 2.0),
    ("fabulous", 2.4),
    ("fabulousness", 2.8),
    ("faggot", -3.4),
    ("faggots", -3.2),
    ("fail", -2.5),
    ("failed", -2.3),
    ("failing", -2.3),
    ("fails", -1.8),
    ("failure", -2.3),
    ("fair", 1.3),
    ("fake", -2.1),
    ("fantastic", 2.6),
    ("fascinating", 2.5),
    ("fascist", -2.6),
    ("fatal", -2.5),
    ("fatalities", -2.9),
    ("fatality", -3.5),
    ("fatally", -3.2),
    ("fault", -1.7),
    ("faulty", -1.3),
    ("favorite", 2.0),
    ("fear", -2.2),
    ("fearful", -2.2),
    ("fearfullest", -2.5),
    ("fearing", -2.7),
    ("felonies", -2.5),
    ("felony", -2.5),
    ("ffs", -2.8),
    ("fiasco", -2.3),
    ("fine", 0.8),
    ("fired", -2.6),
    ("flawed", -2.1),
    ("flawless", 2.3),
    ("foetor", -3.0),
    ("fondness", 2.5),
    ("fool", -1.9),
    ("fooled", -1.6),
    ("foolish", -1.1),
    ("forgive", 1.1),
    ("fortunate", 1.9),
    ("fraud", -2.8),
    ("frauds", -2.3),
    ("fraudster", -2.5),
    ("fraudsters", -2.4),
    ("fraudulent", -2.2),
    ("freaking", -1.8),
    ("freedom", 3.2),
    ("friendliest", 2.6),
    ("friendly", 2.2),
    ("frighten", -1.4),
    ("frightened", -1.9),
    ("frustrate", -2.0),
    ("frustrated", -2.4),
    ("frustrates", -1.9),
    ("frustrating", -1.9),
    ("frustratingly", -2.0),
    ("frustration", -2.1),
    ("frustrations", -2.0),
    ("fu", -3.7),
    ("fubar", -3.0),
    ("fuck", -2.5),
    ("fucked", -3.4),
    ("fucker", -3.3),
    ("fuckers", -2.9),
    ("fuckface", -3.2),
    ("fuckhead", -3.1),
    ("fucktard", -3.1),
    ("fuked", -2.5),
    ("fuking", -3.2),
    ("fuming", -2.7),
    ("fun", 2.3),
    ("funnest", 2.9),
    ("funniest", 2.6),
    ("funny", 1.9),
    ("furious", -2.7),
    ("furiously", -1.9),
    ("fury", -2.7),
    ("futile", -1.9),
    ("fwb", 2.5),
    ("gain", 2.4),
    ("gallantry", 2.6),
    ("generosities", 2.6),
    ("generous", 2.3),
    ("gentle", 1.9),
    ("gla", 2.5),
    ("glad", 2.0),
    ("glee", 3.2),
    ("gleeful", 2.9),
    ("gloom", -2.6),
    ("gloomy", -0.6),
    ("glorify", 2.7),
    ("glorious", 3.2),
    ("gloriously", 2.9),
    ("gloriousness", 2.6),
    ("glory", 2.5),
    ("god", 1.1),
    ("goddam", -2.5),
    ("godsend", 2.8),
    ("good", 1.9),
    ("goodness", 2.0),
    ("gorgeous", 3.0),
    ("gorgeousness", 2.9),
    ("gracefullest", 2.8),
    ("gracious", 2.6),
    ("grateful", 2.0),
    ("gratitude", 2.3),
    ("great", 3.1),
    ("greatest", 3.2),
    ("greed", -1.7),
    ("greediest", -2.8),
    ("greedy", -1.3),
    ("grief", -2.2),
    ("grievance", -2.1),
    ("grievances", -1.5),
    ("grievousness", -2.7),
    ("grim", -2.7),
    ("gross", -2.1),
    ("grrr", -0.4),
    ("guilty", -1.8),
    ("hacked", -1.7),
    ("haha", 2.0),
    ("hahaha", 2.6),
    ("hallelujah", 3.0),
    ("handsome", 2.2),
    ("handsomest", 2.6),
    ("happiest", 3.2),
    ("happily", 2.6),
    ("happiness", 2.6),
    ("happy", 2.7),
    ("harass", -2.2),
    ("harassed", -2.5),
    ("harassers", -2.8),
    ("harasses", -2.5),
    ("harassing", -2.5),
    ("harassment", -2.5),
    ("harassments", -2.6),
    ("harm", -2.5),
    ("harmed", -2.1),
    ("harmfully", -2.6),
    ("harmfulness", -2.6),
    ("harming", -2.6),
    ("harsh", -1.9),
    ("harshest", -2.9),
    ("hate", -2.7),
    ("hated", -3.2),
    ("hateful", -2.2),
    ("hatefully", -2.3),
    ("hatefulness", -3.6),
    ("hater", -1.8),
    ("haters", -2.2),
    ("hates", -1.9),
    ("hating", -2.3),
    ("hatred", -3.2),
    ("havoc", -2.9),
    ("heart", 3.2),
    ("heartbreak", -2.7),
    ("heartbroken", -3.3),
    ("heartfelt", 2.5),
    ("heartlessly", -2.8),
    ("heartlessness", -2.8),
    ("hearts", 3.3),
    ("heavenlier", 3.0),
    ("heavenliest", 2.7),
    ("heavenliness", 2.7),
    ("heavenly", 3.0),
    ("hell", -3.6),
    ("hellish", -3.2),
    ("helpful", 1.8),
    ("helpless", -2.0),
    ("hero", 2.6),
    ("heroic", 2.6),
    ("heroical", 2.9),
    ("heroine", 2.7),
    ("heroism", 2.8),
    ("hesitant", -1.0),
    ("honestest", 3.0),
    ("honorable", 2.5),
    ("honored", 2.8),
    ("honour", 2.7),
    ("hooray", 2.3),
    ("hope", 1.9),
    ("hopeful", 2.3),
    ("hopefully", 1.7),
    ("hopeless", -2.0),
    ("hopelessness", -3.1),
    ("horrendous", -2.8),
    ("horrible", -2.5),
    ("horribly", -2.4),
    ("horrid", -2.5),
    ("horridnesses", -3.0),
    ("horrific", -3.4),
    ("horrifically", -2.9),
    ("horrified", -2.5),
    ("horrifies", -2.9),
    ("horrify", -2.5),
    ("horrifying", -2.7),
    ("horrifyingly", -3.3),
    ("horror", -2.7),
    ("horrors", -2.7),
    ("hostile", -1.6),
    ("hostility", -2.5),
    ("hug", 2.1),
    ("humiliate", -2.5),
    ("humiliated", -1.4),
    ("humiliatingly", -2.6),
    ("humiliation", -2.7),
    ("hurrah", 2.6),
    ("hurray", 2.7),
    ("hurt", -2.4),
    ("hurtful", -2.4),
    ("hurtfully", -2.6),
    ("hurting", -1.7),
    ("hurts", -2.1),
    ("idiot", -2.3),
    ("idiotic", -2.6),
    ("ignorance", -1.5),
    ("ignorant", -1.1),
    ("ignore", -1.5),
    ("ignored", -1.3),
    ("ignores", -1.1),
    ("ignoring", -1.7),
    ("ill", -1.8),
    ("illegal", -2.6),
    ("ilu", 3.4),
    ("iluaaf", 2.7),
    ("ily", 3.4),
    ("impatient", -1.2),
    ("impatiently", -1.7),
    ("impolite", -1.6),
    ("impress", 1.9),
    ("impressed", 2.1),
    ("impressing", 2.5),
    ("impressive", 2.3),
    ("improve", 1.9),
    ("improved", 2.1),
    ("inability", -1.7),
    ("inadequate", -1.7),
    ("incapable", -1.6),
    ("incompetence", -2.3),
    ("incompetent", -2.1),
    ("inconvenience", -1.5),
    ("inconvenient", -1.4),
    ("inferior", -1.7),
    ("infuriated", -3.0),
    ("infuriates", -2.6),
    ("infuriating", -2.4),
    ("injured", -1.7),
    ("injustice", -2.7),
    ("insane", -1.7),
    ("insanity", -2.7),
    ("insecure", -1.8),
    ("inspire", 2.7),
    ("inspiringly", 2.6),
    ("insult", -2.3),
    ("insulted", -2.3),
    ("insulting", -2.2),
    ("interest", 2.0),
    ("interested", 1.7),
    ("irate", -2.9),
    ("irritate", -1.8),
    ("irritated", -2.0),
    ("irritates", -1.7),
    ("irritating", -2.0),
    ("irritatingly", -2.0),
    ("irritation", -2.3),
    ("irritations", -1.5),
    ("irritative", -2.0),
    ("jackasses", -2.8),
    ("jerk", -1.4),
    ("jolliest", 2.9),
    ("jollily", 2.7),
    ("jolliness", 2.5),
    ("joy", 2.8),
    ("joyed", 2.9),
    ("joyful", 2.9),
    ("joyfully", 2.5),
    ("joyfulness", 2.7),
    ("joying", 2.5),
    ("joyless", -2.5),
    ("joylessness", -2.7),
    ("joyous", 3.1),
    ("joyously", 2.9),
    ("joyousness", 2.8),
    ("jubilant", 3.0),
    ("kia", -3.2),
    ("kill", -3.7),
    ("killed", -3.5),
    ("killer", -3.3),
    ("killers", -3.3),
    ("killing", -3.4),
    ("killingly", -2.6),
    ("killings", -3.5),
    ("kills", -2.5),
    ("kindness", 2.0),
    ("kiss", 1.8),
    ("kissing", 2.7),
    ("kudos", 2.3),
    ("lag", -1.4),
    ("lags", -1.5),
    ("lame", -1.8),
    ("lamebrained", -2.5),
    ("laugh", 2.6),
    ("laziest", -2.7),
    ("lazy", -1.5),
    ("liar", -2.3),
    ("liars", -2.4),
    ("lied", -1.6),
    ("lies", -1.8),
    ("lifesaver", 2.8),
    ("limited", -0.9),
    ("livid", -2.5),
    ("lmao", 2.9),
    ("lmfao", 2.5),
    ("lmso", 2.7),
    ("loathe", -2.2),
    ("loathing", -2.7),
    ("lol", 1.8),
    ("lolz", 2.7),
    ("lose", -1.7),
    ("loser", -2.4),
    ("losing", -1.6),
    ("loss", -1.3),
    ("lost", -1.3),
    ("lousiest", -2.6),
    ("lousy", -2.5),
    ("lovable", 3.0),
    ("love", 3.2),
    ("loved", 2.9),
    ("lovely", 2.8),
    ("lover", 2.8),
    ("loverly", 2.8),
    ("loves", 2.7),
    ("loving", 2.9),
    ("lovingly", 3.2),
    ("lovingness", 2.7),
    ("lowbred", -2.6),
    ("loyalty", 2.5),
    ("luck", 2.0),
    ("luckiest", 2.9),
    ("lucky", 1.8),
    ("ludicrous", -1.5),
    ("ly", 2.6),
    ("lya", 3.3),
    ("lyb", 3.0),
    ("lying", -2.4),
    ("lyl", 3.1),
    ("lylab", 2.7),
    ("lylas", 2.6),
    ("mad", -2.2),
    ("maddening", -2.2),
    ("maddest", -2.8),
    ("magnificent", 2.9),
    ("magnificently", 3.4),
    ("marvelous", 2.9),
    ("masterpiece", 3.1),
    ("masterpieces", 2.5),
    ("merriest", 2.7),
    ("merry", 2.5),
    ("mess", -1.5),
    ("messed", -1.4),
    ("messy", -1.5),
    ("mindless", -1.9),
    ("miracle", 2.8),
    ("mirth", 2.6),
    ("mirthful", 2.7),
    ("miserable", -2.2),
    ("miserableness", -2.8),
    ("miserably", -2.1),
    ("miseries", -2.7),
    ("miserliness", -2.6),
    ("misery", -2.7),
    ("misleading", -1.7),
    ("miss", -0.6),
    ("missed", -1.2),
    ("missing", -1.2),
    ("mistake", -1.4),
    ("mistaken", -1.5),
    ("mistakes", -1.5),
    ("moan", -0.6),
    ("mock", -1.8),
    ("molestations", -2.9),
    ("molesting", -2.8),
    ("molests", -3.1),
    ("moron", -2.2),
    ("moronic", -2.7),
    ("motherfucker", -3.6),
    ("motherfucking", -2.8),
    ("murder", -3.7),
    ("murdered", -3.4),
    ("murderee", -3.2),
    ("murderees", -3.1),
    ("murderer", -3.6),
    ("murderers", -3.3),
    ("murderesses", -2.6),
    ("murdering", -3.3),
    ("murderous", -3.2),
    ("murderously", -3.1),
    ("murderousness", -2.9),
    ("murders", -3.0),
    ("mwah", 2.5),
    ("nastinesses", -2.6),
    ("nasty", -2.6),
    ("neat", 2.0),
    ("negative", -2.7),
    ("neglect", -2.0),
    ("neglected", -2.4),
    ("nervous", -1.1),
    ("nfc", -2.7),
    ("nice", 1.8),
    ("nicely", 1.9),
    ("nigger", -3.3),
    ("no", -1.2),
    ("nonsense", -1.7),
    ("obliterate", -2.9),
    ("obnoxious", -2.0),
    ("obscene", -2.8),
    ("offend", -1.2),
    ("offended", -1.0),
    ("offensive", -2.0),
    ("offensively", -2.8),
    ("ok", 1.2),
    ("okay", 0.9),
    ("optimism", 2.5),
    ("outrage", -2.3),
    ("outraged", -2.5),
    ("outrageous", -2.0),
    ("outrageously", -1.2),
    ("outrageousness", -1.2),
    ("outrageousnesses", -1.3),
    ("outrages", -2.3),
    ("outraging", -2.0),
    ("outstanding", 3.0),
    ("overjoyed", 2.7),
    ("overwhelmed", 0.2),
    ("pain", -2.3),
    ("painful", -1.9),
    ("painfulness", -2.7),
    ("panic", -2.3),
    ("paradise", 3.2),
    ("pathetic", -2.7),
    ("pathetical", -1.2),
    ("pathetically", -1.8),
    ("peace", 2.5),
    ("peaceful", 2.2),
    ("peacefullest", 3.1),
    ("perfect", 2.7),
    ("perfected", 2.7),
    ("perfectest", 3.1),
    ("perfection", 2.7),
    ("perfections", 2.5),
    ("perfectly", 3.2),
    ("perfectness", 3.0),
    ("perversity", -2.6),
    ("perverted", -2.5),
    ("perverts", -2.8),
    ("petrified", -2.5),
    ("petrifying", -2.6),
    ("pissants", -2.5),
    ("pissed", -3.2),
    ("pitiful", -2.2),
    ("pity", -1.2),
    ("pleasant", 2.3),
    ("pleasantest", 2.6),
    ("pleased", 1.9),
    ("pleasurably", 2.6),
    ("pleasure", 2.7),
    ("pleasuring", 2.8),
    ("po", -2.6),
    ("poison", -2.5),
    ("poisoner", -2.7),
    ("poisoners", -3.1),
    ("poisoning", -2.8),
    ("poisonous", -2.7),
    ("poisonously", -2.9),
    ("poisons", -2.7),
    ("poor", -2.1),
    ("poorest", -2.5),
    ("positive", 2.6),
    ("positivest", 2.9),
    ("positivities", 2.6),
    ("powerless", -2.2),
    ("praise", 2.6),
    ("praiseworthy", 2.6),
    ("praising", 2.5),
    ("precious", 2.7),
    ("prejudicial", -2.6),
    ("pressure", -1.2),
    ("prettiest", 2.7),
    ("prisoner", -2.5),
    ("prizewinning", 3.0),
    ("problem", -1.7),
    ("problems", -1.7),
    ("promise", 1.3),
    ("promised", 1.5),
    ("protest", -1.0),
    ("proud", 2.1),
    ("proudest", 2.6),
    ("proudly", 2.6),
    ("ptl", 2.6),
    ("pukka", 2.8),
    ("punish", -2.4),
    ("punishers", -2.6),
    ("punishing", -2.6),
    ("racism", -3.1),
    ("racist", -3.0),
    ("racists", -2.5),
    ("rage", -2.6),
    ("rageful", -2.8),
    ("rancid", -2.5),
    ("rancidity", -2.6),
    ("rancidly", -2.5),
    ("rancidness", -2.6),
    ("rant", -1.4),
    ("rape", -3.7),
    ("raped", -3.6),
    ("raper", -3.4),
    ("rapers", -3.6),
    ("rapes", -3.5),
    ("raping", -3.8),
    ("rapist", -3.9),
    ("rapists", -3.3),
    ("reassured", 1.7),
    ("reassuring", 1.7),
    ("reckless", -1.7),
    ("recommend", 1.5),
    ("recommended", 0.8),
    ("refuse", -1.2),
    ("refused", -1.2),
    ("refusing", -1.7),
    ("regret", -1.8),
    ("regrets", -1.5),
    ("regretted", -1.6),
    ("reject", -1.7),
    ("rejected", -2.3),
    ("rejecting", -2.0),
    ("rejection", -2.5),
    ("rejects", -2.2),
    ("rejoicing", 2.8),
    ("relax", 1.9),
    ("relaxed", 2.2),
    ("relief", 2.1),
    ("relieved", 1.6),
    ("remarkable", 2.6),
    ("remorselessness", -2.8),
    ("repulse", -2.8),
    ("resolve", 1.6),
    ("resolved", 0.7),
    ("respect", 2.1),
    ("respected", 2.1),
    ("responsible", 1.3),
    ("responsive", 1.5),
    ("retarded", -2.7),
    ("reward", 2.7),
    ("rich", 2.6),
    ("ridicule", -2.0),
    ("ridiculed", -1.5),
    ("ridiculer", -1.6),
    ("ridiculers", -1.6),
    ("ridicules", -1.8),
    ("ridiculing", -1.8),
    ("ridiculous", -1.5),
    ("ridiculously", -1.4),
    ("ridiculousness", -1.1),
    ("ridiculousnesses", -1.6),
    ("rigged", -1.5),
    ("riot", -2.6),
    ("rob", -2.6),
    ("robber", -2.6),
    ("rofl", 2.7),
    ("roflmao", 2.5),
    ("romance", 2.6),
    ("romanticising", 2.7),
    ("rotfl", 2.6),
    ("rotflmao", 2.8),
    ("rotflmfao", 2.5),
    ("rotflol", 3.0),
    ("rotgl", 2.9),
    ("rotten", -2.3),
    ("rude", -2.0),
    ("rudely", -2.2),
    ("rudeness", -1.5),
    ("ruder", -2.1),
    ("ruderal", -0.8),
    ("ruderals", -0.4),
    ("rudesby", -2.0),
    ("rudest", -2.5),
    ("ruin", -2.8),
    ("ruinate", -2.8),
    ("ruination", -2.7),
    ("ruined", -2.1),
    ("ruining", -1.0),
    ("ruinous", -2.7),
    ("ruinously", -2.6),
    ("ruins", -1.9),
    ("sabotage", -2.4),
    ("sad", -2.1),
    ("sadden", -2.6),
    ("saddest", -3.0),
    ("sadly", -1.8),
    ("sadness", -1.9),
    ("safe", 1.9),
    ("satisfaction", 1.9),
    ("satisfactions", 2.1),
    ("satisfactorily", 1.6),
    ("satisfactoriness", 1.5),
    ("satisfactory", 1.5),
    ("satisfiable", 1.9),
    ("satisfied", 1.8),
    ("satisfies", 1.8),
    ("satisfy", 2.0),
    ("satisfying", 2.0),
    ("satisfyingly", 1.9),
    ("savageness", -2.6),
    ("savagery", -2.5),
    ("scam", -2.7),
    ("scams", -2.8),
    ("scandal", -1.9),
    ("scared", -1.9),
    ("scary", -2.2),
    ("screw", -0.4),
    ("screwed", -2.2),
    ("screwing", -0.9),
    ("scumbag", -3.2),
    ("securest", 2.6),
    ("self-confident", 2.5),
    ("sete", 2.8),
    ("severe", -1.6),
    ("severely", -2.0),
    ("sfete", 2.7),
    ("shame", -2.1),
    ("shamed", -2.6),
    ("shameful", -2.2),
    ("shit", -2.6),
    ("shithead", -3.1),
    ("shitheads", -2.6),
    ("shittiest", -3.4),
    ("shitty", -2.6),
    ("shock", -1.6),
    ("shocked", -1.3),
    ("shocking", -1.7),
    ("sick", -2.3),
    ("sickened", -2.5),
    ("sigh", 0.1),
    ("silly", 0.1),
    ("sin", -2.6),
    ("sinful", -2.6),
    ("sinister", -2.9),
    ("slam", -1.6),
    ("slavery", -3.8),
    ("sluggish", -1.7),
    ("slut", -2.8),
    ("sluts", -2.7),
    ("sluttier", -2.7),
    ("sluttiest", -3.1),
    ("sluttishness", -2.5),
    ("smart", 1.7),
    ("smartest", 3.0),
    ("smh", -1.3),
    ("smile", 1.5),
    ("smiled", 2.5),
    ("snafu", -2.5),
    ("sobs", -2.5),
    ("solid", 0.6),
    ("solution", 1.3),
    ("solved", 1.1),
    ("son-of-a-bitch", -2.7),
    ("sophisticated", 2.6),
    ("sorrowfulness", -2.5),
    ("sorry", -0.3),
    ("soulmate", 2.9),
    ("spam", -1.5),
    ("spammer", -2.2),
    ("spammers", -1.6),
    ("spamming", -2.1),
    ("splendent", 2.7),
    ("splendid", 2.8),
    ("splendiferous", 2.6),
    ("splendor", 3.0),
    ("stab", -2.8),
    ("starved", -2.6),
    ("steal", -2.2),
    ("stealing", -2.7),
    ("steals", -2.3),
    ("stinkpot", -2.5),
    ("stolen", -2.2),
    ("stop", -1.2),
    ("strangled", -2.5),
    ("stress", -1.8),
    ("stressed", -1.4),
    ("stressful", -2.3),
    ("stressfully", -2.6),
    ("struggling", -1.8),
    ("stubborn", -1.7),
    ("stuck", -1.0),
    ("stupid", -2.4),
    ("stupider", -2.5),
    ("stupidity", -1.9),
    ("stupidnesses", -2.6),
    ("success", 2.7),
    ("successes", 2.6),
    ("successful", 2.8),
    ("successfulness", 2.7),
    ("suck", -1.9),
    ("sucked", -2.0),
    ("sucks", -1.5),
    ("sucky", -1.9),
    ("suffer", -2.5),
    ("suffering", -2.1),
    ("suicidal", -3.5),
    ("suicide", -3.5),
    ("superb", 3.1),
    ("superior", 2.5),
    ("supreme", 2.6),
    ("supremely", 2.7),
    ("suspended", -2.1),
    ("suspicious", -1.5),
    ("sux", -1.5),
    ("sweet", 2.0),
    ("sweetheart", 3.3),
    ("sweethearts", 2.8),
    ("swindle", -2.4),
    ("tard", -2.5),
    ("tenderheartedly", 2.7),
    ("tenderheartednesses", 2.8),
    ("terrible", -2.1),
    ("terribleness", -1.9),
    ("terriblenesses", -2.6),
    ("terribly", -2.6),
    ("terrific", 2.1),
    ("terrified", -3.0),
    ("terrifies", -2.6),
    ("terrifying", -2.7),
    ("terrorise", -3.1),
    ("terrorised", -3.3),
    ("terrorises", -3.3),
    ("terrorising", -3.0),
    ("terrorism", -3.6),
    ("terrorisms", -3.2),
    ("terrorist", -3.7),
    ("terroristic", -3.3),
    ("terrorists", -3.1),
    ("terrorization", -2.7),
    ("terrorize", -3.3),
    ("terrorized", -3.1),
    ("terrorizes", -3.1),
    ("terrorizing", -3.0),
    ("terrors", -2.6),
    ("thank", 1.5),
    ("thanked", 1.9),
    ("thankful", 2.7),
    ("thankfuller", 1.9),
    ("thankfullest", 2.0),
    ("thankfully", 1.8),
    ("thankfulness", 2.1),
    ("thanks", 1.9),
    ("thief", -2.4),
    ("thieves", -2.3),
    ("thoughtful", 1.6),
    ("threat", -2.4),
    ("threaten", -1.6),
    ("threatened", -2.0),
    ("thrilled", 1.9),
    ("thx", 1.5),
    ("tired", -1.9),
    ("tnx", 1.1),
    ("torture", -2.9),
    ("tortured", -2.6),
    ("torturers", -3.5),
    ("tortures", -2.5),
    ("torturing", -3.0),
    ("torturous", -2.7),
    ("totalitarianism", -2.7),
    ("tragedy", -3.4),
    ("tragically", -2.7),
    ("trapped", -2.4),
    ("traumatic", -2.7),
    ("traumatically", -2.8),
    ("traumatise", -2.8),
    ("traumatization", -3.0),
    ("travesty", -2.7),
    ("treasonous", -2.7),
    ("treasurable", 2.5),
    ("treasured", 2.6),
    ("tricked", -0.6),
    ("trouble", -1.7),
    ("troubled", -2.0),
    ("troubles", -2.0),
    ("troubling", -2.5),
    ("trust", 2.3),
    ("trusted", 2.1),
    ("trustworthy", 2.6),
    ("twat", -3.4),
    ("ty", 1.6),
    ("tyvm", 2.5),
    ("ugh", -1.8),
    ("ugliest", -2.8),
    ("ugliness", -2.7),
    ("uglinesses", -2.5),
    ("ugly", -2.3),
    ("unacceptable", -2.0),
    ("unclear", -1.0),
    ("uncompelling", -0.9),
    ("unethical", -2.3),
    ("unfair", -2.1),
    ("unfortunate", -2.0),
    ("unfortunately", -1.4),
    ("unfriendly", -1.5),
    ("unhappiest", -2.5),
    ("unhappy", -1.8),
    ("unkind", -1.6),
    ("unlovable", -2.7),
    ("unpleasant", -2.1),
    ("unprofessional", -2.3),
    ("unsatisfied", -1.7),
    ("unstable", -1.5),
    ("unwelcome", -1.7),
    ("upset", -1.6),
    ("upsetting", -2.1),
    ("urgent", 0.8),
    ("useful", 1.9),
    ("useless", -1.8),
    ("uselessly", -1.5),
    ("uselessness", -1.6),
    ("valuable", 2.1),
    ("vbs", 3.1),
    ("victim", -1.1),
    ("victimising", -2.5),
    ("victimize", -2.5),
    ("victimizing", -2.6),
    ("vile", -3.1),
    ("villain", -2.6),
    ("villainess", -2.9),
    ("villainously", -2.9),
    ("villainousness", -2.7),
    ("villains", -3.4),
    ("villainy", -2.6),
    ("violated", -2.4),
    ("violater", -2.6),
    ("violating", -2.5),
    ("violation", -2.2),
    ("violence", -3.1),
    ("violent", -2.9),
    ("violently", -2.8),
    ("virulent", -2.7),
    ("vwd", 2.6),
    ("wanker", -2.5),
    ("war", -2.9),
    ("warmheartedness", 2.7),
    ("warmonger", -2.9),
    ("warmongering", -2.5),
    ("warmongers", -2.8),
    ("warn", -0.4),
    ("warning", -1.4),
    ("wars", -2.6),
    ("waste", -1.8),
    ("wasted", -2.2),
    ("wasting", -1.7),
    ("wd", 2.7),
    ("weak", -1.9),
    ("weep", -2.7),
    ("weird", -0.7),
    ("welcome", 2.0),
    ("welldoer", 2.5),
    ("whore", -3.3),
    ("whored", -2.8),
    ("whoremonger", -2.6),
    ("whores", -3.0),
    ("whoresons", -2.5),
    ("wickedest", -2.9),
    ("win", 2.8),
    ("winner", 2.8),
    ("winnings", 2.5),
    ("wins", 2.7),
    ("woebegone", -2.6),
    ("won", 2.7),
    ("wonderful", 2.7),
    ("wonderfully", 2.9),
    ("wonderfulness", 2.9),
    ("worried", -1.2),
    ("worriedly", -2.0),
    ("worrier", -1.8),
    ("worriers", -1.7),
    ("worries", -1.8),
    ("worriment", -1.5),
    ("worriments", -1.9),
    ("worrisome", -1.7),
    ("worrisomely", -2.0),
    ("worrisomeness", -1.9),
    ("worrit", -2.1),
    ("worrits", -1.2),
    ("worry", -1.9),
    ("worrying", -1.4),
    ("worrywart", -1.8),
    ("worrywarts", -1.5),
    ("worse", -2.1),
    ("worsen", -2.3),
    ("worsened", -1.9),
    ("worshipped", 2.7),
    ("worst", -3.1),
    ("worth", 0.9),
    ("worthless", -1.9),
    ("wow", 2.8),
    ("wowed", 2.6),
    ("wowing", 2.5),
    ("wrathful", -2.7),
    ("wreck", -1.9),
    ("wrong", -2.1),
    ("wronged", -1.9),
    ("wtf", -2.8),
    ("x-d", 2.6),
    ("xd", 2.8),
    ("xlnt", 3.0),
    ("xoxo", 3.0),
    ("yay", 2.4),
    ("yeah", 1.2),
    ("yucky", -1.8),
    ("ywia", 2.5),
];

/// Customer-support words missing from VADER, valued like their closest VADER
/// entries (or mildly negative: "refund", "waiting").
static SUPPORT_LEXICON: &[(&str, f32)] = &[
    ("absurd", -1.5),
    ("argh", -1.8),
    ("atrocious", -2.5),
    ("bogus", -1.5),
    ("buggy", -1.5),
    ("canceled", -1.0),
    ("crashed", -1.7),
    ("crashes", -1.7),
    ("crashing", -1.7),
    ("deceptive", -1.9),
    ("delays", -1.3),
    ("disgraceful", -2.2),
    ("disrespectful", -2.0),
    ("garbage", -2.0),
    ("glitchy", -1.2),
    ("hassle", -1.3),
    ("idiots", -2.3),
    ("junk", -1.8),
    ("laggy", -1.4),
    ("mediocre", -1.0),
    ("misled", -1.7),
    ("nightmare", -2.4),
    ("overcharged", -1.8),
    ("overpriced", -1.4),
    ("polite", 1.5),
    ("poorly", -1.6),
    ("refund", -0.5),
    ("rip-off", -2.3),
    ("ripoff", -2.3),
    ("robbed", -2.3),
    ("rubbish", -2.0),
    ("scammed", -2.7),
    ("scammer", -2.7),
    ("scammers", -2.7),
    ("scamming", -2.7),
    ("slow", -1.0),
    ("subpar", -1.3),
    ("trash", -1.8),
    ("unanswered", -1.0),
    ("unhelpful", -1.8),
    ("unreachable", -1.0),
    ("unreliable", -1.6),
    ("unresolved", -1.0),
    ("waited", -0.5),
    ("waiting", -0.5),
];

/// Emoji (without variation selectors), valued on VADER's emoticon scale
/// (":)" is 2.0, ":(" is -1.9).
static EMOJI_LEXICON: &[(&str, f32)] = &[
    ("☹", -1.9),
    ("☺", 2.0),
    ("✅", 1.0),
    ("❌", -1.2),
    ("❤", 2.5),
    ("⭐", 1.5),
    ("🌟", 1.8),
    ("🎉", 2.2),
    ("👍", 1.8),
    ("👎", -1.8),
    ("👏", 1.9),
    ("👿", -2.3),
    ("💔", -2.5),
    ("💕", 2.3),
    ("💖", 2.3),
    ("💗", 2.3),
    ("💩", -2.0),
    ("💪", 1.4),
    ("💯", 1.5),
    ("🖕", -3.0),
    ("😀", 2.2),
    ("😁", 2.3),
    ("😂", 1.2),
    ("😃", 2.3),
    ("😄", 2.4),
    ("😅", 0.5),
    ("😆", 2.2),
    ("😇", 1.9),
    ("😉", 1.0),
    ("😊", 2.2),
    ("😌", 1.4),
    ("😍", 2.8),
    ("😎", 1.7),
    ("😑", -0.5),
    ("😒", -1.5),
    ("😓", -1.2),
    ("😔", -1.5),
    ("😕", -1.1),
    ("😖", -1.9),
    ("😘", 2.2),
    ("😞", -1.9),
    ("😟", -1.5),
    ("😠", -2.5),
    ("😡", -2.9),
    ("😢", -1.9),
    ("😣", -1.6),
    ("😤", -1.8),
    ("😥", -1.3),
    ("😨", -1.6),
    ("😩", -2.0),
    ("😫", -2.0),
    ("😭", -2.2),
    ("😰", -1.5),
    ("😱", -1.6),
    ("🙁", -1.5),
    ("🙂", 1.5),
    ("🙄", -1.3),
    ("🙌", 2.0),
    ("🙏", 1.2),
    ("🤗", 2.0),
    ("🤝", 1.2),
    ("🤢", -2.2),
    ("🤣", 1.3),
    ("🤦", -1.5),
    ("🤩", 2.8),
    ("🤬", -3.2),
    ("🤮", -2.8),
    ("🥰", 2.8),
];

/// Hindi / Hinglish words in Latin script, valued like their English
/// counterparts in VADER.
static HINGLISH_LEXICON: &[(&str, f32)] = &[
    ("accha", 1.9),
    ("acha", 1.9),
    ("achchha", 1.9),
    ("achha", 1.9),
    ("badhiya", 2.5),
    ("badiya", 2.5),
    ("bakwaas", -2.0),
    ("bakwas", -2.0),
    ("bekaar", -1.8),
    ("bekar", -1.8),
    ("bura", -2.0),
    ("dhanyavaad", 1.9),
    ("dhanyavad", 1.9),
    ("dhanyawad", 1.9),
    ("dhokha", -2.3),
    ("faltu", -1.8),
    ("ganda", -1.8),
    ("ghatia", -2.5),
    ("ghatiya", -2.5),
    ("gussa", -2.3),
    ("pareshaan", -1.9),
    ("pareshan", -1.9),
    ("shukriya", 1.9),
];

/// Spanish words, valued like their English counterparts in VADER.
static SPANISH_LEXICON: &[(&str, f32)] = &[
    ("averiada", -1.5),
    ("averiado", -1.5),
    ("basura", -2.0),
    ("buena", 1.9),
    ("bueno", 1.9),
    ("danada", -1.9),
    ("danado", -1.9),
    ("dañada", -1.9),
    ("dañado", -1.9),
    ("decepcionada", -2.1),
    ("decepcionado", -2.1),
    ("encanta", 3.2),
    ("enojada", -2.3),
    ("enojado", -2.3),
    ("estafa", -2.7),
    ("excelente", 2.7),
    ("furiosa", -2.7),
    ("furioso", -2.7),
    ("gracias", 1.9),
    ("harta", -1.9),
    ("harto", -1.9),
    ("inutil", -1.8),
    ("inútil", -1.8),
    ("mala", -2.5),
    ("malo", -2.5),
    ("molesta", -1.6),
    ("molesto", -1.6),
    ("perfecta", 2.7),
    ("perfecto", 2.7),
    ("pesima", -2.9),
    ("pesimo", -2.9),
    ("problema", -1.7),
    ("pésima", -2.9),
    ("pésimo", -2.9),
    ("retraso", -1.0),
    ("rota", -2.1),
    ("rotas", -2.1),
    ("roto", -2.1),
    ("rotos", -2.1),
    ("tarde", -0.5),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str) -> f64 {
        score(text).compound
    }

    #[test]
    fn a_spanish_complaint_with_por_favor_is_negative() {
        let text = "Hola, mi pedido llegó con la caja rota y la lámpara no enciende. \
                    Quiero hablar con una persona, por favor.";
        assert!(c(text) < 0.0, "{}", c(text));
        assert_eq!(c("por favor"), 0.0);
    }

    fn assert_close(text: &str, expected: f64) {
        let got = c(text);
        assert!(
            (got - expected).abs() <= 0.01,
            "{text:?}: got {got}, vaderSentiment 3.3.2 gives {expected}"
        );
    }

    #[test]
    fn support_messages_have_the_expected_polarity() {
        assert!(c("This is the worst service ever, I am furious") < -0.5);
        assert!(c("Thanks, that was really helpful!") > 0.5);
        assert!(c("Where is my order?").abs() < 0.2);
        assert!(c("I have been waiting for 3 weeks, this is ridiculous!!") < -0.5);
        assert!(c("Your app is useless and the refund never arrived. SCAM") < -0.5);
        assert!(c("Perfect, you guys are awesome, thank you so much") > 0.7);
        assert!(c("My package arrived broken and nobody answers") < -0.3);
        assert!(c("I am really disappointed and annoyed") < -0.5);
    }

    #[test]
    fn negation_flips_polarity() {
        assert!(c("not good") < 0.0);
        assert!(c("good") > 0.0);
        assert!(c("I am not happy") < 0.0);
        assert!(c("I dont like this, it is not helpful at all") < 0.0);
        assert!(c("this isn't great") < 0.0);
        assert!(c("this isn’t great") < 0.0, "curly apostrophe");
        assert!(c("it never works and nothing is fine") < 0.0);
        assert!(c("not bad") > 0.0);
        assert!(c("no good") < 0.0);
        assert!(c("nobody was helpful") < 0.0);
    }

    #[test]
    fn boosters_and_dampeners_scale_intensity() {
        assert!(c("very bad") < c("bad"));
        assert!(c("extremely helpful") > c("helpful"));
        assert!(c("absolutely terrible") < c("terrible"));
        assert!(c("slightly annoyed") > c("annoyed"));
        assert!(c("kinda bad") > c("bad"));
        assert!(c("kind of bad") > c("bad"), "dampener moves towards zero");
        assert!(c("super helpful") > c("helpful"));
        assert!(c("the app is very very bad") < c("the app is very bad"));
    }

    #[test]
    fn all_caps_emphasis_needs_mixed_case() {
        assert!(c("this is TERRIBLE") < c("this is terrible"));
        assert!(c("you are GREAT") > c("you are great"));
        // Everything in capitals is not emphasis.
        assert_eq!(c("THIS IS TERRIBLE"), c("this is terrible"));
    }

    #[test]
    fn punctuation_amplifies() {
        assert!(c("terrible!!!") < c("terrible"));
        assert!(c("great!") > c("great"));
        // At most four exclamation marks count.
        assert_eq!(c("terrible!!!!"), c("terrible!!!!!!!!"));
        // Two or three question marks amplify, one does not.
        assert_eq!(c("really bad?"), c("really bad"));
        assert!(c("really bad???") < c("really bad"));
        // Punctuation alone carries no sentiment.
        assert_eq!(c("Where is my order???!!!"), 0.0);
    }

    #[test]
    fn but_shifts_weight_to_the_second_clause() {
        assert!(c("the app is great but the delivery was awful") < 0.0);
        assert!(c("the delivery was awful but the support agent was great") > 0.0);
    }

    #[test]
    fn vader_reference_values() {
        // Values printed by vaderSentiment 3.3.2 (and listed in its README).
        assert_close("VADER is smart, handsome, and funny.", 0.8316);
        assert_close("VADER is smart, handsome, and funny!", 0.8439);
        assert_close("VADER is very smart, handsome, and funny.", 0.8545);
        assert_close("VADER is VERY SMART, handsome, and FUNNY.", 0.9227);
        assert_close("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342);
        assert_close(
            "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
            0.9469,
        );
        assert_close("VADER is not smart, handsome, nor funny.", -0.7424);
        assert_close("The book was good.", 0.4404);
        assert_close("The book was kind of good.", 0.3832);
        assert_close("The book was only kind of good.", 0.3832);
        assert_close("A really bad, horrible book.", -0.8211);
        assert_close("At least it isn't a horrible book.", 0.431);
        assert_close(
            "The plot was good, but the characters are uncompelling and the dialog is not great.",
            -0.7042,
        );
        assert_close("Today SUX!", -0.5461);
        assert_close("Today only kinda sux! But I'll get by, lol", 0.5249);
        assert_close("Not bad at all", 0.431);
        // From the tricky-sentence demo of vaderSentiment.py 3.3.2.
        assert_close("Sentiment analysis has never been good.", -0.3412);
        assert_close("Sentiment analysis has never been this good!", 0.5672);
        assert_close("Most automated sentiment analysis tools are shit.", -0.5574);
        assert_close("With VADER, sentiment analysis is the shit!", 0.6476);
        assert_close("Other sentiment analysis tools can be quite bad.", -0.5849);
        assert_close("Without a doubt, excellent idea.", 0.7013);
        assert_close(
            "Roger Dodger is at least compelling as a variation on the theme.",
            0.2263,
        );
        assert_close(
            "Roger Dodger is one of the least compelling variations on this theme.",
            -0.1695,
        );
        assert_close(
            "It was one of the worst movies I've seen, despite good reviews.",
            -0.7584,
        );
        assert_close("Unbelievably bad acting!!", -0.6572);
        assert_close("VERY BAD movie!", -0.7616);
    }

    #[test]
    fn vader_reference_proportions() {
        let s = score("VADER is smart, handsome, and funny.");
        assert_eq!((s.positive, s.neutral, s.negative), (0.746, 0.254, 0.0));
        let s = score("VADER is not smart, handsome, nor funny.");
        assert_eq!((s.positive, s.neutral, s.negative), (0.0, 0.354, 0.646));
        let s = score("Today SUX!");
        assert_eq!((s.positive, s.neutral, s.negative), (0.0, 0.221, 0.779));
    }

    #[test]
    fn proportions_are_shares() {
        for text in [
            "the app is great but the delivery was awful",
            "I HATE this, worst company ever!!!",
            "ok thanks :)",
            "Where is my order?",
        ] {
            let s = score(text);
            let sum = s.positive + s.neutral + s.negative;
            assert!((sum - 1.0).abs() < 0.0021, "{text:?}: {s:?}");
            for share in [s.positive, s.neutral, s.negative] {
                assert!((0.0..=1.0).contains(&share), "{text:?}: {s:?}");
            }
        }
    }

    #[test]
    fn emoji_and_emoticons() {
        assert!(c("😡😡😡") < -0.5);
        assert!(c("where is my refund 😠") < 0.0);
        assert!(c("thanks 🙂") > c("thanks"));
        assert!(c("great😊") > c("great"), "emoji glued to a word");
        assert!(c("❤️") > 0.0, "variation selector is ignored");
        assert!(c("👍🏽") > 0.0, "skin tone is ignored");
        assert!(c("👎") < 0.0);
        assert!(c("😢") < 0.0);
        assert!(c("it works now :)") > 0.0);
        assert!(c("still broken :(") < c("still broken"));
        assert!(
            c("still broken :(.") < c("still broken"),
            "emoticon before a full stop"
        );
    }

    #[test]
    fn hinglish_and_spanish() {
        assert!(c("bahut bakwas service hai") < 0.0);
        assert!(c("bahut bakwas service hai") < c("bakwas service hai"));
        assert!(c("ekdum ghatiya app, main pareshan hoon") < -0.5);
        assert!(c("accha hai, shukriya") > 0.5);
        assert!(c("accha nahi hai") < 0.0);
        assert!(c("muy malo, estoy harto") < 0.0);
        assert!(c("PÉSIMO servicio, estoy muy enojado") < -0.5);
        assert!(c("excelente, muchas gracias") > 0.5);
        assert!(c("no es bueno") < 0.0);
    }

    #[test]
    fn idioms_and_special_cases() {
        assert!(c("yeah right, like that will ever work") < 0.0);
        assert!(c("at least it is not broken") > 0.0);
        assert!(c("the least helpful agent") < 0.0);
        assert!(c("never so happy") > c("happy"));
    }

    #[test]
    fn short_tokens_and_punctuation_are_ignored() {
        let s = score("a b c ! ? .");
        assert_eq!(s, score(""));
        assert_eq!(
            s,
            SentimentScore {
                compound: 0.0,
                positive: 0.0,
                neutral: 1.0,
                negative: 0.0
            }
        );
        assert_eq!(c("no."), c("no"));
    }

    #[test]
    fn never_panics_and_is_deterministic() {
        let long = "terrible service!!! 😡 ".repeat(20_000);
        let tricky = [
            "",
            " ",
            "!!!!",
            "????",
            "😡😡😡",
            "\u{0}",
            "\u{FE0F}\u{200D}\u{1F3FD}",
            "🏳️‍🌈👨‍👩‍👧‍👦",
            "İSTANBUL ǅ ß ﬁ",
            "n't n't n't not no no no",
            "no",
            "least",
            "but but but",
            "kind of",
            "the shit",
            "':) ;) <3 </3 :-( :'(",
            "\u{10FFFF}\u{FFFD}",
            "ｔｅｒｒｉｂｌｅ",
            long.as_str(),
        ];
        for text in tricky {
            let a = score(text);
            assert_eq!(a, score(text));
            assert!((-1.0..=1.0).contains(&a.compound), "{text:?}: {a:?}");
            for share in [a.positive, a.neutral, a.negative] {
                assert!((0.0..=1.0).contains(&share), "{text:?}: {a:?}");
            }
        }
        assert!(c(&long) < -0.9);
    }

    proptest::proptest! {
        #[test]
        fn any_string_scores_in_range(text in "\\PC{0,200}") {
            let s = score(&text);
            proptest::prop_assert!((-1.0..=1.0).contains(&s.compound));
            proptest::prop_assert!((0.0..=1.0).contains(&s.positive));
            proptest::prop_assert!((0.0..=1.0).contains(&s.neutral));
            proptest::prop_assert!((0.0..=1.0).contains(&s.negative));
        }

        #[test]
        fn words_and_symbols_score_in_range(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "not", "no", "very", "but", "BAD", "good", "kind", "of", "least", "at",
                    "never", "so", "!", "?", ":)", "😡", "nahi", "accha", "yeah", "right",
                ]),
                0..40,
            )
        ) {
            let s = score(&words.join(" "));
            proptest::prop_assert!((-1.0..=1.0).contains(&s.compound));
            proptest::prop_assert!(s.compound.is_finite());
        }
    }

    #[test]
    fn tables_are_sorted_unique_and_disjoint() {
        let mut seen = std::collections::HashSet::new();
        for table in LEXICON_TABLES {
            for pair in table.windows(2) {
                assert!(pair[0].0 < pair[1].0, "unsorted: {:?}", pair);
            }
            for (key, value) in table {
                assert!(seen.insert(*key), "duplicate key {key:?}");
                assert!((-4.0..=4.0).contains(value), "{key:?}");
                assert_eq!(key.to_lowercase(), *key, "keys are lower case");
                assert!(booster(key).is_none(), "{key:?} is also a booster");
            }
        }
        assert!(seen.len() >= 600, "lexicon has {} entries", seen.len());
        for pair in BOOSTERS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "unsorted: {:?}", pair);
        }
    }

    #[test]
    fn lexicon_covers_support_vocabulary() {
        for word in [
            "frustrated",
            "angry",
            "delay",
            "broken",
            "useless",
            "terrible",
            "worst",
            "scam",
            "ridiculous",
            "disappointed",
            "annoyed",
            "waiting",
            "refund",
            "love",
            "great",
            "thanks",
            "helpful",
            "perfect",
            "awesome",
            ":)",
            ":(",
            "😡",
            "😠",
            "🙂",
            "😊",
            "👍",
            "👎",
            "😢",
            "❤",
            "bakwas",
            "bekar",
            "ghatiya",
            "accha",
            "acha",
            "shukriya",
            "dhanyavad",
            "pareshan",
            "gussa",
            "pésimo",
            "malo",
            "horrible",
            "gracias",
            "excelente",
            "bueno",
            "molesto",
            "enojado",
            "harto",
        ] {
            assert!(lexicon_valence(word).is_some(), "{word:?} missing");
        }
        assert_eq!(lexicon_valence("good"), Some(1.9));
        assert_eq!(lexicon_valence("worst"), Some(-3.1));
    }

    #[test]
    fn the_compile_time_index_finds_every_key_at_its_first_table() {
        let mut first: std::collections::HashMap<&str, f64> = std::collections::HashMap::new();
        for table in LEXICON_TABLES {
            for &(key, value) in table {
                first.entry(key).or_insert(one_decimal(value));
            }
        }
        assert!(first.len() > 1_500);
        for (key, value) in &first {
            assert_eq!(lexicon_valence(key), Some(*value), "{key:?}");
        }
        for missing in [
            "",
            "zzz",
            "goodd",
            "goo",
            "GOOD",
            "refundable",
            "\u{1F600}x",
        ] {
            assert_eq!(lexicon_valence(missing), None, "{missing:?}");
        }
    }
}
