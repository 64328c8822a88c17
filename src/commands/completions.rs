//! `hooky completions`: shell completion scripts and the man page, generated from the clap
//! definitions. For bash, zsh and fish the script calls back into hooky as you type
//! (`HOOKY_COMPLETE=bash hooky -- …`, clap_complete's dynamic completion), so fixture names and
//! capture sequence numbers complete from the project you are in; PowerShell and Elvish get the
//! static scripts (flags and subcommands).

use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell;
use clap_complete::env::EnvCompleter;

use crate::cli::{Cli, CompletionsArgs, completions::CompletionTarget};
use crate::exit;
use crate::output::Output;

/// Every generated file and its name in completions/.
pub const FILES: [(CompletionTarget, &str); 6] = [
    (CompletionTarget::Bash, "hooky.bash"),
    (CompletionTarget::Zsh, "_hooky"),
    (CompletionTarget::Fish, "hooky.fish"),
    (CompletionTarget::Powershell, "_hooky.ps1"),
    (CompletionTarget::Elvish, "hooky.elv"),
    (CompletionTarget::Man, "hooky.1"),
];

/// The environment variable that asks hooky for completions instead of running a command.
pub const COMPLETE_VAR: &str = "HOOKY_COMPLETE";

/// Answers a shell's completion request and exits, when `HOOKY_COMPLETE` is set; else returns.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .completer("hooky")
        .complete();
}

/// The text of one generated file.
pub fn render(target: CompletionTarget) -> Vec<u8> {
    let mut command = Cli::command();
    let mut buffer = Vec::new();
    let dynamic: Option<&dyn EnvCompleter> = match target {
        CompletionTarget::Bash => Some(&clap_complete::env::Bash),
        CompletionTarget::Zsh => Some(&clap_complete::env::Zsh),
        CompletionTarget::Fish => Some(&clap_complete::env::Fish),
        _ => None,
    };
    if let Some(shell) = dynamic {
        shell
            .write_registration(COMPLETE_VAR, "hooky", "hooky", "hooky", &mut buffer)
            .expect("writing to memory cannot fail");
        return buffer;
    }
    let shell = match target {
        CompletionTarget::Bash => Shell::Bash,
        CompletionTarget::Zsh => Shell::Zsh,
        CompletionTarget::Fish => Shell::Fish,
        CompletionTarget::Powershell => Shell::PowerShell,
        CompletionTarget::Elvish => Shell::Elvish,
        CompletionTarget::Man => {
            clap_mangen::Man::new(command)
                .render(&mut buffer)
                .expect("rendering to memory cannot fail");
            return buffer;
        }
    };
    clap_complete::generate(shell, &mut command, "hooky", &mut buffer);
    buffer
}

pub fn run(args: CompletionsArgs, _out: &Output) -> anyhow::Result<u8> {
    if let Some(dir) = args.dir {
        write_all(&dir)?;
        return Ok(exit::OK);
    }
    let target = args
        .shell
        .expect("clap requires a shell when --dir is absent");
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&render(target))?;
    stdout.flush()?;
    Ok(exit::OK)
}

fn write_all(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (target, name) in FILES {
        let path = dir.join(name);
        std::fs::write(&path, render(target))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
