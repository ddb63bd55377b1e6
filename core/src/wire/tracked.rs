//! [`Tracked`]: a map of the state that remembers which keys changed since they were last taken,
//! so the engine can report per-record changes ([`crate::wire::changes`]) at the cost of what
//! changed, never of the whole map.
//!
//! Reads go through `Deref` to the `BTreeMap`; every way to change it is a method here that marks
//! the keys it touches, so the compiler finds every write (there is no `DerefMut`). It serialises,
//! deserialises, compares and describes itself exactly as the plain map: the snapshot format does
//! not change, and the marks are not part of it.

use std::borrow::Borrow;
use std::collections::btree_map::{self, BTreeMap};
use std::collections::BTreeSet;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A `BTreeMap` that marks the keys written or removed since [`Tracked::take_dirty`].
#[derive(Debug, Clone)]
pub struct Tracked<K: Ord, V> {
    map: BTreeMap<K, V>,
    dirty: BTreeSet<K>,
    /// Whether writes are marked: off until a host asks for changes, so a host that persists
    /// whole snapshots pays nothing and keeps no marks.
    tracking: bool,
}

impl<K: Ord, V> Default for Tracked<K, V> {
    fn default() -> Self {
        Tracked {
            map: BTreeMap::new(),
            dirty: BTreeSet::new(),
            tracking: false,
        }
    }
}

impl<K: Ord, V> Deref for Tracked<K, V> {
    type Target = BTreeMap<K, V>;

    fn deref(&self) -> &BTreeMap<K, V> {
        &self.map
    }
}

impl<K: Ord, V: PartialEq> PartialEq for Tracked<K, V> {
    /// Equal when the maps are: the marks are bookkeeping, not state.
    fn eq(&self, other: &Self) -> bool {
        self.map == other.map
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a Tracked<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = btree_map::Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

impl<K: Ord, V> From<BTreeMap<K, V>> for Tracked<K, V> {
    /// The map with nothing marked.
    fn from(map: BTreeMap<K, V>) -> Self {
        Tracked {
            map,
            dirty: BTreeSet::new(),
            tracking: false,
        }
    }
}

impl<K: Ord + Clone, V> Tracked<K, V> {
    /// The value at `key` to change, marking `key`.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized + ToOwned<Owned = K>,
    {
        let value = self.map.get_mut(key)?;
        if self.tracking && !self.dirty.contains(key) {
            self.dirty.insert(key.to_owned());
        }
        Some(value)
    }

    /// Inserts `value` at `key`, marking `key`; the value it replaced, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if self.tracking {
            self.dirty.insert(key.clone());
        }
        self.map.insert(key, value)
    }

    /// Removes `key`, marking it when it was there.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized + ToOwned<Owned = K>,
    {
        let removed = self.map.remove(key)?;
        if self.tracking {
            self.dirty.insert(key.to_owned());
        }
        Some(removed)
    }

    /// The entry at `key`, marking `key` (whatever is done with the entry).
    pub fn entry(&mut self, key: K) -> btree_map::Entry<'_, K, V> {
        if self.tracking {
            self.dirty.insert(key.clone());
        }
        self.map.entry(key)
    }

    /// Every value to change, marking every key: for the rare passes that may touch them all.
    pub fn values_mut(&mut self) -> btree_map::ValuesMut<'_, K, V> {
        if self.tracking {
            self.dirty.extend(self.map.keys().cloned());
        }
        self.map.values_mut()
    }

    /// Every entry to change, marking every key.
    pub fn iter_mut(&mut self) -> btree_map::IterMut<'_, K, V> {
        if self.tracking {
            self.dirty.extend(self.map.keys().cloned());
        }
        self.map.iter_mut()
    }

    /// Keeps the entries `keep` says to, marking those it removes.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let (dirty, tracking) = (&mut self.dirty, self.tracking);
        self.map.retain(|k, v| {
            let kept = keep(k, v);
            if !kept && tracking {
                dirty.insert(k.clone());
            }
            kept
        });
    }

    /// The keys written or removed since the last call, in key order; nothing is marked after.
    pub fn take_dirty(&mut self) -> BTreeSet<K> {
        std::mem::take(&mut self.dirty)
    }

    /// Starts (or stops) marking writes, from no marks either way.
    pub fn set_tracking(&mut self, on: bool) {
        self.tracking = on;
        self.dirty.clear();
    }

    /// Whether the map is empty (for `skip_serializing_if`).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Whether any key is marked.
    pub fn is_dirty(&self) -> bool {
        !self.dirty.is_empty()
    }
}

impl<K: Ord + Serialize, V: Serialize> Serialize for Tracked<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(serializer)
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Tracked<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(deserializer).map(Tracked::from)
    }
}

#[cfg(feature = "schema")]
impl<K: Ord + schemars::JsonSchema, V: schemars::JsonSchema> schemars::JsonSchema
    for Tracked<K, V>
{
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        <BTreeMap<K, V> as schemars::JsonSchema>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <BTreeMap<K, V> as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> Tracked<String, u32> {
        let mut m = Tracked::from(BTreeMap::from([("a".to_string(), 1), ("b".to_string(), 2)]));
        m.set_tracking(true);
        m
    }

    #[test]
    fn nothing_is_marked_until_tracking_starts() {
        let mut m = Tracked::from(BTreeMap::from([("a".to_string(), 1)]));
        *m.get_mut("a").expect("a") += 1;
        m.insert("b".into(), 2);
        m.remove("a");
        assert!(
            !m.is_dirty(),
            "a host that persists snapshots keeps no marks"
        );
        m.set_tracking(true);
        m.insert("c".into(), 3);
        assert_eq!(m.take_dirty().into_iter().collect::<Vec<_>>(), ["c"]);
    }

    #[test]
    fn every_write_marks_its_key_and_reads_mark_nothing() {
        let mut m = map();
        assert_eq!(m.get("a"), Some(&1));
        assert!(!m.is_dirty());
        *m.get_mut("a").expect("a") += 1;
        m.insert("c".into(), 3);
        m.remove("b");
        assert_eq!(m.remove("zz"), None);
        assert_eq!(m.get_mut("zz"), None);
        assert_eq!(
            m.take_dirty().into_iter().collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert!(!m.is_dirty());
        m.retain(|k, _| k != "c");
        assert_eq!(m.take_dirty().into_iter().collect::<Vec<_>>(), ["c"]);
        *m.entry("d".into()).or_insert(0) += 4;
        assert_eq!(m.take_dirty().into_iter().collect::<Vec<_>>(), ["d"]);
        m.values_mut().for_each(|v| *v += 1);
        assert_eq!(m.take_dirty().len(), m.len());
    }

    #[test]
    fn serialises_and_compares_as_the_plain_map() {
        let mut m = map();
        m.insert("c".into(), 3);
        let plain: BTreeMap<String, u32> =
            BTreeMap::from([("a".into(), 1), ("b".into(), 2), ("c".into(), 3)]);
        assert_eq!(
            serde_json::to_string(&m).expect("json"),
            serde_json::to_string(&plain).expect("json")
        );
        let back: Tracked<String, u32> =
            serde_json::from_str(&serde_json::to_string(&m).expect("json")).expect("back");
        assert_eq!(back, m, "equal though only one has marks");
        assert!(!back.is_dirty());
    }
}
