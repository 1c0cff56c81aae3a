//! Who may make the changes of a push: every author the batch names is looked up once per
//! push ([`Database::author_role`](crate::db::Database::author_role): an active user of the
//! device's clinic who signed in on the device), and each change is then answered from
//! memory by the domain's one permission matrix ([`permits`]).

use crate::db::Device;
use crate::error::ServerError;
use crate::push::CheckedChange;
use crate::validate::{Authority, Refusal};
use outpost_domain::document::DocKind;
use outpost_domain::roles::{permits, Action, Role};
use sqlx::postgres::PgPool;
use std::collections::{BTreeSet, HashMap};

/// The batch's authors as the server knows them: `None` = not a user of the clinic who
/// signed in on this device.
#[derive(Debug)]
pub(in crate::db::postgres) struct Authors {
    roles: HashMap<String, Option<Role>>,
}

/// Looks up every author the changes name.
pub(in crate::db::postgres) async fn load(
    pool: &PgPool,
    device: &Device,
    changes: &[CheckedChange],
) -> Result<Authors, ServerError> {
    let names: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| c.meta.as_ref())
        .map(|m| m.author.clone())
        .collect();
    let mut roles = HashMap::with_capacity(names.len());
    for name in names {
        let role =
            super::super::users::author_role(pool, device.clinic_id, device.id, &name).await?;
        roles.insert(name, role);
    }
    Ok(Authors { roles })
}

impl Authority for Authors {
    fn check(&self, author: &str, kind: DocKind, creating: bool) -> Result<(), Refusal> {
        let Some(Some(role)) = self.roles.get(author) else {
            return Err(Refusal::new(
                "unknown_author",
                format!(
                    "\"{author}\" is not an active user of this clinic who signed in on this \
                     device"
                ),
            ));
        };
        let action = if creating {
            Action::Create
        } else {
            Action::Edit
        };
        if permits(*role, kind, action) {
            Ok(())
        } else {
            Err(Refusal::new(
                "forbidden_role",
                format!(
                    "\"{author}\" is a {role}, and a {role} may not {action} {} records",
                    kind.as_str()
                ),
            ))
        }
    }
}
