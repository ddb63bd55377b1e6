//! VADER's rules: how a word's valence is changed by its neighbours (capitals, boosters,
//! negation, idioms, "least", "but"). `mod.rs` sums, normalises and splits the result.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

use super::lexicon::{
    B_DECR, CONTRASTIVE, MULTIWORD_BOOSTERS, NEGATIONS, POST_NEGATIONS, SPECIAL_CASES,
};
use super::lookup::booster;

/// Intensity increase of a word in ALL CAPS amid mixed-case text.
const C_INCR: f64 = 0.733;
/// Multiplier for a negated word.
const N_SCALAR: f64 = -0.74;

/// One token of the input.
#[derive(Debug)]
pub(super) struct Token {
    /// Lower-cased text.
    pub(super) text: String,
    /// Whether the original has cased letters, all upper case (Python's `isupper`).
    pub(super) upper: bool,
    /// Lexicon valence, if the token is a lexicon entry.
    pub(super) valence: Option<f64>,
    /// Whether a sentence ends after this token (`.`, `!` or `?`).
    pub(super) ends_sentence: bool,
    /// Whether a clause ends after this token (`,`, `;`, `:`): "no" does not reach across.
    pub(super) ends_clause: bool,
}

impl Token {
    fn in_lexicon(&self) -> bool {
        self.valence.is_some()
    }
}

/// Whether no clause or sentence ends after any token in `from..to` (so a word at `from` can
/// act on the word at `to`).
fn same_clause(tokens: &[Token], from: usize, to: usize) -> bool {
    !tokens[from..to]
        .iter()
        .any(|t| t.ends_clause || t.ends_sentence)
}

/// VADER's `allcap_differential`: some, but not all, tokens are ALL CAPS.
pub(super) fn allcap_differential(tokens: &[Token]) -> bool {
    let caps = tokens.iter().filter(|t| t.upper).count();
    caps > 0 && caps < tokens.len()
}

/// Valence of the token at `i` after the per-word rules.
pub(super) fn sentiment_valence(tokens: &[Token], i: usize, cap_diff: bool) -> f64 {
    let Some(base) = tokens[i].valence else {
        return 0.0;
    };
    let word = |k: usize| tokens[k].text.as_str();
    let mut valence = base;

    // An emoji or emoticon is the writer's own feeling: the words before it do not negate or
    // boost it ("still nothing 😤", "no funciona 😞", "not working :(" stay negative).
    if !tokens[i].text.chars().any(char::is_alphanumeric) {
        return valence;
    }

    // "no" as a negation of the next lexicon word rather than a word of its own; "no" standing
    // alone ("No, it's great!", "no.") is an answer and scores nothing.
    if word(i) == "no"
        && (tokens.get(i + 1).is_some_and(Token::in_lexicon)
            || tokens[i].ends_clause
            || tokens[i].ends_sentence
            || i + 1 == tokens.len())
    {
        valence = 0.0;
    }
    // "no" negates across at most one or two words of its own clause ("No, it's great!" is an
    // answer and a compliment; other negations still reach across commas, as VADER's do: "not
    // smart, handsome, nor funny").
    let no_at =
        |back: usize| i >= back && word(i - back) == "no" && same_clause(tokens, i - back, i);
    if no_at(1) || no_at(2) || (no_at(3) && matches!(word(i - 1), "or" | "nor")) {
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
pub(super) fn but_check(tokens: &[Token], sentiments: &mut [f64]) {
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

/// Emoji that, after praise, mean the opposite ("super helpful, thanks a lot 😭", "great 🙄").
const IRONY_EMOJI: &[&str] = &["🙄", "😒", "🙃", "🤡", "😑", "😭", "💀"];

/// Sarcasm: praise that a reader takes as a complaint. Positive words are turned negative
/// (× -0.74, like a negation) when the text
/// - has an eye-roll or crying emoji ([`IRONY_EMOJI`]) among its tokens, or
/// - ends in a lone "not" ("best service ever, not"), or
/// - opens with a positive word ending its clause ("Great, it's broken again", "wow, ...") and
///   the rest of the text is clearly negative (its valences sum to -1 or less: "refund" alone
///   is not).
///
/// Text without negative feeling anywhere is left alone ("great, thanks!"): the markers need
/// something to contradict, a negative word or one of the emoji.
pub(super) fn sarcasm_check(tokens: &[Token], sentiments: &mut [f64]) {
    let has_positive = sentiments.iter().any(|&s| s > 0.0);
    if !has_positive {
        return;
    }
    let irony_emoji = tokens
        .iter()
        .any(|t| IRONY_EMOJI.contains(&t.text.as_str()));
    let trailing_not = tokens.last().is_some_and(|t| t.text == "not") && tokens.len() > 2;
    if irony_emoji || trailing_not {
        for s in sentiments.iter_mut() {
            if *s > 0.0 {
                *s *= N_SCALAR;
            }
        }
        return;
    }
    // A positive opener ("great,", "oh perfect,", "wow,") before a negative rest.
    let Some(opener_end) = tokens.iter().take(3).position(|t| t.ends_clause) else {
        return;
    };
    let rest: f64 = sentiments[opener_end + 1..].iter().sum();
    let opener: f64 = sentiments[..=opener_end].iter().sum();
    if opener > 0.0 && rest <= -1.0 {
        for s in &mut sentiments[..=opener_end] {
            if *s > 0.0 {
                *s *= N_SCALAR;
            }
        }
    }
}
