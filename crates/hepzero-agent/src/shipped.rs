//! The pre-trained agent shipped with hepzero (`fixtures/models/agent/`, embedded in the binary so
//! `backgrounds --method agent` works anywhere). How it was made: `fixtures/models/README.md`.

use crate::Result;
use hepzero_backend::burn::tensor::Device;
use hepzero_transformer::{PolicyValueNet, TransformerConfig};

const CONFIG: &str = include_str!("../../../fixtures/models/agent/config.json");
const WEIGHTS: &[u8] = include_bytes!("../../../fixtures/models/agent/weights.bpk");

#[derive(serde::Deserialize)]
struct Header {
    config: TransformerConfig,
}

/// The shipped agent's network on `device`.
pub fn shipped_model(device: &Device) -> Result<PolicyValueNet> {
    let header: Header = serde_json::from_str(CONFIG)
        .map_err(|e| crate::Error::Config(format!("fixtures/models/agent/config.json: {e}")))?;
    let skeleton = PolicyValueNet::new(&header.config, 0, device)?;
    Ok(hepzero_backend::load_module_bytes(
        skeleton,
        WEIGHTS.to_vec(),
        "fixtures/models/agent/weights.bpk".as_ref(),
    )?)
}
