//! Duplicate detection for `hooky listen`: remembers the sequence number of the first request for
//! each event id, in a bounded window so memory stays flat however many requests arrive. Pure.

use std::collections::{HashMap, VecDeque};

/// How many event ids `listen` remembers by default.
pub const DEFAULT_WINDOW: usize = 50_000;

/// The most recent `capacity` event ids, each with the sequence number that first carried it.
#[derive(Debug)]
pub struct DuplicateWindow {
    capacity: usize,
    first_seen: HashMap<String, u64>,
    order: VecDeque<String>,
}

impl DuplicateWindow {
    pub fn new(capacity: usize) -> Self {
        DuplicateWindow {
            capacity: capacity.max(1),
            first_seen: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Records that request `seq` carries `event_id`; returns the first sequence number that carried
    /// it when this is a repeat. When the window is full the oldest id is forgotten.
    pub fn check(&mut self, event_id: &str, seq: u64) -> Option<u64> {
        if let Some(first) = self.first_seen.get(event_id) {
            return Some(*first);
        }
        if self.order.len() >= self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.first_seen.remove(&oldest);
        }
        self.first_seen.insert(event_id.to_string(), seq);
        self.order.push_back(event_id.to_string());
        None
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_point_at_the_first() {
        let mut window = DuplicateWindow::new(10);
        assert_eq!(window.check("evt_1", 1), None);
        assert_eq!(window.check("evt_2", 2), None);
        assert_eq!(window.check("evt_1", 3), Some(1));
        assert_eq!(window.check("evt_1", 4), Some(1));
        assert_eq!(window.len(), 2);
    }

    #[test]
    fn the_window_is_bounded() {
        let mut window = DuplicateWindow::new(3);
        for (seq, id) in ["a", "b", "c", "d"].iter().enumerate() {
            assert_eq!(window.check(id, seq as u64 + 1), None);
        }
        assert_eq!(window.len(), 3);
        // "a" fell out of the window, "d" is still in it.
        assert_eq!(window.check("a", 5), None);
        assert_eq!(window.check("d", 6), Some(4));
        assert_eq!(window.len(), 3);
    }
}
