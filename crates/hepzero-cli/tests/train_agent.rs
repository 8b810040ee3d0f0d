//! `hepzero train-agent`: a run killed with SIGKILL (twice: during pre-training, then during the
//! first AlphaZero iteration) and resumed ends with the same network, records and harvest as an
//! uninterrupted run with the same seed; bad signal lists and folders exit with code 2.

use hepzero_backend::{DeviceChoice, select_device};
use hepzero_tokens::{Grammar, GrammarConfig, Vocabulary};
use hepzero_transformer::{PolicyValueNet, Query, load_checkpoint};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A reduced configuration: one signal, a small GA, a 16-wide network, two iterations of four games
/// and 200 drawn sequences.
const TINY: &str = r#"{
  "network": {"vocab_size": 568, "d_model": 16, "heads": 2, "encoder_layers": 1, "decoder_layers": 1,
              "d_ff": 32, "max_signal_len": 32, "max_decoder_len": 80, "vocabulary": 0},
  "ga": {"population": 200, "generations": 2},
  "pretrain": {"epochs": 6, "batch_size": 8, "warmup_steps": 2},
  "iterations": 2,
  "games_per_signal": 4,
  "harvest_samples": 200,
  "selfplay": {"simulations": 8, "max_moves": 64,
               "search": {"batch_size": 4, "rollouts": 0, "record_terminals": true}},
  "iteration_epochs": 2
}"#;

fn hepzero() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hepzero"));
    c.args(["--device", "cpu", "--quiet", "--seed", "3"]);
    c
}

fn setup(dir: &Path) -> (PathBuf, PathBuf) {
    let signals = dir.join("signals.txt");
    std::fs::write(&signals, "# one signal\nB0 -> K+ pi-\n").unwrap();
    let config = dir.join("tiny.json");
    std::fs::write(&config, TINY).unwrap();
    (signals, config)
}

fn train(signals: &Path, config: &Path, out: &Path, resume: bool) -> Command {
    let mut c = hepzero();
    c.arg("train-agent").arg("--signals").arg(signals).arg("--config").arg(config).arg("--out").arg(out);
    if resume {
        c.arg("--resume");
    }
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

/// Starts a run and kills it with SIGKILL as soon as `marker` exists.
fn kill_when(mut command: Command, marker: &Path) {
    let mut child = command.spawn().unwrap();
    let start = Instant::now();
    while !marker.exists() {
        assert!(child.try_wait().unwrap().is_none(), "the run ended before {} appeared", marker.display());
        assert!(start.elapsed() < Duration::from_secs(300), "{} never appeared", marker.display());
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn run_ok(mut command: Command) {
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn kill_9_and_resume_gives_the_uninterrupted_model() {
    let dir = tempfile::tempdir().unwrap();
    let (signals, config) = setup(dir.path());
    let straight = dir.path().join("straight");
    run_ok(train(&signals, &config, &straight, false));

    let killed = dir.path().join("killed");
    kill_when(train(&signals, &config, &killed, false), &killed.join("pretrain/trainer.json"));
    assert!(!killed.join("iterations/000/trainer.json").exists(), "the first kill came after pre-training");
    kill_when(train(&signals, &config, &killed, true), &killed.join("iterations/001/selfplay-00.rec"));
    assert!(!killed.join("iterations/001/trainer.json").exists(), "the second kill came after iteration 1");
    run_ok(train(&signals, &config, &killed, true));

    for file in ["config.json", "iterations/002/selfplay-00.rec", "iterations/002/selfplay-00.json"] {
        let a = std::fs::read(straight.join(file)).unwrap();
        let b = std::fs::read(killed.join(file)).unwrap();
        assert!(a == b, "{file} differs between the uninterrupted and the killed-and-resumed run");
    }
    // The weight files also hold burn's random parameter ids, so the networks are compared by
    // what they compute: priors and values on every prefix of some backgrounds, bit for bit.
    let (a, b) = (network(&straight), network(&killed));
    let vocab = Arc::new(Vocabulary::lhcb_default().unwrap());
    let grammar = Grammar::new(vocab, "B0 -> K+ pi-", GrammarConfig::default()).unwrap();
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    for text in ["anti-B_s0 -> K+ pi-", "anti-B_s0 -> (rho- -> pi- pi0{miss}) K+", "B0 -> K+ pi- pi0{miss}"] {
        let tokens = grammar.background_tokens(&grammar.parse_background(text).expect(text));
        let mut state = grammar.initial_state();
        for (k, &t) in tokens.iter().enumerate() {
            let valid = grammar.valid_next(&state);
            let q =
                [Query { signal: grammar.signal_tokens(), background: &tokens[..k], valid: valid.words() }];
            let (x, y) = (a.evaluate(&q, &device).unwrap(), b.evaluate(&q, &device).unwrap());
            assert_eq!(x, y, "the resumed network differs after {k} tokens of {text}");
            grammar.push(&mut state, t).unwrap();
        }
    }
}

fn network(dir: &Path) -> PolicyValueNet {
    load_checkpoint(dir, &select_device(DeviceChoice::Cpu).unwrap().device).unwrap()
}

#[test]
fn bad_lists_and_folders_exit_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let (_, config) = setup(dir.path());
    let list = dir.path().join("bad.txt");
    std::fs::write(&list, "B0 -> K+ pi-\n\nB0 -> K+ K+\n").unwrap();
    let out = train(&list, &config, &dir.path().join("a"), false).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.txt, line 3") && stderr.contains("B0 -> K+ K+"), "{stderr}");

    let out = train(&list, &config, &dir.path().join("nothing-here"), true).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no training run to resume"));
}
