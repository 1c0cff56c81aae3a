//! The rules for provisional MRN blocks, without a database: how large a block a
//! workstation may ask for. Workstations register patients offline, so each holds a block
//! of its clinic's provisional numbers handed out in advance; blocks of one clinic never
//! overlap (the database makes sure of that, see `db::postgres::mrn`).

use crate::error::ServerError;
use crate::push::check_protocol;
use outpost_domain::protocol::MrnBlockRequest;

/// Largest block one request may take: enough for a long stretch offline, small enough
/// that a lost workstation does not burn through the clinic's numbers.
pub const MAX_BLOCK_SIZE: u32 = 1000;

/// The block size to allocate for `req`, or why the request is refused.
pub fn checked_block_size(req: &MrnBlockRequest) -> Result<u32, ServerError> {
    check_protocol(req.protocol)?;
    u32::try_from(req.size)
        .ok()
        .filter(|size| (1..=MAX_BLOCK_SIZE).contains(size))
        .ok_or_else(|| {
            ServerError::invalid(
                "bad_block_size",
                format!(
                    "an MRN block holds 1 to {MAX_BLOCK_SIZE} numbers; {} were asked for: \
                     ask for that many at most (or leave `size` out for the default)",
                    req.size
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use outpost_domain::protocol::PROTOCOL_VERSION;

    fn req(size: u64) -> MrnBlockRequest {
        MrnBlockRequest {
            protocol: PROTOCOL_VERSION,
            size,
        }
    }

    #[test]
    fn sizes_from_one_to_the_maximum_are_allowed() {
        assert_eq!(checked_block_size(&req(1)).unwrap(), 1);
        let max = u64::from(MAX_BLOCK_SIZE);
        assert_eq!(checked_block_size(&req(max)).unwrap(), MAX_BLOCK_SIZE);
    }

    #[test]
    fn an_empty_or_oversized_block_is_refused_with_its_code() {
        for size in [
            0,
            u64::from(MAX_BLOCK_SIZE) + 1,
            u64::from(u32::MAX) + 1,
            u64::MAX,
        ] {
            let e = checked_block_size(&req(size)).unwrap_err();
            assert_eq!(e.status_and_code().1, "bad_block_size", "size {size}");
        }
    }

    #[test]
    fn an_unknown_protocol_is_refused() {
        let mut r = req(10);
        r.protocol = PROTOCOL_VERSION + 1;
        let e = checked_block_size(&r).unwrap_err();
        assert_eq!(e.status_and_code().1, "unsupported_protocol");
    }

    #[test]
    fn a_request_without_a_size_gets_the_default_block() {
        let r: MrnBlockRequest =
            serde_json::from_value(serde_json::json!({ "protocol": PROTOCOL_VERSION })).unwrap();
        assert_eq!(
            u64::from(checked_block_size(&r).unwrap()),
            outpost_domain::protocol::DEFAULT_MRN_BLOCK_SIZE
        );
    }
}
