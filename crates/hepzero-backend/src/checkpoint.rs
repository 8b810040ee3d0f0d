//! Saving and loading a module's weights (burn's Burnpack format through burn-store), written
//! atomically: a temporary file in the destination's folder, fsynced, then renamed over the target,
//! so a crash never leaves a half-written checkpoint.

use crate::{Error, Result};
use burn::module::{Module, ModuleVisitor, Param};
use burn::store::{BurnpackStore, ModuleSnapshot};
use std::io::Write;
use std::path::Path;

fn checkpoint_error(path: &Path, message: impl ToString) -> Error {
    Error::Checkpoint { path: path.display().to_string(), message: message.to_string() }
}

/// Writes `bytes` to `path` atomically (temp file in the same folder + rename).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| checkpoint_error(path, e))?;
    tmp.write_all(bytes).map_err(|e| checkpoint_error(path, e))?;
    tmp.as_file().sync_all().map_err(|e| checkpoint_error(path, e))?;
    tmp.persist(path).map_err(|e| checkpoint_error(path, e.error))?;
    Ok(())
}

/// The module's weights as Burnpack bytes.
pub fn module_to_bytes<M: Module>(module: &M) -> Result<Vec<u8>> {
    let mut store = BurnpackStore::from_bytes(None);
    module.save_into(&mut store).map_err(|e| checkpoint_error(Path::new("<memory>"), e))?;
    let bytes = store.get_bytes().map_err(|e| checkpoint_error(Path::new("<memory>"), e))?;
    Ok(bytes.to_vec())
}

/// Saves the module's weights to `path` atomically.
pub fn save_module<M: Module>(module: &M, path: &Path) -> Result<()> {
    write_atomically(path, &module_to_bytes(module)?)
}

/// Loads weights saved by [`module_to_bytes`] into `module` (which fixes the architecture and the
/// device). Fails if a tensor is missing or has another shape.
pub fn load_module_bytes<M: Module>(mut module: M, bytes: Vec<u8>, origin: &Path) -> Result<M> {
    let mut store = BurnpackStore::from_bytes(Some(burn::tensor::Bytes::from_bytes_vec(bytes)));
    let applied = module.load_from(&mut store).map_err(|e| checkpoint_error(origin, e))?;
    if !applied.errors.is_empty() || !applied.missing.is_empty() {
        return Err(checkpoint_error(
            origin,
            format!("does not fit this network (missing {:?}, errors {:?})", applied.missing, applied.errors),
        ));
    }
    Ok(module)
}

/// FNV-1a hash of the module's float parameters (shapes and values as f32, in the module's
/// order). Unlike the Burnpack bytes it leaves out burn's random parameter ids, so a network and
/// its saved-then-loaded copy share it: it names the weights, e.g. to tie results to a model.
pub fn weights_fingerprint<M: Module>(module: &M) -> u64 {
    struct Fnv(u64);
    impl Fnv {
        fn eat(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }
    impl ModuleVisitor for Fnv {
        fn visit_float<const D: usize>(&mut self, param: &Param<burn::tensor::Tensor<D>>) {
            let tensor = param.val();
            for d in tensor.dims() {
                self.eat(&(d as u64).to_le_bytes());
            }
            for x in tensor.into_data().iter::<f32>() {
                self.eat(&x.to_le_bytes());
            }
        }
    }
    let mut fnv = Fnv(0xcbf2_9ce4_8422_2325);
    module.visit(&mut fnv);
    fnv.0
}

/// Loads weights saved by [`save_module`] into `module`.
pub fn load_module<M: Module>(module: M, path: &Path) -> Result<M> {
    let bytes = std::fs::read(path).map_err(|e| checkpoint_error(path, e))?;
    load_module_bytes(module, bytes, path)
}
