//! Sync protocol version 1: enroll a workstation, push its changes, pull the clinic's,
//! and hand it blocks of provisional MRNs.

mod admin;
mod bootstrap;
mod enroll;
mod integrity;
mod login;
mod mrn_blocks;
mod pull;
mod push;
mod sign_ins;
mod users;

use crate::state::AppState;
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/enroll", post(enroll::enroll))
        .route("/push", post(push::push))
        .route("/pull", post(pull::pull))
        .route("/mrn-blocks", post(mrn_blocks::allocate))
        .route("/bootstrap", post(bootstrap::bootstrap))
        .route("/login", post(login::login))
        .route("/users", axum::routing::get(users::list))
        .route("/sign-ins", post(sign_ins::report))
        .route("/integrity", post(integrity::exchange))
        .route("/admin/audit", axum::routing::get(admin::audit))
        .route("/admin/alerts", axum::routing::get(admin::alerts))
}
