//! Secrets read from files: `offer --issuer-key-file` and `--key-material-file`,
//! `stateless ... --key-material-file`, `lnap create --key`; and the secret keys given as
//! `--issuer-key` / `--payer-key` `HEX|-` or their `-file`.
//!
//! A secret file must be its owner's alone: the tool refuses one that group or others can
//! read, write or execute (mode `& 0o077` not zero), or one in a folder that group or
//! others can write (they could replace it), naming the file, its mode and the `chmod`
//! that fixes it. The mode checked is the one of the file actually opened (`fstat`),
//! not of a path looked up beforehand. Unix only; elsewhere files are read as they are.
//!
//! The tool never writes secret files; to make one: `(umask 077; printf %s HEX >FILE)`.

use std::io::Read;
use std::path::{Path, PathBuf};

use secp256k1::SecretKey;
use thiserror::Error;
use zeroize::Zeroizing;

/// Largest secret file read (a PEM RSA-4096 key is about 3.3 kB).
pub const MAX_SECRET_FILE: u64 = 64 * 1024;

/// Why a secret file was not used.
#[derive(Debug, Error)]
pub enum KeyFileError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Group or others have access to the file.
    #[error("{} has mode {mode:04o}: group or others can access this secret; fix with `chmod 600 {}`", path.display(), path.display())]
    FileMode {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// Group or others can write the folder holding the file.
    #[error("{} is in {}, mode {mode:04o}: group or others can replace files there; fix with `chmod go-w {}` or move the file", path.display(), folder.display(), folder.display())]
    FolderMode {
        /// The file.
        path: PathBuf,
        /// Its folder.
        folder: PathBuf,
        /// The folder's permission bits.
        mode: u32,
    },
    /// Not a regular file.
    #[error("{} is not a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// Larger than [`MAX_SECRET_FILE`].
    #[error("{} is over {MAX_SECRET_FILE} bytes: not a key file", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// Not UTF-8 text.
    #[error("{} is not text", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
    },
}

#[cfg(unix)]
fn check_modes(path: &Path, file: &std::fs::File) -> Result<(), KeyFileError> {
    use std::os::unix::fs::PermissionsExt;
    let read_err = |source| KeyFileError::Read {
        path: path.to_owned(),
        source,
    };
    let meta = file.metadata().map_err(read_err)?;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::FileMode {
            path: path.to_owned(),
            mode,
        });
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let folder_mode = std::fs::metadata(&folder)
        .map_err(read_err)?
        .permissions()
        .mode()
        & 0o7777;
    if folder_mode & 0o022 != 0 {
        return Err(KeyFileError::FolderMode {
            path: path.to_owned(),
            folder,
            mode: folder_mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_modes(_: &Path, _: &std::fs::File) -> Result<(), KeyFileError> {
    Ok(())
}

/// The contents of the secret file `path` (whitespace around it removed), after the
/// mode checks above.
pub fn read_secret(path: &Path) -> Result<Zeroizing<String>, KeyFileError> {
    let read_err = |source| KeyFileError::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if !meta.is_file() {
        return Err(KeyFileError::NotAFile {
            path: path.to_owned(),
        });
    }
    check_modes(path, &file)?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_SECRET_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_SECRET_FILE {
        return Err(KeyFileError::TooLarge {
            path: path.to_owned(),
        });
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| KeyFileError::NotText {
        path: path.to_owned(),
    })?;
    Ok(Zeroizing::new(text.trim().to_owned()))
}

/// The secp256k1 secret key given as `--NAME HEX|-` (`-`: one line of standard input) or,
/// when that is absent, as `--NAME-file FILE` ([`read_secret`]); `None` when neither is
/// given. `bad` makes the caller's error from what is wrong with the key.
pub fn secret_key_arg<E: From<KeyFileError>>(
    arg: Option<&str>,
    file: Option<&Path>,
    bad: impl Fn(String) -> E,
) -> Result<Option<SecretKey>, E> {
    let text = match (arg, file) {
        (Some("-"), _) => {
            let mut line = Zeroizing::new(String::new());
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| bad(format!("reading standard input: {e}")))?;
            line
        }
        (Some(arg), _) => Zeroizing::new(arg.to_owned()),
        (None, Some(path)) => read_secret(path)?,
        (None, None) => return Ok(None),
    };
    let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|e| bad(format!("not hex: {e}")))?);
    SecretKey::from_slice(&bytes).map(Some).map_err(|_| {
        bad(format!(
            "not a valid secp256k1 secret key (32 bytes, below the group order; got {} bytes)",
            bytes.len()
        ))
    })
}

/// A fresh secret key from the system's random source.
pub fn fresh_secret_key() -> Result<SecretKey, getrandom::Error> {
    loop {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(bytes.as_mut())?;
        // Fails only for zero or values >= the group order (probability ~2^-128).
        if let Ok(key) = SecretKey::from_slice(bytes.as_ref()) {
            return Ok(key);
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn folder(name: &str, mode: u32) -> PathBuf {
        let d = std::env::temp_dir().join(format!("bolt12-keys-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir(&d).unwrap();
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(mode)).unwrap();
        d
    }

    fn secret(dir: &Path, mode: u32) -> PathBuf {
        let p = dir.join("key");
        std::fs::write(&p, "  00ff\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    #[test]
    fn owner_only_file_is_read_and_trimmed() {
        let d = folder("ok", 0o700);
        assert_eq!(read_secret(&secret(&d, 0o600)).unwrap().as_str(), "00ff");
        assert_eq!(read_secret(&secret(&d, 0o400)).unwrap().as_str(), "00ff");
        // A folder others may list but not write is fine.
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(read_secret(&d.join("key")).unwrap().as_str(), "00ff");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn file_readable_by_others_is_refused_with_the_fix() {
        let d = folder("file", 0o700);
        for mode in [0o644, 0o640, 0o604, 0o660, 0o601] {
            let p = secret(&d, mode);
            let e = read_secret(&p).unwrap_err();
            assert!(
                matches!(e, KeyFileError::FileMode { mode: m, .. } if m == mode),
                "{e:?}"
            );
            let msg = e.to_string();
            assert!(msg.contains(&p.display().to_string()), "{msg}");
            assert!(msg.contains(&format!("{mode:04o}")), "{msg}");
            assert!(msg.contains(&format!("chmod 600 {}", p.display())), "{msg}");
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn folder_writable_by_others_is_refused() {
        for mode in [0o770, 0o777, 0o1777, 0o722] {
            let d = folder("folder", 0o700);
            let p = secret(&d, 0o600);
            std::fs::set_permissions(&d, std::fs::Permissions::from_mode(mode)).unwrap();
            let e = read_secret(&p).unwrap_err();
            assert!(
                matches!(&e, KeyFileError::FolderMode { mode: m, folder, .. } if *m == mode && folder == &d),
                "{e:?}"
            );
            assert!(e
                .to_string()
                .contains(&format!("chmod go-w {}", d.display())));
            std::fs::remove_dir_all(&d).unwrap();
        }
    }

    #[test]
    fn not_a_file_missing_or_oversized() {
        let d = folder("other", 0o700);
        assert!(matches!(
            read_secret(&d),
            Err(KeyFileError::NotAFile { .. })
        ));
        assert!(matches!(
            read_secret(&d.join("missing")),
            Err(KeyFileError::Read { .. })
        ));
        let big = d.join("big");
        std::fs::write(&big, vec![b'a'; MAX_SECRET_FILE as usize + 1]).unwrap();
        std::fs::set_permissions(&big, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(matches!(
            read_secret(&big),
            Err(KeyFileError::TooLarge { .. })
        ));
        std::fs::remove_dir_all(&d).unwrap();
    }
}
