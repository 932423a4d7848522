use std::io::Write;
use std::process::Stdio;

use crate::util::abide;

fn refs(args: &[&str], input: &str) -> (String, String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = abide(dir.path())
        .arg("refs")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.success(),
    )
}

#[test]
fn one_output_line_per_input_line() {
    let input = "We began with James 4:8 and Luke 15.\n\
                 Nothing here.\n\
                 Hagar (Genesis 21:16-19); see 1 Kings 19:12 and Jude 5.\n\
                 \n\
                 Psalm 3 and Genesis.\n";
    let (out, err, ok) = refs(&[], input);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "Jas.4.8,Luke.15\n\nGen.21.16-Gen.21.19,1Kgs.19.12,Jude.1.5\n\nPs.3\n"
    );
}

#[test]
fn json_gives_spans_and_ranges() {
    let (out, err, ok) = refs(&["--json"], "Read John 15:5 today.\nnone\n");
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    let citation = &first[0];
    assert_eq!(citation["osis"], "John.15.5");
    let text = citation["text"].as_str().unwrap();
    assert_eq!(text, "John 15:5");
    let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second, serde_json::json!([]));
}

#[test]
fn a_broken_configuration_does_not_stop_refs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("abide.toml"), "nonsense = [").unwrap();
    let output = abide(dir.path())
        .arg("refs")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_large_input_streams_through() {
    let line = "Compare Romans 8:38-39 with Psalm 46:10 and Rev 3:20 (v. 17).\n";
    let input = line.repeat(50_000);
    let (out, err, ok) = refs(&[], &input);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 50_000);
    assert!(
        out.lines()
            .all(|l| l == "Rom.8.38-Rom.8.39,Ps.46.10,Rev.3.20,Rev.3.17"),
        "{}",
        out.lines().next().unwrap()
    );
}
