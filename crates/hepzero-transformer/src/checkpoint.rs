//! Checkpoints: a folder with `config.json` (format, network shape) and `weights.bpk` (burn's
//! Burnpack), each written atomically through hepzero-backend.

use crate::{Error, PolicyValueNet, Result, TransformerConfig};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the checkpoint layout.
pub const CHECKPOINT_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    config: TransformerConfig,
}

fn error(path: &Path, message: impl ToString) -> Error {
    Error::Checkpoint { path: path.display().to_string(), message: message.to_string() }
}

/// Saves the network's shape and weights into the folder `dir` (created if missing).
pub fn save_checkpoint(model: &PolicyValueNet, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| error(dir, e))?;
    let header = Header { format: CHECKPOINT_FORMAT, config: model.config().clone() };
    let json = serde_json::to_vec_pretty(&header).map_err(|e| error(dir, e))?;
    hepzero_backend::write_atomically(&dir.join("config.json"), &json)?;
    hepzero_backend::save_module(model, &dir.join("weights.bpk"))?;
    Ok(())
}

/// Loads a network saved by [`save_checkpoint`] onto `device`.
pub fn load_checkpoint(dir: &Path, device: &Device) -> Result<PolicyValueNet> {
    let path = dir.join("config.json");
    let text = std::fs::read(&path).map_err(|e| error(&path, e))?;
    let header: Header = serde_json::from_slice(&text).map_err(|e| error(&path, e))?;
    if header.format != CHECKPOINT_FORMAT {
        return Err(error(
            &path,
            format!("format {} is not the supported {}", header.format, CHECKPOINT_FORMAT),
        ));
    }
    let skeleton = PolicyValueNet::new(&header.config, 0, device)?;
    Ok(hepzero_backend::load_module(skeleton, &dir.join("weights.bpk"))?)
}
