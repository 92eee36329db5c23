//! Any bytes through decode → parse → check → fix: no panic, and the
//! properties of `crates/ferry/tests/support/pipeline.rs` (fixed output
//! parses, fixing is idempotent, bytes outside the fixes are unchanged).
//! The property code is shared with the proptest suite, not copied.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/ferry/tests/support/pipeline.rs"]
mod pipeline;

fuzz_target!(|data: &[u8]| {
    pipeline::check_bytes(data);
});
