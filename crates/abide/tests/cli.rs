use crate::util::{assert_one_clear_line, run};

#[test]
fn an_unknown_key_in_the_file_names_the_file_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("abide.toml"),
        "[server]\nadr = \"127.0.0.1:1\"\n",
    )
    .unwrap();
    let output = run(dir.path(), &["serve"], &[]);
    assert_one_clear_line(&output, "abide.toml: server.adr: unknown field");
}

#[test]
fn an_unknown_environment_variable_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &["migrate"],
        &[("ABIDE_DATABSE_URL", "sqlite://x.db")],
    );
    assert_one_clear_line(
        &output,
        "environment variable ABIDE_DATABSE_URL: unknown field",
    );
}

#[test]
fn a_toml_syntax_error_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.toml"), "data_dir = \n").unwrap();
    let output = run(dir.path(), &["--config", "site.toml", "migrate"], &[]);
    assert_one_clear_line(&output, "site.toml: TOML parse error at line 1");
}

#[test]
fn a_missing_configuration_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["--config", "nowhere.toml", "serve"], &[]);
    assert_one_clear_line(&output, "configuration file nowhere.toml not found");
}

#[test]
fn a_bad_database_url_is_refused_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &["migrate"],
        &[("ABIDE_DATABASE_URL", "mysql://u:hunter2@db/abide")],
    );
    assert_one_clear_line(&output, "database.url: bad database URL");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("hunter2"));
}

#[test]
fn a_bad_value_type_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &["migrate"],
        &[("ABIDE_SERVER_REQUEST_TIMEOUT_SECS", "soon")],
    );
    assert_one_clear_line(&output, "ABIDE_SERVER_REQUEST_TIMEOUT_SECS: invalid type");
}

#[test]
fn a_bad_listen_address_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["serve", "--addr", "everywhere"], &[]);
    assert_one_clear_line(
        &output,
        "server.addr: \"everywhere\" is not an address and port",
    );
}

#[test]
fn an_unreachable_database_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let port = abide_testkit::free_port();
    let url = format!("postgres://abide:hunter2@127.0.0.1:{port}/abide");
    let output = run(
        dir.path(),
        &["serve", "--addr", "127.0.0.1:0"],
        &[("ABIDE_DATABASE_URL", &url)],
    );
    assert_one_clear_line(&output, "Connection refused");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("hunter2"));
}

#[test]
fn a_busy_port_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = run(dir.path(), &["serve", "--addr", &addr], &[]);
    assert_one_clear_line(&output, &format!("cannot listen on {addr}"));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--addr"));
}

#[test]
fn the_example_configuration_is_printed_and_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["config", "example"], &[]);
    assert!(output.status.success());
    std::fs::write(dir.path().join("abide.toml"), &output.stdout).unwrap();
    let output = run(dir.path(), &["config", "check"], &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let checked: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(checked["server"]["addr"], "127.0.0.1:8080");
    assert_eq!(checked["limits"]["passage_verses"], 1000);
}

#[test]
fn configuration_check_hides_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &["config", "check"],
        &[
            ("ABIDE_DATABASE_URL", "postgres://abide:hunter2@db/abide"),
            (
                "ABIDE_MAIL_SMTP_URL",
                "smtp://mailer:swordfish@relay:587?tls=required",
            ),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        !shown.contains("hunter2") && !shown.contains("swordfish"),
        "{shown}"
    );
    assert!(shown.contains("postgres://abide:***@db/abide"), "{shown}");
}

#[test]
fn environment_variables_override_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("abide.toml"),
        "[server]\naddr = \"127.0.0.1:1111\"\n",
    )
    .unwrap();
    let output = run(
        dir.path(),
        &["config", "check"],
        &[
            ("ABIDE_SERVER_ADDR", "127.0.0.1:2222"),
            ("ABIDE_LOG_FORMAT", "json"),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let checked: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(checked["server"]["addr"], "127.0.0.1:2222");
    assert_eq!(checked["log"]["format"], "json");
}

#[test]
fn settings_can_be_set_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &["settings", "set", "title", "Grace Chapel"],
        &[],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = run(dir.path(), &["settings", "show"], &[]);
    let shown: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(shown["title"], "Grace Chapel");
    let output = run(dir.path(), &["settings", "set", "colour", "blue"], &[]);
    assert_one_clear_line(&output, "unknown setting \"colour\"");
    let output = run(
        dir.path(),
        &["settings", "set", "time_zone", "Mars/Olympus"],
        &[],
    );
    assert_one_clear_line(&output, "unknown time zone");
}
