//! Publishing: freezing the draft as a numbered version whose content is canonical JSON
//! with a SHA-256 content hash, and reading frozen versions back (re-checking the hash).

use super::content::TemplateContent;
use super::{validate, TemplateRecord};
use crate::document::encounter::TemplatePin;
use crate::error::DomainError;
use autosurgeon::{Hydrate, Reconcile};

/// One frozen version. Written once by [`TemplateRecord::publish`], never again.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PublishedVersion {
    pub number: u64,
    /// SHA-256 of `content_json`, hex.
    pub content_hash: String,
    pub(super) content_json: String,
    pub published_by: String,
    pub published_at_ms: i64,
}

impl PublishedVersion {
    /// The frozen content, after checking it still matches its hash.
    pub fn content(&self) -> Result<TemplateContent, DomainError> {
        let bad = |reason: String| DomainError::MalformedDocument {
            kind: "template",
            reason,
        };
        if sha256_hex(&self.content_json) != self.content_hash {
            return Err(bad(format!(
                "version {} does not match its content hash; it was altered after publishing",
                self.number
            )));
        }
        serde_json::from_str(&self.content_json)
            .map_err(|e| bad(format!("version {} cannot be read: {e}", self.number)))
    }

    /// The canonical JSON that was frozen (what the hash covers).
    pub fn content_json(&self) -> &str {
        &self.content_json
    }
}

/// JSON with object keys sorted and no whitespace, so equal content always has the same
/// bytes (and hash) whatever serde_json features another crate enables.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn sha256_hex(s: &str) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, s.as_bytes()))
}

/// The canonical JSON of `content` and its hash.
fn freeze(content: &TemplateContent) -> Result<(String, String), DomainError> {
    let value = serde_json::to_value(content).map_err(|e| DomainError::MalformedDocument {
        kind: "template",
        reason: format!("the draft cannot be written as JSON: {e}"),
    })?;
    let json = canonical_json(&value);
    let hash = sha256_hex(&json);
    Ok((json, hash))
}

impl TemplateRecord {
    /// Freezes the draft as the next version (one above the highest published number) and
    /// returns its number. Refused, changing nothing, when the draft has any problem or is
    /// exactly a version already published.
    pub fn publish(&mut self, by: &str, at_ms: i64) -> Result<u64, DomainError> {
        let mut errors = validate::publish_errors(&self.draft);
        crate::document::encounter::check::user(&mut errors, "published_by", by);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        let (json, hash) = freeze(&self.draft)?;
        if let Some(v) = self.versions().into_iter().find(|v| v.content_hash == hash) {
            return Err(DomainError::invalid(
                "draft",
                format!(
                    "this draft is already published as version {}; change it before publishing again",
                    v.number
                ),
            ));
        }
        let number = self.versions.values().map(|v| v.number).max().unwrap_or(0) + 1;
        let by = by.trim().to_owned();
        self.versions.insert(
            format!("{number}:{hash}:{at_ms}:{by}"),
            PublishedVersion {
                number,
                content_hash: hash,
                content_json: json,
                published_by: by,
                published_at_ms: at_ms,
            },
        );
        Ok(number)
    }

    /// Every published version by number (then hash, for versions published concurrently).
    /// The same content published as the same number on two workstations is listed once,
    /// credited to the earlier publish.
    pub fn versions(&self) -> Vec<&PublishedVersion> {
        let mut all: Vec<&PublishedVersion> = self.versions.values().collect();
        all.sort_by(|a, b| {
            (
                a.number,
                &a.content_hash,
                a.published_at_ms,
                &a.published_by,
            )
                .cmp(&(
                    b.number,
                    &b.content_hash,
                    b.published_at_ms,
                    &b.published_by,
                ))
        });
        all.dedup_by(|later, first| {
            (later.number, &later.content_hash) == (first.number, &first.content_hash)
        });
        all
    }

    /// The highest-numbered version (of two published concurrently, the one with the
    /// smaller hash, the same on every workstation).
    pub fn latest(&self) -> Option<&PublishedVersion> {
        let versions = self.versions();
        let top = versions.last()?.number;
        versions.into_iter().find(|v| v.number == top)
    }

    /// The frozen content of version `number`. Refused when no such version exists, or when
    /// two workstations published that number concurrently (then open it by hash).
    pub fn version(&self, number: u64) -> Result<TemplateContent, DomainError> {
        self.numbered(number)?.content()
    }

    /// The version whose content has this hash (the lowest number, should two workstations
    /// have published the same content under different numbers).
    pub fn version_by_hash(&self, hash: &str) -> Result<&PublishedVersion, DomainError> {
        self.versions()
            .into_iter()
            .find(|v| v.content_hash == hash)
            .ok_or_else(|| {
                DomainError::invalid(
                    "content_hash",
                    format!("this template has no version with content hash {hash}"),
                )
            })
    }

    /// A pin on version `number`, for a new encounter.
    pub fn pin(&self, number: u64) -> Result<TemplatePin, DomainError> {
        Ok(self.pin_of(self.numbered(number)?))
    }

    /// A pin on the latest version, for a new encounter.
    pub fn pin_latest(&self) -> Result<TemplatePin, DomainError> {
        let v = self.latest().ok_or_else(|| {
            DomainError::invalid(
                "template",
                "this template has no published version yet; publish it first",
            )
        })?;
        Ok(self.pin_of(v))
    }

    /// The frozen content an encounter's pin refers to, checked against the pin.
    pub fn pinned(&self, pin: &TemplatePin) -> Result<TemplateContent, DomainError> {
        if pin.template_id != self.id {
            return Err(DomainError::invalid(
                "template.template_id",
                format!(
                    "the encounter is charted on template {}, not {}",
                    pin.template_id, self.id
                ),
            ));
        }
        let v = self.version_by_hash(&pin.content_hash)?;
        if v.number == pin.version {
            return v.content();
        }
        match self
            .versions()
            .into_iter()
            .find(|w| w.content_hash == pin.content_hash && w.number == pin.version)
        {
            Some(w) => w.content(),
            None => Err(DomainError::invalid(
                "template.version",
                format!(
                    "content hash {} belongs to version {}, not {}",
                    pin.content_hash, v.number, pin.version
                ),
            )),
        }
    }

    /// Whether the draft is exactly some published version (nothing left to publish).
    pub fn draft_is_published(&self) -> bool {
        freeze(&self.draft)
            .is_ok_and(|(_, hash)| self.versions.values().any(|v| v.content_hash == hash))
    }

    fn numbered(&self, number: u64) -> Result<&PublishedVersion, DomainError> {
        let found: Vec<_> = self
            .versions()
            .into_iter()
            .filter(|v| v.number == number)
            .collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => {
                let known: Vec<String> = self
                    .versions()
                    .iter()
                    .map(|v| v.number.to_string())
                    .collect();
                Err(DomainError::invalid(
                    "version",
                    format!(
                        "this template has no version {number}; published versions: {}",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                ))
            }
            many => {
                let hashes: Vec<&str> = many.iter().map(|v| v.content_hash.as_str()).collect();
                Err(DomainError::invalid(
                    "version",
                    format!(
                        "version {number} was published on two workstations at the same time; open it by content hash: {}",
                        hashes.join(", ")
                    ),
                ))
            }
        }
    }

    fn pin_of(&self, v: &PublishedVersion) -> TemplatePin {
        TemplatePin {
            template_id: self.id,
            version: v.number,
            content_hash: v.content_hash.clone(),
        }
    }
}
