//! Who may make the changes of a push: every author the batch names is looked up once per
//! push (see [`super::received`]: an active user of the device's clinic who signed in on
//! the device, as [`Database::author_role`](crate::db::Database::author_role) answers), and
//! each change is then answered from memory by the domain's one permission matrix
//! ([`permits`]).

use crate::db::postgres::users::stored_role;
use crate::error::ServerError;
use crate::push::CheckedChange;
use crate::validate::{Authority, Refusal};
use outpost_domain::document::DocKind;
use outpost_domain::roles::{permits, Action, Role};
use std::collections::{BTreeSet, HashMap};

/// The batch's authors as the server knows them: `None` = not a user of the clinic who
/// signed in on this device.
#[derive(Debug)]
pub(in crate::db::postgres) struct Authors {
    roles: HashMap<String, Option<Role>>,
}

impl Authors {
    /// Every author `changes` name, for the lookup.
    pub(in crate::db::postgres) fn named(changes: &[CheckedChange]) -> Vec<String> {
        let names: BTreeSet<&str> = changes
            .iter()
            .filter_map(|c| c.meta.as_ref())
            .map(|m| m.author.as_str())
            .collect();
        names.into_iter().map(str::to_owned).collect()
    }

    /// The authors `named` returned, with the roles the lookup found for some of them.
    pub(in crate::db::postgres) fn found(
        named: Vec<String>,
        found: Vec<(String, String)>,
    ) -> Result<Self, ServerError> {
        let mut roles: HashMap<String, Option<Role>> =
            named.into_iter().map(|n| (n, None)).collect();
        for (name, role) in found {
            roles.insert(name, Some(stored_role(&role)?));
        }
        Ok(Self { roles })
    }
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
