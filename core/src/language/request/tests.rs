use std::borrow::Cow;

use super::lexicon::*;
use super::*;
use crate::language::tokens::normalize;

fn hit(text: &str) -> RequestMatch {
    detect_human_request(text).unwrap_or_else(|| panic!("expected a request in {text:?}"))
}

fn miss(text: &str) {
    assert_eq!(
        detect_human_request(text),
        None,
        "expected no request in {text:?}"
    );
}

#[test]
fn list_words_are_borrowed_only_when_already_normalised() {
    let lists: &[&[&'static str]] = &[
        STRONG_NOUNS,
        WEAK_NOUNS,
        FUZZY_NOUNS,
        FUZZY_BLOCK,
        MULTI_NOUNS,
        PRE_TRIGGERS,
        PRE_GLUE,
        BE_NEXT,
        POST_TRIGGERS,
        POST_FINAL_TRIGGERS,
        ME_VERBS,
        POST_GLUE,
        LEAD_IN,
        RIGHT_EXT,
        NEGATORS,
        HI_NEGATORS,
        PAST_BEFORE,
        PAST_AFTER,
        FILLER,
        MODIFIERS,
        EXCLUDE_AFTER,
        SPLITTERS,
        HI_TAG,
        ES_TAG,
        ACTION_VERBS,
        DIRECTIVES,
        AFTER_MODALS,
        HI_CAN,
        ACTION_GLUE,
        RESOLVED,
        TRANSFER_VERBS,
    ];
    let mut borrowed = 0;
    let mut buf = String::new();
    for list in lists {
        for word in *list {
            let n = normalized(word, &mut buf);
            assert_eq!(n, normalize(word), "{word:?}");
            borrowed += usize::from(matches!(n, Cow::Borrowed(_)));
        }
    }
    assert!(borrowed > 500, "{borrowed}");
    for (word, plain) in [
        ("agent", true),
        ("staff", false),
        ("customer service", true),
        ("call center", false),
        ("don't", false),
        ("a  b", false),
        (" a", false),
        ("Agent", false),
    ] {
        assert_eq!(
            matches!(normalized(word, &mut buf), Cow::Borrowed(_)),
            plain,
            "{word:?}"
        );
    }
}

#[test]
fn osa() {
    let d = |a: &str, b: &str| {
        crate::text::edit_distance(
            &a.chars().collect::<Vec<_>>(),
            &b.chars().collect::<Vec<_>>(),
        )
    };
    assert_eq!(d("human", "human"), 0);
    assert_eq!(d("huamn", "human"), 1);
    assert_eq!(d("agnet", "agent"), 1);
    assert_eq!(d("persn", "person"), 1);
    assert_eq!(d("kitten", "sitting"), 3);
    assert_eq!(d("", "abc"), 3);
    assert_eq!(d("ca", "abc"), 3);
}

#[test]
fn english_requests() {
    for text in [
        "talk to a human",
        "I want to speak to a real person",
        "can I talk to someone",
        "agent please",
        "I want an agent",
        "representative",
        "customer service rep",
        "live agent",
        "live chat with a person",
        "human please",
        "connect me to support staff",
        "operator",
        "get me a manager",
        "supervisor",
        "Let me speak with a representative.",
        "Please transfer me to a live agent now",
        "I need a human being to look at this",
        "is there a real person I can talk to?",
        "I'd like to speak to your supervisor",
        "escalate this to a human",
        "can I have a human",
        "can a human help me",
        "I want to be transferred to an agent",
        "No I want a human",
        "Customer service please",
        "hello? anyone there?",
    ] {
        assert_eq!(hit(text).language, "en", "{text}");
    }
}

#[test]
fn bare_nouns() {
    assert_eq!(hit("human").phrase, "human");
    assert_eq!(hit("Agent").phrase, "Agent");
    assert_eq!(hit("representative!!").phrase, "representative");
    assert_eq!(hit("  OPERATOR  ").phrase, "OPERATOR");
    assert_eq!(hit("a real human pls").phrase, "a real human pls");
    assert_eq!(hit("ugh. real person.").phrase, "real person");
}

#[test]
fn misspellings_casing_repeats() {
    for text in [
        "talk to a humen",
        "huamn please",
        "I want a representitive",
        "reprasentative",
        "agnet pls",
        "i need a real persn",
        "let me speek to a manager",
        "HUMANNNN",
        "Talk To A HUMAN!!!",
        "TALK TO A HUMAAAN PLEASEEEE",
        "agentttt",
    ] {
        hit(text);
    }
}

#[test]
fn phrase_span_keeps_original_text() {
    assert_eq!(
        hit("Ugh!! Can I talk to a REAL person?? thanks").phrase,
        "Can I talk to a REAL person"
    );
    assert_eq!(hit("hmm... I want an agent").phrase, "I want an agent");
    assert_eq!(
        hit("I don't want a bot, I want a human").phrase,
        "I want a human"
    );
    assert_eq!(
        hit("Pásame con un agente, por favor").phrase,
        "Pásame con un agente"
    );
    assert_eq!(hit("humannnn 🙂").phrase, "humannnn");
    assert_eq!(
        hit("bhai mujhe insaan se baat karni hai!!").phrase,
        "bhai mujhe insaan se baat karni hai"
    );
}

#[test]
fn hinglish_requests() {
    for (text, phrase) in [
        (
            "mujhe insaan se baat karni hai",
            "mujhe insaan se baat karni hai",
        ),
        ("kisi insaan se baat karao", "kisi insaan se baat karao"),
        ("agent se baat karwao", "agent se baat karwao"),
        (
            "kisi real person se baat karni hai",
            "kisi real person se baat karni hai",
        ),
        (
            "customer care wale se baat karao",
            "customer care wale se baat karao",
        ),
        ("manav se baat", "manav se baat"),
        ("mujhe agent chahiye", "mujhe agent chahiye"),
        ("manager ko bulao", "manager ko bulao"),
        (
            "baat karni hai kisi insaan se",
            "baat karni hai kisi insaan",
        ),
        ("koi insaan hai?", "koi insaan hai"),
        ("insaan", "insaan"),
    ] {
        let m = hit(text);
        assert_eq!(m.language, "hi-Latn", "{text}");
        assert_eq!(m.phrase, phrase, "{text}");
    }
}

#[test]
fn spanish_requests() {
    for (text, phrase) in [
        (
            "quiero hablar con una persona",
            "quiero hablar con una persona",
        ),
        ("hablar con un humano", "hablar con un humano"),
        ("pásame con un agente", "pásame con un agente"),
        ("un agente por favor", "un agente por favor"),
        ("necesito un representante", "necesito un representante"),
        ("persona real", "persona real"),
        ("¿Puedo hablar con alguien?", "Puedo hablar con alguien"),
        ("Quiero un ser humano", "Quiero un ser humano"),
        ("¡HUMANO!", "HUMANO"),
        (
            "¿Me pueden comunicar con un agente?",
            "Me pueden comunicar con un agente",
        ),
    ] {
        let m = hit(text);
        assert_eq!(m.language, "es", "{text}");
        assert_eq!(m.phrase, phrase, "{text}");
    }
}

#[test]
fn negation() {
    for text in [
        "I don't want a human",
        "I dont want an agent",
        "no need for an agent",
        "I do not need to talk to a person",
        "no human please",
        "don't transfer me to an agent",
        "Don’t connect me to a representative",
        "I really don't want to speak to a manager",
        "insaan se baat nahi karni",
        "mujhe agent nahi chahiye",
        "agent se baat mat karao",
        "no quiero hablar con una persona",
        "no necesito un agente",
    ] {
        miss(text);
    }
}

#[test]
fn negation_is_clause_local() {
    hit("I don't want a bot, I want a human");
    hit("I don't want a bot but I want a human");
    hit("I don't want a bot but a human");
    hit("I don't understand this bill. Agent please");
    hit("no bot, human please");
    hit("mujhe bot nahi chahiye, insaan se baat karni hai");
    hit("bot nahi chahiye lekin agent se baat karao");
    hit("no quiero un bot, quiero hablar con una persona");
    hit("no quiero un bot sino una persona real");
    hit("I want to talk to a human not a bot");
    miss("I want a bot, I don't want a human");
}

#[test]
fn false_positives() {
    for text in [
        "is the AI a human?",
        "are you a real person?",
        "Are you a human or a bot?",
        "the human body is amazing",
        "I spoke to an agent yesterday and he was rude",
        "I talked to a representative last week",
        "I was transferred to an agent and nothing happened",
        "I wanted to talk to a manager but gave up",
        "I tried to reach a human for hours",
        "maine agent se baat ki thi",
        "agent se baat hui thi",
        "my agent ID is 42",
        "I need a personal loan",
        "I want to manage my account",
        "this is insane",
        "How are you today?",
        "Am I chatting with a human?",
        "the agent was rude",
        "¿eres una persona real?",
        "Thank you, agent",
        "Hi agent, my order is late",
        "I want to know if I'm talking to a human",
        "I want to talk about my bill",
        "I want to transfer money to another person",
        "hablé con un agente ayer",
        "I want to be an agent",
        "",
    ] {
        miss(text);
    }
}

#[test]
fn first_request_wins() {
    let m = hit("refund please. Actually, talk to a human. Or a supervisor!");
    assert_eq!(m.phrase, "talk to a human");
}

#[test]
fn tricky_strings_do_not_panic() {
    let long_human = "humannnn ".repeat(20_000);
    let long_text = "a".repeat(200_000);
    let long_neg = "no ".repeat(50_000) + "human please";
    let mixed = "talk to a hümän 🙂 ".repeat(5_000);
    let tricky = [
        "",
        " ",
        ".",
        "...!!!???",
        "🙂",
        "👨‍👩‍👧‍👦 agent",
        "\u{301}\u{301}human",
        "İstanbul agent",
        "ß human ß",
        "ﬁ agent",
        "\u{200B}human\u{200D}",
        "عميل human",
        "इंसान से बात करनी है।",
        "人間と話したい",
        "\0agent\0",
        "\u{FEFF}agent",
        "a\u{0307}gent",
        "'human'",
        "’’’",
        "¿¡",
        "no",
        "no i",
        "be",
        "there",
        "can I have",
        "I'd like",
        long_human.as_str(),
        long_text.as_str(),
        long_neg.as_str(),
        mixed.as_str(),
    ];
    for s in tricky {
        let _ = detect_human_request(s);
        let _ = normalize(s);
    }
    assert!(detect_human_request(&long_human).is_some());
    assert!(detect_human_request(&long_neg).is_none());
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,200}") {
        let _ = detect_human_request(&s);
    }

    #[test]
    fn never_panics_with_keywords(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "talk", "to", "a", "human", "no", "not", "don't", "please", "se", "baat",
                "nahi", "agent", ",", ".", "but", "quiero", "hablar", "con", "persona",
                "é", "🙂", "can", "I", "have", "there", "is", "be", "de", "verdad", "real",
            ]),
            0..40,
        )
    ) {
        let text = words.join(" ");
        if let Some(m) = detect_human_request(&text) {
            proptest::prop_assert!(text.contains(&m.phrase));
            proptest::prop_assert!(!m.phrase.is_empty());
        }
    }
}

#[test]
fn indirect_requests_ask_a_person_to_act() {
    for (text, phrase) in [
        ("let a human handle this", "let a human handle"),
        ("can a human review my case?", "can a human review"),
        (
            "a human should handle this, please",
            "a human should handle",
        ),
        (
            "please have a person look into it",
            "please have a person look",
        ),
        (
            "kya koi human mera case dekh sakta hai",
            "kya koi human mera case dekh sakta hai",
        ),
        (
            "¿puede un humano revisar mi caso?",
            "puede un humano revisar",
        ),
    ] {
        assert_eq!(hit(text).phrase, phrase, "{text:?}");
    }
    // Questions about what people do are not requests.
    miss("does a human check refunds?");
    miss("will a person check my documents?");
    miss("can a person have two accounts?");
    miss("kya refund koi insaan check karta hai?");
}

#[test]
fn staff_team_and_colleague_words_are_people() {
    hit("let me talk to your team");
    hit("transfer me to a colleague");
    hit("have a staff member call me back");
    hit("quiero hablar con un compañero tuyo");
    hit("team member se baat karwa do");
    miss("my colleague placed the order");
    miss("how do I add a team member");
    miss("our team uses the pro plan");
    miss("is the staff discount still on?");
}

#[test]
fn call_backs_from_staff_are_requests() {
    hit("I'd like a call back from your support team");
    hit("I'd like to be called back by your team");
    hit("que me llame alguien, por favor");
    hit("que alguien me llame");
    hit("manager ko call karne bolo");
    hit("kisi staff se call karwao");
    miss("please don't have anyone call me");
    miss("no quiero que me llame nadie");
    miss("kal kisi ne call kiya tha");
    miss("call me when it ships");
}

#[test]
fn text_speak_and_hinglish_questions() {
    assert_eq!(hit("pls connect 2 agent").language, "en");
    hit("need 2 talk 2 a human");
    hit("can u connect me to sm1 from support");
    hit("agnt se bt krwao");
    assert_eq!(hit("koi staff wala hai kya?").language, "hi-Latn");
    hit("kya koi real person hai kya");
    hit("main kisi insaan se baat kar sakti hoon?");
    miss("agent se baat ho gayi, ab theek hai");
    miss("insaan se baat karne ki zaroorat nahi");
}

#[test]
fn spanish_transfers_to_any_department() {
    for text in [
        "pásame con soporte",
        "pásame con ventas",
        "comunícame con el departamento de facturación",
    ] {
        assert_eq!(hit(text).language, "es", "{text:?}");
    }
    miss("pásame el enlace de seguimiento");
    miss("no, no me pases con nadie");
}

#[test]
fn withdrawn_and_hypothetical_requests_do_not_fire() {
    miss("quería hablar con alguien pero ya se resolvió");
    miss("stop asking if I want an agent");
    miss("do I need a person at home for delivery?");
    hit("I want a human, it is not fixed");
}
