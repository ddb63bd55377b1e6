//! Finding a word in the lexicon data: the words that score nothing here, VADER's table, then
//! the additions (all packed by the compiler, see `table.rs`), and the booster map.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::lexicon::{ADDITIONS, BOOSTERS, NOT_SENTIMENT, VADER, WORDS_FILTER};
use super::table::{may_contain, FILTER_WORDS};

/// Valence of a lower-cased token, if it is a sentiment word.
pub(super) fn lexicon_valence(key: &str) -> Option<f64> {
    if key.is_empty() || !may_contain(&WORDS_FILTER, key) {
        return None;
    }
    let tenths = match VADER.tenths(key) {
        // Every word of NOT_SENTIMENT is VADER's: only a hit pays for the check.
        Some(_) if NOT_SENTIMENT.contains(&key) => return None,
        Some(tenths) => tenths,
        None => ADDITIONS.tenths(key)?,
    };
    // One correctly rounded division: the nearest f64 to the decimal, on every host.
    Some(f64::from(tenths) / 10.0)
}

/// Bytes the lexicon tables take in the binary (VADER's and the additions, and their filter).
pub(super) const fn lexicon_bytes() -> usize {
    VADER.len_bytes() + ADDITIONS.len_bytes() + 8 * FILTER_WORDS
}

/// Booster / dampener value of a lower-cased token.
pub(super) fn booster(word: &str) -> Option<f64> {
    static MAP: OnceLock<FxHashMap<&'static str, f64>> = OnceLock::new();
    MAP.get_or_init(|| BOOSTERS.iter().copied().collect())
        .get(word)
        .copied()
}
