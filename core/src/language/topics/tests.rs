use super::*;

#[test]
fn find_prefers_the_topic_with_most_keywords() {
    let matcher = TopicMatcher::new(vec![
        (
            "billing".to_string(),
            vec!["invoice".to_string(), "refund*".to_string()],
        ),
        (
            "legal".to_string(),
            vec!["lawyer".to_string(), "legal action".to_string()],
        ),
    ]);
    assert_eq!(
        matcher.find("Where is my REFUND? My lawyer will take legal action."),
        Some(TopicMatch {
            topic: "legal".to_string(),
            keyword: "lawyer".to_string()
        })
    );
    assert_eq!(
        matcher.find("I was refunded twice").unwrap().keyword,
        "refund*"
    );
    assert_eq!(matcher.find("hello"), None);
}

#[test]
fn builtin_keywords_know_aliases() {
    assert!(builtin_keywords("legal").unwrap().contains(&"lawyer*"));
    assert_eq!(builtin_keywords("Shipping"), builtin_keywords("delivery"));
    assert_eq!(builtin_keywords("no_such_topic"), None);
}

fn matcher(spec: &[(&str, &[&str])]) -> TopicMatcher {
    TopicMatcher::new(
        spec.iter()
            .map(|(t, ks)| (t.to_string(), ks.iter().map(|k| k.to_string()).collect()))
            .collect(),
    )
}

fn found(m: &TopicMatcher, text: &str) -> Option<(String, String)> {
    m.find(text).map(|t| (t.topic, t.keyword))
}

fn pair(t: &str, k: &str) -> Option<(String, String)> {
    Some((t.to_string(), k.to_string()))
}

#[test]
fn case_insensitive_word_boundaries() {
    let m = matcher(&[("legal", &["sue", "GDPR"])]);
    assert_eq!(found(&m, "I will SUE you"), pair("legal", "sue"));
    assert_eq!(found(&m, "what about gdpr?"), pair("legal", "GDPR"));
    assert_eq!(found(&m, "I have an issue"), None);
    assert_eq!(found(&m, "pursue"), None);
    assert_eq!(found(&m, ""), None);
}

#[test]
fn normalisation_is_shared_with_request() {
    let m = matcher(&[
        ("refund", &["reembolso", "doesn't work"]),
        ("angry", &["unacceptable"]),
    ]);
    assert_eq!(
        found(&m, "¡Quiero un REEMBÓLSO!"),
        pair("refund", "reembolso")
    );
    assert_eq!(found(&m, "it doesnt work"), pair("refund", "doesn't work"));
    assert_eq!(found(&m, "it DOESN’T work"), pair("refund", "doesn't work"));
    assert_eq!(found(&m, "UNACCEPTABLEEEE"), pair("angry", "unacceptable"));
}

#[test]
fn multi_word_keywords() {
    let m = matcher(&[("billing_dispute", &["charged twice", "wrong charge"])]);
    assert_eq!(
        found(&m, "You CHARGED me... no, you charged-twice!"),
        pair("billing_dispute", "charged twice")
    );
    assert_eq!(found(&m, "charged me twice"), None);
    assert_eq!(found(&m, "I was charged. Twice is too many"), None);
    assert_eq!(found(&m, "twice charged"), None);
    assert_eq!(
        found(&m, "a wrong   charge on my card"),
        pair("billing_dispute", "wrong charge")
    );
}

#[test]
fn wildcard_prefix() {
    let m = matcher(&[("refund", &["refund*"]), ("cancel", &["cancel*"])]);
    for text in ["refund", "Refunds?", "I was REFUNDED", "refunding"] {
        assert_eq!(found(&m, text), pair("refund", "refund*"), "{text}");
    }
    assert_eq!(found(&m, "non-refundable"), pair("refund", "refund*"));
    assert_eq!(found(&m, "prerefund"), None);
    assert_eq!(found(&m, "cancellation"), pair("cancel", "cancel*"));
    let m = matcher(&[("x", &["double charge*"])]);
    assert_eq!(found(&m, "double charged!"), pair("x", "double charge*"));
    assert_eq!(found(&m, "charged double"), None);
}

#[test]
fn most_hits_wins_ties_by_config_order() {
    let m = matcher(&[
        ("billing", &["invoice", "refund*", "charge"]),
        ("legal", &["lawyer", "sue", "court"]),
    ]);
    // legal: 2 distinct keywords, billing: 1.
    assert_eq!(
        found(&m, "refund or I sue, my lawyer says"),
        pair("legal", "lawyer")
    );
    // 1 each: config order decides.
    assert_eq!(found(&m, "refund or I sue"), pair("billing", "refund*"));
    // Repeating one keyword does not outweigh two different ones.
    assert_eq!(
        found(&m, "refund refund refund! invoice charge... court"),
        pair("billing", "invoice")
    );
    // `keyword` is the first configured keyword that matched, not the first in the text.
    assert_eq!(
        found(&m, "see you in court, my lawyer will call"),
        pair("legal", "lawyer")
    );
}

#[test]
fn empty_and_odd_config() {
    assert_eq!(TopicMatcher::default().find("refund"), None);
    let m = matcher(&[("a", &["", "  ", "*", "!!"]), ("b", &["ok"])]);
    assert_eq!(found(&m, "ok refund"), pair("b", "ok"));
    let m = matcher(&[("x", &["refund*!"])]);
    assert_eq!(found(&m, "refunded"), pair("x", "refund*!"));
}

#[test]
fn builtin_lists() {
    for name in [
        "billing_dispute",
        "legal",
        "complaint",
        "cancellation",
        "refund",
        "technical",
        "sales",
        "billing",
        "privacy",
        "fraud",
        "shipping",
        "delivery",
        "Billing-Dispute",
        " LEGAL ",
    ] {
        let list = builtin_keywords(name).unwrap_or_else(|| panic!("{name}"));
        assert!(list.len() >= 5, "{name}");
        for kw in list {
            assert!(compile(kw).is_some(), "{name}: {kw}");
        }
    }
    assert_eq!(builtin_keywords("weather"), None);
    assert_eq!(builtin_keywords(""), None);
    let bd = builtin_keywords("billing_dispute").unwrap();
    for kw in [
        "charged twice",
        "refund*",
        "chargeback*",
        "dispute*",
        "overcharg*",
    ] {
        assert!(bd.contains(&kw), "{kw}");
    }
    assert!(builtin_keywords("refund").unwrap().contains(&"reembolso*"));
    assert!(builtin_keywords("complaint").unwrap().contains(&"shikayat"));
    assert!(builtin_keywords("legal").unwrap().contains(&"abogado*"));
    assert!(builtin_keywords("refund").unwrap().contains(&"paisa wapas"));
    assert!(builtin_keywords("complaint").unwrap().contains(&"queja*"));
}

#[test]
fn topics_without_keywords_use_builtins() {
    let m = TopicMatcher::new(vec![
        ("billing_dispute".to_string(), vec![]),
        ("legal".to_string(), vec![]),
        ("complaint".to_string(), vec![]),
        ("shipping".to_string(), vec![]),
        ("custom_without_builtin".to_string(), vec![]),
    ]);
    assert_eq!(
        found(&m, "You charged me twice for one order!"),
        pair("billing_dispute", "charged me twice")
    );
    assert_eq!(
        found(&m, "I'll talk to my lawyer and take legal action"),
        pair("legal", "lawyer*")
    );
    assert_eq!(
        found(&m, "This is the worst service, I want to file a complaint"),
        pair("complaint", "complaint*")
    );
    assert_eq!(
        found(&m, "Where's my order? It's delayed"),
        pair("shipping", "delayed")
    );
    assert_eq!(
        found(&m, "mujhe paisa wapas chahiye"),
        pair("billing_dispute", "paisa wapas")
    );
    assert_eq!(
        found(&m, "voy a llamar a mi abogado"),
        pair("legal", "abogado*")
    );
    assert_eq!(found(&m, "hello there"), None);
}

#[test]
fn configured_keywords_override_builtins() {
    let m = matcher(&[("legal", &["subpoena"])]);
    assert_eq!(found(&m, "my lawyer"), None);
    assert_eq!(found(&m, "a subpoena"), pair("legal", "subpoena"));
}

#[test]
fn tricky_strings_do_not_panic() {
    let m = TopicMatcher::new(vec![
        (
            "refund".to_string(),
            vec!["refund*".into(), "é*".into(), "🙂".into()],
        ),
        ("legal".to_string(), vec![]),
    ]);
    let long = "refund ".repeat(50_000);
    for s in [
        "",
        "🙂",
        "\u{301}",
        "ééé",
        "İ",
        "ß",
        "\0",
        "人間",
        "refund\u{200D}",
        long.as_str(),
    ] {
        let _ = m.find(s);
    }
    assert_eq!(found(&m, &long), pair("refund", "refund*"));
    assert_eq!(found(&m, "é"), pair("refund", "é*"));
}

proptest::proptest! {
    #[test]
    fn never_panics(text in "\\PC{0,200}", kw in "\\PC{0,20}") {
        let m = TopicMatcher::new(vec![
            ("t".to_string(), vec![kw.clone(), format!("{kw}*")]),
            ("legal".to_string(), vec![]),
        ]);
        let _ = m.find(&text);
        let _ = builtin_keywords(&kw);
    }
}

/// The definition, word for word: every keyword of every topic tried at every position.
fn find_by_scanning(m: &TopicMatcher, text: &str) -> Option<TopicMatch> {
    let toks = tokenize(text);
    let mut best: Option<(usize, &Topic, &Keyword)> = None;
    for topic in &m.topics {
        let found: Vec<&Keyword> = topic
            .keywords
            .iter()
            .filter(|kw| (0..toks.len()).any(|i| matches_at(&toks, kw, i)))
            .collect();
        if let Some(first) = found.first() {
            if !matches!(best, Some((h, _, _)) if h >= found.len()) {
                best = Some((found.len(), topic, first));
            }
        }
    }
    best.map(|(_, t, k)| TopicMatch {
        topic: t.name.clone(),
        keyword: k.original.clone(),
    })
}

proptest::proptest! {
    #[test]
    fn the_indexed_lookup_finds_what_scanning_finds(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "refund", "refunded", "Refunds", "charged", "twice", "double", "charges",
                "lawyer", "legal", "action", "sue", "court", "my", "the", "invoice",
                "wrong", "reembolso", "cobro", "doble", "ship", "shipping", "shipment",
                "late", ",", ".", "!", "not", "account", "hacked", "Ümlaut", "🙂",
            ]),
            0..14,
        )
    ) {
        let text = words.join(" ");
        let m = TopicMatcher::new(vec![
            ("billing".into(), vec![]),
            ("legal".into(), vec![]),
            ("custom".into(), vec!["ship*".into(), "double charge*".into(), "wrong invoice".into(), "Ü*".into()]),
            ("twice".into(), vec!["twice".into(), "charged twice".into(), "refund*".into()]),
        ]);
        proptest::prop_assert_eq!(m.find(&text), find_by_scanning(&m, &text), "{}", text);
    }
}
