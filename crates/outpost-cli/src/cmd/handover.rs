//! `outpost handover new|item|ack|show|list`.

use super::encounter::word;
use super::{created, emit, Ctx};
use crate::args::HandoverCommand;
use anyhow::Result;
use outpost_replica::outpost_domain::document::handover::{
    HandoverProjection, HandoverShift, NewHandover, NewHandoverItem,
};
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::roles::Action;

pub fn run(ctx: &Ctx, cmd: HandoverCommand) -> Result<()> {
    match cmd {
        HandoverCommand::New {
            ward,
            from_date,
            from_shift,
            to_date,
            to_shift,
            json,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Handover, Action::Create)?;
            let from_date =
                from_date.unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string());
            let input = NewHandover {
                ward,
                to_shift: HandoverShift {
                    date: to_date.unwrap_or_else(|| from_date.clone()),
                    name: to_shift,
                },
                from_shift: HandoverShift {
                    date: from_date,
                    name: from_shift,
                },
                author: user.clone(),
            };
            let h = r.open_handover(&input, &user)?;
            created(json, h.id, &h)
        }
        HandoverCommand::Item {
            id,
            patient,
            priority,
            item_id,
            situation,
            background,
            assessment,
            recommendation,
            action,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Handover, Action::Edit)?;
            let item = NewHandoverItem {
                id: item_id.unwrap_or_else(uuid_like),
                patient_id: patient,
                priority: priority.into(),
                situation,
                background,
                assessment,
                recommendation,
                action_required: action,
            };
            r.add_handover_item(id, &item, &user)?;
            println!("{}", item.id);
            Ok(())
        }
        HandoverCommand::Ack { id, item } => {
            let (mut r, user) = ctx.for_write(DocKind::Handover, Action::Edit)?;
            r.acknowledge_handover_item(id, &item, &user)?;
            Ok(())
        }
        HandoverCommand::Show { id, json } => {
            let h = ctx.open()?.handover(id)?;
            emit(json, &h, show_lines)
        }
        HandoverCommand::List { ward, json } => {
            let list = ctx.open()?.list_handovers(ward.as_deref())?;
            emit(json, &list, |l| l.iter().map(handover_line).collect())
        }
    }
}

/// A new item id: unique across workstations, and a valid key (no dots).
fn uuid_like() -> String {
    outpost_replica::outpost_domain::ids::EntryId::new().to_string()
}

/// `id  ward  from → to  by author  N items (U urgent, K unacknowledged)`
fn handover_line(h: &HandoverProjection) -> String {
    format!(
        "{}  {}  {} {} -> {} {}  by {}  {} items ({} urgent, {} unacknowledged)",
        h.id,
        h.ward,
        h.from_shift.date,
        h.from_shift.name,
        h.to_shift.date,
        h.to_shift.name,
        h.author,
        h.item_count,
        h.urgent_count,
        h.unacknowledged.len()
    )
}

fn show_lines(h: &HandoverProjection) -> Vec<String> {
    let mut out = vec![handover_line(h)];
    for i in &h.items {
        out.push(format!(
            "item {}  patient {}  {}",
            i.id,
            i.patient_id,
            word(&i.priority)
        ));
        if i.restricted {
            out.push(format!(
                "  restricted patient: open their chart to read this item (`outpost patient show --id {} --break-the-glass \"REASON\"`)",
                i.patient_id
            ));
        }
        for (label, text) in [
            ("S", &i.situation),
            ("B", &i.background),
            ("A", &i.assessment),
            ("R", &i.recommendation),
            ("action", &i.action_required),
        ] {
            if !text.is_empty() {
                out.push(format!("  {label}: {text}"));
            }
        }
        if i.acknowledgements.is_empty() {
            out.push("  not acknowledged yet".into());
        }
        for a in &i.acknowledgements {
            let at = chrono::DateTime::from_timestamp_millis(a.at_ms)
                .map(|t| t.to_rfc3339())
                .unwrap_or_default();
            out.push(format!("  acknowledged by {} at {at}", a.user));
        }
    }
    out
}
