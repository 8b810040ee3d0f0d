//! The policy-value network of hepzero's background finder: an encoder-decoder transformer over the
//! decay tokens of `hepzero-tokens`, built with burn through `hepzero-backend`.
//!
//! Seed 000 (Hijano Mendizabal et al., arXiv:2509.14894) uses "a transformer architecture for the
//! agent to handle token sequences representing decays": the signal's tokens go into the encoder,
//! the background built so far into the decoder, and two heads share the backbone:
//! - the **policy head** gives next-token logits at every decoder position; invalid tokens (per the
//!   `hepzero-tokens` grammar's valid-next [`BitMask`](hepzero_tokens::BitMask)) are masked before
//!   the softmax, so they get exactly zero probability;
//! - the **value head** gives, per prefix, the expected normalised reward in `[0, 1]` of completing
//!   it (a sigmoid output, the value space of `hepzero-mcts`).
//!
//! Architecture (Vaswani et al., arXiv:1706.03762, with pre-norm blocks as in Xiong et al.,
//! arXiv:2002.04745): token embeddings shared by encoder and decoder plus learned position
//! embeddings; encoder blocks `x + SelfAttn(LN(x))`, `x + FF(LN(x))`; decoder blocks with causal
//! self-attention, cross-attention to the encoded signal, and a feed-forward layer; a final layer
//! norm on each side. Every weight is drawn on the host from a seeded ChaCha stream, so the same
//! seed gives the same network on ndarray, flex and wgpu.
//!
//! Decoder sequences start with [`SEP`](hepzero_tokens::SEP): the input for a background prefix
//! `b_0 .. b_{k-1}` is `SEP b_0 .. b_{k-1}` and position `k` predicts `b_k` (or `END`).
//!
//! ```no_run
//! use hepzero_backend::{DeviceChoice, select_device};
//! use hepzero_transformer::{PolicyValueNet, TransformerConfig, Query};
//! let device = select_device(DeviceChoice::Cpu)?.device;
//! let net = PolicyValueNet::new(&TransformerConfig::new(40), 7, &device)?;
//! let signal = [hepzero_tokens::TokenId(12), hepzero_tokens::ARROW, hepzero_tokens::TokenId(20)];
//! let valid = [u64::MAX];
//! let out = net.evaluate(&[Query { signal: &signal, background: &[], valid: &valid }], &device)?;
//! assert_eq!(out.priors.len(), 40);
//! # Ok::<(), hepzero_transformer::Error>(())
//! ```

mod batch;
mod checkpoint;
mod config;
mod error;
mod eval;
mod fit;
mod layers;
mod model;
mod resume;
mod sample;
mod search;
mod train;

pub use batch::{DecoderBatch, Example};
pub use checkpoint::{CHECKPOINT_FORMAT, load_checkpoint, save_checkpoint};
pub use config::{TransformerConfig, vocabulary_fingerprint};
pub use error::{Error, Result};
pub use eval::{Evaluated, Query};
pub use fit::{EpochStats, FitConfig, FitReport, scheduled_learning_rate, split_by_signal};
pub use model::{DecodeState, PolicyValueNet};
pub use sample::{Distinct, OrderMarking, SampleConfig};
pub use search::{NetEvaluator, StateQuery};
pub use train::{StepStats, Trainer, TrainerConfig};
