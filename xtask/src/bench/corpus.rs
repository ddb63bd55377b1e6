//! The benchmark corpus: 10,000 support messages from a fixed seed, written once to
//! `target/bench/corpus.jsonl` (one JSON string per line) and read by every runner (native,
//! wasmtime, Node, the Python peer), so they all score exactly the same texts.
//!
//! Messages are built from pieces a support inbox is full of: questions about orders, bills and
//! logins, requests for a person, anger, thanks, in English, Hinglish and Spanish, with emoji,
//! ALL CAPS, repeated punctuation, typos and long rambling ones.

use std::path::Path;

use crate::Failure;

/// How many messages the corpus has.
pub const MESSAGES: usize = 10_000;
/// The seed: change it and every number in BENCHMARKS.md changes.
pub const SEED: u64 = 0x5EED_4A4D_0FF5;

/// SplitMix64: small, fast, and the same everywhere (no dependency, no platform randomness).
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const GREETINGS: &[&str] = &[
    "hi",
    "Hello",
    "hey there",
    "Good morning",
    "hi team",
    "Hello support",
    "yo",
    "Hi,",
];

const QUESTIONS: &[&str] = &[
    "where is my order #48213?",
    "my package still hasn't arrived and the tracking hasn't moved in 5 days",
    "how do I change the email on my account?",
    "I was charged twice for the same subscription",
    "can you explain this charge on my invoice",
    "the app keeps crashing when I open settings",
    "I can't log in, it says my password is wrong but I just reset it",
    "do you ship to Canada?",
    "I want to cancel my subscription",
    "how long does a refund take?",
    "the discount code SAVE20 doesn't work at checkout",
    "my card was declined but the money left my account",
    "can I upgrade my plan mid-month",
    "the item I received is broken",
    "I need an invoice with my company's VAT number",
    "is there a way to export my data",
    "please delete my account and all my personal data",
    "your website shows the wrong price for the blue jacket",
    "the delivery guy left my parcel at the wrong address",
    "I got someone else's order",
    "what are your opening hours on Saturday?",
    "why was my account suspended?",
    "I want a refund for order 99120",
    "the tracking link says delivered but I have nothing",
    "how do I reset two factor authentication",
    "the payment page just spins forever",
];

const HUMAN_REQUESTS: &[&str] = &[
    "I want to talk to a human",
    "can I speak to a real person please",
    "connect me to an agent",
    "let me talk to someone",
    "get me a human NOW",
    "is there a real person I can talk to?",
    "transfer me to customer service",
    "I need to speak with a manager",
    "stop the bot, I want a person",
    "agent please",
    "talk to human",
    "can I talk to a representative",
];

const NOT_HUMAN: &[&str] = &[
    "no need for a human, you're doing fine",
    "I don't want to talk to a person, just tell me the status",
    "don't transfer me, I just need the link",
];

const ANGER: &[&str] = &[
    "this is ridiculous",
    "worst service ever",
    "I am so angry right now",
    "you people are useless",
    "this is a scam",
    "I'm furious, nobody has helped me",
    "terrible experience, never again",
    "I've been waiting for weeks, this is unacceptable",
    "are you kidding me?",
    "absolutely horrible support",
    "I'm going to report you",
    "this is the third time I'm asking",
    "stop wasting my time",
    "I hate this app",
    "what a joke",
];

const THANKS: &[&str] = &[
    "thanks!",
    "thank you so much, that was really helpful",
    "great, that worked",
    "awesome, you're the best",
    "perfect, thanks for the quick help",
    "ok cool",
    "appreciate it",
    "that fixed it, thank you!",
    "love the new update",
    "super helpful, thanks a lot",
];

const NEUTRAL: &[&str] = &[
    "ok",
    "I see",
    "one sec",
    "my order number is 77812",
    "it's the one from last Tuesday",
    "I'm using an iPhone 13",
    "the email is on file",
    "I tried that already",
    "still the same",
    "sure",
    "what do you mean",
    "yes",
    "no",
];

const HINGLISH: &[&str] = &[
    "mera order abhi tak nahi aaya",
    "bhai refund kab milega",
    "mujhe kisi insaan se baat karni hai",
    "agent se baat karao",
    "yeh bahut bura service hai",
    "paisa kat gaya par order nahi hua",
    "thank you bhai, ho gaya",
    "app bar bar crash ho raha hai",
    "kya aap meri madad kar sakte ho",
    "mujhe human se baat karni hai please",
    "bakwas service, koi jawab nahi deta",
    "mera account block ho gaya hai",
    "delivery kab tak hogi?",
    "bahut accha, shukriya",
];

const SPANISH: &[&str] = &[
    "mi pedido no ha llegado",
    "quiero hablar con una persona",
    "necesito hablar con un agente por favor",
    "el servicio es horrible",
    "me cobraron dos veces",
    "gracias, muy amable",
    "la aplicación no funciona",
    "quiero cancelar mi suscripción",
    "esto es una estafa",
    "¿cuándo recibiré mi reembolso?",
    "excelente servicio, muchas gracias",
    "no puedo iniciar sesión",
    "estoy muy enojado",
    "pásame con un humano",
];

const EMOJI: &[&str] = &[
    "😡", "🙏", "😊", "😭", "👍", "🤬", "❤️", "😤", "🙄", "😂", "💔", "🔥", "😀", "👎", "🤔",
];

const TAILS: &[&str] = &[
    "",
    "",
    "",
    " please",
    " asap",
    " thanks",
    " ??",
    "!!!",
    "...",
    " again",
    " pls help",
];

/// One message from `rng`.
pub fn message(rng: &mut Rng) -> String {
    let kind = rng.below(100);
    let mut text = match kind {
        0..=22 => {
            let q = rng.pick(QUESTIONS).to_string();
            if rng.chance(30) {
                format!("{} {}", rng.pick(GREETINGS), q)
            } else {
                q
            }
        }
        23..=34 => rng.pick(HUMAN_REQUESTS).to_string(),
        35..=36 => rng.pick(NOT_HUMAN).to_string(),
        37..=50 => {
            let a = rng.pick(ANGER);
            if rng.chance(50) {
                format!("{a}. {}", rng.pick(QUESTIONS))
            } else {
                a.to_string()
            }
        }
        51..=60 => rng.pick(THANKS).to_string(),
        61..=70 => rng.pick(NEUTRAL).to_string(),
        71..=80 => rng.pick(HINGLISH).to_string(),
        81..=88 => rng.pick(SPANISH).to_string(),
        // Long, rambling ones: a few sentences of different kinds.
        _ => {
            let n = 3 + rng.below(6);
            let mut parts = Vec::with_capacity(n);
            for _ in 0..n {
                let part = match rng.below(5) {
                    0 => rng.pick(QUESTIONS),
                    1 => rng.pick(ANGER),
                    2 => rng.pick(NEUTRAL),
                    3 => rng.pick(THANKS),
                    _ => rng.pick(HUMAN_REQUESTS),
                };
                parts.push(part);
            }
            parts.join(". ")
        }
    };
    text.push_str(rng.pick(TAILS));
    if rng.chance(12) {
        text = text.to_uppercase();
    } else if rng.chance(10) {
        // Shout one word.
        let words: Vec<&str> = text.split(' ').collect();
        let i = rng.below(words.len());
        text = words
            .iter()
            .enumerate()
            .map(|(j, w)| {
                if j == i {
                    w.to_uppercase()
                } else {
                    (*w).to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    if rng.chance(25) {
        let n = 1 + rng.below(3);
        for _ in 0..n {
            text.push(' ');
            text.push_str(rng.pick(EMOJI));
        }
    }
    if rng.chance(8) {
        text = typo(rng, &text);
    }
    text
}

/// `text` with two neighbouring ASCII letters swapped somewhere.
fn typo(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.len() < 4 {
        return text.to_string();
    }
    let i = rng.below(chars.len() - 1);
    if chars[i].is_ascii_alphabetic() && chars[i + 1].is_ascii_alphabetic() {
        chars.swap(i, i + 1);
    }
    chars.into_iter().collect()
}

/// The whole corpus, in order.
pub fn messages() -> Vec<String> {
    let mut rng = Rng::new(SEED);
    (0..MESSAGES).map(|_| message(&mut rng)).collect()
}

/// Writes the corpus to `path` (one JSON string per line); returns the messages.
pub fn write(path: &Path) -> Result<Vec<String>, Failure> {
    let messages = messages();
    let mut out = String::new();
    for m in &messages {
        out.push_str(&serde_json::Value::from(m.as_str()).to_string());
        out.push('\n');
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(path, out)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_is_the_same_every_time_and_varied() {
        let a = messages();
        assert_eq!(a, messages());
        assert_eq!(a.len(), MESSAGES);
        let has = |f: &dyn Fn(&String) -> bool| a.iter().filter(|m| f(m)).count();
        assert!(
            has(&|m| m.chars().any(|c| c as u32 > 0x1F000)) > 500,
            "emoji"
        );
        assert!(
            has(&|m| m.len() > 8 && *m == m.to_uppercase()) > 300,
            "ALL CAPS"
        );
        assert!(
            has(&|m| m.to_lowercase().contains("baat")) > 100,
            "Hinglish"
        );
        assert!(
            has(&|m| m.contains("gracias") || m.contains("persona")) > 100,
            "Spanish"
        );
        assert!(has(&|m| m.len() > 150) > 200, "long ones");
    }
}
