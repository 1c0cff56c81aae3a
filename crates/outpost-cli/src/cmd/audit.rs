//! `outpost audit verify`: checks this workstation's hash-chained audit log from its
//! first entry and names the first entry that does not hold (exit status 1).

use super::Ctx;
use anyhow::{bail, Result};
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
