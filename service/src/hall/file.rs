//! Reads the hall layout (branches, services, windows) from a YAML or TOML file; the format
//! follows the extension (`.toml` is TOML, anything else YAML). A bad file is an error that
//! names the field and the line: serde reports values it cannot read with their position,
//! and [`check`] names the path and line of broken cross-references.

mod booking;
mod check;
mod locate;
mod raw;
mod scalar;
#[cfg(test)]
mod tests;
mod write;

pub use write::to_yaml;

use std::path::Path;

use anyhow::Context;

use super::Hall;

/// The syntax of a hall file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HallFormat {
    Yaml,
    Toml,
}

impl HallFormat {
    /// TOML for a `.toml` file, YAML otherwise.
    pub fn of(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("toml") => Self::Toml,
            _ => Self::Yaml,
        }
    }
}

/// Reads and checks the hall file at `path`.
pub fn load(path: &Path) -> anyhow::Result<Hall> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read hall file {}", path.display()))?;
    parse(&text, HallFormat::of(path))
        .with_context(|| format!("hall file {} is not valid", path.display()))
}

/// Parses and checks the text of a hall file.
pub fn parse(text: &str, format: HallFormat) -> anyhow::Result<Hall> {
    let raw: raw::RawHall = match format {
        HallFormat::Yaml => serde_yaml::from_str(text).map_err(|err| anyhow::anyhow!("{err}"))?,
        HallFormat::Toml => toml::from_str(text).map_err(|err| anyhow::anyhow!("{err}"))?,
    };
    check::build(raw, text)
}
