//! Self-play record files: compact, versioned, appendable, and safe against a crash mid-write.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! header   "HZMCTSRC"  (8 bytes magic)
//!          version     u16  (= 1)
//!          reserved    u16  (= 0)
//!          num_actions u32  (size of the action space the tokens index)
//! record   length      u32  (payload bytes)
//!          crc32       u32  (CRC-32/IEEE of the payload)
//!          payload:    reward f64
//!                      n_tokens varint, then n_tokens varint tokens
//!                      n_steps varint, then per step: n_entries varint, then n_entries
//!                      (action varint, visits varint)
//! ```
//!
//! Varints are unsigned LEB128 (at most 5 bytes for a `u32`). A record is written with one
//! `write_all` call; if the process dies mid-write the final record is short or fails its checksum,
//! and the reader drops it (reporting how many bytes) instead of failing. Opening a file for append
//! first truncates such a torn tail, so later records stay aligned. A bad checksum anywhere but at
//! the end is real corruption and an error naming the file and byte offset.

use crate::crc32::crc32;
use crate::error::{Error, Result};
use crate::selfplay::Episode;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// File magic.
pub const MAGIC: &[u8; 8] = b"HZMCTSRC";
/// Format version written by this crate.
pub const VERSION: u16 = 1;
const HEADER_LEN: usize = 16;
/// Largest payload accepted when reading (guards against a garbage length).
pub const MAX_PAYLOAD: u32 = 1 << 28;

/// Contents of a record file.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordFile {
    /// Format version in the header.
    pub version: u16,
    /// Size of the action space.
    pub num_actions: u32,
    /// Every complete record, in file order.
    pub episodes: Vec<Episode>,
    /// Bytes up to the end of the last complete record.
    pub valid_bytes: u64,
    /// Bytes of a torn final record that were ignored (0 for a clean file).
    pub dropped_tail_bytes: u64,
}

fn io_err(path: &Path, source: std::io::Error) -> Error {
    Error::Io { path: path.to_path_buf(), source }
}

fn fmt_err(path: &Path, offset: usize, reason: impl Into<String>) -> Error {
    Error::Format { path: path.to_path_buf(), offset: offset as u64, reason: reason.into() }
}

fn header(num_actions: u32) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..8].copy_from_slice(MAGIC);
    h[8..10].copy_from_slice(&VERSION.to_le_bytes());
    h[12..16].copy_from_slice(&num_actions.to_le_bytes());
    h
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(buf: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v: u64 = 0;
    for i in 0..5 {
        let b = *buf.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            return u32::try_from(v).ok();
        }
    }
    None
}

/// Encode one episode's payload. Tokens and actions must be `< num_actions`.
pub fn encode_episode(ep: &Episode, num_actions: u32, out: &mut Vec<u8>) -> Result<()> {
    let check = |a: u32| {
        if a >= num_actions {
            Err(Error::ActionOutOfRange { action: a, num_actions: num_actions as usize })
        } else {
            Ok(())
        }
    };
    out.extend_from_slice(&ep.reward.to_le_bytes());
    put_varint(out, ep.tokens.len() as u32);
    for &t in &ep.tokens {
        check(t)?;
        put_varint(out, t);
    }
    put_varint(out, ep.policies.len() as u32);
    for step in &ep.policies {
        put_varint(out, step.len() as u32);
        for &(a, n) in step {
            check(a)?;
            put_varint(out, a);
            put_varint(out, n);
        }
    }
    Ok(())
}

fn decode_episode(p: &[u8], num_actions: u32) -> std::result::Result<Episode, &'static str> {
    let reward = f64::from_le_bytes(
        p.get(..8).ok_or("payload shorter than its reward")?.try_into().map_err(|_| "reward")?,
    );
    let mut pos = 8;
    let n_tokens = get_varint(p, &mut pos).ok_or("bad token count")? as usize;
    // Each varint is at least one byte: a count larger than the payload is corrupt.
    if n_tokens > p.len() {
        return Err("token count exceeds payload");
    }
    let mut tokens = Vec::with_capacity(n_tokens);
    for _ in 0..n_tokens {
        let t = get_varint(p, &mut pos).ok_or("bad token")?;
        if t >= num_actions {
            return Err("token outside the action space");
        }
        tokens.push(t);
    }
    let n_steps = get_varint(p, &mut pos).ok_or("bad step count")? as usize;
    if n_steps > p.len() {
        return Err("step count exceeds payload");
    }
    let mut policies = Vec::with_capacity(n_steps);
    for _ in 0..n_steps {
        let n = get_varint(p, &mut pos).ok_or("bad entry count")? as usize;
        if n > p.len() {
            return Err("entry count exceeds payload");
        }
        let mut step = Vec::with_capacity(n);
        for _ in 0..n {
            let a = get_varint(p, &mut pos).ok_or("bad action")?;
            let v = get_varint(p, &mut pos).ok_or("bad visit count")?;
            if a >= num_actions {
                return Err("action outside the action space");
            }
            step.push((a, v));
        }
        policies.push(step);
    }
    if pos != p.len() {
        return Err("trailing bytes in payload");
    }
    Ok(Episode { tokens, policies, reward })
}

/// Parse a whole record file held in memory; `path` only names it in errors.
pub fn decode_records(bytes: &[u8], path: &Path) -> Result<RecordFile> {
    if bytes.len() < HEADER_LEN {
        return Err(fmt_err(
            path,
            0,
            format!("file of {} bytes is shorter than the 16-byte header", bytes.len()),
        ));
    }
    if &bytes[..8] != MAGIC {
        return Err(fmt_err(path, 0, "not a hepzero-mcts record file (bad magic)"));
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version != VERSION {
        return Err(fmt_err(path, 8, format!("format version {version}, this reader knows {VERSION}")));
    }
    let num_actions = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
    let mut pos = HEADER_LEN;
    let mut episodes = Vec::new();
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        if rest.len() < 8 {
            break; // torn record header
        }
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
        if len > MAX_PAYLOAD {
            if rest.len() < 8 + MAX_PAYLOAD as usize {
                break; // a garbage length can only come from a torn write at the end
            }
            return Err(fmt_err(path, pos, format!("record length {len} exceeds the limit {MAX_PAYLOAD}")));
        }
        let end = 8 + len as usize;
        if rest.len() < end {
            break; // torn payload
        }
        let payload = &rest[8..end];
        if crc32(payload) != crc {
            if rest.len() == end {
                break; // the final record: torn
            }
            return Err(fmt_err(path, pos, "record checksum mismatch (file corrupt)"));
        }
        let ep = decode_episode(payload, num_actions).map_err(|r| fmt_err(path, pos + 8, r))?;
        episodes.push(ep);
        pos += end;
    }
    Ok(RecordFile {
        version,
        num_actions,
        episodes,
        valid_bytes: pos as u64,
        dropped_tail_bytes: (bytes.len() - pos) as u64,
    })
}

/// Read a record file, dropping a torn final record.
pub fn read_records(path: impl AsRef<Path>) -> Result<RecordFile> {
    let path = path.as_ref();
    let mut bytes = Vec::new();
    File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(|e| io_err(path, e))?;
    decode_records(&bytes, path)
}

/// Appends episodes to a record file.
#[derive(Debug)]
pub struct RecordWriter {
    file: File,
    path: PathBuf,
    num_actions: u32,
    sync_each: bool,
    buf: Vec<u8>,
}

impl RecordWriter {
    /// Create (or replace) `path` with an empty record file. The header is written to a temporary file
    /// in the same directory and renamed into place, so `path` never holds a partial header.
    pub fn create(path: impl AsRef<Path>, num_actions: u32) -> Result<Self> {
        let path = path.as_ref();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io_err(path, e))?;
        tmp.write_all(&header(num_actions)).map_err(|e| io_err(path, e))?;
        tmp.as_file().sync_all().map_err(|e| io_err(path, e))?;
        tmp.persist(path).map_err(|e| io_err(path, e.error))?;
        Self::open_existing(path, num_actions, HEADER_LEN as u64)
    }

    /// Open `path` for appending, creating it if absent. A torn final record left by a crash is cut
    /// off first. Fails if the file's action space differs from `num_actions`.
    pub fn append(path: impl AsRef<Path>, num_actions: u32) -> Result<Self> {
        let path = path.as_ref();
        if !path.exists() {
            return Self::create(path, num_actions);
        }
        let existing = read_records(path)?;
        if existing.num_actions != num_actions {
            return Err(fmt_err(
                path,
                12,
                format!("file has {} actions, writer was given {num_actions}", existing.num_actions),
            ));
        }
        Self::open_existing(path, num_actions, existing.valid_bytes)
    }

    fn open_existing(path: &Path, num_actions: u32, valid: u64) -> Result<Self> {
        let file = OpenOptions::new().write(true).open(path).map_err(|e| io_err(path, e))?;
        file.set_len(valid).map_err(|e| io_err(path, e))?;
        drop(file);
        let file = OpenOptions::new().append(true).open(path).map_err(|e| io_err(path, e))?;
        Ok(Self { file, path: path.to_path_buf(), num_actions, sync_each: false, buf: Vec::new() })
    }

    /// Call `fsync` after every record (slower; survives power loss, not only a process crash).
    pub fn sync_each_record(mut self, on: bool) -> Self {
        self.sync_each = on;
        self
    }

    /// Append one episode as one record.
    pub fn write(&mut self, ep: &Episode) -> Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(&[0u8; 8]);
        encode_episode(ep, self.num_actions, &mut self.buf)?;
        let len = (self.buf.len() - 8) as u32;
        let crc = crc32(&self.buf[8..]);
        self.buf[..4].copy_from_slice(&len.to_le_bytes());
        self.buf[4..8].copy_from_slice(&crc.to_le_bytes());
        self.file.write_all(&self.buf).map_err(|e| io_err(&self.path, e))?;
        if self.sync_each {
            self.file.sync_data().map_err(|e| io_err(&self.path, e))?;
        }
        Ok(())
    }

    /// Flush to disk.
    pub fn sync(&mut self) -> Result<()> {
        self.file.sync_data().map_err(|e| io_err(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn episode_strategy() -> impl Strategy<Value = Episode> {
        (
            proptest::collection::vec(0u32..300, 0..20),
            proptest::collection::vec(proptest::collection::vec((0u32..300, any::<u32>()), 0..8), 0..20),
            any::<f64>(),
        )
            .prop_map(|(tokens, policies, reward)| Episode { tokens, policies, reward })
    }

    fn same(a: &Episode, b: &Episode) -> bool {
        a.tokens == b.tokens && a.policies == b.policies && a.reward.to_bits() == b.reward.to_bits()
    }

    proptest! {
        #[test]
        fn round_trip_and_torn_tail(eps in proptest::collection::vec(episode_strategy(), 1..6), cut in 1usize..64) {
            let mut bytes = header(300).to_vec();
            let mut ends = Vec::new();
            for e in &eps {
                let mut p = Vec::new();
                encode_episode(e, 300, &mut p).unwrap();
                bytes.extend_from_slice(&(p.len() as u32).to_le_bytes());
                bytes.extend_from_slice(&crc32(&p).to_le_bytes());
                bytes.extend_from_slice(&p);
                ends.push(bytes.len());
            }
            let f = decode_records(&bytes, Path::new("mem")).unwrap();
            prop_assert_eq!(f.episodes.len(), eps.len());
            for (a, b) in f.episodes.iter().zip(&eps) { prop_assert!(same(a, b)); }
            prop_assert_eq!(f.dropped_tail_bytes, 0);
            // Cut the last record short: all earlier records survive, the tail is reported.
            let last_start = if eps.len() > 1 { ends[eps.len() - 2] } else { HEADER_LEN };
            let cut = cut.min(bytes.len() - last_start);
            let torn = &bytes[..bytes.len() - cut];
            let g = decode_records(torn, Path::new("mem")).unwrap();
            prop_assert_eq!(g.episodes.len(), eps.len() - 1);
            prop_assert_eq!(g.valid_bytes as usize, last_start);
            prop_assert_eq!(g.dropped_tail_bytes as usize, torn.len() - last_start);
        }

        #[test]
        fn decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut b = header(50).to_vec();
            b.extend_from_slice(&bytes);
            let _ = decode_records(&b, Path::new("mem"));
            let _ = decode_records(&bytes, Path::new("mem"));
        }
    }

    #[test]
    fn corruption_in_the_middle_is_an_error_naming_the_offset() {
        let e = Episode { tokens: vec![1, 2], policies: vec![vec![(1, 3)], vec![(2, 1)]], reward: 0.5 };
        let mut bytes = header(10).to_vec();
        for _ in 0..2 {
            let mut p = Vec::new();
            encode_episode(&e, 10, &mut p).unwrap();
            bytes.extend_from_slice(&(p.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&crc32(&p).to_le_bytes());
            bytes.extend_from_slice(&p);
        }
        bytes[HEADER_LEN + 9] ^= 0xFF; // flip a payload byte of the first record
        let err = decode_records(&bytes, Path::new("run.hzr")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("run.hzr") && msg.contains("byte 16") && msg.contains("checksum"), "{msg}");
    }
}
