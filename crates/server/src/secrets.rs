//! The server's secret key: from configuration, or generated once into the data folder (file mode 0600)
//! so the embedded shape needs no setup and keeps its tokens valid across restarts.

use std::path::Path;

use crate::config::{Config, Secret};

const FILE_NAME: &str = "secret.key";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or write the secret key file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("the secret key file {0} is too short (32 characters at least); delete it to generate a new one")]
    TooShort(String),
}

/// The configured key, else the one stored in the data folder, else a new one written there.
pub fn resolve(config: &Config) -> Result<Secret, SecretError> {
    if !config.secret_key.is_empty() {
        return Ok(config.secret_key.clone());
    }
    let path = config.data_dir.join(FILE_NAME);
    let io = |source| SecretError::Io { path: path.display().to_string(), source };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = text.trim().to_owned();
            if key.len() < 32 {
                return Err(SecretError::TooShort(path.display().to_string()));
            }
            Ok(Secret::new(key))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&config.data_dir).map_err(io)?;
            let key = hex::encode(rand::random::<[u8; 32]>());
            write_private(&path, &key).map_err(io)?;
            tracing::info!(path = %path.display(), "generated a new secret key");
            Ok(Secret::new(key))
        }
        Err(error) => Err(io(error)),
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config { data_dir: dir.path().join("data"), ..Config::default() };
        let first = resolve(&config).unwrap();
        let second = resolve(&config).unwrap();
        assert_eq!(first.expose(), second.expose());
        assert_eq!(first.expose().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("data/secret.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn configured_key_wins() {
        let dir = tempfile::tempdir().unwrap();
        let config =
            Config { data_dir: dir.path().into(), secret_key: Secret::new("k".repeat(40)), ..Config::default() };
        assert_eq!(resolve(&config).unwrap().expose(), "k".repeat(40));
        assert!(!dir.path().join(FILE_NAME).exists());
    }
}
