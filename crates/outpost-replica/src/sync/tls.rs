//! Trusting a clinic's own certificate authority: a sync server whose HTTPS certificate is
//! issued by the clinic's CA (not a public one) is trusted when the workstation is given
//! that CA's PEM file — by `trust_ca_file` (the CLI's `--ca-file`) or the `OUTPOST_CA_FILE`
//! environment variable (the desktop app). Public CAs stay trusted either way.

use super::transport::TransportError;
use crate::error::ReplicaError;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable naming an extra CA file.
pub const CA_FILE_ENV: &str = "OUTPOST_CA_FILE";

/// The PEM read by [`trust_ca_file`], with the path it came from (for error messages).
/// Held in memory so that the file may be moved or removed afterwards.
static CA_PEM: OnceLock<(PathBuf, Vec<u8>)> = OnceLock::new();

/// Trusts the CA certificates in the PEM file `path` for every connection to the sync
/// server this process makes from now on. Read and checked at once: a missing or unreadable
/// file is an error naming it. Only the first call counts.
pub fn trust_ca_file(path: &Path) -> Result<(), ReplicaError> {
    let pem = read_pem(path).map_err(ReplicaError::Transport)?;
    parse_roots(path, &pem).map_err(ReplicaError::Transport)?;
    let _ = CA_PEM.set((path.to_owned(), pem));
    Ok(())
}

/// The extra roots: from [`trust_ca_file`], else from `OUTPOST_CA_FILE`, else none.
pub(crate) fn extra_roots() -> Result<Vec<reqwest::Certificate>, TransportError> {
    if let Some((path, pem)) = CA_PEM.get() {
        return parse_roots(path, pem);
    }
    match std::env::var_os(CA_FILE_ENV).filter(|v| !v.is_empty()) {
        Some(path) => {
            let path = PathBuf::from(path);
            parse_roots(&path, &read_pem(&path)?)
        }
        None => Ok(Vec::new()),
    }
}

fn read_pem(path: &Path) -> Result<Vec<u8>, TransportError> {
    std::fs::read(path).map_err(|e| {
        TransportError::Setup(format!(
            "cannot read the CA file {}: {e}; pass --ca-file (or {CA_FILE_ENV}) a readable PEM file",
            path.display()
        ))
    })
}

fn parse_roots(path: &Path, pem: &[u8]) -> Result<Vec<reqwest::Certificate>, TransportError> {
    let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
        TransportError::Setup(format!(
            "the CA file {} holds no usable PEM certificate: {e}",
            path.display()
        ))
    })?;
    if certs.is_empty() {
        return Err(TransportError::Setup(format!(
            "the CA file {} holds no `BEGIN CERTIFICATE` block",
            path.display()
        )));
    }
    Ok(certs)
}
