//! Small text helpers shared by the parsers: edit distance and "did you mean" suggestions.

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions) between two
/// char sequences.
pub(crate) fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut two_back: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(two_back[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut two_back, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Whether `a` and `b` are at most one edit apart (`edit_distance(a, b) <= 1`): equal, or one
/// substitution, insertion, deletion or swap of adjacent characters. Linear, no allocation: the
/// typo check runs for every word of every message.
pub(crate) fn within_one_edit(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let same = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if same == short.len() {
        return true; // equal, or one character added at the end
    }
    if short.len() == long.len() {
        // One substitution, or one swap of the two characters at `same`.
        let rest = same + 1;
        short[rest..] == long[rest..]
            || (rest < short.len()
                && short[same] == long[rest]
                && short[rest] == long[same]
                && short[rest + 1..] == long[rest + 1..])
    } else {
        // One character of `long` left out of `short`.
        short[same..] == long[same + 1..]
    }
}

/// The candidate closest to `word`, ignoring case, for a "did you mean" hint: within 1 edit for
/// words of up to 4 characters, 2 for longer ones, and never a complete rewrite of the candidate.
/// Ties go to the first candidate.
pub(crate) fn suggest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    if word.len() > 64 {
        return None;
    }
    let max = if word.len() <= 4 { 1 } else { 2 };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let c: Vec<char> = candidate.to_lowercase().chars().collect();
        if c.len().abs_diff(word.len()) > max {
            continue;
        }
        let d = edit_distance(&word, &c);
        if d <= max && d < c.len() && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> usize {
        edit_distance(
            &a.chars().collect::<Vec<_>>(),
            &b.chars().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn distances() {
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("huamn", "human"), 1);
        assert_eq!(d("postion", "position"), 1);
    }

    proptest::proptest! {
        #[test]
        fn within_one_edit_is_a_distance_of_at_most_one(
            a in proptest::collection::vec(proptest::sample::select(vec!['a', 'b', 'c', 'é']), 0..7),
            b in proptest::collection::vec(proptest::sample::select(vec!['a', 'b', 'c', 'é']), 0..7),
        ) {
            proptest::prop_assert_eq!(within_one_edit(&a, &b), edit_distance(&a, &b) <= 1);
        }
    }

    #[test]
    fn one_edit() {
        let w = |a: &str, b: &str| {
            within_one_edit(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert!(w("huamn", "human") && w("humn", "human") && w("humans", "human"));
        assert!(w("", "a") && w("", "") && !w("", "ab"));
        assert!(
            w("hmuan", "human") && !w("hunam", "human") && !w("abc", "cba") && !w("persn", "prson")
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("round_robbin", ["round_robin", "load_based"]),
            Some("round_robin")
        );
        assert_eq!(suggest("Monday", ["monday", "tuesday"]), Some("monday"));
        assert_eq!(suggest("x", ["id"]), None);
        assert_eq!(suggest("zzzzzzzz", ["monday"]), None);
    }
}
