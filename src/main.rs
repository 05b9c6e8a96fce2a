//! The `handbook` binary: parse the command line, run the command, exit with its code.

use std::process::ExitCode;

fn main() -> ExitCode {
    handbook::cli::main()
}

// The build allocates many small strings across threads; mimalloc is
// measurably faster than the system allocator for that (see the benchmark).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
