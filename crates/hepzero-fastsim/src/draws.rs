//! A buffered view of one ChaCha8 stream for the simulation's hot loop: 64-bit words are
//! generated a few hundred at a time (`Rng::fill`, which writes whole ChaCha blocks) and handed
//! out by an index, so a draw is a load and a compare. The words are those of the stream, in
//! order; a chunk's leftover words are dropped with it, which keeps results independent of the
//! thread count.

use rand::{Rng, RngCore};
use rand_chacha::ChaCha8Rng;

/// Words generated per refill.
const WORDS: usize = 256;

/// The buffered stream (implements `RngCore`, so every `Rng` method works on it).
pub(crate) struct Draws {
    rng: ChaCha8Rng,
    buf: [u64; WORDS],
    pos: usize,
}

impl Draws {
    pub(crate) fn new(rng: ChaCha8Rng) -> Self {
        Self { rng, buf: [0; WORDS], pos: WORDS }
    }

    #[cold]
    #[inline(never)]
    fn refill(&mut self) {
        self.rng.fill(&mut self.buf[..]);
        self.pos = 0;
    }
}

impl RngCore for Draws {
    #[inline(always)]
    fn next_u64(&mut self) -> u64 {
        if self.pos >= WORDS {
            self.refill();
        }
        let x = self.buf.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        x
    }

    #[inline]
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The buffered words are the stream's own, in order, across refills.
    #[test]
    fn words_are_the_stream_in_order() {
        let mut plain = ChaCha8Rng::seed_from_u64(3);
        plain.set_stream(5);
        let mut buffered = plain.clone();
        let mut d = Draws::new(buffered.clone());
        for _ in 0..3 * WORDS + 7 {
            assert_eq!(d.next_u64(), plain.next_u64());
        }
        buffered.set_stream(6);
        assert_ne!(Draws::new(buffered).next_u64(), d.next_u64());
    }
}
