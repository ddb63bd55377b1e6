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
//! Two data files, packed by the compiler into compact tables (`sentiment/table.rs`: one sorted
//! byte string per table, the valence in tenths as one byte beside each word, binary search; the
//! text files themselves are not in the binary):
//!
//! * `data/vader_lexicon.txt`: VADER's whole `vader_lexicon.txt` (7,506 words and emoticons,
//!   values unchanged; MIT licence in its header). A few of its words score nothing here
//!   (`NOT_SENTIMENT` in `lexicon.rs`): words that are neutral in a support chat but positive or
//!   negative in VADER ("help", "please", "support", "sure", "yes", "want", "cancel", "pay",
//!   "number", "redeemed", ...), "super" (a booster here) and English entries that are common
//!   Spanish words ("favor" of "por favor", "sin").
//! * `data/additions.txt`: words that are *not* VADER's, valued like their closest VADER
//!   entries: support words ("unhelpful", "scammed", "garbage", "refund", "waiting", ...),
//!   emoji, Hindi/Hinglish in Latin script ("bakwas", "ghatiya", "kharab", "accha",
//!   "shukriya", ...) and Spanish ("pésimo", "vergüenza", "inaceptable", "gracias", ...).
//!
//! A valence is a whole number of tenths, read back as `tenths / 10.0`: one correctly rounded
//! division, so the value (and every score) is the same on every host, wasm included.
//!
//! Beyond VADER's word lists, "bahut" / "bohot" / "bilkul" / "muy" / "super"
//! are boosters; "nobody", "noone", "nunca", "jamás", "nada", "nadie" are
//! negations; Hindi "nahi" negates the word *before* it ("accha nahi"); and
//! "pero" and "lekin" act like "but".
//!
//! # Deliberate differences from vaderSentiment 3.3.2
//!
//! * Emoji are scored directly rather than replaced by their English names, and the words before
//!   an emoji or emoticon do not negate or boost it ("still nothing 😤" stays negative).
//! * A "no" standing alone ("No, it's great!", "no.") scores nothing and negates nothing past
//!   its clause (VADER negates "great" there).
//! * Sarcasm: praise with an eye-roll or crying emoji ("super helpful, thanks a lot 😭"), a
//!   trailing "not", or a positive opener before a clearly negative rest ("great, it's broken
//!   again") turns negative (`rules::sarcasm_check`); "thanks for nothing" is an idiom.
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

use crate::language::tokens::{self, Piece};

mod lexicon;
mod lookup;
mod rules;
mod table;
#[cfg(test)]
mod tests;

use lexicon::MULTIWORD_BOOSTERS;
use lookup::{booster, lexicon_valence};
use rules::{allcap_differential, but_check, sarcasm_check, sentiment_valence, Token};

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

/// Scores the sentiment of `text` with the VADER rules (see the module documentation of
/// `language::sentiment`).
///
/// Never panics, allocates one lower-cased string per token and is
/// deterministic.
///
/// # Example
///
/// ```
/// use handoff_core::internals::score;
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
    let (_, sentiments) = valences(text);
    score_valence(&sentiments, text)
}

/// One word's part in a score (see [`analyse`]).
#[derive(Debug, Clone, PartialEq)]
pub struct WordWeight {
    /// The word (or emoji, or emoticon) as looked up: lower-cased, punctuation stripped.
    pub word: String,
    /// Its valence in the lexicon (-4 ..= 4).
    pub lexicon: f64,
    /// What it added to the sum after the rules (capitals, boosters, negation, idioms, "but",
    /// sarcasm): the number [`score`] adds up.
    pub valence: f64,
}

/// A score and the words that made it: [`score`]'s one computation, with its parts kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The score, exactly as [`score`] returns it.
    pub score: SentimentScore,
    /// Every lexicon word whose valence counted (non-zero after the rules), in text order.
    pub words: Vec<WordWeight>,
    /// Emphasis from `!` and `?` added away from zero (0 when the words sum to zero).
    pub emphasis: f64,
}

/// [`score`] with the words that moved it and by how much.
///
/// ```
/// use handoff_core::internals::analyse;
///
/// let a = analyse("not good, really bad");
/// assert_eq!(a.words.len(), 2);
/// assert!(a.words[0].valence < 0.0 && a.words[0].lexicon > 0.0); // "good", negated
/// assert_eq!(a.score, handoff_core::internals::score("not good, really bad"));
/// ```
pub fn analyse(text: &str) -> Analysis {
    let (tokens, sentiments) = valences(text);
    let score = score_valence(&sentiments, text);
    let sum: f64 = sentiments.iter().sum();
    let words = tokens
        .into_iter()
        .zip(&sentiments)
        .filter(|(_, s)| **s != 0.0)
        .map(|(t, s)| WordWeight {
            lexicon: t.valence.unwrap_or(0.0),
            word: t.text,
            valence: round_to(*s, 4),
        })
        .collect();
    Analysis {
        score,
        words,
        emphasis: if sum == 0.0 {
            0.0
        } else {
            round_to(punctuation_emphasis(text), 4)
        },
    }
}

/// The tokens of `text` and the valence each adds to the sum: every rule of the module
/// documentation applied.
fn valences(text: &str) -> (Vec<Token>, Vec<f64>) {
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
    sarcasm_check(&tokens, &mut sentiments);
    (tokens, sentiments)
}

/// Bytes the sentiment lexicon's packed tables take in a binary (VADER's words and ours): for
/// the size breakdown of `cargo xtask bench`.
pub const fn lexicon_bytes() -> usize {
    lookup::lexicon_bytes()
}

/// Normalisation constant approximating the largest expected sum.
const ALPHA: f64 = 15.0;

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

/// Splits `text` into scored tokens: VADER's words ([`tokens::vader_pieces`]), each looked up in
/// the lexicon; one-character words and punctuation are dropped (see the module documentation).
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    tokens::vader_pieces(text, |piece| match piece {
        Piece::Word(raw) => push_word(&mut tokens, raw),
        Piece::Emoji(c) => {
            let mut buf = [0u8; 4];
            let key: &str = c.encode_utf8(&mut buf);
            tokens.push(Token {
                text: key.to_owned(),
                upper: false,
                valence: lexicon_valence(key),
                ends_sentence: false,
                ends_clause: false,
            });
        }
    });
    tokens
}

/// Adds the word `raw` (no whitespace, no emoji) to `tokens`, if it is one.
fn push_word(tokens: &mut Vec<Token>, raw: &str) {
    let ends_sentence = tokens::ends_sentence(raw);
    let ends_clause = raw.ends_with([',', ';', ':']) && !ends_sentence;
    let mut text = tokens::vader_lowercase(raw);
    let mut valence = lexicon_valence(&text);
    if valence.is_none() && text.contains(|c: char| tokens::is_punctuation(c)) {
        // An emoticon followed by sentence punctuation: ":)." or ":(!".
        let trimmed = text.trim_end_matches(['.', ',', '!', '?', ';']);
        let emoticon = lexicon_valence(trimmed).filter(|_| trimmed.len() > 1);
        if emoticon.is_some() {
            text.truncate(trimmed.len());
            valence = emoticon;
        } else {
            let from = text.len() - text.trim_start_matches(tokens::is_punctuation).len();
            let to = text
                .trim_end_matches(tokens::is_punctuation)
                .len()
                .max(from);
            text.truncate(to);
            text.drain(..from);
            valence = lexicon_valence(&text);
        }
    }
    if text.chars().nth(1).is_none() {
        // Empty or a single character: not a word, but it may end a sentence or a clause.
        if let Some(last) = tokens.last_mut() {
            last.ends_sentence |= ends_sentence;
            last.ends_clause |= ends_clause && text.is_empty();
        }
        return;
    }
    tokens.push(Token {
        text,
        upper: tokens::is_all_caps(raw),
        valence,
        ends_sentence,
        ends_clause,
    });
}
