//! Table tests for every validation rule.

use chrono::NaiveDate;
use connkeeper_core::validate::FieldCode;
use connkeeper_core::validate::*;
use connkeeper_core::SecretString;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn host(raw: &str) -> Result<String, String> {
    validate_host(raw, false)
        .map(|(h, _)| h)
        .map_err(|e| e.code.code().to_owned())
}

#[test]
fn hosts_accepted_and_normalised() {
    let cases = [
        ("acme.atlassian.net", "https://acme.atlassian.net"),
        ("https://acme.atlassian.net", "https://acme.atlassian.net"),
        ("https://acme.atlassian.net/", "https://acme.atlassian.net"),
        (
            "  https://acme.atlassian.net  ",
            "https://acme.atlassian.net",
        ),
        ("HTTPS://ACME.Atlassian.NET", "https://acme.atlassian.net"),
        ("acme.atlassian.net.", "https://acme.atlassian.net"),
        (
            "https://acme.atlassian.net:443/jira",
            "https://acme.atlassian.net",
        ),
        (
            "https://acme.atlassian.net/browse/ABC-1?focusedCommentId=5",
            "https://acme.atlassian.net",
        ),
        (
            "https://acme.atlassian.net/jira/software/projects/ABC/boards/1#top",
            "https://acme.atlassian.net",
        ),
        ("acme.atlassian.net/wiki?x=1", "https://acme.atlassian.net"),
        ("jira.example.com", "https://jira.example.com"),
        ("bücher.example", "https://xn--bcher-kva.example"),
    ];
    for (raw, want) in cases {
        assert_eq!(host(raw).as_deref(), Ok(want), "input {raw:?}");
    }
}

#[test]
fn hosts_refused_with_codes() {
    let cases = [
        ("", "required"),
        ("   ", "required"),
        ("http://acme.atlassian.net", "insecure_scheme"),
        ("ftp://acme.atlassian.net", "unsupported_scheme"),
        ("https://u:p@acme.atlassian.net", "userinfo"),
        ("https://user@acme.atlassian.net", "userinfo"),
        ("https://acme.atlassian.net:8443", "port"),
        ("https://10.0.0.1", "ip_address"),
        ("https://[::1]", "ip_address"),
        ("192.168.1.20", "ip_address"),
        ("https://localhost", "invalid"),
        ("acme atlassian.net", "invalid"),
        ("https://acme..atlassian.net", "invalid"),
        ("https://-acme.atlassian.net", "invalid"),
        ("https://🔑.atlassian.net/", "invalid"),
        ("http://127.0.0.1:8080", "insecure_scheme"),
    ];
    for (raw, code) in cases {
        assert_eq!(host(raw), Err(code.to_owned()), "input {raw:?}");
    }
}

#[test]
fn loopback_http_only_with_the_flag() {
    assert_eq!(
        validate_host("http://127.0.0.1:8080/x", true).unwrap().0,
        "http://127.0.0.1:8080"
    );
    assert_eq!(
        validate_host("http://localhost:9", true).unwrap().0,
        "http://localhost:9"
    );
    assert_eq!(
        validate_host("http://example.com:9", true)
            .unwrap_err()
            .code,
        FieldCode::InsecureScheme
    );
    assert_eq!(
        validate_host("http://10.1.2.3:9", true).unwrap_err().code,
        FieldCode::InsecureScheme
    );
}

#[test]
fn custom_domains_warn() {
    let (_, w) = validate_host("jira.example.com", false).unwrap();
    assert_eq!(w.unwrap().code, FieldCode::CustomDomain);
    let (_, w) = validate_host("acme.atlassian.net", false).unwrap();
    assert!(w.is_none());
}

#[test]
fn huge_inputs_are_refused_not_panicking() {
    let big = "a".repeat(10 * 1024);
    assert_eq!(
        validate_name(&big, &[]).unwrap_err().code,
        FieldCode::TooLong
    );
    assert_eq!(
        validate_description(Some(&big)).unwrap_err().code,
        FieldCode::TooLong
    );
    assert!(validate_host(&format!("https://{big}.atlassian.net"), false).is_err());
    assert!(validate_email(&format!("{big}@example.com")).is_err());
    assert!(validate_expires(&big, today(), Mode::Create).is_err());
    let token = SecretString::from(big);
    assert_eq!(
        validate_token(Some(&token), Mode::Create).unwrap_err().code,
        FieldCode::TooLong
    );
}

#[test]
fn names() {
    assert_eq!(validate_name("  Acme backup ", &[]).unwrap(), "Acme backup");
    assert_eq!(
        validate_name(&"n".repeat(64), &[]).unwrap().chars().count(),
        64
    );
    assert_eq!(
        validate_name(&"n".repeat(65), &[]).unwrap_err().code,
        FieldCode::TooLong
    );
    assert_eq!(
        validate_name(&"é".repeat(64), &[]).unwrap().chars().count(),
        64
    );
    assert_eq!(validate_name("🔑 Keys", &[]).unwrap(), "🔑 Keys");
    assert_eq!(
        validate_name("", &[]).unwrap_err().code,
        FieldCode::Required
    );
    assert_eq!(
        validate_name(" \t ", &[]).unwrap_err().code,
        FieldCode::Required
    );
    assert_eq!(
        validate_name("a\nb", &[]).unwrap_err().code,
        FieldCode::ControlCharacter
    );
    assert_eq!(
        validate_name("a\u{7}b", &[]).unwrap_err().code,
        FieldCode::ControlCharacter
    );
    assert_eq!(
        validate_name("ACME", &["acme"]).unwrap_err().code,
        FieldCode::Duplicate
    );
    assert_eq!(
        validate_name(" Ärger ", &["ärger"]).unwrap_err().code,
        FieldCode::Duplicate
    );
    assert!(validate_name("Acme 2", &["Acme"]).is_ok());
}

#[test]
fn descriptions() {
    assert_eq!(validate_description(None).unwrap(), None);
    assert_eq!(validate_description(Some("   ")).unwrap(), None);
    assert_eq!(
        validate_description(Some("line one\r\nline two"))
            .unwrap()
            .as_deref(),
        Some("line one\nline two")
    );
    assert!(validate_description(Some(&"d".repeat(500))).is_ok());
    assert_eq!(
        validate_description(Some(&"d".repeat(501)))
            .unwrap_err()
            .code,
        FieldCode::TooLong
    );
    assert_eq!(
        validate_description(Some("a\u{0}b")).unwrap_err().code,
        FieldCode::ControlCharacter
    );
}

#[test]
fn applications() {
    assert!(validate_application("jira").is_ok());
    assert!(validate_application("JSM").is_ok());
    assert!(validate_application("Jira Admin Settings").is_ok());
    assert_eq!(
        validate_application("").unwrap_err().code,
        FieldCode::Required
    );
    assert_eq!(
        validate_application("confluence").unwrap_err().code,
        FieldCode::Invalid
    );
}

#[test]
fn emails() {
    let ok = [
        "a@b.co",
        " admin@acme.com ",
        &format!("{}@example.com", "l".repeat(64)),
    ];
    for e in ok {
        assert!(validate_email(e).is_ok(), "{e:?}");
    }
    let bad = [
        ("", "required"),
        ("admin", "invalid"),
        ("a@@b.com", "invalid"),
        ("a@b@c.com", "invalid"),
        ("@b.com", "invalid"),
        ("a@localhost", "invalid"),
        ("a@b..com", "invalid"),
        ("a b@c.com", "invalid"),
        ("a@b.com\n", "invalid"),
    ];
    for (e, code) in bad {
        let got = validate_email(e);
        // "a@b.com\n" is trimmed to a valid address: surrounding whitespace is fine.
        if e == "a@b.com\n" {
            assert!(got.is_ok());
            continue;
        }
        assert_eq!(got.unwrap_err().code.code(), code, "{e:?}");
    }
    let long_local = format!("{}@example.com", "l".repeat(65));
    assert_eq!(
        validate_email(&long_local).unwrap_err().code,
        FieldCode::Invalid
    );
    let long_total = format!("a@{}.com", "d".repeat(260));
    assert_eq!(
        validate_email(&long_total).unwrap_err().code,
        FieldCode::TooLong
    );
}

#[test]
fn tokens() {
    let s = |t: &str| SecretString::from(t.to_owned());
    use connkeeper_core::ExposeSecret;
    let ok = validate_token(Some(&s("  ATATT3xFfGF0abcdefgh  ")), Mode::Create)
        .unwrap()
        .unwrap();
    assert_eq!(ok.expose_secret(), "ATATT3xFfGF0abcdefgh");
    assert_eq!(
        validate_token(None, Mode::Create).unwrap_err().code,
        FieldCode::Required
    );
    assert_eq!(
        validate_token(Some(&s("   ")), Mode::Create)
            .unwrap_err()
            .code,
        FieldCode::Required
    );
    assert_eq!(
        validate_token(Some(&s("short")), Mode::Create)
            .unwrap_err()
            .code,
        FieldCode::TooShort
    );
    assert_eq!(
        validate_token(Some(&s("ATATT3xFfGF0 abcdefgh")), Mode::Create)
            .unwrap_err()
            .code,
        FieldCode::Whitespace
    );
    let edit = Mode::Edit {
        stored_expires: today(),
    };
    assert!(validate_token(None, edit).unwrap().is_none());
    assert!(validate_token(Some(&s("")), edit).unwrap().is_none());
    assert_eq!(
        validate_token(Some(&s("short")), edit).unwrap_err().code,
        FieldCode::TooShort
    );
    assert!(validate_token(None, Mode::Import).unwrap().is_none());
}

#[test]
fn token_errors_never_echo_the_token() {
    let secret = "ATATT3x secret-never-shown-0123456789";
    let e = validate_token(Some(&SecretString::from(secret.to_owned())), Mode::Create).unwrap_err();
    assert!(!e.message.contains("secret-never-shown"), "{}", e.message);
    let d = Draft {
        token: Some(SecretString::from(secret.to_owned())),
        ..Draft::default()
    };
    assert!(!format!("{d:?}").contains("secret-never-shown"));
}

#[test]
fn expiry_dates() {
    let t = today();
    let create = |s: &str| {
        validate_expires(s, t, Mode::Create).map(|(d, w)| (d.to_string(), w.map(|w| w.code.code())))
    };
    assert_eq!(
        create("2026-11-28").unwrap(),
        ("2026-11-28".into(), Some("expires_today"))
    );
    assert_eq!(create(" 2026-12-01 ").unwrap(), ("2026-12-01".into(), None));
    assert_eq!(create("2027-11-28").unwrap().0, "2027-11-28"); // exactly 365 days
    assert_eq!(create("2027-11-29").unwrap_err().code, FieldCode::TooFar);
    assert!(create("2027-11-29").unwrap_err().message.contains("365"));
    assert_eq!(create("2026-11-27").unwrap_err().code, FieldCode::InPast);
    assert_eq!(create("").unwrap_err().code, FieldCode::Required);
    for bad in [
        "2026-2-01",
        "28.11.2026",
        "2026/12/01",
        "2027-02-29",
        "2026-13-01",
        "tomorrow",
        "2026-12-01T00:00",
    ] {
        assert_eq!(create(bad).unwrap_err().code, FieldCode::Invalid, "{bad:?}");
    }
    assert!(create("2028-02-29").is_err()); // a real leap day, but too far
    let leap_today = NaiveDate::from_ymd_opt(2028, 2, 1).unwrap();
    assert!(validate_expires("2028-02-29", leap_today, Mode::Create).is_ok());

    // Editing keeps a stored date that has since passed; changing to a past date fails.
    let stored = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let edit = Mode::Edit {
        stored_expires: stored,
    };
    assert!(validate_expires("2026-10-01", t, edit).is_ok());
    assert_eq!(
        validate_expires("2026-10-02", t, edit).unwrap_err().code,
        FieldCode::InPast
    );
    // Imports allow past dates.
    assert!(validate_expires("2020-01-01", t, Mode::Import).is_ok());
}

#[test]
fn validate_reports_every_field_at_once() {
    let draft = Draft {
        name: "".into(),
        description: Some("x".repeat(501)),
        application: "nope".into(),
        host: "http://acme.atlassian.net".into(),
        email: "nope".into(),
        token: None,
        expires: "soon".into(),
    };
    let rules = Rules {
        today: today(),
        mode: Mode::Create,
        allow_loopback_http: false,
        other_names: &[],
        bound_to: None,
    };
    let errors = validate(&draft, &rules).unwrap_err();
    let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            Field::Name,
            Field::Description,
            Field::Application,
            Field::Host,
            Field::Email,
            Field::Token,
            Field::Expires
        ]
    );
}

#[test]
fn validate_normalises_a_good_draft() {
    let draft = Draft {
        name: " Acme ".into(),
        description: None,
        application: "jsm".into(),
        host: "https://ACME.atlassian.net/browse/X-1".into(),
        email: "admin@acme.com".into(),
        token: Some(SecretString::from("ATATT3xFfGF0abcdefgh".to_owned())),
        expires: "2026-11-28".into(),
    };
    let rules = Rules {
        today: today(),
        mode: Mode::Create,
        allow_loopback_http: false,
        other_names: &["Other"],
        bound_to: None,
    };
    let v = validate(&draft, &rules).unwrap();
    assert_eq!(v.name, "Acme");
    assert_eq!(v.host, "https://acme.atlassian.net");
    assert_eq!(v.application, connkeeper_core::model::Application::Jsm);
    assert_eq!(v.warnings.len(), 1);
    assert_eq!(v.warnings[0].code, FieldCode::ExpiresToday);
}

/// Validation and the Jira client share one loopback definition: a host validation
/// accepts over `http://` is one the client will reach, and the client refuses what
/// validation refuses (`127.0.0.2` is not loopback for either).
#[test]
fn validation_and_the_client_agree_on_loopback() {
    use connkeeper_core::jira::{ClientConfig, JiraClient};
    let client = |host: &str| {
        let cfg = ClientConfig {
            allow_loopback_http: true,
            ..ClientConfig::default()
        };
        JiraClient::new(host, "a@b.c", SecretString::from("t"), cfg).is_ok()
    };
    for (raw, loopback) in [
        ("http://127.0.0.1:8080", true),
        ("http://localhost:9", true),
        ("http://[::1]:9", true),
        ("http://127.0.0.2:9", false),
        ("http://10.0.0.1:9", false),
    ] {
        let validated = validate_host(raw, true);
        assert_eq!(
            validated.is_ok(),
            loopback,
            "validation of {raw}: {validated:?}"
        );
        assert_eq!(client(raw), loopback, "client of {raw}");
        if let Ok((host, _)) = validated {
            assert!(client(&host), "the client refuses the validated {host}");
        }
        assert!(validate_host(raw, false).is_err(), "{raw} without the flag");
    }
}
