//! [`Chunked`]: a ticket's growing sequence (its conversation, its SLA
//! cycles), kept in chunks that the ticket's clones share.

use std::fmt;
use std::iter::FusedIterator;
use std::ops::Deref;
use std::slice;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How many items a chunk holds. Appending to a shared sequence copies the
/// list of chunks (one pointer per `CHUNK` items) and the items of the last
/// chunk, so this trades the one against the other.
const CHUNK: usize = 4;

/// A sequence of items, oldest first, shared by a ticket's clones.
///
/// The items are kept in chunks of a few, each behind its own `Arc`.
/// Cloning the sequence touches one reference count (none while it is
/// empty), and changing a clone copies the list of chunks (a pointer per
/// few items) and the one chunk that changes, never the other items: a
/// reply to a ticket shared with a store copies at most a few comments,
/// however long the conversation.
///
/// The layout stays inside the crate: a [`Ticket`](crate::Ticket) hands
/// out its items through [`iter`](Self::iter), whose iterator counts,
/// steps to an index and reaches the newest item without walking the
/// others. It compares, prints and serializes as the list of its items.
pub(crate) struct Chunked<T>(Option<Arc<Spine<T>>>);

/// The chunks: every one but the last holds exactly [`CHUNK`] items, the
/// last one 1 to [`CHUNK`]. Never empty (an empty sequence has no spine).
struct Spine<T> {
    chunks: Vec<Arc<Chunk<T>>>,
    len: usize,
}

impl<T> Clone for Spine<T> {
    /// A copy with room for one more chunk, as the copy is made to append.
    fn clone(&self) -> Self {
        let mut chunks = Vec::with_capacity(self.chunks.len() + 1);
        chunks.extend(self.chunks.iter().cloned());
        Self {
            chunks,
            len: self.len,
        }
    }
}

impl<T> Chunked<T> {
    /// An empty sequence; allocates nothing.
    pub(crate) const fn new() -> Self {
        Self(None)
    }

    /// How many items it holds.
    pub(crate) fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |spine| spine.len)
    }

    /// Whether it holds no item.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The items, oldest first.
    pub(crate) fn iter(&self) -> ChunkedIter<'_, T> {
        let chunks: &[Arc<Chunk<T>>] = self.0.as_ref().map_or(&[], |spine| &spine.chunks);
        ChunkedIter {
            chunks: chunks.iter(),
            front: [].iter(),
            back: [].iter(),
            len: self.len(),
        }
    }
}

impl<T: Clone> Chunked<T> {
    /// Appends `item`. While another clone shares the sequence, copies the
    /// list of chunks and the items of the last chunk, not the others.
    pub(crate) fn push(&mut self, item: T) {
        let spine = Arc::make_mut(self.0.get_or_insert_with(|| {
            Arc::new(Spine {
                chunks: Vec::new(),
                len: 0,
            })
        }));
        spine.len += 1;
        if let Some(last) = spine.chunks.last_mut()
            && last.len() < CHUNK
        {
            Arc::make_mut(last).0.push(item);
            return;
        }
        let mut chunk = Vec::with_capacity(CHUNK);
        chunk.push(item);
        spine.chunks.push(Arc::new(Chunk(chunk)));
    }

    /// The newest item that `pred` accepts, to change, if there is one.
    /// While another clone shares the sequence, copies the list of chunks
    /// and the chunk that holds the item, not the others.
    pub(crate) fn rfind_mut(&mut self, mut pred: impl FnMut(&T) -> bool) -> Option<&mut T> {
        let (chunk, index) = self
            .0
            .as_ref()?
            .chunks
            .iter()
            .enumerate()
            .rev()
            .find_map(|(c, chunk)| chunk.iter().rposition(&mut pred).map(|i| (c, i)))?;
        let spine = Arc::make_mut(self.0.as_mut()?);
        Arc::make_mut(spine.chunks.get_mut(chunk)?).0.get_mut(index)
    }
}

/// A chunk's items.
struct Chunk<T>(Vec<T>);

impl<T: Clone> Clone for Chunk<T> {
    /// A copy with room for a full chunk, as the copy is made to change
    /// it, perhaps to append.
    fn clone(&self) -> Self {
        let mut items = Vec::with_capacity(CHUNK);
        items.extend_from_slice(&self.0);
        Self(items)
    }
}

impl<T> Deref for Chunk<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for Chunked<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut chunks = Vec::new();
        let mut len = 0;
        let mut chunk = Vec::new();
        for item in iter {
            if chunk.len() == CHUNK {
                chunks.push(Arc::new(Chunk(std::mem::take(&mut chunk))));
            }
            if chunk.is_empty() {
                chunk.reserve_exact(CHUNK);
            }
            chunk.push(item);
            len += 1;
        }
        if !chunk.is_empty() {
            chunks.push(Arc::new(Chunk(chunk)));
        }
        if chunks.is_empty() {
            Self(None)
        } else {
            Self(Some(Arc::new(Spine { chunks, len })))
        }
    }
}

impl<T> From<Vec<T>> for Chunked<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<'a, T> IntoIterator for &'a Chunked<T> {
    type Item = &'a T;
    type IntoIter = ChunkedIter<'a, T>;

    fn into_iter(self) -> ChunkedIter<'a, T> {
        self.iter()
    }
}

impl<T: PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => self.len() == other.len() && self.iter().eq(other.iter()),
        }
    }
}

impl<T: Eq> Eq for Chunked<T> {}

impl<T: fmt::Debug> fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for Chunked<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Chunked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Self::from)
    }
}

/// The items of a [`Chunked`], oldest first (or newest first, with
/// [`rev`](Iterator::rev)).
pub(crate) struct ChunkedIter<'a, T> {
    /// The chunks neither end has started.
    chunks: slice::Iter<'a, Arc<Chunk<T>>>,
    /// What is left of the chunk the front has started.
    front: slice::Iter<'a, T>,
    /// What is left of the chunk the back has started.
    back: slice::Iter<'a, T>,
    /// How many items are left.
    len: usize,
}

impl<T> Clone for ChunkedIter<'_, T> {
    fn clone(&self) -> Self {
        Self {
            chunks: self.chunks.clone(),
            front: self.front.clone(),
            back: self.back.clone(),
            len: self.len,
        }
    }
}

impl<'a, T> Iterator for ChunkedIter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(item) = self.front.next() {
                self.len -= 1;
                return Some(item);
            }
            match self.chunks.next() {
                Some(chunk) => self.front = chunk.iter(),
                None => {
                    let item = self.back.next()?;
                    self.len -= 1;
                    return Some(item);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }

    fn count(self) -> usize {
        self.len
    }

    fn last(mut self) -> Option<&'a T> {
        self.next_back()
    }

    /// Steps over whole chunks: every chunk but the sequence's last holds
    /// [`CHUNK`] items, so the one holding the item is found by division.
    fn nth(&mut self, n: usize) -> Option<&'a T> {
        if n >= self.len {
            self.chunks = [].iter();
            self.front = [].iter();
            self.back = [].iter();
            self.len = 0;
            return None;
        }
        let mut offset = n;
        if offset >= self.front.len() {
            offset -= self.front.len();
            let whole = self.chunks.len();
            let skip = offset / CHUNK;
            match self.chunks.nth(skip) {
                Some(chunk) => {
                    self.front = chunk.iter();
                    offset -= skip * CHUNK;
                }
                // The item is in the chunk the back has started.
                None => {
                    self.front = std::mem::replace(&mut self.back, [].iter());
                    offset -= whole * CHUNK;
                }
            }
        }
        self.len -= n + 1;
        self.front.nth(offset)
    }
}

impl<'a, T> DoubleEndedIterator for ChunkedIter<'a, T> {
    fn next_back(&mut self) -> Option<&'a T> {
        loop {
            if let Some(item) = self.back.next_back() {
                self.len -= 1;
                return Some(item);
            }
            match self.chunks.next_back() {
                Some(chunk) => self.back = chunk.iter(),
                None => {
                    let item = self.front.next_back()?;
                    self.len -= 1;
                    return Some(item);
                }
            }
        }
    }
}

impl<T> ExactSizeIterator for ChunkedIter<'_, T> {}

impl<T> FusedIterator for ChunkedIter<'_, T> {}

impl<T: fmt::Debug> fmt::Debug for ChunkedIter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(n: usize) -> Chunked<usize> {
        let mut seq = Chunked::new();
        for i in 0..n {
            seq.push(i);
        }
        seq
    }

    /// The items, copied.
    fn items(seq: &Chunked<usize>) -> Vec<usize> {
        seq.iter().copied().collect()
    }

    /// Whether `a` and `b` hold the item at `index` in the same memory.
    fn shares(a: &Chunked<usize>, b: &Chunked<usize>, index: usize) -> bool {
        match (a.iter().nth(index), b.iter().nth(index)) {
            (Some(x), Some(y)) => std::ptr::eq(x, y),
            _ => false,
        }
    }

    #[test]
    fn it_reads_like_the_items_in_order() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5] {
            let seq = numbers(n);
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(seq.len(), n);
            assert_eq!(seq.is_empty(), n == 0);
            assert_eq!(seq.iter().copied().collect::<Vec<_>>(), items);
            assert_eq!(seq.iter().rev().copied().collect::<Vec<_>>(), {
                let mut rev = items.clone();
                rev.reverse();
                rev
            });
            assert_eq!(seq.iter().len(), n);
            assert_eq!(seq.iter().next(), items.first());
            assert_eq!(seq.iter().last(), items.last());
            assert_eq!(seq.iter().count(), n);
            assert_eq!(seq.iter().nth(n), None);
            for i in 0..n {
                assert_eq!(seq.iter().nth(i), Some(&i));
            }
            assert_eq!(Chunked::from(items.clone()), seq);
        }
    }

    #[test]
    fn stepping_to_an_index_skips_chunks_from_either_end() {
        for n in [0, 1, CHUNK, CHUNK + 1, 3 * CHUNK + 2] {
            let seq = numbers(n);
            for taken_back in 0..=n.min(CHUNK + 1) {
                for start in 0..=n {
                    for step in 0..=n + 1 {
                        let mut iter = seq.iter();
                        let mut plain = (0..n).collect::<Vec<_>>().into_iter();
                        for _ in 0..taken_back {
                            assert_eq!(iter.next_back().copied(), plain.next_back());
                        }
                        assert_eq!(iter.nth(start).copied(), plain.nth(start));
                        assert_eq!(iter.nth(step).copied(), plain.nth(step));
                        assert_eq!(iter.len(), plain.len());
                        assert_eq!(iter.clone().last().copied(), plain.clone().last());
                        assert_eq!(iter.copied().collect::<Vec<_>>(), plain.collect::<Vec<_>>());
                    }
                }
            }
        }
    }

    #[test]
    fn both_ends_of_an_iterator_meet_without_overlap() {
        let seq = numbers(2 * CHUNK + 3);
        let mut iter = seq.iter();
        let mut seen = Vec::new();
        let mut from_front = true;
        while let Some(&item) = if from_front {
            iter.next()
        } else {
            iter.next_back()
        } {
            seen.push(item);
            from_front = !from_front;
            assert_eq!(iter.len(), seq.len() - seen.len());
        }
        assert_eq!(iter.next(), None);
        seen.sort_unstable();
        assert_eq!(seen, (0..seq.len()).collect::<Vec<_>>());
    }

    #[test]
    fn appending_to_a_clone_leaves_the_original_and_shares_full_chunks() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 2] {
            let original = numbers(n);
            let mut copy = original.clone();
            copy.push(n);
            assert_eq!(items(&original), (0..n).collect::<Vec<_>>());
            assert_eq!(items(&copy), (0..=n).collect::<Vec<_>>());
            // Every item before the last chunk is the original's own memory.
            let last_chunk_start = n - n % CHUNK;
            for i in 0..last_chunk_start {
                assert!(shares(&original, &copy, i), "item {i} of {n} was copied");
            }
        }
    }

    #[test]
    fn changing_an_item_of_a_clone_copies_only_its_chunk() -> Result<(), String> {
        let mut original = numbers(4 * CHUNK);
        original.push(CHUNK + 2);
        let mut copy = original.clone();
        let target = CHUNK + 2;
        // The newest match is the last item; the one before is in chunk 1.
        *copy.rfind_mut(|&i| i == target).ok_or("found")? = 1000;
        *copy.rfind_mut(|&i| i == target).ok_or("found")? = 2000;
        assert_eq!(copy.iter().nth(target), Some(&2000));
        assert_eq!(copy.iter().last(), Some(&1000));
        assert_eq!(original.iter().nth(target), Some(&target));
        assert_eq!(original.iter().last(), Some(&target));
        for i in 0..4 * CHUNK {
            assert_eq!(shares(&original, &copy, i), i / CHUNK != 1, "item {i}");
        }
        assert_eq!(copy.rfind_mut(|&i| i == target), None);
        assert_eq!(original.len(), copy.len());
        Ok(())
    }

    #[test]
    fn an_empty_sequence_holds_nothing() {
        let seq: Chunked<usize> = Chunked::new();
        assert!(seq.0.is_none());
        assert_eq!(seq.iter().next(), None);
        assert_eq!(seq.iter().last(), None);
        let collected: Chunked<usize> = std::iter::empty().collect();
        assert!(collected.0.is_none());
        assert_eq!(collected, seq);
    }

    #[test]
    fn it_compares_and_serializes_as_its_items() -> Result<(), serde_json::Error> {
        let seq = numbers(CHUNK + 1);
        let json = serde_json::to_string(&seq)?;
        assert_eq!(
            json,
            serde_json::to_string(&(0..=CHUNK).collect::<Vec<_>>())?
        );
        let back: Chunked<usize> = serde_json::from_str(&json)?;
        assert_eq!(back, seq);
        assert_ne!(numbers(CHUNK), seq);
        assert_eq!(format!("{seq:?}"), format!("{:?}", items(&seq)));
        let none: Chunked<usize> = serde_json::from_str("[]")?;
        assert!(none.0.is_none());
        Ok(())
    }
}
