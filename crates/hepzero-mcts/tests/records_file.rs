//! Self-play record files on disk: append across writer sessions, a torn final record after a crash
//! is dropped (not fatal) and cut off on the next append.

use hepzero_mcts::synthetic::TargetPathGame;
use hepzero_mcts::{
    Episode, RecordWriter, SearchConfig, SelfPlayConfig, UniformEvaluator, read_records, self_play,
};
use std::io::Write;

fn episodes() -> Vec<Episode> {
    let g = TargetPathGame::new(30, 10, 1).unwrap();
    let cfg = SelfPlayConfig {
        search: SearchConfig { batch_size: 8, ..SearchConfig::default() },
        simulations: 32,
        ..SelfPlayConfig::default()
    };
    self_play(&g, &UniformEvaluator, &cfg, 3, 5).unwrap().0
}

#[test]
fn append_crash_and_recover() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("selfplay.hzr");
    let eps = episodes();
    {
        let mut w = RecordWriter::create(&path, 30).unwrap();
        w.write(&eps[0]).unwrap();
        w.write(&eps[1]).unwrap();
    }
    {
        let mut w = RecordWriter::append(&path, 30).unwrap();
        w.write(&eps[2]).unwrap();
    }
    let f = read_records(&path).unwrap();
    assert_eq!(f.episodes, eps);
    assert_eq!(f.dropped_tail_bytes, 0);
    let clean_len = std::fs::metadata(&path).unwrap().len();
    assert_eq!(f.valid_bytes, clean_len);

    // A crash half-way through a record: the first 13 bytes of a record only.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(&[40, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9, 9, 9])
        .unwrap();
    let torn = read_records(&path).unwrap();
    assert_eq!(torn.episodes, eps);
    assert_eq!(torn.dropped_tail_bytes, 13);

    // Appending cuts the torn tail first, so the new record is readable.
    {
        let mut w = RecordWriter::append(&path, 30).unwrap();
        w.write(&eps[0]).unwrap();
        w.sync().unwrap();
    }
    let after = read_records(&path).unwrap();
    assert_eq!(after.episodes.len(), 4);
    assert_eq!(after.episodes[3], eps[0]);
    assert_eq!(after.dropped_tail_bytes, 0);

    // Wrong action space and a non-record file are errors that name the file.
    assert!(RecordWriter::append(&path, 31).unwrap_err().to_string().contains("selfplay.hzr"));
    let other = dir.path().join("notes.txt");
    std::fs::write(&other, b"hello, this is not a record file").unwrap();
    let err = read_records(&other).unwrap_err().to_string();
    assert!(err.contains("notes.txt") && err.contains("magic"), "{err}");
}
