//! The lexicon as a compact table, packed by the compiler from the data files in
//! `sentiment/data/` (`word TAB valence [TAB note]` lines, sorted by bytes, `#` comments).
//!
//! A table is one byte string: for each entry, its valence in tenths as one byte (`192 + tenths`,
//! so every value byte is ≥ 0x80 and never a line break), the word's bytes, and `\n`; beside it,
//! the offset of every [`STRIDE`]th entry. Lookup is a binary search over those sampled entries,
//! then a short forward scan of at most [`STRIDE`] entries. About 2.5 bytes per entry beyond the
//! words themselves (VADER's 7,506 words and our additions pack into about 84 KB, with the
//! 4 KB Bloom filter of `lookup.rs`'s first check). The data
//! files' text is only read by the compiler; only the packed bytes are in the binary.
//!
//! Valences are whole tenths, read back as `tenths / 10` (one correctly rounded division, the same
//! `f64` on every host), so scores do not depend on the platform.

use std::cmp::Ordering;

/// Offset of a value byte: `tenths + VALUE_BIAS` is in `0x80..=0xff` for tenths in -64..=63.
const VALUE_BIAS: i32 = 192;

/// Entries between two sampled offsets of the index.
pub(super) const STRIDE: usize = 8;

/// A packed, sorted word → valence table (see the module documentation).
pub(super) struct Table {
    bytes: &'static [u8],
    /// Offset of entries 0, STRIDE, 2 × STRIDE, ... in `bytes`.
    index: &'static [u32],
}

impl Table {
    /// A table over bytes packed by [`pack`] and their [`index`].
    pub(super) const fn new(bytes: &'static [u8], index: &'static [u32]) -> Table {
        Table { bytes, index }
    }

    /// Bytes the table takes in the binary (entries and index).
    pub(super) const fn len_bytes(&self) -> usize {
        self.bytes.len() + 4 * self.index.len()
    }

    /// Number of entries.
    #[cfg(test)]
    pub(super) fn entries(&self) -> usize {
        self.bytes.iter().filter(|&&b| b == b'\n').count()
    }

    /// The entry starting at byte `start`: its valence in tenths, its word, and where the next
    /// entry starts.
    #[cfg(test)]
    fn entry_at(&self, start: usize) -> (i32, &'static [u8], usize) {
        let bytes = self.bytes;
        let value = i32::from(bytes[start]) - VALUE_BIAS;
        let mut end = start + 1;
        while bytes[end] != b'\n' {
            end += 1;
        }
        (value, &bytes[start + 1..end], end + 1)
    }

    /// The word of the entry at `start` compared with `key`, byte by byte in place.
    fn cmp_at(&self, start: usize, key: &[u8]) -> Ordering {
        let word = self.bytes.get(start + 1..).unwrap_or(&[]);
        for (i, &k) in key.iter().enumerate() {
            match word.get(i).copied().unwrap_or(b'\n') {
                b'\n' => return Ordering::Less,
                b if b != k => return b.cmp(&k),
                _ => {}
            }
        }
        if word.get(key.len()).copied().unwrap_or(b'\n') == b'\n' {
            Ordering::Equal
        } else {
            Ordering::Greater
        }
    }

    /// Start of the entry after the one at `start`.
    fn next_at(&self, start: usize) -> usize {
        let rest = self.bytes.get(start + 1..).unwrap_or(&[]);
        start
            + 1
            + rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |p| p + 1)
    }

    /// Valence of `word` in tenths, if it is an entry.
    pub(super) fn tenths(&self, word: &str) -> Option<i32> {
        let key = word.as_bytes();
        // The last sampled entry not after `key`, then at most STRIDE entries from there.
        let after = self
            .index
            .partition_point(|&at| self.cmp_at(at as usize, key) != Ordering::Greater);
        let mut at = *self.index.get(after.checked_sub(1)?)? as usize;
        for _ in 0..STRIDE {
            match self.cmp_at(at, key) {
                Ordering::Equal => return Some(i32::from(*self.bytes.get(at)?) - VALUE_BIAS),
                Ordering::Greater => return None,
                Ordering::Less => at = self.next_at(at),
            }
            if at >= self.bytes.len() {
                return None;
            }
        }
        None
    }

    /// Every entry in order, as (word, tenths); for tests.
    #[cfg(test)]
    pub(super) fn iter(&self) -> impl Iterator<Item = (&'static str, i32)> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= self.bytes.len() {
                return None;
            }
            let (value, word, next) = self.entry_at(at);
            at = next;
            Some((std::str::from_utf8(word).unwrap_or("\u{fffd}"), value))
        })
    }
}

/// The next line of `src` from byte `at`: (start, end without `\n`, start of the following line).
const fn line(src: &[u8], at: usize) -> (usize, usize, usize) {
    let mut end = at;
    while end < src.len() && src[end] != b'\n' {
        end += 1;
    }
    let next = if end < src.len() { end + 1 } else { end };
    (at, end, next)
}

/// Whether a line holds an entry (not empty, not a `#` comment).
const fn is_entry(src: &[u8], start: usize, end: usize) -> bool {
    end > start && src[start] != b'#'
}

/// End of the word of the entry line starting at `start` (the first tab).
const fn word_end(src: &[u8], start: usize, end: usize) -> usize {
    let mut i = start;
    while i < end && src[i] != b'\t' {
        i += 1;
    }
    assert!(
        i < end && i > start,
        "a lexicon line needs a word, a tab and a valence"
    );
    i
}

/// The valence after the tab at `tab` as tenths: `-2.5` → -25, `3` → 30.
const fn tenths(src: &[u8], tab: usize, end: usize) -> i32 {
    let mut i = tab + 1;
    let negative = i < end && src[i] == b'-';
    if negative {
        i += 1;
    }
    let mut whole = 0i32;
    let mut digits = 0;
    while i < end && src[i].is_ascii_digit() {
        whole = whole * 10 + (src[i] - b'0') as i32;
        digits += 1;
        i += 1;
    }
    let mut tenth = 0i32;
    if i < end && src[i] == b'.' {
        i += 1;
        assert!(
            i < end && src[i].is_ascii_digit(),
            "a valence has one decimal"
        );
        tenth = (src[i] - b'0') as i32;
        i += 1;
    }
    assert!(
        digits > 0 && (i == end || src[i] == b'\t'),
        "a valence is a number with at most one decimal"
    );
    let value = whole * 10 + tenth;
    assert!(value <= 63, "a valence is within -6.4 ..= 6.3");
    if negative {
        -value
    } else {
        value
    }
}

/// Whether bytes `a` sort before bytes `b`.
const fn before(src: &[u8], a: (usize, usize), b: (usize, usize)) -> bool {
    let mut i = 0;
    while a.0 + i < a.1 && b.0 + i < b.1 {
        if src[a.0 + i] != src[b.0 + i] {
            return src[a.0 + i] < src[b.0 + i];
        }
        i += 1;
    }
    a.1 - a.0 < b.1 - b.0
}

/// Packed size of the data file `src`; checks that its words are sorted and unique.
pub(super) const fn packed_len(src: &str) -> usize {
    let src = src.as_bytes();
    let mut at = 0;
    let mut len = 0;
    let mut previous: Option<(usize, usize)> = None;
    while at < src.len() {
        let (start, end, next) = line(src, at);
        if is_entry(src, start, end) {
            let word = (start, word_end(src, start, end));
            if let Some(p) = previous {
                assert!(
                    before(src, p, word),
                    "lexicon words must be sorted by bytes and unique"
                );
            }
            previous = Some(word);
            len += word.1 - word.0 + 2;
        }
        at = next;
    }
    len
}

/// Number of entries in the data file `src`.
pub(super) const fn entries(src: &str) -> usize {
    let src = src.as_bytes();
    let (mut at, mut n) = (0, 0);
    while at < src.len() {
        let (start, end, next) = line(src, at);
        if is_entry(src, start, end) {
            n += 1;
        }
        at = next;
    }
    n
}

/// Length of the index of a table of `entries` entries.
pub(super) const fn index_len(entries: usize) -> usize {
    entries.div_ceil(STRIDE)
}

/// The offsets in the packed `src` of entries 0, STRIDE, 2 × STRIDE, ... (`M` = [`index_len`]).
pub(super) const fn index<const M: usize>(src: &str) -> [u32; M] {
    let src = src.as_bytes();
    let mut out = [0u32; M];
    let (mut at, mut n, mut offset) = (0, 0, 0);
    while at < src.len() {
        let (start, end, next) = line(src, at);
        if is_entry(src, start, end) {
            if n % STRIDE == 0 {
                out[n / STRIDE] = offset as u32;
            }
            offset += word_end(src, start, end) - start + 2;
            n += 1;
        }
        at = next;
    }
    out
}

/// The data file `src` packed into `N` bytes (`N` = [`packed_len`]).
pub(super) const fn pack<const N: usize>(src: &str) -> [u8; N] {
    let src = src.as_bytes();
    let mut out = [0u8; N];
    let mut o = 0;
    let mut at = 0;
    while at < src.len() {
        let (start, end, next) = line(src, at);
        if is_entry(src, start, end) {
            let tab = word_end(src, start, end);
            out[o] = (tenths(src, tab, end) + VALUE_BIAS) as u8;
            o += 1;
            let mut i = start;
            while i < tab {
                out[o] = src[i];
                o += 1;
                i += 1;
            }
            out[o] = b'\n';
            o += 1;
        }
        at = next;
    }
    assert!(o == N, "packed length mismatch");
    out
}

/// Words of a [`Filter`]: 32,768 bits (4 KB).
pub(super) const FILTER_WORDS: usize = 512;

/// A Bloom filter over every word of the tables (two bits per word, FNV-1a), built by the
/// compiler: most tokens are not sentiment words, and the filter turns them away with one hash
/// instead of two binary searches (about one miss in seven still searches).
pub(super) type Filter = [u64; FILTER_WORDS];

/// FNV-1a of `bytes`.
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

/// The two bit positions of a word's hash.
const fn filter_bits(hash: u64) -> (usize, usize) {
    let bits = (FILTER_WORDS * 64) as u64;
    ((hash % bits) as usize, ((hash >> 32) % bits) as usize)
}

/// The filter over every entry of the data files `sources`.
pub(super) const fn filter(sources: &[&str]) -> Filter {
    let mut out = [0u64; FILTER_WORDS];
    let mut s = 0;
    while s < sources.len() {
        let src = sources[s].as_bytes();
        let mut at = 0;
        while at < src.len() {
            let (start, end, next) = line(src, at);
            if is_entry(src, start, end) {
                let tab = word_end(src, start, end);
                let (word, _) = src.split_at(tab);
                let (_, word) = word.split_at(start);
                let (a, b) = filter_bits(fnv1a(word));
                out[a / 64] |= 1 << (a % 64);
                out[b / 64] |= 1 << (b % 64);
            }
            at = next;
        }
        s += 1;
    }
    out
}

/// Whether `word` may be in the tables the filter was built from (false: it is not).
pub(super) fn may_contain(filter: &Filter, word: &str) -> bool {
    let (a, b) = filter_bits(fnv1a(word.as_bytes()));
    filter[a / 64] & (1 << (a % 64)) != 0 && filter[b / 64] & (1 << (b % 64)) != 0
}
