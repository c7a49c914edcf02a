//! Attachments on disk, outside the database, named by the SHA-256 of their
//! (already cleaned) content: the same screenshot sent twice is stored once,
//! and no name a visitor could guess leads to a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Result, StoreError};

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Invalid(format!("Không lưu được tệp đính kèm: {e}"))
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> FileStore {
        FileStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// "ab/cd/abcd…": two levels of folders keep directories small.
    fn path(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        valid.then(|| self.root.join(&sha256[..2]).join(&sha256[2..4]).join(sha256))
    }

    /// Writes the bytes durably (file and folder synced) before returning,
    /// so a report that names the file never outlives it.
    pub fn put(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(sha256).ok_or(StoreError::NotFound)?;
        if path.exists() {
            return Ok(());
        }
        let dir = path.parent().ok_or(StoreError::NotFound)?;
        std::fs::create_dir_all(dir).map_err(io)?;
        let tmp = dir.join(format!(".{sha256}.{}", std::process::id()));
        let mut file = std::fs::File::create(&tmp).map_err(io)?;
        file.write_all(bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)?;
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        Ok(())
    }

    pub fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path(sha256).ok_or(StoreError::NotFound)?;
        std::fs::read(path).map_err(|_| StoreError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn files_are_stored_by_hash_and_only_hashes_are_names() {
        let dir = std::env::temp_dir().join(format!("km-files-{}", std::process::id()));
        let files = FileStore::new(&dir);
        let hash = "a".repeat(64);
        files.put(&hash, b"png bytes").unwrap();
        assert_eq!(files.get(&hash).unwrap(), b"png bytes");
        assert!(dir.join("aa").join("aa").join(&hash).exists());
        assert!(files.get("../../etc/passwd").is_err());
        assert!(files.put(&"A".repeat(64), b"x").is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
