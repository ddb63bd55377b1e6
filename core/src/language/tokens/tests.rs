use super::*;

#[test]
fn normaliser() {
    assert_eq!(normalize("HUMANNNN!!"), "human");
    assert_eq!(normalize("Pásame con él, señor"), "pasame con el senor");
    assert_eq!(normalize("don’t  DON'T"), "dont dont");
    assert_eq!(normalize("cafe\u{301}"), "cafe");
    assert_eq!(normalize("real-person"), "real person");
    let t = tokenize("Hi. I want, a human");
    assert_eq!(t.len(), 5);
    let clauses: Vec<usize> = (0..t.len()).map(|i| t.tok(i).unwrap().clause).collect();
    assert_eq!(clauses, vec![0, 1, 1, 2, 2]);
    assert_eq!(t.tok(4).map(|x| (x.start, x.end)), Some((14, 19)));
}

proptest::proptest! {
    #[test]
    fn ascii_normalisation_is_the_tokenizers(text in "[ -~]{0,24}") {
        proptest::prop_assert_eq!(normalize_ascii(&text), tokenize(&text).joined());
    }

    #[test]
    fn ascii_normalisation_collapses_and_joins_as_the_tokenizer(text in "[aAbB1' `.,-]{0,16}") {
        proptest::prop_assert_eq!(normalize_ascii(&text), tokenize(&text).joined());
    }
}

#[test]
fn vader_pieces_split_emoji_off_and_drop_their_modifiers() {
    let mut pieces = Vec::new();
    vader_pieces("So  GOOD!!👍🏽ok \u{2764}\u{FE0F}:)", |p| {
        pieces.push(p)
    });
    assert_eq!(
        pieces,
        [
            Piece::Word("So"),
            Piece::Word("GOOD!!"),
            Piece::Emoji('👍'),
            Piece::Word("ok"),
            Piece::Emoji('\u{2764}'),
            Piece::Word(":)"),
        ]
    );
    assert!(is_all_caps("GOOD!!") && !is_all_caps("So") && !is_all_caps("!!"));
    assert!(ends_sentence("late!") && ends_sentence("why?!\"") && !ends_sentence("well,"));
    assert_eq!(vader_lowercase("DON’T"), "don't");
}
