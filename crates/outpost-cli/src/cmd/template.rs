//! `outpost template new|page|section|field|move|publish|show|export|import|list`: each draft edit is
//! one `TemplateEdit`; publishing freezes the draft as the next version.
//! `outpost template library|save-section|withdraw-section`: the section library.

use super::encounter::word;
use super::{created, emit, BadInput, Ctx};
use crate::args::{FieldArgs, FieldTypeArg, GridArgs, ScopeArg, TemplateCommand};
use anyhow::{bail, Context, Result};
use outpost_replica::outpost_domain::document::template::{
    AutoPopulate, FieldType, GridPos, TemplateContent, TemplateField, TemplateProjection,
    TemplateScope, TemplateSection,
};
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::roles::Action;
use outpost_replica::TemplateEdit;

pub fn run(ctx: &Ctx, cmd: TemplateCommand) -> Result<()> {
    match cmd {
        TemplateCommand::New {
            name,
            specialty,
            visit_type,
            scope,
            provider_id,
            json,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Template, Action::Create)?;
            let scope = match scope {
                ScopeArg::Global => TemplateScope::Global,
                ScopeArg::Clinic => TemplateScope::Clinic,
                ScopeArg::Provider => TemplateScope::Provider {
                    provider_id: provider_id.unwrap_or_default(),
                },
            };
            let content = TemplateContent::new(name, specialty, visit_type.into(), scope);
            let t = r.create_template(&content, &user)?;
            created(json, t.id, &t)
        }
        TemplateCommand::Page { id, page, title } => edit(
            ctx,
            id,
            TemplateEdit::AddPage {
                page_id: page,
                title,
            },
        ),
        TemplateCommand::Section {
            id,
            page,
            section,
            title,
            grid,
        } => edit(
            ctx,
            id,
            TemplateEdit::AddSection {
                page_id: page,
                section: TemplateSection::new(section, title, pos(&grid)),
            },
        ),
        TemplateCommand::Field(f) => {
            let id = f.id;
            edit(
                ctx,
                id,
                TemplateEdit::AddField {
                    section_id: f.section.clone(),
                    field: field(f),
                },
            )
        }
        TemplateCommand::Move {
            id,
            section,
            field,
            x,
            y,
        } => {
            let change = match (section, field) {
                (Some(section_id), _) => TemplateEdit::MoveSection { section_id, x, y },
                (None, Some(field_id)) => TemplateEdit::MoveField { field_id, x, y },
                (None, None) => bail!("say what to move: --section SECTION or --field FIELD"),
            };
            edit(ctx, id, change)
        }
        TemplateCommand::Publish { id } => {
            let (mut r, user) = ctx.for_write(DocKind::Template, Action::Edit)?;
            println!("{}", r.publish_template(id, &user)?);
            Ok(())
        }
        TemplateCommand::Show { id, version, json } => {
            let r = ctx.open()?;
            match version {
                Some(n) => {
                    let content = r.template_version(id, n)?;
                    emit(json, &content, |c| {
                        content_lines(c, &format!("version {n}"))
                    })
                }
                None => {
                    let t = r.template(id)?;
                    emit(json, &t, show_lines)
                }
            }
        }
        TemplateCommand::Export { id, version, out } => {
            let file = ctx.open()?.export_template(id, version)?;
            match out {
                Some(path) => std::fs::write(&path, format!("{file}\n"))
                    .with_context(|| format!("cannot write the template file {}", path.display())),
                None => {
                    println!("{file}");
                    Ok(())
                }
            }
        }
        TemplateCommand::Import { file, json } => {
            let text = std::fs::read_to_string(&file).with_context(|| {
                format!(
                    "cannot read the template file {}; pass --file a file written by `outpost template export`",
                    file.display()
                )
            })?;
            let (mut r, user) = ctx.for_write(DocKind::Template, Action::Create)?;
            let t = r.import_template(&text, &user)?;
            created(json, t.id, &t)
        }
        TemplateCommand::List { json } => {
            let list = ctx.open()?.list_templates()?;
            emit(json, &list, |l| l.iter().map(template_line).collect())
        }
        TemplateCommand::Library { json } => {
            let (r, _) = ctx.for_read(DocKind::LibrarySection)?;
            let list = r.section_library()?;
            emit(json, &list, |l| l.iter().map(library_line).collect())
        }
        TemplateCommand::SaveSection {
            id,
            section,
            description,
            json,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::LibrarySection, Action::Create)?;
            let draft = r.template(id)?.draft;
            let Some(found) = draft
                .pages
                .iter()
                .flat_map(|p| &p.sections)
                .find(|s| s.id == section)
            else {
                return Err(BadInput(format!(
                    "the template's draft has no section \"{section}\"; `outpost template show --id {id}` lists its sections"
                ))
                .into());
            };
            let saved = r.save_library_section(found, &description, &user)?;
            emit(json, &saved, |s| vec![s.key.clone()])
        }
        TemplateCommand::WithdrawSection { key } => {
            let (mut r, user) = ctx.for_write(DocKind::LibrarySection, Action::Edit)?;
            r.withdraw_library_section(key, &user)?;
            Ok(())
        }
    }
}

fn library_line(s: &outpost_replica::outpost_domain::document::template::LibrarySection) -> String {
    let origin = s
        .saved_by
        .as_deref()
        .map_or_else(|| "starter".to_owned(), |by| format!("saved by {by}"));
    format!(
        "{}  {} ({} fields, {origin})",
        s.key,
        s.section.title,
        s.section.fields.len()
    )
}

fn edit(
    ctx: &Ctx,
    id: outpost_replica::outpost_domain::ids::DocId,
    change: TemplateEdit,
) -> Result<()> {
    let (mut r, user) = ctx.for_write(DocKind::Template, Action::Edit)?;
    r.edit_template(id, &change, &user)?;
    Ok(())
}

fn pos(g: &GridArgs) -> GridPos {
    GridPos::new(g.x, g.y, g.w, g.h)
}

fn field(f: FieldArgs) -> TemplateField {
    let field_type = match f.field_type {
        FieldTypeArg::Text => FieldType::Text,
        FieldTypeArg::LongText => FieldType::LongText,
        FieldTypeArg::Number => FieldType::Number {
            unit: f.unit.clone(),
            min: f.min,
            max: f.max,
        },
        FieldTypeArg::Select => FieldType::Select {
            options: f.options.clone(),
        },
        FieldTypeArg::MultiSelect => FieldType::MultiSelect {
            options: f.options.clone(),
        },
        FieldTypeArg::Checkbox => FieldType::Checkbox,
        FieldTypeArg::Date => FieldType::Date,
        FieldTypeArg::VitalsBlock => FieldType::VitalsBlock,
    };
    let auto_populate = match (&f.from_vitals, f.last_value) {
        (Some(vital), _) => AutoPopulate::FromVitals {
            field: vital.clone(),
        },
        (None, true) => AutoPopulate::LastValueForPatient,
        (None, false) => AutoPopulate::None,
    };
    TemplateField {
        required: f.required,
        auto_populate,
        ..TemplateField::new(f.field, f.label, field_type, pos(&f.grid))
    }
}

/// `id  name  specialty  visit type  latest vN [draft changed]`
fn template_line(t: &TemplateProjection) -> String {
    let latest = t
        .latest_version
        .map_or_else(|| "not published".to_owned(), |v| format!("latest v{v}"));
    let draft = if t.latest_version.is_some() && !t.draft_published {
        "  (draft has unpublished changes)"
    } else {
        ""
    };
    format!(
        "{}  {}  {}  {}  {} fields  {latest}{draft}",
        t.id,
        t.name,
        t.specialty,
        word(&t.visit_type),
        t.field_count
    )
}

fn show_lines(t: &TemplateProjection) -> Vec<String> {
    let mut out = vec![template_line(t)];
    for v in &t.versions {
        out.push(format!(
            "version {}  {}  published by {}",
            v.number, v.content_hash, v.published_by
        ));
    }
    out.extend(content_lines(&t.draft, "draft"));
    out
}

fn content_lines(c: &TemplateContent, what: &str) -> Vec<String> {
    let mut out = vec![format!(
        "{what}: \"{}\" ({}, {})",
        c.name,
        c.specialty,
        word(&c.visit_type)
    )];
    for page in &c.pages {
        out.push(format!("page {}: {}", page.id, page.title));
        for s in &page.sections {
            let g = s.grid;
            out.push(format!(
                "  section {}: {}  at {},{} size {}x{}",
                s.id, s.title, g.x, g.y, g.w, g.h
            ));
            for f in &s.fields {
                let g = f.grid;
                let required = if f.required { " required" } else { "" };
                out.push(format!(
                    "    field {}: {}  {}{required}  at {},{} size {}x{}",
                    f.id,
                    f.label,
                    type_name(&f.field_type),
                    g.x,
                    g.y,
                    g.w,
                    g.h
                ));
            }
        }
    }
    out
}

/// A field type's name (`number`, `select`, ...): its serde tag.
fn type_name(t: &FieldType) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.get("type").and_then(|s| s.as_str()).map(str::to_owned))
        .unwrap_or_default()
}
