//! The `records` section: defaults, file and environment layers, masking.

// figment::Jail closures return figment's (large) error type.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

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
            load(None)?.records,
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
