//! The `records` section: defaults, file and environment layers, masking.

// figment::Jail closures return figment's (large) error type.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Jail;

use super::RecordsSettings;
use crate::config::Settings;

fn load(path: Option<&str>) -> Result<Settings, figment::Error> {
    Settings::load(path.map(Path::new)).map_err(|e| format!("{e:#}").into())
}

#[test]
fn records_default_to_a_sqlite_file_under_data() {
    Jail::expect_with(|_| {
        assert_eq!(
            load(None)?.records,
            RecordsSettings::Sqlite {
                path: PathBuf::from("data/records.sqlite")
            }
        );
        Ok(())
    });
}

#[test]
fn postgres_from_the_file_and_the_environment_with_the_password_masked() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "queuecall.yaml",
            "records:\n  kind: sqlite\n  path: /var/lib/queuecall/records.sqlite\n",
        )?;
        assert_eq!(
            load(Some("queuecall.yaml"))?.records,
            RecordsSettings::Sqlite {
                path: PathBuf::from("/var/lib/queuecall/records.sqlite")
            }
        );
        jail.set_env("QUEUECALL_RECORDS__KIND", "postgres");
        jail.set_env(
            "QUEUECALL_RECORDS__URL",
            "postgres://qc:s3cret@db.internal:5432/queuecall",
        );
        let settings = load(Some("queuecall.yaml"))?;
        assert_eq!(
            settings.records,
            RecordsSettings::Postgres {
                url: "postgres://qc:s3cret@db.internal:5432/queuecall".into(),
                max_connections: 10
            }
        );
        jail.set_env("QUEUECALL_RECORDS__MAX_CONNECTIONS", "3");
        let settings = load(Some("queuecall.yaml"))?;
        let printed = format!("{settings:?} {}", settings.records.describe());
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(printed.contains("qc:****@db.internal:5432"), "{printed}");
        assert!(printed.contains("max_connections: 3"), "{printed}");
        Ok(())
    });
}

#[test]
fn a_url_alone_means_postgres_and_bad_values_are_refused() {
    Jail::expect_with(|jail| {
        jail.set_env("QUEUECALL_RECORDS__URL", "postgres://postgres@127.0.0.1/qc");
        assert!(matches!(
            load(None)?.records.database,
            RecordsSettings::Postgres { .. }
        ));
        jail.set_env("QUEUECALL_RECORDS__URL", "mysql://u:pw@h/qc");
        let err = load(None).expect_err("a mysql url").to_string();
        assert!(err.contains("postgres://"), "{err}");
        assert!(!err.contains(":pw@"), "{err}");
        jail.set_env("QUEUECALL_RECORDS__URL", "postgres://h/qc");
        jail.set_env("QUEUECALL_RECORDS__MAX_CONNECTIONS", "0");
        assert!(load(None).is_err());
        jail.set_env("QUEUECALL_RECORDS__KIND", "sqlite");
        jail.set_env("QUEUECALL_RECORDS__MAX_CONNECTIONS", "5");
        assert_eq!(load(None)?.records, RecordsSettings::default());
        Ok(())
    });
}

#[test]
fn layout_poll_defaults_to_two_seconds_and_the_id_hash_key_is_never_printed() {
    Jail::expect_with(|jail| {
        let settings = load(None)?;
        assert_eq!(settings.records.layout_poll, Duration::from_millis(2000));
        assert_eq!(settings.records.id_hash_key, None);
        jail.set_env("QUEUECALL_RECORDS__LAYOUT_POLL_MS", "50");
        jail.set_env(
            "QUEUECALL_RECORDS__ID_HASH_KEY",
            "a-secret-of-thirty-two-characters-or-more",
        );
        let settings = load(None)?;
        assert_eq!(settings.records.layout_poll, Duration::from_millis(50));
        let key = settings
            .records
            .id_hash_key
            .as_ref()
            .expect("the key is read");
        assert_eq!(key.expose(), b"a-secret-of-thirty-two-characters-or-more");
        let printed = format!("{settings:?}");
        assert!(!printed.contains("thirty-two"), "{printed}");
        jail.set_env("QUEUECALL_RECORDS__ID_HASH_KEY", "too-short");
        let err = load(None).expect_err("a short key").to_string();
        assert!(err.contains("records.id_hash_key"), "{err}");
        assert!(err.contains("QUEUECALL_RECORDS__ID_HASH_KEY"), "{err}");
        assert!(!err.contains("too-short"), "{err}");
        jail.set_env(
            "QUEUECALL_RECORDS__ID_HASH_KEY",
            "a-secret-of-thirty-two-characters-or-more",
        );
        jail.set_env("QUEUECALL_RECORDS__LAYOUT_POLL_MS", "0");
        assert!(load(None).is_err());
        Ok(())
    });
}
