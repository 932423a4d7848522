//! `abide refs` without the rest of the CLI: reads text on stdin and prints
//! the OSIS references of each line (`--json`: spans and ranges too).
//!
//! ```sh
//! cargo run --release -p abide-scripture --example refs -- [--json] < text.txt
//! ```

use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut json = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            _ => {
                eprintln!("usage: refs [--json] < text");
                return ExitCode::from(2);
            }
        }
    }
    match abide_scripture::refs_cli::run(io::stdin().lock(), io::stdout().lock(), json) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`refs | head`) is a normal end.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("refs: {e}");
            ExitCode::FAILURE
        }
    }
}
