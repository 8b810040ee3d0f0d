//! Signal lists: a text file with one signal decay per line in the token syntax (EvtGen names),
//! `#` starting a comment, blank lines ignored. Each signal remembers its line, so a signal the
//! reward cannot use is reported as `FILE, line N`.

use crate::{Error, Result, file_error};
use std::path::Path;

/// One signal of a list and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedSignal {
    /// The decay, e.g. `B0 -> K+ pi-`.
    pub signal: String,
    /// 1-based line number in the list.
    pub line: usize,
}

/// A list of signals read from a file or an embedded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalList {
    /// Where the list came from (a path, or a fixture name).
    pub origin: String,
    /// The signals in file order.
    pub signals: Vec<ListedSignal>,
}

impl SignalList {
    /// Parses the list in `text`; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<SignalList> {
        let mut signals: Vec<ListedSignal> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let signal = raw.split('#').next().unwrap_or_default().trim();
            if signal.is_empty() {
                continue;
            }
            if !signal.contains("->") {
                return Err(Error::Signal {
                    origin: origin.into(),
                    line,
                    signal: signal.into(),
                    message: "a signal is 'PARENT -> DAUGHTERS', e.g. 'B0 -> K+ pi-'".into(),
                });
            }
            if let Some(first) = signals.iter().find(|s| s.signal == signal) {
                return Err(Error::Signal {
                    origin: origin.into(),
                    line,
                    signal: signal.into(),
                    message: format!("listed twice (first on line {})", first.line),
                });
            }
            signals.push(ListedSignal { signal: signal.into(), line });
        }
        if signals.is_empty() {
            return Err(Error::Config(format!("{origin}: the signal list is empty")));
        }
        Ok(SignalList { origin: origin.into(), signals })
    }

    /// Reads and parses the list file at `path`.
    pub fn read(path: &Path) -> Result<SignalList> {
        let text = std::fs::read_to_string(path).map_err(|e| file_error(path, e))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// The signal decays in order.
    pub fn names(&self) -> Vec<String> {
        self.signals.iter().map(|s| s.signal.clone()).collect()
    }

    /// An [`Error::Signal`] for signal `index` of this list.
    pub fn error(&self, index: usize, message: impl ToString) -> Error {
        let s = &self.signals[index.min(self.signals.len().saturating_sub(1))];
        Error::Signal {
            origin: self.origin.clone(),
            line: s.line,
            signal: s.signal.clone(),
            message: message.to_string(),
        }
    }
}

/// The benchmark's training signals (`fixtures/benchmarks/training.txt`).
pub fn benchmark_training() -> SignalList {
    embedded(include_str!("../../../fixtures/benchmarks/training.txt"), "fixtures/benchmarks/training.txt")
}

/// The benchmark's generalisation signals (`fixtures/benchmarks/generalisation.txt`).
pub fn benchmark_generalisation() -> SignalList {
    embedded(
        include_str!("../../../fixtures/benchmarks/generalisation.txt"),
        "fixtures/benchmarks/generalisation.txt",
    )
}

fn embedded(text: &str, origin: &str) -> SignalList {
    // The embedded lists are checked by this crate's tests; an empty list here is unreachable.
    SignalList::parse(text, origin).unwrap_or(SignalList { origin: origin.into(), signals: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blank_lines_and_line_numbers() {
        let list =
            SignalList::parse("# B -> hh\n\nB0 -> K+ pi-   # the golden mode\nB0 -> pi+ pi-\n", "x.txt")
                .unwrap();
        assert_eq!(list.names(), ["B0 -> K+ pi-", "B0 -> pi+ pi-"]);
        assert_eq!(list.signals[1].line, 4);
        let e = list.error(1, "no such mode").to_string();
        assert!(e.contains("x.txt, line 4") && e.contains("B0 -> pi+ pi-"), "{e}");
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let e = SignalList::parse("B0 -> K+ pi-\nB0 K+ pi-\n", "list.txt").unwrap_err().to_string();
        assert!(e.contains("list.txt, line 2") && e.contains("B0 K+ pi-"), "{e}");
        let e = SignalList::parse("B0 -> K+ pi-\n\nB0 -> K+ pi-\n", "list.txt").unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("first on line 1"), "{e}");
        assert!(SignalList::parse("# nothing\n", "empty.txt").is_err());
    }

    #[test]
    fn the_benchmark_lists_have_the_issue_sizes() {
        assert!(benchmark_training().signals.len() >= 17);
        assert!(benchmark_generalisation().signals.len() >= 8);
        let training = benchmark_training().names();
        assert!(benchmark_generalisation().names().iter().all(|s| !training.contains(s)));
    }
}
