//! Configuration layering: defaults, file, environment; secrets masked.

// figment::Jail closures return figment's (large) error type.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use figment::Jail;

use super::{LogFormat, Settings, StoreSettings, mask_url};

fn load(path: Option<&str>) -> Result<Settings, figment::Error> {
    Settings::load(path.map(Path::new)).map_err(|e| format!("{e:#}").into())
}

#[test]
fn defaults_without_file_or_environment() {
    Jail::expect_with(|_| {
        let settings = load(None)?;
        assert_eq!(settings, Settings::default());
        assert_eq!(settings.grpc.host, "127.0.0.1");
        assert_eq!(settings.grpc.port, 50051);
        assert_eq!(
            settings.store,
            StoreSettings::Embedded {
                path: PathBuf::from("data/queuecall.sqlite")
            }
        );
        assert_eq!(settings.hall_file, None);
        assert_eq!(settings.log.format, LogFormat::Pretty);
        assert_eq!(settings.log.filter, "info");
        assert_eq!(settings.shutdown.drain_seconds, 10);
        Ok(())
    });
}

#[test]
fn environment_overrides_the_file() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "queuecall.toml",
            r#"
hall_file = "hall.yaml"
[grpc]
host = "0.0.0.0"
port = 6000
[store]
kind = "embedded"
path = "/var/lib/queuecall/q.sqlite"
[log]
format = "json"
"#,
        )?;
        jail.set_env("QUEUECALL_GRPC__PORT", "0");
        jail.set_env("QUEUECALL_STORE__KIND", "redis");
        jail.set_env("QUEUECALL_STORE__URL", "redis://:s3cret@127.0.0.1:6379/0");
        jail.set_env("QUEUECALL_SHUTDOWN__DRAIN_SECONDS", "0");
        jail.set_env("QUEUECALL_LOG__FILTER", "debug,h2=info");
        let settings = load(Some("queuecall.toml"))?;
        assert_eq!(settings.grpc.host, "0.0.0.0");
        assert_eq!(settings.grpc.port, 0);
        assert_eq!(
            settings.store,
            StoreSettings::Redis {
                url: "redis://:s3cret@127.0.0.1:6379/0".into(),
                key_prefix: "qc".into(),
                cluster: false
            }
        );
        assert_eq!(settings.hall_file, Some(PathBuf::from("hall.yaml")));
        assert_eq!(settings.log.format, LogFormat::Json);
        assert_eq!(settings.log.filter, "debug,h2=info");
        assert_eq!(settings.shutdown.drain_seconds, 0);
        let printed = format!("{settings:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(printed.contains("****@127.0.0.1:6379"), "{printed}");
        Ok(())
    });
}

#[test]
fn config_file_named_by_env_in_yaml() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "q.yaml",
            "store:\n  url: redis://127.0.0.1:6379\n  key_prefix: test-1\n",
        )?;
        jail.set_env("QUEUECALL_CONFIG", "q.yaml");
        jail.set_env("QUEUECALL_HALL_FILE", "/etc/queuecall/hall.toml");
        jail.set_env("QUEUECALL_ADDR", "http://127.0.0.1:50051");
        let settings = load(None)?;
        assert_eq!(
            settings.store,
            StoreSettings::Redis {
                url: "redis://127.0.0.1:6379".into(),
                key_prefix: "test-1".into(),
                cluster: false
            }
        );
        assert_eq!(
            settings.hall_file,
            Some(PathBuf::from("/etc/queuecall/hall.toml"))
        );
        Ok(())
    });
}

#[test]
fn mistakes_are_errors_naming_the_key() {
    Jail::expect_with(|jail| {
        jail.create_file("typo.toml", "[grpc]\nprot = 1\n")?;
        let err = load(Some("typo.toml")).expect_err("unknown key");
        assert!(err.to_string().contains("prot"), "{err}");

        let err = load(Some("missing.toml")).expect_err("missing file");
        assert!(err.to_string().contains("missing.toml"), "{err}");

        jail.set_env("QUEUECALL_GRPC__PORT", "seventy");
        let err = load(None).expect_err("bad port");
        assert!(
            err.to_string().to_lowercase().contains("grpc.port"),
            "{err}"
        );
        jail.set_env("QUEUECALL_GRPC__PORT", "1");

        jail.set_env("QUEUECALL_STORE__KIND", "redis");
        let err = load(None).expect_err("redis without url");
        assert!(err.to_string().contains("store.url"), "{err}");
        Ok(())
    });
}

#[test]
fn redis_passwords_are_masked() {
    assert_eq!(
        mask_url("redis://user:pw@h:6379/1"),
        "redis://user:****@h:6379/1"
    );
    assert_eq!(mask_url("redis://:pw@h"), "redis://:****@h");
    assert_eq!(mask_url("redis://h:6379"), "redis://h:6379");
    assert_eq!(mask_url("rediss://pw@h/0"), "rediss://:****@h/0");
}

#[test]
fn http_listener_defaults_to_8080_and_reads_file_and_environment() {
    Jail::expect_with(|jail| {
        let settings = load(None)?;
        assert_eq!(settings.http.host, "127.0.0.1");
        assert_eq!(settings.http.port, 8080);

        jail.create_file("queuecall.yaml", "http:\n  host: 0.0.0.0\n  port: 8000\n")?;
        jail.set_env("QUEUECALL_HTTP__PORT", "0");
        let settings = load(Some("queuecall.yaml"))?;
        assert_eq!(settings.http.host, "0.0.0.0");
        assert_eq!(settings.http.port, 0);

        jail.create_file("typo.yaml", "http:\n  prot: 8000\n")?;
        let err = load(Some("typo.yaml")).expect_err("unknown key");
        assert!(err.to_string().contains("prot"), "{err}");
        Ok(())
    });
}

#[test]
fn sms_provider_reads_file_and_environment_and_never_prints_the_token() {
    Jail::expect_with(|jail| {
        let settings = load(None)?;
        assert_eq!(
            settings.sms.provider(),
            Ok(None),
            "no provider: the log sender"
        );
        assert_eq!(settings.sms.base_url, "https://api.twilio.com");
        assert_eq!(settings.sms.timeout_ms, 5000);

        jail.create_file(
            "queuecall.yaml",
            "sms:\n  account_sid: AC1\n  from: '+15005550006'\n  timeout_ms: 2000\n",
        )?;
        jail.set_env("QUEUECALL_SMS__AUTH_TOKEN", "tok-from-env-3f9a");
        jail.set_env("QUEUECALL_SMS__BASE_URL", "http://127.0.0.1:9999/");
        let settings = load(Some("queuecall.yaml"))?;
        let provider = settings
            .sms
            .provider()
            .map_err(figment::Error::from)?
            .expect("a provider");
        assert_eq!(provider.account_sid, "AC1");
        assert_eq!(provider.auth_token.expose(), "tok-from-env-3f9a");
        assert_eq!(provider.base_url, "http://127.0.0.1:9999");
        assert_eq!(provider.timeout, std::time::Duration::from_secs(2));
        let printed = format!("{settings:?} {provider:?}");
        assert!(!printed.contains("tok-from-env-3f9a"), "{printed}");

        jail.create_file("typo.yaml", "sms:\n  acount_sid: AC1\n")?;
        let err = load(Some("typo.yaml")).expect_err("unknown key");
        assert!(err.to_string().contains("acount_sid"), "{err}");
        Ok(())
    });
}

/// The environment reads values as data: `+8610…` would be the number 8610…, an all-digit
/// token a number. Text settings take them as text (and the sender its `+`).
#[test]
fn numbers_in_the_environment_are_text_where_text_is_meant() {
    Jail::expect_with(|jail| {
        jail.set_env("QUEUECALL_SMS__ACCOUNT_SID", "12345");
        jail.set_env("QUEUECALL_SMS__AUTH_TOKEN", "0987654321");
        jail.set_env("QUEUECALL_SMS__FROM", "+861012345678");
        jail.set_env("QUEUECALL_STORE__URL", "redis://127.0.0.1:6379");
        jail.set_env("QUEUECALL_STORE__KEY_PREFIX", "2026");
        jail.set_env(
            "QUEUECALL_RECORDS__ID_HASH_KEY",
            "12345678901234567890123456789012",
        );
        jail.set_env("QUEUECALL_HEALTH__CHECK_MS", "250");
        let settings = load(None)?;
        assert_eq!(settings.health.check_ms, 250);
        let provider = settings
            .sms
            .provider()
            .map_err(figment::Error::from)?
            .expect("a provider");
        assert_eq!(provider.account_sid, "12345");
        assert_eq!(provider.auth_token.expose(), "0987654321");
        assert_eq!(
            provider.from,
            super::super::sms::settings::SmsFrom::Number("+861012345678".to_owned())
        );
        assert_eq!(
            settings.store,
            StoreSettings::Redis {
                url: "redis://127.0.0.1:6379".to_owned(),
                key_prefix: "2026".to_owned(),
                cluster: false
            }
        );
        assert!(settings.records.id_hash_key.is_some());
        Ok(())
    });
}

#[test]
fn sms_templates_per_branch_and_kind_come_from_the_file() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "queuecall.yaml",
            "sms:\n  templates:\n    district-centre:\n      called: '请{number}号到{window}办理'\n",
        )?;
        let settings = load(Some("queuecall.yaml"))?;
        let branch = &settings.sms.templates["district-centre"];
        assert_eq!(
            branch[&crate::sms::templates::Kind::Called],
            "请{number}号到{window}办理"
        );
        crate::sms::templates::Templates::new(&settings.sms.templates)
            .map_err(|e| figment::Error::from(format!("{e:#}")))?;

        jail.create_file(
            "typo.yaml",
            "sms:\n  templates:\n    district-centre:\n      caled: 'x'\n",
        )?;
        let err = load(Some("typo.yaml")).expect_err("unknown kind");
        assert!(err.to_string().contains("caled"), "{err}");
        Ok(())
    });
}
