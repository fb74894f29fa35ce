//! Where generated images live: a small trait so a cloud store can replace the local disk later, and the
//! local-disk store (`<data_dir>/images` by default, `IGNY8_IMAGE_DIR` to move it).

use std::path::{Component, Path, PathBuf};

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("invalid storage key {0:?}")]
    Key(String),
    #[error("stored file not found")]
    NotFound,
    #[error("storage: {0}")]
    Io(#[from] std::io::Error),
}

#[async_trait]
pub trait ImageStore: Send + Sync {
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError>;
    async fn get(&self, key: &str) -> Result<Vec<u8>, StorageError>;
    async fn delete(&self, key: &str) -> Result<(), StorageError>;
}

/// Files under one directory; keys are relative paths of plain segments (no `..`, no absolute paths).
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &str) -> Result<PathBuf, StorageError> {
        let relative = Path::new(key);
        let plain = !key.is_empty() && relative.components().all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            return Err(StorageError::Key(key.to_owned()));
        }
        Ok(self.root.join(relative))
    }
}

#[async_trait]
impl ImageStore for LocalDisk {
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let path = self.path(key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        // Write then rename, so a reader never sees half a file.
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        match tokio::fs::read(self.path(key)?).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StorageError::NotFound),
            other => Ok(other?),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => Ok(other?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_reads_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalDisk::new(dir.path());
        store.put("1/2/3.png", b"png").await.unwrap();
        assert_eq!(store.get("1/2/3.png").await.unwrap(), b"png");
        assert!(matches!(store.get("1/2/4.png").await, Err(StorageError::NotFound)));
        for bad in ["../x", "/etc/passwd", "a/../../b", ""] {
            assert!(matches!(store.put(bad, b"x").await, Err(StorageError::Key(_))), "{bad}");
        }
        store.delete("1/2/3.png").await.unwrap();
        store.delete("1/2/3.png").await.unwrap();
        assert!(matches!(store.get("1/2/3.png").await, Err(StorageError::NotFound)));
    }
}
