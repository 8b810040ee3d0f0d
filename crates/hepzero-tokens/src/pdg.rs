//! The bridge to `hepzero-pdg`: its particle and decay tables as [`ParticleData`].
