//! Language: what the engine reads in a customer's words.
//!
//! - [`tokens`]: the one tokenizer. Request and topic detection read normalised words
//!   (lowercased, accents folded, repeated letters collapsed, with clause numbers); the
//!   sentiment scorer reads the same text split VADER's way (case kept for ALL CAPS emphasis,
//!   emoji and emoticons as tokens). Both views and their character classes live there.
//! - [`sentiment`]: a VADER-style scorer: `score` and the sums in `sentiment/mod.rs`, the word
//!   rules in `sentiment/rules.rs`, the lexicon as data in `sentiment/lexicon.rs` and its
//!   compile-time index in `sentiment/lookup.rs`.
//! - [`request`]: "talk to a human" detection in English, Hinglish and Spanish: the word lists
//!   by role in `request/lexicon.rs`, the clause-by-clause matching in `request/matching.rs`.
//! - [`topics`]: topic keywords (the built-in lists and `triggers.topics`) matched on words.
//! - [`summary`]: the extractive summary and references of a conversation for the agent.
//!
//! This layer imports nothing else of the crate but the text helpers below the configuration
//! (`text.rs`: edit distance and the one "did you mean"): every function here is a pure function
//! of its text.

pub mod request;
pub mod sentiment;
pub(crate) mod summary;
pub(crate) mod tokens;
pub(crate) mod topics;
