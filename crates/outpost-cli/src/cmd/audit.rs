//! `outpost audit verify`: checks this workstation's hash-chained audit log from its
//! first entry and names the first entry that does not hold (exit status 1).
//! `outpost audit list`: this workstation's entries by patient, user and time.
//! `outpost audit alerts`: the clinic's alerts from the server, for an admin signed in
//! online (break-the-glass accesses, signing blocked).

use super::{emit, Ctx};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use outpost_replica::outpost_domain::audit::AuditEntry;
use outpost_replica::outpost_domain::protocol::admin::AuditRecord;
use outpost_replica::sync::{self, OnlineLoginError};
use outpost_replica::AuditFilter;
use serde_json::json;

pub fn verify(ctx: &Ctx, json: bool) -> Result<()> {
    match ctx.open()?.verify_audit_chain()? {
        Ok(entries) => {
            if json {
                println!("{}", json!({ "ok": true, "entries": entries }));
            } else {
                println!("audit chain holds: {entries} entries, each linked to the one before");
            }
            Ok(())
        }
        Err(broken) => {
            if json {
                println!(
                    "{}",
                    json!({ "ok": false, "broken_at": broken.seq, "reason": broken.reason })
                );
            }
            bail!("{broken}; the audit log on this workstation was altered: tell an admin")
        }
    }
}

fn entry_line(e: &AuditEntry) -> String {
    let mut line = format!(
        "#{:<6} {}  {:<16} {:<28} {}",
        e.seq,
        e.at,
        e.user,
        e.detail,
        e.record_id.as_deref().unwrap_or("-")
    );
    if let Some(reason) = &e.reason {
        line.push_str(&format!("  reason: {reason}"));
    }
    line
}

pub fn list(ctx: &Ctx, filter: &AuditFilter, json: bool) -> Result<()> {
    let entries = ctx.open()?.audit_list(filter)?;
    emit(json, &entries, |list: &Vec<AuditEntry>| {
        if list.is_empty() {
            return vec!["no entries match".into()];
        }
        list.iter().map(entry_line).collect()
    })
}

pub fn alerts(ctx: &Ctx, admin: &str, since: Option<DateTime<Utc>>, json: bool) -> Result<()> {
    let password = super::login::read_password()?;
    let replica = ctx.open()?;
    let transport = sync::transport_for(&replica)?;
    drop(replica);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let all = rt
        .block_on(sync::admin_alerts(&transport, admin, &password, since))
        .map_err(|e| match e {
            OnlineLoginError::Refused(r) => anyhow::anyhow!("{r}"),
            OnlineLoginError::Transport(e) => {
                anyhow::anyhow!("{e}; alerts are on the server, which must answer")
            }
        })?;
    emit(json, &all, |list: &Vec<AuditRecord>| {
        if list.is_empty() {
            return vec!["no alerts".into()];
        }
        list.iter().map(ToString::to_string).collect()
    })
}
