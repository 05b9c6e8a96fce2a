//! The `handbook` binary: parse the command line, run the command, exit with its code.

use std::process::ExitCode;

fn main() -> ExitCode {
    handbook::cli::main()
}
