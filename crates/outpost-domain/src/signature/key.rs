//! A user's signing key: an Ed25519 key pair made with ring, whose private half (PKCS#8)
//! is kept only wrapped, sealed with AES-256-GCM under a key derived from the user's
//! password by argon2id (its own 16-byte salt, the OWASP parameters of
//! [`crate::credentials`]). The public half is stored in clear with the user, so the
//! server and every workstation can check a signature; only someone who types the
//! password can unwrap the private half and sign.
//!
//! The wrapped key names its user (the user id is the AEAD's additional data), so a
//! wrapped key copied onto another user does not open.

use crate::credentials::{Password, ITERATIONS, MEMORY_KIB, PARALLELISM};
use crate::error::SignatureError;
use crate::ids::UserId;
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Layout version of [`WrappedSigningKey`].
pub const WRAP_VERSION: u32 = 1;

/// The private signing key, sealed under the password (all byte fields base64).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WrappedSigningKey {
    pub version: u32,
    /// argon2id memory (KiB), passes and lanes used to derive the wrapping key.
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
    pub salt: String,
    pub nonce: String,
    /// AES-256-GCM ciphertext of the PKCS#8 document, tag appended.
    pub sealed: String,
}

impl fmt::Debug for WrappedSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WrappedSigningKey(<sealed>)")
    }
}

/// A new key pair: the wrapped private half and the public half (32 bytes).
#[derive(Debug, Clone)]
pub struct NewSigningKey {
    pub wrapped: WrappedSigningKey,
    pub public_key: Vec<u8>,
}

/// An unwrapped private key, in memory only for the signing it is opened for.
pub struct SigningKey(Ed25519KeyPair);

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

impl SigningKey {
    pub fn public_key(&self) -> Vec<u8> {
        self.0.public_key().as_ref().to_vec()
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.0.sign(message).as_ref().to_vec()
    }
}

fn additional_data(user: UserId) -> Vec<u8> {
    format!("outpost.signing-key.v{WRAP_VERSION}:{user}").into_bytes()
}

fn wrapping_key(
    password: &Password,
    salt: &[u8],
    m_kib: u32,
    t: u32,
    p: u32,
) -> Result<LessSafeKey, SignatureError> {
    let params =
        Params::new(m_kib, t, p, Some(32)).map_err(|e| SignatureError::BadKey(e.to_string()))?;
    let mut key = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.expose().as_bytes(), salt, &mut key)
        .map_err(|e| SignatureError::BadKey(e.to_string()))?;
    let unbound = UnboundKey::new(&AES_256_GCM, &key)
        .map_err(|_| SignatureError::BadKey("wrapping key".into()))?;
    Ok(LessSafeKey::new(unbound))
}

fn decode(field: &str, value: &str) -> Result<Vec<u8>, SignatureError> {
    B64.decode(value)
        .map_err(|_| SignatureError::BadKey(format!("{field} is not base64")))
}

/// Makes a key pair for `user` and wraps its private half under `password`.
pub fn generate(user: UserId, password: &Password) -> Result<NewSigningKey, SignatureError> {
    let rng = SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| SignatureError::Randomness)?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
        .map_err(|_| SignatureError::BadKey("generated key".into()))?;
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut salt)
        .map_err(|_| SignatureError::Randomness)?;
    rng.fill(&mut nonce)
        .map_err(|_| SignatureError::Randomness)?;
    let key = wrapping_key(password, &salt, MEMORY_KIB, ITERATIONS, PARALLELISM)?;
    let mut sealed = pkcs8.as_ref().to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(additional_data(user)),
        &mut sealed,
    )
    .map_err(|_| SignatureError::BadKey("sealing failed".into()))?;
    Ok(NewSigningKey {
        wrapped: WrappedSigningKey {
            version: WRAP_VERSION,
            m_kib: MEMORY_KIB,
            t: ITERATIONS,
            p: PARALLELISM,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            sealed: B64.encode(sealed),
        },
        public_key: pair.public_key().as_ref().to_vec(),
    })
}

impl WrappedSigningKey {
    /// Opens the private key with `password`; a wrong password (or a key wrapped for
    /// another user) is [`SignatureError::WrongPassword`].
    pub fn unwrap_key(
        &self,
        user: UserId,
        password: &Password,
    ) -> Result<SigningKey, SignatureError> {
        if self.version != WRAP_VERSION {
            return Err(SignatureError::BadKey(format!(
                "unknown layout version {}",
                self.version
            )));
        }
        if self.m_kib < MEMORY_KIB || self.t < ITERATIONS || self.p < 1 {
            return Err(SignatureError::BadKey(
                "its parameters are below OWASP's minimum".into(),
            ));
        }
        let salt = decode("salt", &self.salt)?;
        let nonce: [u8; NONCE_LEN] = decode("nonce", &self.nonce)?
            .try_into()
            .map_err(|_| SignatureError::BadKey("nonce length".into()))?;
        let mut sealed = decode("sealed", &self.sealed)?;
        let key = wrapping_key(password, &salt, self.m_kib, self.t, self.p)?;
        let pkcs8 = key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(additional_data(user)),
                &mut sealed,
            )
            .map_err(|_| SignatureError::WrongPassword)?;
        Ed25519KeyPair::from_pkcs8(pkcs8)
            .map(SigningKey)
            .map_err(|_| SignatureError::BadKey("not an Ed25519 PKCS#8 key".into()))
    }

    /// The stored form (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Result<Self, SignatureError> {
        serde_json::from_str(s).map_err(|e| SignatureError::BadKey(e.to_string()))
    }
}
