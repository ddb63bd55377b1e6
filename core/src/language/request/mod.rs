//! Detects a customer asking for a person ("talk to a human", "agent se baat
//! karwao", "quiero hablar con una persona").
//!
//! # Approach
//!
//! Rather than a list of literal sentences, detection works on normalised
//! words and a small lexicon of word *roles*:
//!
//! 1. **Normalise** (`language::tokens`, shared with topic detection): lowercase,
//!    fold accents (`é`→`e`, `ñ`→`n`, combining marks dropped), drop
//!    apostrophes inside words (`don't`→`dont`), collapse runs of a repeated
//!    letter (`humannnn`→`human`, `speek`→`spek`), and split into words that
//!    remember their byte span in the original text. `.`, `!`, `?`, `,`, `;`,
//!    `:` and line breaks end a clause.
//! 2. **Clauses** are further split at conjunctions ("but", "and", "lekin",
//!    "pero", "sino", ...), so that a negation in one clause does not cancel a
//!    request in the next ("I don't want a bot, I want a human").
//! 3. **Person nouns** are found per clause: *strong* nouns (human, agent,
//!    representative, operator, supervisor, manager, humano, agente, insaan,
//!    "customer service", ...) and *weak* ones (person, someone, staff,
//!    persona, alguien, kisi, ...). Nouns of five or more letters also match
//!    with an optimal-string-alignment (restricted Damerau-Levenshtein)
//!    distance of one (`humen`, `huamn`, `agnet`, `persn`, `representitive`).
//! 4. **Request patterns.** A noun is a request when
//!    * a request word comes before it, with only "glue" words in between
//!      (`talk`/`speak`/`want`/`need`/`connect`/`transfer`/`get me`/
//!      `hablar`/`quiero`/`pásame` ... + `to`, `a`, `with`, `real`, `con`,
//!      `un` ...), or
//!    * a request word follows it (`please`, `por favor`, Hinglish
//!      `se baat`, `chahiye`, `bulao`, `(can) help me` ...), or
//!    * the clause consists only of a strong noun and filler words
//!      ("human", "representative!!", "live agent", "persona real"), or
//!    * *indirectly*: a directive before the noun (`can`, `could`, `let`, `have`, `please`,
//!      `ask`, `need`, `puede`, `que` ...) or a modal after it (`should`, Hinglish `sakta`,
//!      subjunctive `dekhe`) and an action verb after it (`handle`, `review`, `check`, `look`,
//!      `call`, `revisar`, `dekh` ...): "let a human handle this", "can a human review my
//!      case", "kya koi human mera case dekh sakta hai". A question about habits ("does a human
//!      check refunds?") has neither and does not count.
//!
//!    Staff words are people too (team, staff, member, colleague, equipo, compañero,
//!    empleado), and a call back asked of them is a request ("I'd like a call back from your
//!    team", "que me llame alguien", "kisi staff se call karwao"). Spanish transfer verbs
//!    followed by "con" are requests whatever noun follows ("pásame con ventas"). Text-speak
//!    is read as words ("pls connect 2 agent", "sm1", "agnt se bt krwao").
//!
//!    A verb in the past tense is not a request word, and a request preceded
//!    by "wanted"/"tried"/"was"/"maine" or followed by Hinglish "thi"/"tha"
//!    is treated as narrative ("I spoke to an agent yesterday"); so is one after "if" /
//!    "whether" ("stop asking if I want an agent"), a question about need ("do I need a person
//!    at home?"), Hinglish "ho gayi" (it happened), and a request followed by words saying the
//!    matter is settled ("quería hablar con alguien pero ya se resolvió"). Nouns used
//!    as modifiers ("human body", "agent ID") and a clause right after
//!    "thanks"/"thank you" ("Thank you, agent") are ignored.
//! 5. **Negation** cancels a request when it sits in the run of request words
//!    right before it ("I don't want", "no need for", "no quiero", "no
//!    human please") or, for Hinglish, anywhere in the verb group after the
//!    noun ("nahi chahiye", "se baat nahi karni").
//!
//! The reported phrase is the matched words plus adjoining lead-in and
//! politeness words ("can I", "please", "karni hai"), sliced from the original
//! text. The language is Hinglish (`"hi-Latn"`) when any Hindi word is part of
//! the phrase, Spanish (`"es"`) when any Spanish word is, English otherwise.
//!
//! Everything is linear in the input length (every scan is bounded by a small
//! window) and never panics.

use crate::language::tokens::{tokenize, Text, Tokens};

mod lexicon;
mod matching;

pub(crate) use matching::Declined;
#[cfg(test)]
mod tests;

/// A request for a person found in a customer's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMatch {
    /// The words that matched, as the customer wrote them (original casing,
    /// trimmed), e.g. `"Can I talk to a real person please"`.
    pub phrase: String,
    /// Language of the matched phrase: `"en"`, `"hi-Latn"` or `"es"`.
    pub language: &'static str,
}

/// Finds a request for a human in `text`, respecting negation.
///
/// Understands English, Hindi in Latin script (Hinglish) and Spanish,
/// tolerates casing, punctuation, accents, repeated letters and one-letter
/// typos in the person noun, and ignores negated requests ("I don't want a
/// human"), questions about the bot ("are you a real person?") and past
/// narrative ("I spoke to an agent yesterday"). Returns the first request
/// found.
///
/// ```
/// use handoff_core::internals::detect_human_request;
///
/// let m = detect_human_request("This is useless. Can I talk to a real persn plz??").unwrap();
/// assert_eq!(m.phrase, "Can I talk to a real persn plz");
/// assert_eq!(m.language, "en");
///
/// let m = detect_human_request("mujhe insaan se baat karni hai").unwrap();
/// assert_eq!(m.language, "hi-Latn");
///
/// assert!(detect_human_request("I don't want a human").is_none());
/// assert!(detect_human_request("I don't want a bot, I want a human").is_some());
/// ```
pub fn detect_human_request(text: &str) -> Option<RequestMatch> {
    detect_in(text, &tokenize(text))
}

/// A request pattern read in a customer's text: a request, or one that was declined and why
/// ([`Text::read_request`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestReading {
    /// The words, as the customer wrote them (see [`RequestMatch::phrase`]).
    pub(crate) phrase: String,
    /// `"en"`, `"hi-Latn"` or `"es"`.
    pub(crate) language: &'static str,
    /// Why the pattern is not a request (negation seen, past narrative, ...); `None`: it is one.
    pub(crate) declined: Option<Declined>,
}

impl Text<'_> {
    /// [`detect_human_request`] on this text, with its words split once for every detector.
    pub(crate) fn human_request(&self) -> Option<RequestMatch> {
        self.read_request()
            .filter(|r| r.declined.is_none())
            .map(|r| RequestMatch {
                phrase: r.phrase,
                language: r.language,
            })
    }

    /// The first request in this text; without one, the first pattern that was declined, with
    /// why: the one computation behind [`Text::human_request`].
    pub(crate) fn read_request(&self) -> Option<RequestReading> {
        read_in(self.raw, self.tokens())
    }
}

/// [`detect_human_request`] on `text` already tokenized as `toks`.
fn detect_in(text: &str, toks: &Tokens) -> Option<RequestMatch> {
    read_in(text, toks)
        .filter(|r| r.declined.is_none())
        .map(|r| RequestMatch {
            phrase: r.phrase,
            language: r.language,
        })
}

/// [`Text::read_request`] on `text` already tokenized as `toks`.
fn read_in(text: &str, toks: &Tokens) -> Option<RequestReading> {
    let found = matching::examine(toks)?;
    Some(RequestReading {
        phrase: text.get(found.span).unwrap_or("").trim().to_string(),
        language: found.language,
        declined: found.declined,
    })
}
