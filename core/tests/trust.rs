//! Trust stores over real TLS (the mock's self-signed certificate written to a file): `ca_file`,
//! `SSL_CERT_FILE`, and the opt-in platform verifier. One test binary, one test function for the
//! parts that set `SSL_CERT_FILE`, since the environment is shared by the whole process.

mod common;

use amperity::{Error, PageOptions, RetryPolicy, TransportKind};
use common::*;
use std::path::PathBuf;

fn first_page_len(client: &amperity::Client) -> Result<usize, Error> {
    Ok(client
        .list_segments(PageOptions::limit(5))
        .next_page()?
        .map_or(0, |page| page.items.len()))
}

fn cert_file(server: &amperity_mock::MockServer, name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("amperity-{}-{name}.pem", std::process::id()));
    std::fs::write(&path, server.ca_cert_pem().unwrap()).unwrap();
    path
}

fn assert_tls_error(result: Result<usize, Error>) {
    match result {
        Err(Error::Transport { kind, .. }) => assert_eq!(kind, TransportKind::Tls),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[test]
fn ca_file_ssl_cert_file_and_the_platform_verifier() {
    let server = server_with(|c| c.tls = true);
    let file = cert_file(&server, "ca");
    let strict = || builder(&server).retry_policy(RetryPolicy::disabled());
    std::env::remove_var("SSL_CERT_FILE");

    // ca_file: the file's roots are trusted on top of the bundled ones.
    let client = strict().ca_file(&file).build().unwrap();
    assert_eq!(first_page_len(&client).unwrap(), 5);
    assert_tls_error(first_page_len(&strict().build().unwrap()));

    // A second server with its own certificate: each client trusts exactly the file it was given
    // (the roots parsed for the last PEMs are reused, never a stale set).
    let other = server_with(|c| c.tls = true);
    let other_file = cert_file(&other, "other");
    let strict_other = || builder(&other).retry_policy(RetryPolicy::disabled());
    let trusting = |b: amperity::ClientBuilder, f: &PathBuf| b.ca_file(f).build().unwrap();
    assert_eq!(
        first_page_len(&trusting(strict_other(), &other_file)).unwrap(),
        5
    );
    assert_tls_error(first_page_len(&trusting(strict_other(), &file)));
    assert_tls_error(first_page_len(&trusting(strict(), &other_file)));
    assert_eq!(first_page_len(&trusting(strict(), &file)).unwrap(), 5);

    // A missing file is a configuration error that names the setting and the path.
    let missing = std::env::temp_dir().join("amperity-no-such-file.pem");
    match strict().ca_file(&missing).build().unwrap_err() {
        Error::Config { detail } => {
            assert!(
                detail.contains("ca_file") && detail.contains("amperity-no-such-file.pem"),
                "{detail}"
            )
        }
        other => panic!("{other:?}"),
    }

    // Without the `platform-verifier` feature (Apple builds linked without Apple's SDK), asking
    // for it is a configuration error that says so; the rest of this test needs the feature.
    if cfg!(not(feature = "platform-verifier")) {
        match strict().platform_verifier(true).build().unwrap_err() {
            Error::Config { detail } => {
                assert!(detail.contains("no platform verifier"), "{detail}")
            }
            other => panic!("{other:?}"),
        }
        let _ = std::fs::remove_file(&file);
        return;
    }
    // The platform verifier does not know the self-signed certificate...
    let platform = strict().platform_verifier(true).build().unwrap();
    assert_tls_error(first_page_len(&platform));
    // ...and does not mix with extra roots.
    match strict()
        .platform_verifier(true)
        .ca_file(&file)
        .build()
        .unwrap_err()
    {
        Error::Config { detail } => assert!(detail.contains("platform verifier"), "{detail}"),
        other => panic!("{other:?}"),
    }

    // SSL_CERT_FILE is honoured by the bundled verifier, and by the platform's on Linux only
    // (Windows and macOS verify with their own certificate stores; tests/platforms.sh runs this
    // under wine).
    std::env::set_var("SSL_CERT_FILE", &file);
    assert_eq!(first_page_len(&strict().build().unwrap()).unwrap(), 5);
    let platform = first_page_len(&strict().platform_verifier(true).build().unwrap());
    if cfg!(target_os = "linux") {
        assert_eq!(platform.unwrap(), 5);
    } else {
        assert_tls_error(platform);
    }
    std::env::set_var("SSL_CERT_FILE", &missing);
    match strict().build().unwrap_err() {
        Error::Config { detail } => assert!(detail.contains("SSL_CERT_FILE"), "{detail}"),
        other => panic!("{other:?}"),
    }
    std::env::remove_var("SSL_CERT_FILE");
    let _ = std::fs::remove_file(&file);
}
