use super::lexicon::*;
use super::lookup::{self, *};
use super::*;

fn c(text: &str) -> f64 {
    score(text).compound
}

#[test]
fn a_spanish_complaint_with_por_favor_is_negative() {
    let text = "Hola, mi pedido llegó con la caja rota y la lámpara no enciende. \
                Quiero hablar con una persona, por favor.";
    assert!(c(text) < 0.0, "{}", c(text));
    assert_eq!(c("por favor"), 0.0);
}

fn assert_close(text: &str, expected: f64) {
    let got = c(text);
    assert!(
        (got - expected).abs() <= 0.01,
        "{text:?}: got {got}, vaderSentiment 3.3.2 gives {expected}"
    );
}

#[test]
fn support_messages_have_the_expected_polarity() {
    assert!(c("This is the worst service ever, I am furious") < -0.5);
    assert!(c("Thanks, that was really helpful!") > 0.5);
    assert!(c("Where is my order?").abs() < 0.2);
    assert!(c("I have been waiting for 3 weeks, this is ridiculous!!") < -0.5);
    assert!(c("Your app is useless and the refund never arrived. SCAM") < -0.5);
    assert!(c("Perfect, you guys are awesome, thank you so much") > 0.7);
    assert!(c("My package arrived broken and nobody answers") < -0.3);
    assert!(c("I am really disappointed and annoyed") < -0.5);
}

#[test]
fn negation_flips_polarity() {
    assert!(c("not good") < 0.0);
    assert!(c("good") > 0.0);
    assert!(c("I am not happy") < 0.0);
    assert!(c("I dont like this, it is not helpful at all") < 0.0);
    assert!(c("this isn't great") < 0.0);
    assert!(c("this isn’t great") < 0.0, "curly apostrophe");
    assert!(c("it never works and nothing is fine") < 0.0);
    assert!(c("not bad") > 0.0);
    assert!(c("no good") < 0.0);
    assert!(c("nobody was helpful") < 0.0);
}

#[test]
fn boosters_and_dampeners_scale_intensity() {
    assert!(c("very bad") < c("bad"));
    assert!(c("extremely helpful") > c("helpful"));
    assert!(c("absolutely terrible") < c("terrible"));
    assert!(c("slightly annoyed") > c("annoyed"));
    assert!(c("kinda bad") > c("bad"));
    assert!(c("kind of bad") > c("bad"), "dampener moves towards zero");
    assert!(c("super helpful") > c("helpful"));
    assert!(c("the app is very very bad") < c("the app is very bad"));
}

#[test]
fn all_caps_emphasis_needs_mixed_case() {
    assert!(c("this is TERRIBLE") < c("this is terrible"));
    assert!(c("you are GREAT") > c("you are great"));
    // Everything in capitals is not emphasis.
    assert_eq!(c("THIS IS TERRIBLE"), c("this is terrible"));
}

#[test]
fn punctuation_amplifies() {
    assert!(c("terrible!!!") < c("terrible"));
    assert!(c("great!") > c("great"));
    // At most four exclamation marks count.
    assert_eq!(c("terrible!!!!"), c("terrible!!!!!!!!"));
    // Two or three question marks amplify, one does not.
    assert_eq!(c("really bad?"), c("really bad"));
    assert!(c("really bad???") < c("really bad"));
    // Punctuation alone carries no sentiment.
    assert_eq!(c("Where is my order???!!!"), 0.0);
}

#[test]
fn but_shifts_weight_to_the_second_clause() {
    assert!(c("the app is great but the delivery was awful") < 0.0);
    assert!(c("the delivery was awful but the support agent was great") > 0.0);
}

#[test]
fn vader_reference_values() {
    // Values printed by vaderSentiment 3.3.2 (and listed in its README).
    assert_close("VADER is smart, handsome, and funny.", 0.8316);
    assert_close("VADER is smart, handsome, and funny!", 0.8439);
    assert_close("VADER is very smart, handsome, and funny.", 0.8545);
    assert_close("VADER is VERY SMART, handsome, and FUNNY.", 0.9227);
    assert_close("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342);
    assert_close(
        "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
        0.9469,
    );
    assert_close("VADER is not smart, handsome, nor funny.", -0.7424);
    assert_close("The book was good.", 0.4404);
    assert_close("The book was kind of good.", 0.3832);
    assert_close("The book was only kind of good.", 0.3832);
    assert_close("A really bad, horrible book.", -0.8211);
    assert_close("At least it isn't a horrible book.", 0.431);
    assert_close(
        "The plot was good, but the characters are uncompelling and the dialog is not great.",
        -0.7042,
    );
    assert_close("Today SUX!", -0.5461);
    assert_close("Today only kinda sux! But I'll get by, lol", 0.5249);
    assert_close("Not bad at all", 0.431);
    // From the tricky-sentence demo of vaderSentiment.py 3.3.2.
    assert_close("Sentiment analysis has never been good.", -0.3412);
    assert_close("Sentiment analysis has never been this good!", 0.5672);
    assert_close("Most automated sentiment analysis tools are shit.", -0.5574);
    assert_close("With VADER, sentiment analysis is the shit!", 0.6476);
    assert_close("Other sentiment analysis tools can be quite bad.", -0.5849);
    assert_close("Without a doubt, excellent idea.", 0.7013);
    assert_close(
        "Roger Dodger is at least compelling as a variation on the theme.",
        0.2263,
    );
    assert_close(
        "Roger Dodger is one of the least compelling variations on this theme.",
        -0.1695,
    );
    assert_close(
        "It was one of the worst movies I've seen, despite good reviews.",
        -0.7584,
    );
    assert_close("Unbelievably bad acting!!", -0.6572);
    assert_close("VERY BAD movie!", -0.7616);
}

#[test]
fn vader_reference_proportions() {
    let s = score("VADER is smart, handsome, and funny.");
    assert_eq!((s.positive, s.neutral, s.negative), (0.746, 0.254, 0.0));
    let s = score("VADER is not smart, handsome, nor funny.");
    assert_eq!((s.positive, s.neutral, s.negative), (0.0, 0.354, 0.646));
    let s = score("Today SUX!");
    assert_eq!((s.positive, s.neutral, s.negative), (0.0, 0.221, 0.779));
}

#[test]
fn proportions_are_shares() {
    for text in [
        "the app is great but the delivery was awful",
        "I HATE this, worst company ever!!!",
        "ok thanks :)",
        "Where is my order?",
    ] {
        let s = score(text);
        let sum = s.positive + s.neutral + s.negative;
        assert!((sum - 1.0).abs() < 0.0021, "{text:?}: {s:?}");
        for share in [s.positive, s.neutral, s.negative] {
            assert!((0.0..=1.0).contains(&share), "{text:?}: {s:?}");
        }
    }
}

#[test]
fn emoji_and_emoticons() {
    assert!(c("😡😡😡") < -0.5);
    assert!(c("where is my refund 😠") < 0.0);
    assert!(c("thanks 🙂") > c("thanks"));
    assert!(c("great😊") > c("great"), "emoji glued to a word");
    assert!(c("❤️") > 0.0, "variation selector is ignored");
    assert!(c("👍🏽") > 0.0, "skin tone is ignored");
    assert!(c("👎") < 0.0);
    assert!(c("😢") < 0.0);
    assert!(c("it works now :)") > 0.0);
    assert!(c("still broken :(") < c("still broken"));
    assert!(
        c("still broken :(.") < c("still broken"),
        "emoticon before a full stop"
    );
}

#[test]
fn hinglish_and_spanish() {
    assert!(c("bahut bakwas service hai") < 0.0);
    assert!(c("bahut bakwas service hai") < c("bakwas service hai"));
    assert!(c("ekdum ghatiya app, main pareshan hoon") < -0.5);
    assert!(c("accha hai, shukriya") > 0.5);
    assert!(c("accha nahi hai") < 0.0);
    assert!(c("muy malo, estoy harto") < 0.0);
    assert!(c("PÉSIMO servicio, estoy muy enojado") < -0.5);
    assert!(c("excelente, muchas gracias") > 0.5);
    assert!(c("no es bueno") < 0.0);
}

#[test]
fn idioms_and_special_cases() {
    assert!(c("yeah right, like that will ever work") < 0.0);
    assert!(c("at least it is not broken") > 0.0);
    assert!(c("the least helpful agent") < 0.0);
    assert!(c("never so happy") > c("happy"));
}

#[test]
fn short_tokens_and_punctuation_are_ignored() {
    let s = score("a b c ! ? .");
    assert_eq!(s, score(""));
    assert_eq!(
        s,
        SentimentScore {
            compound: 0.0,
            positive: 0.0,
            neutral: 1.0,
            negative: 0.0
        }
    );
    assert_eq!(c("no."), c("no"));
}

#[test]
fn never_panics_and_is_deterministic() {
    let long = "terrible service!!! 😡 ".repeat(20_000);
    let tricky = [
        "",
        " ",
        "!!!!",
        "????",
        "😡😡😡",
        "\u{0}",
        "\u{FE0F}\u{200D}\u{1F3FD}",
        "🏳️‍🌈👨‍👩‍👧‍👦",
        "İSTANBUL ǅ ß ﬁ",
        "n't n't n't not no no no",
        "no",
        "least",
        "but but but",
        "kind of",
        "the shit",
        "':) ;) <3 </3 :-( :'(",
        "\u{10FFFF}\u{FFFD}",
        "ｔｅｒｒｉｂｌｅ",
        long.as_str(),
    ];
    for text in tricky {
        let a = score(text);
        assert_eq!(a, score(text));
        assert!((-1.0..=1.0).contains(&a.compound), "{text:?}: {a:?}");
        for share in [a.positive, a.neutral, a.negative] {
            assert!((0.0..=1.0).contains(&share), "{text:?}: {a:?}");
        }
    }
    assert!(c(&long) < -0.9);
}

proptest::proptest! {
    #[test]
    fn any_string_scores_in_range(text in "\\PC{0,200}") {
        let s = score(&text);
        proptest::prop_assert!((-1.0..=1.0).contains(&s.compound));
        proptest::prop_assert!((0.0..=1.0).contains(&s.positive));
        proptest::prop_assert!((0.0..=1.0).contains(&s.neutral));
        proptest::prop_assert!((0.0..=1.0).contains(&s.negative));
    }

    #[test]
    fn words_and_symbols_score_in_range(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "not", "no", "very", "but", "BAD", "good", "kind", "of", "least", "at",
                "never", "so", "!", "?", ":)", "😡", "nahi", "accha", "yeah", "right",
            ]),
            0..40,
        )
    ) {
        let s = score(&words.join(" "));
        proptest::prop_assert!((-1.0..=1.0).contains(&s.compound));
        proptest::prop_assert!(s.compound.is_finite());
    }
}

/// The entries of a data file as the test reads them (plain string parsing, not `table.rs`).
fn data_entries(src: &str) -> Vec<(&str, i32)> {
    src.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut cols = l.split('\t');
            let word = cols.next().unwrap_or("");
            let value: f64 = cols.next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
            (word, (value * 10.0).round() as i32)
        })
        .collect()
}

#[test]
fn tables_are_sorted_unique_and_disjoint() {
    let vader: Vec<(&str, i32)> = VADER.iter().collect();
    let additions: Vec<(&str, i32)> = ADDITIONS.iter().collect();
    assert_eq!(vader.len(), 7_506, "VADER's whole lexicon");
    assert_eq!(VADER.entries(), 7_506);
    assert!(additions.len() >= 170, "{}", additions.len());
    for table in [&vader, &additions] {
        for pair in table.windows(2) {
            assert!(
                pair[0].0.as_bytes() < pair[1].0.as_bytes(),
                "unsorted: {pair:?}"
            );
        }
        for (key, tenths) in table.iter() {
            assert!((-40..=40).contains(tenths), "{key:?}");
        }
    }
    for (key, _) in &additions {
        assert_eq!(VADER.tenths(key), None, "{key:?} is VADER's already");
        assert_eq!(key.to_lowercase(), *key, "additions are lower case");
    }
    for pair in BOOSTERS.windows(2) {
        assert!(pair[0].0 < pair[1].0, "unsorted: {:?}", pair);
    }
    // The packed tables are two bytes per entry beyond the words, and an offset every 8.
    let words: usize = vader.iter().chain(&additions).map(|(w, _)| w.len()).sum();
    let index = 4 * (vader.len().div_ceil(8) + additions.len().div_ceil(8));
    assert_eq!(
        lookup::lexicon_bytes(),
        words + 2 * (vader.len() + additions.len()) + index + 4096
    );
}

#[test]
fn the_packed_tables_hold_every_line_of_the_data_files() {
    for (table, src) in [(&VADER, VADER_SOURCE), (&ADDITIONS, ADDITIONS_SOURCE)] {
        let entries = data_entries(src);
        assert_eq!(entries.len(), table.entries());
        for (word, tenths) in entries {
            assert_eq!(table.tenths(word), Some(tenths), "{word:?}");
        }
    }
    for missing in [
        "",
        "zzzz",
        "goodd",
        "goo",
        "GOOD",
        "refundable",
        "\u{1F600}x",
        "\n",
        "a\n",
    ] {
        assert_eq!(VADER.tenths(missing), None, "{missing:?}");
        assert_eq!(lexicon_valence(missing), None, "{missing:?}");
    }
    // Words of VADER's this scorer leaves out (neutral in a support chat).
    for word in NOT_SENTIMENT {
        assert!(VADER.tenths(word).is_some(), "{word:?}");
        assert_eq!(lexicon_valence(word), None, "{word:?}");
    }
    // Words the old subset missed (issue 24).
    for (word, value) in [
        ("adorable", 2.2),
        ("cute", 2.0),
        ("woohoo", 2.3),
        ("unbelievable", 0.8),
    ] {
        assert_eq!(lexicon_valence(word), Some(value), "{word:?}");
    }
}

#[test]
fn lexicon_covers_support_vocabulary() {
    for word in [
        "frustrated",
        "angry",
        "delay",
        "broken",
        "useless",
        "terrible",
        "worst",
        "scam",
        "ridiculous",
        "disappointed",
        "annoyed",
        "waiting",
        "refund",
        "love",
        "great",
        "thanks",
        "helpful",
        "perfect",
        "awesome",
        ":)",
        ":(",
        "😡",
        "😠",
        "🙂",
        "😊",
        "👍",
        "👎",
        "😢",
        "❤",
        "bakwas",
        "bekar",
        "ghatiya",
        "accha",
        "acha",
        "shukriya",
        "dhanyavad",
        "pareshan",
        "gussa",
        "pésimo",
        "malo",
        "horrible",
        "gracias",
        "excelente",
        "bueno",
        "molesto",
        "enojado",
        "harto",
    ] {
        assert!(lexicon_valence(word).is_some(), "{word:?} missing");
    }
    assert_eq!(lexicon_valence("good"), Some(1.9));
    assert_eq!(lexicon_valence("worst"), Some(-3.1));
}

#[test]
fn a_leading_no_answers_and_does_not_negate_the_rest() {
    assert!(c("No, it's great!") > 0.5, "{}", c("No, it's great!"));
    assert_eq!(c("No, it's great!"), c("it's great!"));
    assert!(c("No, it is great!") > 0.5);
    assert_eq!(c("no"), 0.0);
    assert_eq!(c("No, I paid by card"), 0.0);
    // Within its clause "no" still negates.
    assert!(c("no good") < 0.0);
    assert!(c("no help at all, terrible") < 0.0);
}

#[test]
fn sarcastic_closers_and_openers_read_as_complaints() {
    for text in [
        "super helpful, thanks a lot 😭",
        "thanks so much for your help 🙄",
        "best customer service ever, not",
        "great, it's broken again",
        "oh perfect, now it's broken too",
    ] {
        assert!(c(text) < -0.05, "{text:?}: {}", c(text));
    }
    // Praise without anything to contradict it stays praise.
    for text in [
        "great, thanks!",
        "thank you so much, that was really helpful",
        "perfect 👌",
    ] {
        assert!(c(text) > 0.05, "{text:?}: {}", c(text));
    }
}

#[test]
fn words_the_old_subset_missed_now_score() {
    assert!(c("So cute!") > 0.3);
    assert!(c("Adorable.") > 0.3);
    assert!(c("woohoo, the refund is here") > 0.3);
}

#[test]
fn words_before_an_emoji_do_not_negate_it() {
    for text in [
        "still nothing 😤",
        "no funciona 😞",
        "not working :(",
        "nadie responde 😩",
    ] {
        assert!(c(text) < -0.05, "{text:?}: {}", c(text));
    }
    assert!(c("thanks for nothing") < -0.05);
    assert!(c("gracias por nada") < -0.05);
    // Transaction words are not feelings here.
    assert_eq!(c("I want to cancel my subscription"), 0.0);
    assert_eq!(c("it was redeemed on another account"), 0.0);
}

#[test]
fn lookups_before_between_and_after_the_entries_miss() {
    for table in [&VADER, &ADDITIONS] {
        let entries: Vec<(&str, i32)> = table.iter().collect();
        for (word, tenths) in &entries {
            assert_eq!(table.tenths(word), Some(*tenths), "{word:?}");
            // Just after the word in byte order: between it and the next entry.
            assert_eq!(table.tenths(&format!("{word}\u{1}")), None, "{word:?}");
        }
        assert_eq!(table.tenths("\u{1}"), None);
        assert_eq!(table.tenths("\u{10ffff}"), None);
    }
}
