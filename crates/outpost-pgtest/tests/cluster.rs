//! The harness other crates rely on: a cluster accepts connections, keeps its data across
//! a restart, runs alongside other clusters, and leaves nothing behind when dropped.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use outpost_pgtest::PgCluster;
use std::process::Command;

fn psql(pg: &PgCluster, sql: &str) -> std::process::Output {
    Command::new("psql")
        .arg(pg.url())
        .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .expect("psql runs")
}

fn psql_ok(pg: &PgCluster, sql: &str) -> String {
    let out = psql(pg, sql);
    assert!(
        out.status.success(),
        "psql failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_started_cluster_accepts_connections_to_the_outpost_database() {
    let pg = PgCluster::start().expect("cluster starts");
    assert!(pg.is_running());
    assert_eq!(
        pg.url(),
        format!("postgres://outpost@127.0.0.1:{}/outpost", pg.port())
    );
    let ready = Command::new("pg_isready")
        .args(["-h", "127.0.0.1", "-p", &pg.port().to_string()])
        .status()
        .expect("pg_isready runs");
    assert!(ready.success());
    assert_eq!(
        psql_ok(&pg, "select current_database() || ' ' || current_user"),
        "outpost outpost"
    );
}

#[test]
fn data_survives_a_restart_on_the_same_port() {
    let pg = PgCluster::start().expect("cluster starts");
    psql_ok(&pg, "create table t(x int); insert into t values (42)");
    let port = pg.port();

    pg.stop().expect("stops");
    assert!(!pg.is_running());
    assert!(
        !psql(&pg, "select 1").status.success(),
        "stopped means refused"
    );

    pg.start_again().expect("starts again");
    assert_eq!(pg.port(), port);
    assert_eq!(psql_ok(&pg, "select x from t"), "42");

    pg.restart().expect("restarts");
    assert_eq!(psql_ok(&pg, "select x from t"), "42");
}

#[test]
fn dropping_the_cluster_stops_it_and_removes_its_directory() {
    let pg = PgCluster::start().expect("cluster starts");
    let dir = pg.dir().to_path_buf();
    let port = pg.port();
    assert!(dir.join("data").is_dir());
    drop(pg);
    assert!(!dir.exists(), "{} should be removed", dir.display());
    let ready = Command::new("pg_isready")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .status()
        .expect("pg_isready runs");
    assert!(!ready.success(), "nothing listens on {port} any more");
}

#[test]
fn clusters_started_in_parallel_get_their_own_ports_and_directories() {
    let handles: Vec<_> = (0..3)
        .map(|_| std::thread::spawn(|| PgCluster::start().expect("cluster starts")))
        .collect();
    let clusters: Vec<PgCluster> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let mut ports: Vec<u16> = clusters.iter().map(|c| c.port()).collect();
    ports.sort();
    ports.dedup();
    assert_eq!(ports.len(), 3);
    for (i, pg) in clusters.iter().enumerate() {
        psql_ok(
            pg,
            &format!("create table mine(n int); insert into mine values ({i})"),
        );
    }
    for (i, pg) in clusters.iter().enumerate() {
        assert_eq!(psql_ok(pg, "select n from mine"), i.to_string());
    }
}
