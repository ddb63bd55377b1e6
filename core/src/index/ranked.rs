//! An ordered set that also answers "how many are before this one" (a queue position) without
//! walking it: sorted blocks of at most [`MAX_BLOCK`] keys ("sqrt decomposition").
//!
//! - `insert`, `remove`: a binary search over the blocks' last keys, then one block's memmove
//!   (O(log b + B));
//! - `rank`: the same search plus the lengths of the blocks before it (O(log b + b), b = n / B:
//!   at 100,000 keys about 400 additions of `usize`).

use std::borrow::Borrow;

/// Keys per block at most; a full block is split in two.
const MAX_BLOCK: usize = 512;

/// A sorted set of distinct keys with positions. Two are equal when they hold the same keys,
/// whatever their block boundaries (which depend on the history of inserts and removals).
#[derive(Debug, Clone)]
pub(crate) struct Ranked<K> {
    /// Sorted, non-empty blocks; every key of a block is below every key of the next.
    blocks: Vec<Vec<K>>,
    len: usize,
}

impl<K: Ord> Default for Ranked<K> {
    fn default() -> Self {
        Ranked {
            blocks: Vec::new(),
            len: 0,
        }
    }
}

impl<K: Ord> Ranked<K> {
    /// The block that holds `key`, or where it would go.
    fn block_of<Q: Ord + ?Sized>(&self, key: &Q) -> usize
    where
        K: Borrow<Q>,
    {
        // The first block whose last key is >= key; the last block when key is above all.
        let i = self.blocks.partition_point(|b| {
            b.last()
                .is_some_and(|last| <K as Borrow<Q>>::borrow(last) < key)
        });
        i.min(self.blocks.len().saturating_sub(1))
    }

    /// Keys in the blocks before block `b`.
    fn before(&self, b: usize) -> usize {
        self.blocks[..b].iter().map(Vec::len).sum()
    }

    /// Adds `key`; returns its 0-based position, or `None` when it was already there.
    pub(crate) fn insert(&mut self, key: K) -> Option<usize> {
        if self.blocks.is_empty() {
            self.blocks.push(vec![key]);
            self.len = 1;
            return Some(0);
        }
        let b = self.block_of(&key);
        let block = &mut self.blocks[b];
        match block.binary_search(&key) {
            Ok(_) => None,
            Err(at) => {
                block.insert(at, key);
                if block.len() > MAX_BLOCK {
                    let upper = block.split_off(block.len() / 2);
                    self.blocks.insert(b + 1, upper);
                }
                self.len += 1;
                Some(self.before(b) + at)
            }
        }
    }

    /// Removes `key`; returns the 0-based position it had, or `None` when it was not there.
    pub(crate) fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
    {
        if self.blocks.is_empty() {
            return None;
        }
        let b = self.block_of(key);
        let block = &mut self.blocks[b];
        let at = block.binary_search_by(|k| k.borrow().cmp(key)).ok()?;
        block.remove(at);
        let position = self.before(b) + at;
        if self.blocks[b].is_empty() {
            self.blocks.remove(b);
        }
        self.len -= 1;
        Some(position)
    }

    /// How many keys are below `key`, when `key` is in the set (its 0-based position).
    pub(crate) fn rank<Q: Ord + ?Sized>(&self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
    {
        if self.blocks.is_empty() {
            return None;
        }
        let b = self.block_of(key);
        let at = self.blocks[b]
            .binary_search_by(|k| k.borrow().cmp(key))
            .ok()?;
        Some(self.before(b) + at)
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Up to `limit` keys in order from the 0-based position `offset`, reached by skipping whole
    /// blocks (O(b + limit)).
    pub(crate) fn page(&self, offset: usize, limit: usize) -> impl Iterator<Item = &K> {
        let mut skip = offset;
        let mut first = self.blocks.len();
        for (i, block) in self.blocks.iter().enumerate() {
            if skip < block.len() {
                first = i;
                break;
            }
            skip -= block.len();
        }
        self.blocks[first..].iter().flatten().skip(skip).take(limit)
    }

    /// Keys in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &K> {
        self.blocks.iter().flatten()
    }
}

impl<K: Ord> FromIterator<K> for Ranked<K> {
    /// Built from keys in any order (duplicates are dropped).
    fn from_iter<I: IntoIterator<Item = K>>(keys: I) -> Self {
        let mut all: Vec<K> = keys.into_iter().collect();
        all.sort();
        all.dedup();
        Ranked::from_sorted(all)
    }
}

impl<K: Ord> Ranked<K> {
    /// Built from strictly increasing keys, in half-full blocks.
    fn from_sorted(all: Vec<K>) -> Self {
        let len = all.len();
        let mut blocks = Vec::with_capacity(len / (MAX_BLOCK / 2) + 1);
        let mut block = Vec::with_capacity(MAX_BLOCK / 2);
        for key in all {
            block.push(key);
            if block.len() == MAX_BLOCK / 2 {
                blocks.push(std::mem::replace(
                    &mut block,
                    Vec::with_capacity(MAX_BLOCK / 2),
                ));
            }
        }
        if !block.is_empty() {
            blocks.push(block);
        }
        Ranked { blocks, len }
    }
}

impl<K: Ord> PartialEq for Ranked<K> {
    fn eq(&self, other: &Ranked<K>) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Inserts and removals in any order: the same keys and ranks as a `BTreeSet`.
        #[test]
        fn ranks_match_a_sorted_set(ops in prop::collection::vec((any::<bool>(), 0u16..3000), 0..4000)) {
            let mut ranked = Ranked::default();
            let mut set = BTreeSet::new();
            for (add, key) in ops {
                let rank = set.range(..key).count();
                if add {
                    let got = ranked.insert(key);
                    prop_assert_eq!(got, set.insert(key).then_some(rank));
                } else {
                    let got = ranked.remove(&key);
                    prop_assert_eq!(got, set.remove(&key).then_some(rank));
                }
            }
            prop_assert_eq!(ranked.len(), set.len());
            prop_assert!(ranked.iter().eq(set.iter()));
            for (i, key) in set.iter().enumerate() {
                prop_assert_eq!(ranked.rank(key), Some(i));
            }
            prop_assert_eq!(ranked.rank(&5000), None);
            let rebuilt: Ranked<u16> = set.iter().copied().collect();
            prop_assert!(rebuilt == ranked);
            for (offset, limit) in [(0, 10), (1, 700), (511, 3), (512, 2), (set.len(), 5), (set.len() + 9, 5), (3, 0)] {
                let page: Vec<u16> = ranked.page(offset, limit).copied().collect();
                let want: Vec<u16> = set.iter().skip(offset).take(limit).copied().collect();
                prop_assert_eq!(page, want);
            }
        }
    }

    #[test]
    fn positions_survive_block_splits() {
        // Descending inserts put every key at the front of the first block, splitting it often.
        let mut ranked = Ranked::default();
        for k in (0..5000u32).rev() {
            ranked.insert(k);
        }
        assert!(ranked.blocks.len() > 5000 / MAX_BLOCK);
        assert_eq!(ranked.rank(&0), Some(0));
        assert_eq!(ranked.rank(&4999), Some(4999));
        assert_eq!(ranked.rank(&2500), Some(2500));
        assert_eq!(ranked.remove(&0), Some(0));
        assert_eq!(ranked.rank(&2500), Some(2499));
    }
}
