//! Enrollment: a new workstation becomes a device of one clinic. It creates the replica
//! (key + database), trades the one-time code for a device token, and keeps the token in
//! the OS keyring. If anything fails, what was created is removed again, so the operator
//! can simply retry.

use crate::error::ReplicaError;
use crate::keys;
use crate::meta::{self, Enrollment};
use crate::replica::{normalize_server_url, Replica};
use crate::secret::DeviceToken;
use crate::sync::post_enroll;
use outpost_domain::protocol::{EnrollRequest, PROTOCOL_VERSION};
use std::path::Path;

/// Creates a replica in `data_dir` and enrolls it with the server at `server_url` using the
/// code an administrator issued.
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
    let replica = Replica::create(data_dir)?;
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
            tracing::warn!(error = %err, "enrollment failed; removing the new replica");
            if let Err(cleanup) = replica.discard() {
                tracing::warn!(error = %cleanup, "could not remove the new replica");
            }
            Err(err)
        }
    }
}
