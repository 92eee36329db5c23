//! Work handed from the threads that plan a fix to a thread that does
//! something else with it meanwhile (the guard, asking git): a queue the
//! planners push to without waiting, and the taker waits on without
//! spinning, since the cores are the planners'.

use std::sync::{Condvar, Mutex, MutexGuard};

pub(crate) struct Handover<T> {
    /// The items, and whether the last one is in.
    queue: Mutex<(Vec<T>, bool)>,
    ready: Condvar,
}

impl<T> Default for Handover<T> {
    fn default() -> Self {
        Self {
            queue: Mutex::new((Vec::new(), false)),
            ready: Condvar::new(),
        }
    }
}

impl<T> Handover<T> {
    /// Adds `item`, waking a taker once `wake_at` items wait.
    pub(crate) fn push(&self, item: T, wake_at: usize) {
        let mut queue = lock(&self.queue);
        queue.0.push(item);
        if queue.0.len() >= wake_at {
            self.ready.notify_one();
        }
    }

    /// No more items will come: takers get what is left, then `None`.
    pub(crate) fn end(&self) {
        lock(&self.queue).1 = true;
        self.ready.notify_all();
    }

    /// Every item waiting, once `at_least` do (or fewer, when the last is
    /// in); `None` when the last has been taken.
    pub(crate) fn take(&self, at_least: usize) -> Option<Vec<T>> {
        let mut queue = lock(&self.queue);
        loop {
            let (items, ended) = &mut *queue;
            if items.len() >= at_least.max(1) || (*ended && !items.is_empty()) {
                return Some(std::mem::take(items));
            }
            if *ended {
                return None;
            }
            queue = self.ready.wait(queue).expect("no panics while locked");
        }
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().expect("no panics while locked")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_taker_gets_every_item_once_in_order() {
        let handover = Handover::default();
        let taken = std::thread::scope(|scope| {
            let taker = scope.spawn(|| {
                let mut taken = Vec::new();
                while let Some(batch) = handover.take(7) {
                    assert!(!batch.is_empty());
                    taken.extend(batch);
                }
                taken
            });
            for i in 0..1000 {
                handover.push(i, 7);
            }
            handover.end();
            taker.join().unwrap()
        });
        assert_eq!(taken, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn a_taker_waits_for_a_batch_until_the_end() {
        let handover = Handover::default();
        handover.push(1, usize::MAX);
        handover.push(2, usize::MAX);
        std::thread::scope(|scope| {
            let taker = scope.spawn(|| handover.take(3));
            std::thread::sleep(std::time::Duration::from_millis(20));
            assert!(!taker.is_finished(), "two items are not a batch of three");
            handover.end();
            assert_eq!(taker.join().unwrap(), Some(vec![1, 2]));
        });
        assert_eq!(handover.take(1), None);
    }
}
