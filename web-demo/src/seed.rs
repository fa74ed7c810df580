//! The demo node's seed at rest (`--seed-file`, `web-demo/.demo-node/seed` from `run.sh`):
//! the node key, the rune secret and the offer key material all derive from it.
//!
//! * Created with its folder: the folder `0700` (`mkdir` with that mode, so it is never
//!   more open), the seed written to a temporary file created `0600` with `O_EXCL` in that
//!   folder, synced, then renamed over the seed path. At no moment can group or others
//!   read it.
//! * Used only if still private: the folder must give group and others nothing (mode
//!   `& 0o077` zero) and so must the file (checked on the file opened, `fstat`); otherwise
//!   the node refuses to start, naming the path, its mode and the `chmod` that fixes it.
//!
//! Unix only (the modes); elsewhere the seed is read and written as a plain file.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Largest seed file read (64 hex digits and some whitespace).
const MAX_SEED_FILE: u64 = 1024;

/// Why the seed file was not used.
#[derive(Debug)]
pub enum SeedError {
    /// Reading, creating or renaming failed.
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// Group or others have access to the seed file.
    FileMode {
        /// The seed file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// Group or others have access to the seed's folder.
    FolderMode {
        /// The folder.
        folder: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The file does not hold 32 bytes of hex.
    Malformed {
        /// The seed file.
        path: PathBuf,
    },
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeedError::Io { path, error } => write!(f, "seed file {}: {error}", path.display()),
            SeedError::FileMode { path, mode } => write!(
                f,
                "seed file {} has mode {mode:04o}: group or others can access it; fix with `chmod 600 {}`",
                path.display(),
                path.display()
            ),
            SeedError::FolderMode { folder, mode } => write!(
                f,
                "seed folder {} has mode {mode:04o}: group or others can access it; fix with `chmod 700 {}`",
                folder.display(),
                folder.display()
            ),
            SeedError::Malformed { path } => {
                write!(f, "seed file {} does not hold 32 bytes of hex", path.display())
            }
        }
    }
}

impl std::error::Error for SeedError {}

fn io(path: &Path) -> impl Fn(std::io::Error) -> SeedError + '_ {
    move |error| SeedError::Io {
        path: path.to_owned(),
        error,
    }
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

/// The folder exists (made `0700` if it did not) and is private.
fn private_folder(folder: &Path) -> Result<(), SeedError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder).map_err(io(folder))?;
    #[cfg(unix)]
    {
        let mode = mode_of(&std::fs::metadata(folder).map_err(io(folder))?);
        if mode & 0o077 != 0 {
            return Err(SeedError::FolderMode {
                folder: folder.to_owned(),
                mode,
            });
        }
    }
    Ok(())
}

fn parse(path: &Path, text: &str) -> Result<[u8; 32], SeedError> {
    hex::decode(text.trim())
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v.as_slice()).ok())
        .ok_or_else(|| SeedError::Malformed {
            path: path.to_owned(),
        })
}

/// Read the seed at `path` if it exists (after the checks above), else make `fresh()`'s
/// and store it there.
pub fn load_or_create(
    path: &Path,
    fresh: impl FnOnce() -> Result<[u8; 32], String>,
) -> Result<[u8; 32], String> {
    let folder = folder_of(path);
    private_folder(&folder).map_err(|e| e.to_string())?;
    match std::fs::File::open(path) {
        Ok(file) => read(path, file).map_err(|e| e.to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let seed = fresh()?;
            write(path, &folder, &seed).map_err(|e| e.to_string())?;
            Ok(seed)
        }
        Err(e) => Err(io(path)(e).to_string()),
    }
}

fn read(path: &Path, file: std::fs::File) -> Result<[u8; 32], SeedError> {
    #[cfg(unix)]
    {
        let mode = mode_of(&file.metadata().map_err(io(path))?);
        if mode & 0o077 != 0 {
            return Err(SeedError::FileMode {
                path: path.to_owned(),
                mode,
            });
        }
    }
    let mut text = String::new();
    file.take(MAX_SEED_FILE)
        .read_to_string(&mut text)
        .map_err(|_| SeedError::Malformed {
            path: path.to_owned(),
        })?;
    parse(path, &text)
}

fn write(path: &Path, folder: &Path, seed: &[u8; 32]) -> Result<(), SeedError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "seed".into());
    let tmp = folder.join(format!(".{name}.tmp-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(hex::encode(seed).as_bytes())?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(path)(e));
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn base(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("web-demo-seed-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    fn chmod(p: &Path, m: u32) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    }

    #[test]
    fn created_0600_in_a_0700_folder_then_read_back() {
        let b = base("create");
        let path = b.join(".demo-node").join("seed");
        let seed = load_or_create(&path, || Ok([7; 32])).unwrap();
        assert_eq!(seed, [7; 32]);
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&b), 0o700, "folders made on the way are private too");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "07".repeat(32));
        // Nothing else left in the folder (no temporary file).
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("seed")]);
        // A restart reads it, and does not make a new one.
        let again = load_or_create(&path, || panic!("must not make a new seed")).unwrap();
        assert_eq!(again, seed);
        std::fs::remove_dir_all(&b).unwrap();
    }

    #[test]
    fn seed_readable_by_others_is_refused() {
        let b = base("file");
        let path = b.join("seed");
        load_or_create(&path, || Ok([1; 32])).unwrap();
        for m in [0o644, 0o640, 0o604, 0o660] {
            chmod(&path, m);
            let e = load_or_create(&path, || panic!("no new seed")).unwrap_err();
            assert!(e.contains(&path.display().to_string()), "{e}");
            assert!(e.contains(&format!("mode {m:04o}")), "{e}");
            assert!(e.contains(&format!("chmod 600 {}", path.display())), "{e}");
        }
        chmod(&path, 0o400);
        assert_eq!(load_or_create(&path, || panic!()).unwrap(), [1; 32]);
        std::fs::remove_dir_all(&b).unwrap();
    }

    #[test]
    fn folder_open_to_others_is_refused() {
        let b = base("folder");
        let path = b.join("seed");
        load_or_create(&path, || Ok([2; 32])).unwrap();
        for m in [0o755, 0o750, 0o711, 0o777] {
            chmod(&b, m);
            let e = load_or_create(&path, || panic!("no new seed")).unwrap_err();
            assert!(
                e.contains(&format!("seed folder {} has mode {m:04o}", b.display())),
                "{e}"
            );
            assert!(e.contains(&format!("chmod 700 {}", b.display())), "{e}");
        }
        // Nor is a seed made in an existing folder that is open to others.
        chmod(&b, 0o755);
        std::fs::remove_file(&path).unwrap();
        let e = load_or_create(&path, || Ok([3; 32])).unwrap_err();
        assert!(e.contains("chmod 700"), "{e}");
        assert!(!path.exists());
        chmod(&b, 0o700);
        std::fs::remove_dir_all(&b).unwrap();
    }

    #[test]
    fn malformed_seed_is_refused() {
        let b = base("malformed");
        let path = b.join("seed");
        load_or_create(&path, || Ok([4; 32])).unwrap();
        std::fs::write(&path, "not hex").unwrap();
        let e = load_or_create(&path, || panic!()).unwrap_err();
        assert!(e.contains("does not hold 32 bytes of hex"), "{e}");
        std::fs::remove_dir_all(&b).unwrap();
    }
}
