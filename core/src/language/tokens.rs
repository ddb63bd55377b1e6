//! The one tokenizer of the language layer: every detector splits a customer's text here.
//!
//! Two views of the same text, for two kinds of reader:
//!
//! - **Normalised words** ([`tokenize`], [`normalize`], [`Text`]), for request and topic
//!   detection and the configuration's topic keywords: lowercased, accents folded (`é`→`e`,
//!   `ñ`→`n`, combining marks dropped), apostrophes dropped inside words (`don't`→`dont`), runs
//!   of a repeated letter collapsed (`humannnn`→`human`), each word remembering its byte span in
//!   the original and its clause (`.`, `!`, `?`, `,`, `;`, `:` and line breaks end one).
//! - **VADER's words** ([`vader_pieces`]), for the sentiment scorer: the text split on
//!   whitespace with emoji split off, case and punctuation kept (ALL CAPS and `!` carry
//!   emphasis, `:)` is a word), and the character classes the scorer trims and splits by.
//!
//! A [`Text`] splits its normalised words at most once, for every detector that reads it.
//! Everything here is linear in the input and never panics.

// ---------------------------------------------------------------------------
// Normalised words (request and topic detection)
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
pub(crate) fn normalize_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_ascii_into(text, &mut out);
    out
}

/// [`normalize_ascii`] into `out` (cleared first), so a caller can reuse one buffer.
pub(crate) fn normalize_ascii_into(text: &str, out: &mut String) {
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

/// A customer's text, tokenized at most once for every detector that reads it (request and topic
/// detection both split and normalise words the same way).
pub(crate) struct Text<'a> {
    /// The text as the customer wrote it.
    pub(crate) raw: &'a str,
    tokens: std::cell::OnceCell<Tokens>,
}

impl<'a> Text<'a> {
    /// `raw`, not split yet.
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
}

// ---------------------------------------------------------------------------
// VADER's words (sentiment)
// ---------------------------------------------------------------------------

/// One piece of a text split VADER's way by [`vader_pieces`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// A run of characters between whitespace, emoji and emoji modifiers: a word with its
    /// punctuation still attached, an emoticon (`:)`), or punctuation alone.
    Word(&'a str),
    /// One pictographic emoji ([`is_emoji`]).
    Emoji(char),
}

/// Splits `text` on whitespace and splits emoji off into pieces of their own (variation
/// selectors, zero-width joiners and skin tones are dropped, and end a word), calling `each`
/// with every piece in order.
pub(crate) fn vader_pieces<'a>(text: &'a str, mut each: impl FnMut(Piece<'a>)) {
    for chunk in text.split_whitespace() {
        let mut start: Option<usize> = None;
        for (pos, c) in chunk.char_indices() {
            if is_emoji_modifier(c) {
                if let Some(s) = start.take() {
                    each(Piece::Word(&chunk[s..pos]));
                }
            } else if is_emoji(c) {
                if let Some(s) = start.take() {
                    each(Piece::Word(&chunk[s..pos]));
                }
                each(Piece::Emoji(c));
            } else if start.is_none() {
                start = Some(pos);
            }
        }
        if let Some(s) = start {
            each(Piece::Word(&chunk[s..]));
        }
    }
}

/// `word` lowercased for a lexicon lookup, with the typographic apostrophes `‘` and `’` read
/// as `'` (punctuation is kept).
pub(crate) fn vader_lowercase(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c == '\u{2019}' || c == '\u{2018}' {
                '\''
            } else {
                c
            }
        })
        .collect()
}

/// Whether `word` has cased letters, all in upper case (Python's `isupper`).
pub(crate) fn is_all_caps(word: &str) -> bool {
    word.chars().any(char::is_uppercase) && !word.chars().any(char::is_lowercase)
}

/// Whether the punctuation at the end of `word` ends a sentence ("late!", "why?!").
pub(crate) fn ends_sentence(word: &str) -> bool {
    let body = word.trim_end_matches(is_punctuation);
    word[body.len()..].contains(is_sentence_end)
}

/// Whether `c` ends a sentence.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？')
}

/// Punctuation stripped from the ends of words: ASCII punctuation (Python's
/// `string.punctuation`) and common Unicode quotes, dashes and marks.
pub(crate) fn is_punctuation(c: char) -> bool {
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

#[cfg(test)]
mod tests;
