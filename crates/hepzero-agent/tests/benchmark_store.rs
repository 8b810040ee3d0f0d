//! `run_benchmark` with a store folder: each signal's figures are kept as it completes, a signal
//! already stored is read back rather than run again (a killed run resumes, shards share the
//! folder), and a folder made with other settings is refused.

use hepzero_agent::SignalList;
use hepzero_agent::benchmark::{BenchmarkConfig, BenchmarkRun, run_benchmark};
use hepzero_reward::RewardConfig;

fn config(threshold: f64) -> BenchmarkConfig {
    BenchmarkConfig {
        reward: RewardConfig { signal_events: 4000, threshold, ..RewardConfig::reduced() },
        ga: None,
        ..BenchmarkConfig::default()
    }
}

#[test]
fn stored_signals_are_read_back_and_shards_split_the_lists() {
    let training = SignalList::parse("Lambda_b0 -> p+ K-\n", "training.txt").unwrap();
    let generalisation = SignalList::parse("B0 -> K+ pi-\n", "generalisation.txt").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let run = |shard, config: &BenchmarkConfig| {
        let run = BenchmarkRun { store: Some(store.clone()), shard };
        run_benchmark(&training, &generalisation, config, None, &run, &mut |_, _, _| {}, &mut |_| {})
    };

    // Shard 1 of 2 runs the second signal of the two lists only.
    let first = run(Some((1, 2)), &config(1e-3)).unwrap();
    assert_eq!(first.signals.len(), 1);
    assert_eq!(
        (first.signals[0].signal.as_str(), first.signals[0].set.as_str()),
        ("B0 -> K+ pi-", "generalisation")
    );
    assert!(first.signals[0].oracle.found > 0, "the oracle finds backgrounds of B0 -> K+ pi-");

    // The whole run reads that signal back (same figures, its wall time included) and runs the other.
    let whole = run(None, &config(1e-3)).unwrap();
    assert_eq!(whole.signals.len(), 2);
    assert_eq!(whole.signals[0].signal, "Lambda_b0 -> p+ K-");
    assert_eq!(whole.signals[1], first.signals[0]);
    assert_eq!(whole.totals.len(), 2, "oracle totals of both sets");

    // Other settings on the same folder are refused, naming its config.json.
    let err = run(None, &config(1e-2)).unwrap_err().to_string();
    assert!(err.contains("config.json"), "{err}");

    // A shard outside 0..n is refused.
    assert!(run(Some((2, 2)), &config(1e-3)).is_err());
}
