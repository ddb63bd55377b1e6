//! The matching: clauses, person nouns, request words before and after them, negation and past
//! narrative (the steps of the [module documentation](super)).

use std::cell::RefCell;
use std::ops::Range;

use rustc_hash::FxHashMap as HashMap;

use super::lexicon::{lexicon, Lang, Lexicon};
use crate::language::tokens::Tokens;

/// Maximum words between a request word and the noun.
const PRE_WINDOW: usize = 8;
/// Maximum words between the noun and a following request word.
const POST_WINDOW: usize = 6;
/// Maximum words added to the phrase on either side.
const EXT_WINDOW: usize = 12;

/// A run of adjacent person nouns ("customer service rep", "kisi insaan").
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    strong: bool,
}

/// Why a request pattern found in the text does not count as a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Declined {
    /// A negation in the request words ("I don't want a human", "no quiero", "nahi chahiye").
    Negated,
    /// Past narrative ("I spoke to an agent yesterday", "maine agent se baat ki thi").
    Narrative,
    /// A question about what is needed ("do I need a person at home?").
    Question,
    /// Words after it say the matter is settled ("quería hablar con alguien pero ya se resolvió").
    Settled,
}

impl Declined {
    /// The reason's name on the wire: `negated`, `narrative`, `question`, `settled`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Declined::Negated => "negated",
            Declined::Narrative => "narrative",
            Declined::Question => "question",
            Declined::Settled => "settled",
        }
    }
}

/// What a noun group (or a transfer frame) evaluated to: a request's word range, a pattern that
/// was declined and why, or nothing.
#[derive(Debug, Clone, Copy)]
enum Eval {
    Request(usize, usize),
    Declined(usize, usize, Declined),
    Nothing,
}

/// Fuzzy-match results per distinct word, shared by all clauses of a text.
type FuzzyCache<'a> = RefCell<HashMap<&'a str, Option<bool>>>;

struct Ctx<'a> {
    toks: &'a Tokens,
    lx: &'a Lexicon,
    clause: Range<usize>,
    /// Index of the clause's last word that is not filler.
    last_non_filler: Option<usize>,
    fuzzy_cache: &'a FuzzyCache<'a>,
}

impl<'a> Ctx<'a> {
    fn new(
        toks: &'a Tokens,
        lx: &'a Lexicon,
        clause: Range<usize>,
        fuzzy_cache: &'a FuzzyCache<'a>,
    ) -> Self {
        let last_non_filler = clause
            .clone()
            .rev()
            .find(|&j| !lx.filler.contains(toks.word(j)));
        Ctx {
            toks,
            lx,
            clause,
            last_non_filler,
            fuzzy_cache,
        }
    }

    fn w(&self, i: usize) -> &str {
        if self.clause.contains(&i) {
            self.toks.word(i)
        } else {
            ""
        }
    }

    fn w_before(&self, i: usize, back: usize) -> &str {
        match i.checked_sub(back) {
            Some(j) => self.w(j),
            None => "",
        }
    }

    /// Is word `i` a negation? "no" directly before "I"/"we"/"thanks" is an
    /// interjection ("No I want a human"), not a negation.
    fn is_negator(&self, i: usize) -> bool {
        let w = self.w(i);
        if w == "no" {
            return !matches!(self.w(i + 1), "i" | "we" | "thanks" | "thank" | "gracias");
        }
        self.lx.negators.contains(w) || self.lx.hi_negators.contains(w)
    }

    /// If word `i` is a request word before the noun, the index where the
    /// request phrase starts ("can I have" starts two words earlier).
    fn pre_trigger(&self, i: usize) -> Option<usize> {
        let w = self.w(i);
        if !self.lx.pre_triggers.contains(w) {
            return None;
        }
        match w {
            "have" => {
                let p1 = self.w_before(i, 1);
                let p2 = self.w_before(i, 2);
                let ok = matches!(p1, "i" | "we") && matches!(p2, "can" | "could" | "may");
                i.checked_sub(2).filter(|_| ok)
            }
            "there" => {
                let ok = matches!(self.w_before(i, 1), "is" | "are" | "isnt" | "arent");
                i.checked_sub(1).filter(|_| ok)
            }
            "like" => {
                let ok = matches!(self.w_before(i, 1), "id" | "would" | "wd");
                i.checked_sub(1).filter(|_| ok)
            }
            _ => Some(i),
        }
    }

    fn is_pre_glue(&self, i: usize) -> bool {
        let w = self.w(i);
        if matches!(w, "be" | "ser") {
            return self.lx.be_next.contains(self.w(i + 1));
        }
        self.lx.pre_glue.contains(w)
    }

    /// Are all words after `i` in the clause filler?
    fn only_filler_after(&self, i: usize) -> bool {
        !matches!(self.last_non_filler, Some(l) if l > i)
    }

    /// If word `i` is a request word after the noun, the index of the last
    /// word of the request phrase.
    fn post_trigger(&self, i: usize, group_start: usize) -> Option<usize> {
        let w = self.w(i);
        if self.lx.post_triggers.contains(w) {
            return Some(i);
        }
        if self.lx.post_final.contains(w) && self.only_filler_after(i) {
            return Some(i);
        }
        // "koi insaan hai?", "koi real person hai kya?" (is there a human?)
        let koi_before = self.w_before(group_start, 1) == "koi"
            || (self.w_before(group_start, 2) == "koi"
                && self.lx.modifiers.contains(self.w_before(group_start, 1)));
        if matches!(w, "hai" | "h" | "he") && koi_before && self.only_filler_after(i) {
            return Some(i);
        }
        // Hinglish "call karo" / "se call karwa do": a call asked of the person.
        if w == "cal" && self.lx.hinglish_call_next(self.w(i + 1)) {
            // "call", normalised
            return Some(i + 1);
        }
        if self.lx.me_verbs.contains(w) && matches!(self.w(i + 1), "me" | "us" | "mujhe") {
            return Some(i + 1);
        }
        None
    }

    /// Person-noun length at word `i` (multi-word nouns first), and whether it
    /// is strong.
    fn noun_at(&self, i: usize) -> Option<(usize, bool)> {
        if !self.clause.contains(&i) {
            return None;
        }
        let toks: &'a Tokens = self.toks;
        let w: &'a str = toks.word(i);
        if let Some(candidates) = self.lx.multi.get(w) {
            let best = candidates
                .iter()
                .filter(|m| m.iter().enumerate().all(|(k, part)| self.w(i + k) == part))
                .map(Vec::len)
                .max();
            if let Some(len) = best {
                return Some((len, true));
            }
        }
        if self.lx.strong.contains(w) {
            return Some((1, true));
        }
        if self.lx.weak.contains(w) {
            return Some((1, false));
        }
        if let Some(cached) = self.fuzzy_cache.borrow().get(w) {
            return cached.map(|strong| (1, strong));
        }
        let found = self.lx.fuzzy_noun(w);
        self.fuzzy_cache.borrow_mut().insert(w, found);
        found.map(|strong| (1, strong))
    }

    /// Is the weak noun group next to a modifier ("real person", "persona
    /// real", "persona de verdad")?
    fn has_modifier(&self, g: &Group) -> bool {
        let before = self.w_before(g.start, 1);
        let after = self.w(g.end);
        self.lx.modifiers.contains(before)
            || self.lx.modifiers.contains(after)
            || (after == "de" && self.w(g.end + 1) == "verdad")
    }

    /// Evaluates one noun group: the phrase's word range if it is a (non-negated,
    /// non-narrative) request, or the range and why it is not.
    fn evaluate(&self, g: &Group, bare: bool) -> Eval {
        let lx = self.lx;
        if lx.exclude_after.contains(self.w(g.end)) {
            return Eval::Nothing;
        }
        let mut negated = false;

        // Request word before the noun.
        let mut pre = None;
        let lower = self.clause.start.max(g.start.saturating_sub(PRE_WINDOW));
        let mut j = g.start;
        while j > lower {
            j -= 1;
            if self.is_negator(j) {
                negated = true;
                continue;
            }
            if let Some(st) = self.pre_trigger(j) {
                pre = Some(st);
                break;
            }
            if self.is_pre_glue(j) {
                continue;
            }
            break;
        }

        // Request word after the noun.
        let mut post = None;
        let mut post_negated = false;
        let upper = self.clause.end.min(g.end + POST_WINDOW);
        let mut k = g.end;
        while k < upper {
            if self.is_negator(k) {
                post_negated = true;
                k += 1;
                continue;
            }
            if let Some(end) = self.post_trigger(k, g.start) {
                post = Some(end);
                break;
            }
            if lx.post_glue.contains(self.w(k)) || self.noun_at(k).is_some() {
                k += 1;
                continue;
            }
            break;
        }
        if post.is_some() {
            negated |= post_negated;
        }

        let (mut a, mut b) = if pre.is_some() || post.is_some() {
            (pre.unwrap_or(g.start), post.unwrap_or(g.end - 1))
        } else if bare && (g.strong || self.has_modifier(g)) {
            (self.clause.start, self.clause.end - 1)
        } else {
            match self.indirect(g) {
                Some(range) => range,
                None => return Eval::Nothing,
            }
        };

        // Lead-in words ("can I", "I don't want to") before the phrase.
        let mut past = false;
        let lim = self.clause.start.max(a.saturating_sub(EXT_WINDOW));
        while a > lim {
            let w = self.w(a - 1);
            if w == "no" && !self.is_negator(a - 1) {
                break;
            }
            if self.is_negator(a - 1) {
                negated = true;
                a -= 1;
                continue;
            }
            if lx.past_before.contains(w) {
                past = true;
                break;
            }
            if lx.lead_in.contains(w) {
                a -= 1;
                continue;
            }
            break;
        }

        // Verb group and politeness words after the phrase.
        let lim = self.clause.end.min(b + 1 + EXT_WINDOW);
        while b + 1 < lim {
            let w = self.w(b + 1);
            if lx.hi_negators.contains(w) {
                negated = true;
                b += 1;
                continue;
            }
            if lx.past_after.contains(w) {
                past = true;
                break;
            }
            if lx.right_ext.contains(w) {
                b += 1;
                continue;
            }
            break;
        }

        // "do I need a person at home?": a question about what is needed, not a request.
        let need_question = matches!(self.w(a), "do" | "does" | "did" | "will")
            && matches!(self.w(a + 1), "i" | "we" | "you")
            && matches!(self.w(a + 2), "ned" | "have"); // "need", normalised
        if negated {
            Eval::Declined(a, b, Declined::Negated)
        } else if past {
            Eval::Declined(a, b, Declined::Narrative)
        } else if need_question {
            Eval::Declined(a, b, Declined::Question)
        } else {
            Eval::Request(a, b)
        }
    }

    /// An indirect request: a directive before the noun (or a modal after it) and an action verb
    /// after it: "can a human review my case", "let someone from your team handle this", "a
    /// human should handle this", "kya koi human mera case dekh sakta hai", "¿puede un humano
    /// revisar mi caso?". Questions about habits ("does a human check refunds?") have no
    /// directive and do not count. Returns the phrase's word range.
    fn indirect(&self, g: &Group) -> Option<(usize, usize)> {
        let lx = self.lx;
        let upper = self.clause.end.min(g.end + POST_WINDOW);
        let mut k = g.end;
        let mut modal_after = false;
        let verb = loop {
            if k >= upper || self.is_negator(k) {
                return None;
            }
            let w = self.w(k);
            if lx.action_verbs.contains(w) {
                break k;
            }
            modal_after |= lx.after_modals.contains(w);
            if lx.after_modals.contains(w)
                || lx.action_glue.contains(w)
                || self.noun_at(k).is_some()
            {
                k += 1;
                continue;
            }
            return None;
        };
        modal_after |= lx.after_modals.contains(self.w(verb));
        // "dekh sakta hai", "check kar sakte ho".
        let mut end = verb;
        if self.w(end + 1) == "kar" {
            end += 1;
        }
        let hi_can = lx.hi_can.contains(self.w(end + 1));
        if hi_can {
            end += 1;
        } else {
            end = verb;
        }
        let lower = self.clause.start.max(g.start.saturating_sub(PRE_WINDOW));
        let mut j = g.start;
        let mut directive = None;
        while j > lower {
            j -= 1;
            let w = self.w(j);
            if self.is_negator(j) {
                return None;
            }
            if lx.directives.contains(w) {
                directive = Some(j);
                break;
            }
            if self.is_pre_glue(j) || matches!(w, "i" | "we" | "u" | "you" | "kisi" | "kya") {
                continue;
            }
            break;
        }
        if directive.is_none() && !modal_after && !hi_can {
            return None;
        }
        Some((directive.unwrap_or(g.start), end))
    }

    fn language(&self, a: usize, b: usize) -> &'static str {
        let mut es = false;
        for i in a..=b {
            match self.lx.lang.get(self.w(i)) {
                Some(Lang::Hi) => return "hi-Latn",
                Some(Lang::Es) => es = true,
                None => {}
            }
        }
        if es {
            "es"
        } else {
            "en"
        }
    }

    /// Finds the first request in this clause, or else the first pattern declined.
    fn find(&self) -> Eval {
        let mut groups: Vec<Group> = Vec::new();
        let mut covered = 0usize;
        let mut fillers = 0usize;
        let mut i = self.clause.start;
        while i < self.clause.end {
            match self.noun_at(i) {
                Some((len, strong)) => {
                    let end = (i + len).min(self.clause.end);
                    covered += end - i;
                    match groups.last_mut() {
                        Some(g) if g.end == i => {
                            g.end = end;
                            g.strong |= strong;
                        }
                        _ => groups.push(Group {
                            start: i,
                            end,
                            strong,
                        }),
                    }
                    i = end;
                }
                None => {
                    if self.lx.filler.contains(self.w(i)) {
                        fillers += 1;
                    }
                    i += 1;
                }
            }
        }
        if groups.is_empty() {
            return self.transfer_frame();
        }
        // "Thank you, agent": a vocative, not a request.
        let before = |back: usize| {
            self.clause
                .start
                .checked_sub(back)
                .map_or("", |j| self.toks.word(j))
        };
        let after_thanks = matches!(
            before(1),
            "thanks" | "thx" | "ty" | "gracias" | "shukriya" | "dhanyavad"
        ) || (before(1) == "you" && before(2) == "thank");
        let bare = !after_thanks && covered + fillers == self.clause.len();
        let mut declined = Eval::Nothing;
        for g in &groups {
            match self.evaluate(g, bare) {
                request @ Eval::Request(..) => return request,
                d @ Eval::Declined(..) if matches!(declined, Eval::Nothing) => declined = d,
                _ => {}
            }
        }
        match self.transfer_frame() {
            request @ Eval::Request(..) => request,
            frame if matches!(declined, Eval::Nothing) => frame,
            _ => declined,
        }
    }

    /// Spanish "put me through to": a transfer verb, "con" and a noun, whatever the noun
    /// ("pásame con ventas", "comunícame con el departamento de facturación"), unless negated
    /// ("no me pases con nadie" has no transfer verb form; "no, pásame con ..." is an answer).
    fn transfer_frame(&self) -> Eval {
        const ARTICLES: &[&str] = &["el", "la", "los", "las", "un", "una", "tu", "su", "mi"];
        let lx = self.lx;
        let Some(at) = self
            .clause
            .clone()
            .find(|&i| lx.transfer_verbs.contains(self.w(i)) && self.w(i + 1) == "con")
        else {
            return Eval::Nothing;
        };
        let mut end = at + 2;
        while ARTICLES.contains(&self.w(end)) {
            end += 1;
        }
        if self.w(end).is_empty() {
            return Eval::Nothing;
        }
        let lower = self.clause.start.max(at.saturating_sub(3));
        if (lower..at).any(|j| self.is_negator(j)) {
            return Eval::Declined(at, end, Declined::Negated);
        }
        Eval::Request(at, end)
    }
}

/// Whether a word from `from` on says the matter is settled ("ya se resolvió", "it's fixed
/// now"), not negated by one of the two words before it ("not fixed", "no resuelto").
fn resolved_after(toks: &Tokens, lx: &Lexicon, from: usize) -> bool {
    (from..toks.len()).any(|i| {
        lx.resolved.contains(toks.word(i))
            && !(i.saturating_sub(2)..i).any(|j| {
                j >= from && (lx.negators.contains(toks.word(j)) || toks.word(j).ends_with("nt"))
            })
    })
}

/// Splits the words into clauses at punctuation and conjunctions.
fn clauses(toks: &Tokens, lx: &Lexicon) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut current = toks.tok(0).map(|t| t.clause);
    for i in 0..toks.len() {
        let c = toks.tok(i).map(|t| t.clause);
        if c != current {
            if start < i {
                out.push(start..i);
            }
            start = i;
            current = c;
        }
        if lx.splitters.contains(toks.word(i)) {
            if start < i {
                out.push(start..i);
            }
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(start..toks.len());
    }
    out
}

/// A request pattern found in the words: the byte range of its phrase in the original text (the
/// matched words and their lead-in and politeness words), its language, and why it does not
/// count, if it does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    pub(super) span: Range<usize>,
    pub(super) language: &'static str,
    pub(super) declined: Option<Declined>,
}

/// The first request in the words `toks`; without one, the first pattern that was declined
/// (negated, narrative, a question, or settled by the words after it).
pub(super) fn examine(toks: &Tokens) -> Option<Found> {
    let lx = lexicon();
    let fuzzy_cache = FuzzyCache::default();
    let mut first_declined = None;
    for clause in clauses(toks, lx) {
        let ctx = Ctx::new(toks, lx, clause, &fuzzy_cache);
        let (a, b, declined) = match ctx.find() {
            Eval::Request(a, b) => (a, b, None),
            Eval::Declined(a, b, why) => (a, b, Some(why)),
            Eval::Nothing => continue,
        };
        let (Some(first), Some(last)) = (toks.tok(a), toks.tok(b)) else {
            continue;
        };
        let found = |declined| Found {
            span: first.start..last.end,
            language: ctx.language(a, b),
            declined,
        };
        match declined {
            // "quería hablar con alguien pero ya se resolvió": withdrawn.
            None if resolved_after(toks, lx, b + 1) => return Some(found(Some(Declined::Settled))),
            None => return Some(found(None)),
            Some(why) => {
                if first_declined.is_none() {
                    first_declined = Some(found(Some(why)));
                }
            }
        }
    }
    first_declined
}
