//! Device tokens and enrollment codes: how they are made (ring's `SystemRandom`), how they
//! look, and the SHA-256 the database keeps instead of them. Their `Debug` never shows the
//! secret, so they cannot leak through a log line.

use crate::error::ServerError;
use base64::Engine as _;
use outpost_domain::ids::ClinicId;
use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;

/// SHA-256 of a secret: all the server stores of it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SecretHash(pub [u8; 32]);

impl SecretHash {
    fn of(s: &str) -> Self {
        let d = ring::digest::digest(&ring::digest::SHA256, s.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        Self(out)
    }
}

impl fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretHash(..)")
    }
}

fn random_bytes<const N: usize>() -> Result<[u8; N], ServerError> {
    let mut buf = [0u8; N];
    SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| ServerError::Randomness)?;
    Ok(buf)
}

/// The secret half of a device token: 32 random bytes, base64url.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(String);

impl TokenSecret {
    pub fn generate() -> Result<Self, ServerError> {
        Ok(Self(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?),
        ))
    }

    pub fn hash(&self) -> SecretHash {
        SecretHash::of(&self.0)
    }
}

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSecret(..)")
    }
}

const TOKEN_PREFIX: &str = "op1";

/// The bearer token handed to a device once: `op1.<clinic id>.<secret>`. The clinic id in
/// clear lets authentication filter by clinic like every other query; the secret is
/// what proves the device.
pub fn device_token(clinic: ClinicId, secret: &TokenSecret) -> String {
    format!("{TOKEN_PREFIX}.{}.{}", clinic.0.simple(), secret.0)
}

/// The clinic a presented token claims and the hash of its secret, or `None` if it is
/// not shaped like a device token.
pub fn parse_device_token(presented: &str) -> Option<(ClinicId, SecretHash)> {
    let mut parts = presented.splitn(3, '.');
    let (prefix, clinic, secret) = (parts.next()?, parts.next()?, parts.next()?);
    if prefix != TOKEN_PREFIX || secret.is_empty() {
        return None;
    }
    Some((clinic.parse().ok()?, SecretHash::of(secret)))
}

/// Crockford base32: no I, L, O or U, so a code read aloud or retyped survives.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A one-time enrollment code: 80 random bits as `XXXX-XXXX-XXXX-XXXX`.
#[derive(Clone, PartialEq, Eq)]
pub struct EnrollmentCode(String);

impl EnrollmentCode {
    pub fn generate() -> Result<Self, ServerError> {
        let mut bits = random_bytes::<10>()?
            .iter()
            .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
        let mut chars = Vec::with_capacity(19);
        for i in 0..16 {
            if i > 0 && i % 4 == 0 {
                chars.push(b'-');
            }
            chars.push(ALPHABET[(bits & 31) as usize]);
            bits >>= 5;
        }
        Ok(Self(String::from_utf8_lossy(&chars).into_owned()))
    }

    /// The hash of a code as typed: case, dashes, spaces and the look-alikes O/I/L are
    /// forgiven.
    pub fn hash_of(typed: &str) -> SecretHash {
        let normal: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        SecretHash::of(&normal)
    }

    pub fn hash(&self) -> SecretHash {
        Self::hash_of(&self.0)
    }

    /// The code itself, to show the admin exactly once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EnrollmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrollmentCode(..)")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_token_names_its_clinic_and_its_secret_hides_in_debug() {
        let clinic = ClinicId::new();
        let secret = TokenSecret::generate().unwrap();
        let token = device_token(clinic, &secret);
        assert_eq!(parse_device_token(&token), Some((clinic, secret.hash())));
        assert_ne!(secret, TokenSecret::generate().unwrap());
        assert!(!format!("{secret:?}{:?}", secret.hash()).contains(&secret.0));
        assert_eq!(parse_device_token("nonsense"), None);
        assert_eq!(
            parse_device_token(&format!("op1.{}.", clinic.0.simple())),
            None
        );
        assert_eq!(parse_device_token("op1.not-a-uuid.abc"), None);
    }

    #[test]
    fn a_code_is_forgiving_when_retyped() {
        let c = EnrollmentCode::generate().unwrap();
        assert_eq!(c.expose().len(), 19);
        assert_eq!(
            EnrollmentCode::hash_of(&c.expose().to_lowercase()),
            c.hash()
        );
        assert_eq!(
            EnrollmentCode::hash_of(&c.expose().replace('-', " ")),
            c.hash()
        );
        assert_eq!(
            EnrollmentCode::hash_of("oil0"),
            EnrollmentCode::hash_of("0110")
        );
        assert_ne!(c, EnrollmentCode::generate().unwrap());
        assert!(!format!("{c:?}").contains(c.expose()));
    }
}
