use std::collections::BTreeSet;

use prost::Message;

use super::methods::{self, Rule};
use super::settings::{AuthSettings, parse_sha256};
use super::*;

fn settings(yaml: &str) -> Result<AuthSettings, String> {
    serde_yaml::from_str::<AuthSettings>(yaml).map_err(|err| err.to_string())
}

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const HASH2: &str = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

#[test]
fn a_token_list_reads_with_its_scopes() {
    let read = settings(&format!(
        "tokens:\n\
         - {{name: t1, role: terminal, branch: north, window: 3, sha256: {HASH}}}\n\
         - {{name: boss, role: admin, sha256: {HASH2}}}\n"
    ))
    .expect("valid");
    assert!(read.enabled && read.open_metrics);
    assert_eq!(read.tokens.len(), 2);
    assert_eq!(read.tokens[0].role, Role::Terminal);
    assert_eq!(read.tokens[0].window.map(WindowNo::get), Some(3));
    assert_eq!(read.tokens[1].branch, None);
    assert!(
        !format!("{read:?}").contains(HASH),
        "the whole hash is not logged"
    );
}

#[test]
fn each_bad_entry_names_its_field() {
    let cases = [
        (
            format!("{{name: x, role: boss, sha256: {HASH}}}"),
            "auth.tokens[0].role",
        ),
        (
            format!("{{name: x, role: terminal, branch: north, sha256: {HASH}}}"),
            "auth.tokens[0].window",
        ),
        (
            format!("{{name: x, role: kiosk, sha256: {HASH}}}"),
            "auth.tokens[0].branch",
        ),
        (
            format!("{{name: x, role: admin, branch: north, sha256: {HASH}}}"),
            "auth.tokens[0].branch",
        ),
        (
            format!("{{name: x, role: kiosk, branch: north, window: 1, sha256: {HASH}}}"),
            "auth.tokens[0].window",
        ),
        (
            "{name: x, role: admin, sha256: abc}".to_owned(),
            "auth.tokens[0].sha256",
        ),
        (
            format!("{{name: 'a b', role: admin, sha256: {HASH}}}"),
            "auth.tokens[0].name",
        ),
        (
            format!("{{name: x, role: kiosk, branch: 'No Way', sha256: {HASH}}}"),
            "auth.tokens[0].branch",
        ),
    ];
    for (entry, field) in cases {
        let err = settings(&format!("tokens: [{entry}]")).expect_err(&entry);
        assert!(err.contains(field), "{entry}: {err}");
    }
}

#[test]
fn rotation_shares_a_name_but_not_a_grant_or_a_hash() {
    let rotated = settings(&format!(
        "tokens: [{{name: k, role: admin, sha256: {HASH}}}, {{name: k, role: admin, sha256: {HASH2}}}]"
    ));
    assert!(rotated.is_ok(), "{rotated:?}");
    let regranted = settings(&format!(
        "tokens: [{{name: k, role: admin, sha256: {HASH}}}, {{name: k, role: booking, sha256: {HASH2}}}]"
    ))
    .expect_err("same name, other role");
    assert!(regranted.contains("auth.tokens[1].name"), "{regranted}");
    let twice = settings(&format!(
        "tokens: [{{name: a, role: admin, sha256: {HASH}}}, {{name: b, role: admin, sha256: {HASH}}}]"
    ))
    .expect_err("same hash");
    assert!(twice.contains("auth.tokens[1].sha256"), "{twice}");
}

#[test]
fn hashes_are_64_hex_digits() {
    assert!(parse_sha256(HASH).is_some());
    assert!(parse_sha256(&HASH.to_uppercase()).is_some());
    assert!(parse_sha256(&HASH[..62]).is_none());
    assert!(parse_sha256(&format!("+f{}", &HASH[2..])).is_none());
}

#[test]
fn a_token_is_found_by_its_hash_only() {
    let read = settings(&format!(
        "tokens: [{{name: t, role: admin, sha256: {HASH}}}]"
    ))
    .expect("valid");
    let keys = Keys::new(&read.tokens);
    // HASH is the SHA-256 of "test".
    assert_eq!(
        keys.find("test").map(|p| p.name.clone()),
        Some("t".to_owned())
    );
    assert!(keys.find("tests").is_none());
    assert!(keys.find("").is_none());
}

#[test]
fn scopes_cover_their_branch_and_window_only() {
    let north = BranchId::parse("b", "north").expect("id");
    let south = BranchId::parse("b", "south").expect("id");
    let w = |n| WindowNo::parse("w", n).expect("window");
    let terminal = Principal {
        name: "t".into(),
        role: Role::Terminal,
        branch: Some(north.clone()),
        window: Some(w(3)),
    };
    assert!(terminal.covers(Scope::Window(&north, w(3))));
    assert!(terminal.covers(Scope::Branch(&north)));
    assert!(!terminal.covers(Scope::Window(&north, w(4))));
    assert!(!terminal.covers(Scope::Branch(&south)));
    let kiosk = Principal {
        role: Role::Kiosk,
        window: None,
        ..terminal.clone()
    };
    assert!(kiosk.covers(Scope::Branch(&north)));
    assert!(!kiosk.covers(Scope::Window(&north, w(3))));
    assert!(!kiosk.covers(Scope::Branch(&south)));
    let err = check(Some(&terminal), Scope::Window(&north, w(4))).expect_err("other window");
    assert!(matches!(err, QueueError::PermissionDenied(_)), "{err:?}");
    assert!(
        err.to_string().contains("window 4 of branch 'north'"),
        "{err}"
    );
    assert!(
        check(None, Scope::Branch(&south)).is_ok(),
        "access control off"
    );
}

#[test]
fn bearer_takes_the_token_of_the_header() {
    assert_eq!(layer::bearer("Bearer abc"), Some("abc"));
    assert_eq!(layer::bearer("bearer  abc "), Some("abc"));
    assert_eq!(layer::bearer("Basic abc"), None);
    assert_eq!(layer::bearer("Bearer "), None);
}

/// Every method of every queuecall service is in the table, and nothing else is.
#[test]
fn the_method_table_names_every_rpc() {
    let set = prost_types::FileDescriptorSet::decode(queuecall_proto::FILE_DESCRIPTOR_SET)
        .expect("the descriptor set decodes");
    let mut rpcs = BTreeSet::new();
    for file in &set.file {
        for service in &file.service {
            for method in &service.method {
                rpcs.insert(format!(
                    "{}.{}/{}",
                    file.package(),
                    service.name(),
                    method.name()
                ));
            }
        }
    }
    let table: BTreeSet<String> = methods::TABLE
        .iter()
        .map(|(service, method, _)| format!("{service}/{method}"))
        .collect();
    assert_eq!(rpcs, table);
    assert_eq!(methods::TABLE.len(), 36);
    assert_eq!(methods::rule("/grpc.health.v1.Health/Check"), Rule::Open);
    assert!(!methods::rule("/queuecall.v1.AdminService/PutBranch").allows(Role::Kiosk));
    assert!(methods::rule("/queuecall.v1.AdminService/PutBranch").allows(Role::Admin));
    assert!(methods::rule("/queuecall.v1.QueueService/CallNext").allows(Role::Terminal));
    assert!(!methods::rule("/queuecall.v1.NoSuch/Thing").allows(Role::Booking));
}
