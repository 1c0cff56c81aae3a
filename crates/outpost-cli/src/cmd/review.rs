//! `outpost conflicts …`, `outpost duplicates …` and `outpost history`: what a person must
//! look at, and the edit audit of a record.

use super::{emit, Ctx};
use crate::args::{ConflictsCommand, DuplicatesCommand};
use anyhow::Result;
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::document::{Conflict, ConflictValue, HistoryEntry};
use outpost_replica::outpost_domain::ids::DocId;
use outpost_replica::outpost_domain::link::{LinkStatus, PatientLink};
use outpost_replica::outpost_domain::patient::PatientProjection;
use outpost_replica::outpost_domain::roles::Action;
use outpost_replica::{DuplicateCandidate, OpenConflict};

pub fn conflicts(ctx: &Ctx, cmd: ConflictsCommand) -> Result<()> {
    match cmd {
        ConflictsCommand::List { doc, kind, json } => {
            let r = ctx.open()?;
            let list: Vec<OpenConflict> = r
                .list_open_conflicts()?
                .into_iter()
                .filter(|c| doc.is_none_or(|d| c.doc_id == d))
                .filter(|c| kind.is_none_or(|k| c.kind == k))
                .collect();
            if list.is_empty() && !json {
                eprintln!("no open conflicts");
            }
            emit(json, &list, |l| l.iter().flat_map(conflict_lines).collect())
        }
        ConflictsCommand::Resolve { doc, path, value } => {
            let (mut r, user) = ctx.for_any_write()?;
            r.resolve_conflict(doc, &path, &value, &user)?;
            Ok(())
        }
    }
}

pub fn duplicates(ctx: &Ctx, cmd: DuplicatesCommand) -> Result<()> {
    match cmd {
        DuplicatesCommand::List { json } => {
            let list = ctx.open()?.list_duplicates()?;
            if list.is_empty() && !json {
                eprintln!("no possible duplicates");
            }
            emit(json, &list, |l| {
                l.iter().flat_map(duplicate_lines).collect()
            })
        }
        DuplicatesCommand::Merge {
            survivor,
            merged,
            reason,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::PatientLink, Action::Create)?;
            println!("{}", r.merge_patients(survivor, merged, &reason, &user)?.id);
            Ok(())
        }
        DuplicatesCommand::Unmerge { link, reason } => {
            let (mut r, user) = ctx.for_write(DocKind::PatientLink, Action::Edit)?;
            r.unmerge(link, &reason, &user)?;
            Ok(())
        }
        DuplicatesCommand::Links { json } => {
            let list = ctx.open()?.list_patient_links()?;
            emit(json, &list, |l| l.iter().map(link_line).collect())
        }
    }
}

pub fn history(ctx: &Ctx, id: DocId, json: bool) -> Result<()> {
    let list = ctx.open()?.history(id)?;
    emit(json, &list, |l| l.iter().map(history_line).collect())
}

/// `DOC KIND PATH` then one line per value: `  = VALUE  by AUTHOR at TIME`
fn conflict_lines(c: &OpenConflict) -> Vec<String> {
    let mut out = vec![format!(
        "{}  {}  {}",
        c.doc_id,
        c.kind.as_str(),
        c.conflict.path
    )];
    out.extend(values(&c.conflict));
    out
}

fn values(c: &Conflict) -> Vec<String> {
    c.values.iter().map(value_line).collect()
}

fn value_line(v: &ConflictValue) -> String {
    format!("  = {}  by {} at {}", v.value, v.author, time(v.wall_ms))
}

fn duplicate_lines(d: &DuplicateCandidate) -> Vec<String> {
    let line = |p: &PatientProjection| {
        format!(
            "  {}  {}  {}  MRN {}  {}",
            p.id,
            p.name,
            p.date_of_birth,
            p.mrn,
            p.phone.as_deref().unwrap_or("")
        )
    };
    vec![
        "possible duplicate:".to_owned(),
        line(&d.patient_a),
        line(&d.patient_b),
    ]
}

/// `LINK  merged → survivor  status  by WHO: REASON [undone by WHO: REASON]`
fn link_line(l: &PatientLink) -> String {
    let mut line = format!(
        "{}  {} -> {}  {}  by {}: {}",
        l.id,
        l.merged,
        l.survivor,
        match l.status {
            LinkStatus::Active => "active",
            LinkStatus::Undone => "undone",
        },
        l.linked_by,
        l.reason
    );
    if let (Some(by), Some(reason)) = (&l.undone_by, &l.undo_reason) {
        line.push_str(&format!("  undone by {by}: {reason}"));
    }
    line
}

fn history_line(h: &HistoryEntry) -> String {
    match &h.meta {
        Some(m) => format!("{}  {}  {}", time(m.wall_ms), m.author, h.hash),
        None => format!("(no author recorded)  {}", h.hash),
    }
}

fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| "unknown time".into())
}
