//! HTTPS with rustls: the server's certificate chain and private key from PEM files (as a
//! clinic's IT or an ACME client writes them), with the `ring` crypto provider and TLS
//! 1.2/1.3 only. Errors name the file and what to fix.

use crate::config::TlsFiles;
use axum_server::tls_rustls::RustlsConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the TLS {what} file {path}: {source}; check `tls.{what}` in the config")]
    Read {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the TLS {what} file {path} holds no usable PEM {what}: {detail}")]
    Pem {
        what: &'static str,
        path: PathBuf,
        detail: String,
    },
    #[error("the TLS certificate and key do not go together or are not supported: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The rustls server configuration for `files`.
pub fn load(files: &TlsFiles) -> Result<RustlsConfig, TlsError> {
    let certs = read_certs(&files.cert)?;
    let key = read_key(&files.key)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(RustlsConfig::from_config(Arc::new(config)))
}

fn read(what: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        what,
        path: path.to_owned(),
        source,
    })
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = read("cert", path)?;
    let bad = |detail: String| TlsError::Pem {
        what: "cert",
        path: path.to_owned(),
        detail,
    };
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    if certs.is_empty() {
        return Err(bad("no `BEGIN CERTIFICATE` block".into()));
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let pem = read("key", path)?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| TlsError::Pem {
        what: "key",
        path: path.to_owned(),
        detail: format!("{e} (expected a PKCS#8, PKCS#1 or SEC1 private key)"),
    })
}
