//! The server's secret key: from configuration, or generated once into the data folder (file mode 0600)
//! so the embedded shape needs no setup and keeps its tokens valid across restarts.
//!
//! `igny8 rotate-secret` ([`rotate`]) re-seals every stored secret under a new key in one transaction. The key it
//! replaced stays as the *previous* key (`previous_secret_key`, or `<data_dir>/secret.key.previous`): it opens
//! anything still sealed under it and verifies access tokens signed before the server restarted with the new key.

use std::path::Path;

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, ExprTrait, TransactionTrait};

use crate::config::{Config, Secret};
use crate::security::cipher::Cipher;

const FILE_NAME: &str = "secret.key";
const PREVIOUS_FILE_NAME: &str = "secret.key.previous";

/// Every column holding a value sealed with [`Cipher`]: (table, primary-key column, sealed column). A new sealed
/// column (WordPress credentials, payment secrets) adds one line here, and `rotate-secret` re-seals it.
pub const SEALED_COLUMNS: &[(&str, &str, &str)] = &[
    ("ai_providers", "id", "api_key_cipher"),
    ("two_factor", "user_id", "secret_cipher"),
    ("site_integrations", "id", "secret_sealed"),
];

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

/// The key in force before the last rotation: configured, or stored next to the generated key.
pub fn previous(config: &Config) -> Result<Option<Secret>, SecretError> {
    if !config.previous_secret_key.is_empty() {
        return Ok(Some(config.previous_secret_key.clone()));
    }
    if !config.secret_key.is_empty() {
        return Ok(None);
    }
    let path = config.data_dir.join(PREVIOUS_FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().len() >= 32 => Ok(Some(Secret::new(text.trim()))),
        Ok(_) => Ok(None),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SecretError::Io { path: path.display().to_string(), source }),
    }
}

/// What a rotation re-sealed: per sealed column, how many values.
#[derive(Debug, Default)]
pub struct Rotation {
    pub resealed: Vec<(String, u64)>,
    /// Where the new key was written, when the key lives in the data folder.
    pub key_file: Option<std::path::PathBuf>,
}

impl Rotation {
    pub fn total(&self) -> u64 {
        self.resealed.iter().map(|(_, n)| n).sum()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("{table}.{column} of row {id} cannot be opened with the current or the previous key; nothing was changed")]
    Unreadable { table: String, column: String, id: i64 },
    #[error("the new key must be at least 32 characters and differ from the current one")]
    BadNewKey,
}

/// Re-seals every value of [`SEALED_COLUMNS`] under `new_secret`, in one transaction: all of them or none.
/// Values are opened with `old` (which may also know the key before it).
pub async fn reseal(
    db: &DatabaseConnection,
    old: &Cipher,
    new_secret: &str,
) -> Result<Vec<(String, u64)>, RotateError> {
    let new = Cipher::from_secret(new_secret);
    let txn = db.begin().await?;
    let mut report = Vec::new();
    for (table, pk, column) in SEALED_COLUMNS {
        let select = Query::select()
            .column(Alias::new(*pk))
            .column(Alias::new(*column))
            .from(Alias::new(*table))
            .and_where(Expr::col(Alias::new(*column)).is_not_null())
            .to_owned();
        let rows = txn.query_all(&select).await?;
        let mut count = 0;
        for row in rows {
            let id: i64 = row.try_get("", pk)?;
            let sealed: String = row.try_get("", column)?;
            let plain = old.open(&sealed).map_err(|_| RotateError::Unreadable {
                table: (*table).into(),
                column: (*column).into(),
                id,
            })?;
            let update = Query::update()
                .table(Alias::new(*table))
                .value(Alias::new(*column), new.seal(&plain))
                .and_where(Expr::col(Alias::new(*pk)).eq(id))
                .to_owned();
            txn.execute(&update).await?;
            count += 1;
        }
        report.push((format!("{table}.{column}"), count));
    }
    txn.commit().await?;
    Ok(report)
}

/// `igny8 rotate-secret`: re-seals every stored secret under `new_secret` (or a new random key), then, when the key
/// lives in the data folder, makes the new key current and keeps the old one as the previous key. With a
/// configured `secret_key` the caller prints what to set instead.
pub async fn rotate(
    config: &Config,
    db: &DatabaseConnection,
    new_secret: Option<String>,
) -> Result<(Secret, Rotation), RotateError> {
    let current = resolve(config)?;
    let new_secret = new_secret.unwrap_or_else(|| hex::encode(rand::random::<[u8; 32]>()));
    if new_secret.len() < 32 || new_secret == current.expose() {
        return Err(RotateError::BadNewKey);
    }
    let mut old = Cipher::from_secret(current.expose());
    if let Some(previous) = previous(config)? {
        old = old.with_previous(previous.expose());
    }
    let mut rotation = Rotation::default();
    if config.secret_key.is_empty() {
        // Stage the new key before the database changes, so a failure to write it leaves everything as it was.
        let dir = &config.data_dir;
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| SecretError::Io { path, source }
        };
        let next = dir.join("secret.key.next");
        let _ = std::fs::remove_file(&next);
        write_private(&next, &new_secret).map_err(io(&next))?;
        rotation.resealed = match reseal(db, &old, &new_secret).await {
            Ok(report) => report,
            Err(error) => {
                let _ = std::fs::remove_file(&next);
                return Err(error);
            }
        };
        let previous_path = dir.join(PREVIOUS_FILE_NAME);
        let _ = std::fs::remove_file(&previous_path);
        write_private(&previous_path, current.expose()).map_err(io(&previous_path))?;
        let key_path = dir.join(FILE_NAME);
        std::fs::rename(&next, &key_path).map_err(io(&key_path))?;
        rotation.key_file = Some(key_path);
    } else {
        rotation.resealed = reseal(db, &old, &new_secret).await?;
    }
    Ok((Secret::new(new_secret), rotation))
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
    fn previous_key_from_the_data_folder_or_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config { data_dir: dir.path().into(), ..Config::default() };
        assert!(previous(&config).unwrap().is_none());
        std::fs::write(dir.path().join(PREVIOUS_FILE_NAME), "p".repeat(40)).unwrap();
        assert_eq!(previous(&config).unwrap().unwrap().expose(), "p".repeat(40));
        let configured = Config { previous_secret_key: Secret::new("q".repeat(40)), ..config };
        assert_eq!(previous(&configured).unwrap().unwrap().expose(), "q".repeat(40));
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
