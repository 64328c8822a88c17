//! `hooky completions`: shell completion scripts and the man page, generated from the clap definitions.

use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell;

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

/// The text of one generated file.
pub fn render(target: CompletionTarget) -> Vec<u8> {
    let mut command = Cli::command();
    let mut buffer = Vec::new();
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
