use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// `hooky completions`: shell completion scripts and the man page, generated from these definitions.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// What to generate
    #[arg(value_enum, required_unless_present = "dir")]
    pub shell: Option<CompletionTarget>,

    /// Write every script and the man page into this folder instead (as committed in completions/)
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionTarget {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
    /// The man page (roff)
    Man,
}
