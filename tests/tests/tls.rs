//! TLS on the gRPC listener: with `grpc.tls_cert` and `grpc.tls_key` the real binary serves
//! gRPC over TLS only (a client that trusts the certificate gets answers; a plain-text client
//! does not); a certificate without its key is a start-up error naming both settings.

use std::path::Path;
use std::process::Command;

use queuecall_tests::*;
use tonic::transport::{Certificate, Channel, ClientTlsConfig};

/// A test CA (`ca.pem`) and a server certificate for `localhost` it signed (`cert.pem`,
/// `key.pem`), made with openssl, which every Debian machine has.
fn test_pki(dir: &Path) -> anyhow::Result<()> {
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )?;
    let steps: [&[&str]; 3] = [
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=queuecall test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "key.pem",
            "-out",
            "leaf.csr",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
            "-out",
            "cert.pem",
        ],
    ];
    for args in steps {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()?;
        anyhow::ensure!(
            output.status.success(),
            "openssl {args:?} failed (install it with `apt-get install openssl`): {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn env(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("QUEUECALL_STORE__KIND", "embedded".to_owned()),
        (
            "QUEUECALL_STORE__PATH",
            dir.join("q.sqlite").display().to_string(),
        ),
        (
            "QUEUECALL_RECORDS__PATH",
            dir.join("r.sqlite").display().to_string(),
        ),
        ("QUEUECALL_GRPC__PORT", "0".to_owned()),
        ("QUEUECALL_HALL_FILE", hall_file().display().to_string()),
        ("QUEUECALL_SHUTDOWN__DRAIN_SECONDS", "0".to_owned()),
        (
            "QUEUECALL_GRPC__TLS_CERT",
            dir.join("cert.pem").display().to_string(),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_is_served_over_tls_only_when_a_certificate_is_configured() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    test_pki(dir.path())?;
    let mut env = env(dir.path());
    env.push((
        "QUEUECALL_GRPC__TLS_KEY",
        dir.path().join("key.pem").display().to_string(),
    ));
    let service = ServiceProcess::start(dir.path(), "service.log", &env).await?;
    let port = service.addr.port();

    let ca = Certificate::from_pem(std::fs::read(dir.path().join("ca.pem"))?);
    let tls = ClientTlsConfig::new()
        .ca_certificate(ca)
        .domain_name("localhost");
    let channel = Channel::from_shared(format!("https://127.0.0.1:{port}"))?
        .tls_config(tls)?
        .connect()
        .await?;
    let api = Api::new(QueueServiceClient::new(queuecall_tests::with_bearer(
        channel,
        queuecall_tests::Bearer::admin(),
    )));
    assert_eq!(api.take(SOCIAL).await?.number, "A001");

    let plain = Api::connect(&format!("http://127.0.0.1:{port}")).await;
    let refused = match plain {
        Err(_) => true,
        Ok(api) => api.take(SOCIAL).await.is_err(),
    };
    assert!(refused, "a plain-text client must get no answer");
    assert_eq!(
        api.take(SOCIAL).await?.number,
        "A002",
        "the plain-text attempt issued nothing"
    );

    // queuecallctl over https, trusting the test CA, with its token.
    let ca = dir.path().join("ca.pem").display().to_string();
    let https = format!("https://localhost:{port}");
    let taken = run_cli(
        &https,
        &["--ca-cert", &ca, "--branch", BRANCH, "take", SOCIAL],
    )
    .await;
    assert!(
        taken.assert_success().starts_with("A003 waiting"),
        "{taken:?}"
    );
    let untrusted = run_cli(&https, &["--branch", BRANCH, "take", SOCIAL]).await;
    assert!(
        !untrusted.status.success() && untrusted.stderr.contains("error: connect:"),
        "without the CA the certificate is not trusted: {untrusted:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_without_its_key_is_refused_at_start() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    test_pki(dir.path())?;
    let started = ServiceProcess::start(dir.path(), "service.log", &env(dir.path())).await;
    let error = format!("{:#}", started.err().expect("refused to start"));
    assert!(
        error.contains("grpc.tls_cert") && error.contains("grpc.tls_key"),
        "{error}"
    );
    Ok(())
}
