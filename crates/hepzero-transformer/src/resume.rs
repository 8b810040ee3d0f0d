//! Training checkpoints that resume with no lost steps: the weights, the Adam moments and the step
//! count, saved so that N straight steps and N/2 + kill + resume + N/2 give identical weights.
//!
//! Layout of the folder: `weights-<step>.bpk`, `optimizer-<step>.bpk`, then `trainer.json`
//! (written last, atomically) naming them: a kill at any moment leaves `trainer.json` pointing at a
//! complete earlier pair. The caller's data order must be a function of the step count
//! ([`Trainer::steps`]), which is the data loader's position.

use crate::{Error, PolicyValueNet, Result, Trainer, TrainerConfig, TransformerConfig};
use burn::optim::OptimizerRecord;
use burn::tensor::{Bytes, Device};
use hepzero_backend::{AdamStep, load_module, save_module, write_atomically};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the training-checkpoint layout.
const TRAINER_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct TrainerHeader {
    format: u32,
    network: TransformerConfig,
    trainer: TrainerConfig,
    steps: u64,
    learning_rate: f64,
    weights: String,
    optimizer: String,
    /// Epochs of `Trainer::fit` so far and the file of the best epoch's network.
    #[serde(default)]
    history: Vec<crate::EpochStats>,
    #[serde(default)]
    best: Option<String>,
}

fn error(path: &Path, message: impl ToString) -> Error {
    Error::Checkpoint { path: path.display().to_string(), message: message.to_string() }
}

impl Trainer {
    /// Saves everything needed to continue training into the folder `dir` (created if missing);
    /// files of earlier steps are removed once the new ones are in place.
    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| error(dir, e))?;
        let steps = self.adam.steps();
        let weights = format!("weights-{steps}.bpk");
        let optimizer = format!("optimizer-{steps}.bpk");
        save_module(&self.model, &dir.join(&weights))?;
        let best = match &self.best {
            Some(model) => {
                let name = format!("best-{steps}.bpk");
                save_module(model, &dir.join(&name))?;
                Some(name)
            }
            None => None,
        };
        let record = self.adam.optimizer().to_record();
        let bytes = record.into_bytes().map_err(|e| error(&dir.join(&optimizer), format!("{e:?}")))?;
        write_atomically(&dir.join(&optimizer), &bytes)?;
        let header = TrainerHeader {
            format: TRAINER_FORMAT,
            network: self.model.config().clone(),
            trainer: self.config.clone(),
            steps,
            learning_rate: self.adam.learning_rate,
            weights: weights.clone(),
            optimizer: optimizer.clone(),
            history: self.history.clone(),
            best: best.clone(),
        };
        let json = serde_json::to_vec_pretty(&header).map_err(|e| error(dir, e))?;
        write_atomically(&dir.join("trainer.json"), &json)?;
        let entries = std::fs::read_dir(dir).map_err(|e| error(dir, e))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = ["weights-", "optimizer-", "best-"].iter().any(|p| name.starts_with(p))
                && name.ends_with(".bpk");
            if ours && name != weights && name != optimizer && Some(&name) != best.as_ref() {
                // A stale file is harmless (trainer.json never names it): ignore removal errors.
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(())
    }

    /// Continues training from the folder written by [`Trainer::save`], on `device` (autodiff).
    pub fn resume(dir: &Path, device: Device) -> Result<Trainer> {
        let path = dir.join("trainer.json");
        let text = std::fs::read(&path).map_err(|e| error(&path, e))?;
        let header: TrainerHeader = serde_json::from_slice(&text).map_err(|e| error(&path, e))?;
        if header.format != TRAINER_FORMAT {
            return Err(error(
                &path,
                format!("format {} is not the supported {TRAINER_FORMAT}", header.format),
            ));
        }
        let skeleton = PolicyValueNet::new(&header.network, 0, &device)?;
        let model = load_module(skeleton.clone(), &dir.join(&header.weights))?;
        let best = match &header.best {
            Some(name) => Some(load_module(skeleton, &dir.join(name))?),
            None => None,
        };
        let optimizer_path = dir.join(&header.optimizer);
        let bytes = std::fs::read(&optimizer_path).map_err(|e| error(&optimizer_path, e))?;
        let record = OptimizerRecord::from_bytes(Bytes::from_bytes_vec(bytes))
            .map_err(|e| error(&optimizer_path, format!("{e:?}")))?;
        let optimizer = AdamStep::new(&header.trainer.adam).optimizer().clone().load_record(record);
        let adam = AdamStep::from_parts(optimizer, header.learning_rate, header.steps);
        Ok(Trainer { model, adam, config: header.trainer, device, history: header.history, best })
    }
}
