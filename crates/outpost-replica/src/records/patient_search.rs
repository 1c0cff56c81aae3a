//! Search-as-you-type over the patient list: one page of matches by name, MRN or date of
//! birth, so the front desk finds a patient among thousands without loading them all. A
//! query is split into words; every word must match the start of a word of the name, the
//! start of the MRN, or the start of the date of birth (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
//! Matching ignores ASCII case. Patients merged into another are hidden, as in the list.

use crate::duplicates::{merged_under, survivors};
use crate::error::ReplicaError;
use crate::projection::details;
use crate::records::patient_queries::{PatientSummary, SummaryRows};
use crate::replica::Replica;
use outpost_domain::patient::PatientProjection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Most words a query may have; further words are ignored.
const MAX_WORDS: usize = 6;
/// The largest page a search returns.
pub const MAX_SEARCH_LIMIT: u32 = 200;

/// One page of search results, in name order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PatientSearchPage {
    pub patients: Vec<PatientSummary>,
    /// More patients match than this page holds: type more to narrow the search.
    pub more: bool,
    /// Patients listed on this workstation (merged ones not counted).
    pub total: u32,
}

impl Replica {
    /// Up to `limit` (at most [`MAX_SEARCH_LIMIT`]) patients matching `query`, by name; an
    /// empty query gives the first page of the whole list.
    #[tracing::instrument(skip_all)]
    pub fn search_patients(
        &self,
        query: &str,
        limit: u32,
    ) -> Result<PatientSearchPage, ReplicaError> {
        let limit = limit.clamp(1, MAX_SEARCH_LIMIT) as usize;
        let into = survivors(&self.conn)?;
        let under = merged_under(&into);
        let (sql, params) = search_sql(query, limit + into.len() + 1);
        let found: Vec<PatientProjection> =
            details(&self.conn, &sql, rusqlite::params_from_iter(params))?;
        let mut live = found.into_iter().filter(|p| !into.contains_key(&p.id));
        let page: Vec<PatientProjection> = live.by_ref().take(limit).collect();
        let more = live.next().is_some();
        let rows = SummaryRows::new(self, &under)?;
        let patients = page
            .iter()
            .map(|p| rows.of(p))
            .collect::<Result<Vec<_>, ReplicaError>>()?;
        let all: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM patients", [], |r| r.get(0))?;
        let total = u32::try_from(all.max(0)).unwrap_or(u32::MAX);
        Ok(PatientSearchPage {
            patients,
            more,
            total: total.saturating_sub(u32::try_from(into.len()).unwrap_or(u32::MAX)),
        })
    }
}

/// The query and its parameters: one condition per word, all of which must hold.
fn search_sql(query: &str, fetch: usize) -> (String, Vec<String>) {
    let words: Vec<String> = query
        .split_whitespace()
        .take(MAX_WORDS)
        .map(|w| escape_like(&w.to_lowercase()))
        .collect();
    // With words, read the table once in storage order and sort the few matches: walking
    // the name index would fetch every row out of order, decrypting each page many times.
    let mut sql = String::from(if words.is_empty() {
        "SELECT detail FROM patients"
    } else {
        "SELECT detail FROM patients NOT INDEXED"
    });
    let mut params = Vec::with_capacity(words.len() * 2 + 1);
    for (i, word) in words.iter().enumerate() {
        let n = params.len() + 1;
        sql.push_str(if i == 0 { " WHERE " } else { " AND " });
        // Word starts inside the name (after a space or hyphen), or MRN / DOB prefixes.
        sql.push_str(&format!(
            "((' ' || replace(name, '-', ' ')) LIKE ?{n} ESCAPE '\\' \
             OR mrn LIKE ?{m} ESCAPE '\\' OR date_of_birth LIKE ?{m} ESCAPE '\\')",
            m = n + 1
        ));
        params.push(format!("% {word}%"));
        params.push(format!("{word}%"));
    }
    sql.push_str(&format!(
        " ORDER BY name COLLATE NOCASE, id LIMIT ?{}",
        params.len() + 1
    ));
    params.push(fetch.to_string());
    (sql, params)
}

/// `word` with LIKE's wildcards taken literally.
fn escape_like(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
