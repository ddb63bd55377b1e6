//! The lexicon as a compact table, packed by the compiler from the data files in
//! `sentiment/data/` (`word TAB valence [TAB note]` lines, sorted by bytes, `#` comments).
//!
//! A table is one byte string: for each entry, its valence in tenths as one byte (`192 + tenths`,
//! so every value byte is ≥ 0x80 and never a line break), the word's bytes, and `\n`. Lookup is a
//! binary search over byte positions: from any byte, the entry it belongs to starts after the
//! nearest `\n` before it. No offsets, no hash index: about two bytes per entry beyond the words
//! themselves (VADER's 7,506 words pack into about 85 KB, less once gzipped). The data files'
//! text is only read by the compiler; only the packed bytes are in the binary.
//!
//! Valences are whole tenths, read back as `tenths / 10` (one correctly rounded division, the same
//! `f64` on every host), so scores do not depend on the platform.

/// Offset of a value byte: `tenths + VALUE_BIAS` is in `0x80..=0xff` for tenths in -64..=63.
const VALUE_BIAS: i32 = 192;

/// A packed, sorted word → valence table (see the module documentation).
pub(super) struct Table {
    bytes: &'static [u8],
}

impl Table {
    /// A table over bytes packed by [`pack`].
    pub(super) const fn new(bytes: &'static [u8]) -> Table {
        Table { bytes }
    }

    /// Bytes the table takes in the binary.
    pub(super) const fn len_bytes(&self) -> usize {
        self.bytes.len()
    }

    /// Number of entries.
    #[cfg(test)]
    pub(super) fn entries(&self) -> usize {
        self.bytes.iter().filter(|&&b| b == b'\n').count()
    }

    /// The entry starting at byte `start`: its valence in tenths, its word, and where the next
    /// entry starts.
    fn entry_at(&self, start: usize) -> (i32, &'static [u8], usize) {
        let bytes = self.bytes;
        let value = i32::from(bytes[start]) - VALUE_BIAS;
        let mut end = start + 1;
        while bytes[end] != b'\n' {
            end += 1;
        }
        (value, &bytes[start + 1..end], end + 1)
    }

    /// Valence of `word` in tenths, if it is an entry.
    pub(super) fn tenths(&self, word: &str) -> Option<i32> {
        let key = word.as_bytes();
        let (mut lo, mut hi) = (0, self.bytes.len());
        while lo < hi {
            let mut start = lo + (hi - lo) / 2;
            while start > lo && self.bytes[start - 1] != b'\n' {
                start -= 1;
            }
            let (value, entry, next) = self.entry_at(start);
            match entry.cmp(key) {
                std::cmp::Ordering::Equal => return Some(value),
                std::cmp::Ordering::Less => lo = next,
                std::cmp::Ordering::Greater => hi = start,
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
