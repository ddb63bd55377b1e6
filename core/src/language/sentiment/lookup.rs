//! Finding a word in the lexicon data: an index over every table built by the compiler, and the
//! booster map.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::lexicon::{BOOSTERS, LEXICON_TABLES};

/// A table value as the one-decimal number it was written as (undoing the f32 rounding).
pub(super) fn one_decimal(v: f32) -> f64 {
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
pub(super) fn lexicon_valence(key: &str) -> Option<f64> {
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
pub(super) fn booster(word: &str) -> Option<f64> {
    static MAP: OnceLock<FxHashMap<&'static str, f64>> = OnceLock::new();
    MAP.get_or_init(|| BOOSTERS.iter().copied().collect())
        .get(word)
        .copied()
}
