//! Fuzz the self-play record reader: any byte string must parse or fail with an error, never panic.
//! Run: `cargo fuzz run records` in `crates/hepzero-mcts/fuzz`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(f) = hepzero_mcts::records::decode_records(data, Path::new("fuzz")) {
        assert!(f.valid_bytes + f.dropped_tail_bytes == data.len() as u64);
    }
});
