//! One setting of glibc's allocator, made before any other thread starts.
//!
//! glibc serves a block above its mmap threshold (128 KiB) from a mapping of
//! its own, returned to the system when freed. But when such a block is
//! freed, it raises the threshold to that block's size (up to 32 MiB): after
//! the first large file or syntax tree, blocks of that size come from the
//! threads' heaps instead, which keep the holes they leave, and peak memory
//! grew with the number of files read. Setting the threshold, even to its
//! default, turns the adjustment off. With the prefilter off, the 4x
//! benchmark tree peaked at 32.6-34.8 MiB before and 26.8-27.7 after (1x:
//! 31-32 and 25); BENCHMARKS.md has the rest.

/// glibc's own default, kept.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 * 1024;

pub fn keep_large_blocks_in_own_mappings() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a parameter of the allocator, under its
    // own lock; it is called at start-up, before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use std::hint::black_box;

    use super::*;

    /// Blocks mapped on their own right now, in bytes.
    fn mapped() -> usize {
        // SAFETY: mallinfo2 only reads the allocator's counters.
        unsafe { libc::mallinfo2() }.hblkhd
    }

    #[test]
    fn a_large_block_is_mapped_on_its_own_after_a_larger_one_was_freed() {
        keep_large_blocks_in_own_mappings();
        // Freeing this would raise glibc's threshold to 16 MiB.
        drop(black_box(vec![1u8; 16 << 20]));
        let before = mapped();
        let block = black_box(vec![1u8; 4 << 20]);
        let during = mapped();
        drop(block);
        assert!(
            during >= before + (4 << 20),
            "a 4 MiB block came from a heap ({before} -> {during} bytes mapped)"
        );
    }
}
