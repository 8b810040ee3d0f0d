//! Runnable examples of the hepzero crates live in `examples/examples/`; run one with
//! `cargo run --release -p hepzero-examples --example NAME`.
