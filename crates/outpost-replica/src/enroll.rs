//! Enrollment: a workstation becomes a device of one clinic. It creates the replica (key +
//! database) unless an unenrolled one is already there (charted before enrollment, or an
//! enrollment interrupted earlier), trades the one-time code for a device token, and keeps
//! the token in the OS keyring. If anything fails, what this call created is removed
//! again, so the operator can simply retry.

use crate::error::ReplicaError;
use crate::keys::{self, Slot};
use crate::meta::{self, Enrollment};
use crate::replica::{normalize_server_url, Replica};
use crate::secret::DeviceToken;
use crate::store::DB_FILE;
use crate::sync::post_enroll;
use outpost_domain::protocol::{EnrollRequest, PROTOCOL_VERSION};
use std::path::Path;

/// Enrolls the replica in `data_dir` (creating it if there is none) with the server at
/// `server_url`, using the code an administrator issued. Refuses a replica that is already
/// enrolled.
#[tracing::instrument(skip_all)]
pub async fn enroll(
    data_dir: &Path,
    server_url: &str,
    code: &str,
) -> Result<Replica, ReplicaError> {
    let server_url = normalize_server_url(server_url)?;
    let code = code.trim();
    if code.is_empty() {
        return Err(ReplicaError::invalid(
            "code",
            "enter the enrollment code an administrator issued for this workstation",
        ));
    }
    let db = data_dir.join(DB_FILE);
    let existing = db
        .try_exists()
        .map_err(|e| ReplicaError::io("checking", &db, e))?;
    let replica = if existing {
        let replica = Replica::open(data_dir)?;
        if let Some(e) = replica.enrollment()? {
            return Err(ReplicaError::AlreadyEnrolled {
                path: replica.db_path().to_owned(),
                clinic_name: e.clinic_name,
            });
        }
        replica
    } else {
        Replica::create(data_dir)?
    };
    let req = EnrollRequest {
        protocol: PROTOCOL_VERSION,
        code: code.to_owned(),
        replica_id: replica.replica_id(),
    };
    let answer = post_enroll(&server_url, &req).await;
    let finished = answer.map_err(ReplicaError::Enroll).and_then(|resp| {
        keys::store_token(replica.db_path(), &DeviceToken::new(resp.device_token))?;
        let enrollment = Enrollment {
            server_url,
            clinic_id: resp.clinic_id,
            clinic_name: resp.clinic_name,
            device_id: resp.device_id,
            device_name: resp.device_name,
        };
        meta::set_enrollment(&replica.conn, &enrollment)?;
        Ok(enrollment)
    });
    match finished {
        Ok(e) => {
            tracing::info!(clinic_id = %e.clinic_id, device_id = %e.device_id, "enrolled");
            Ok(replica)
        }
        Err(err) => {
            tracing::warn!(error = %err, "enrollment failed; undoing what it created");
            let undone = if existing {
                keys::delete(Slot::DeviceToken, replica.db_path())
            } else {
                replica.discard()
            };
            if let Err(cleanup) = undone {
                tracing::warn!(error = %cleanup, "could not undo the failed enrollment");
            }
            Err(err)
        }
    }
}
