//! The configuration layers an operator relies on: file, then `OUTPOST_*` environment,
//! then flags; and errors that name the bad key.

#![allow(clippy::unwrap_used, clippy::expect_used)]
// figment::Jail closures return figment::Error, which is large; not ours to shrink.
#![allow(clippy::result_large_err)]

use super::*;
use figment::Jail;

fn load_in(
    jail: &Jail,
    file: Option<&str>,
    overrides: &Overrides,
) -> Result<ServerConfig, ConfigError> {
    let path = file.map(|f| jail.directory().join(f));
    ServerConfig::load(path.as_deref(), overrides)
}

#[test]
fn defaults_need_no_file() {
    Jail::expect_with(|jail| {
        let c = load_in(jail, None, &Overrides::default()).unwrap();
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(c.pool, PoolSettings::default());
        assert_eq!(c.body_limit_bytes, DEFAULT_BODY_LIMIT_BYTES);
        assert_eq!(c.tls, None);
        assert_eq!(c.log_format, LogFormat::Pretty);
        assert!(c.migrate_on_start);
        assert!(c.require_database_url().is_err());
        Ok(())
    });
}

#[test]
fn the_environment_overrides_the_file_and_flags_override_both() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "server.toml",
            r#"
                listen = "0.0.0.0:9000"
                database_url = "postgres://outpost:filepass@db/outpost"
                shutdown_grace_secs = 12
                log_format = "json"
                [pool]
                max_connections = 40
                min_connections = 2
                acquire_timeout_secs = 3
                [tls]
                cert = "/etc/outpost/cert.pem"
                key = "/etc/outpost/key.pem"
            "#,
        )?;
        jail.set_env("OUTPOST_POOL__MAX_CONNECTIONS", "50");
        jail.set_env("OUTPOST_LISTEN", "0.0.0.0:9100");
        // Not the server's: ignored, even though the file refuses unknown keys.
        jail.set_env("OUTPOST_DATA_DIR", "/var/lib/outpost");
        let c = load_in(jail, Some("server.toml"), &Overrides::default()).unwrap();
        assert_eq!(c.listen.to_string(), "0.0.0.0:9100");
        assert_eq!(c.pool.max_connections, 50);
        assert_eq!(c.pool.min_connections, 2);
        assert_eq!(c.shutdown_grace_secs, 12);
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(
            c.tls.as_ref().unwrap().cert,
            PathBuf::from("/etc/outpost/cert.pem")
        );
        assert!(
            !format!("{c:?}").contains("filepass"),
            "Debug hides the password"
        );

        let flags = Overrides {
            listen: Some("127.0.0.1:0".parse().unwrap()),
            database_url: Some("postgres://outpost@flaghost/outpost".into()),
            ..Overrides::default()
        };
        let c = load_in(jail, Some("server.toml"), &flags).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:0");
        assert_eq!(
            c.require_database_url().unwrap().expose(),
            "postgres://outpost@flaghost/outpost"
        );
        Ok(())
    });
}

#[test]
fn a_bad_value_names_its_key_and_source() {
    Jail::expect_with(|jail| {
        jail.create_file("server.toml", "[pool]\nmax_connections = \"many\"\n")?;
        let e = load_in(jail, Some("server.toml"), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("pool.max_connections"), "{e}");
        assert!(e.contains("server.toml"), "{e}");

        jail.create_file("typo.toml", "shutdown_grace = 5\n")?;
        let e = load_in(jail, Some("typo.toml"), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("shutdown_grace"), "{e}");

        jail.create_file("ok.toml", "")?;
        jail.set_env("OUTPOST_LOG_FORMAT", "xml");
        let e = load_in(jail, Some("ok.toml"), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("log_format") && e.contains("OUTPOST_LOG_FORMAT"),
            "{e}"
        );
        Ok(())
    });
}

#[test]
fn impossible_values_and_missing_files_are_refused() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "server.toml",
            "[pool]\nmax_connections = 4\nmin_connections = 8\n",
        )?;
        let e = load_in(jail, Some("server.toml"), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("pool.min_connections"), "{e}");
        let e = load_in(jail, Some("nope.toml"), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("nope.toml") && e.contains("--config"), "{e}");
        Ok(())
    });
}

#[test]
fn the_example_config_in_the_repo_loads() {
    Jail::expect_with(|_| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/outpost-server.example.toml");
        let c = ServerConfig::load(Some(&path), &Overrides::default()).unwrap();
        assert!(c.require_database_url().is_ok());
        assert!(c.tls.is_some());
        Ok(())
    });
}
