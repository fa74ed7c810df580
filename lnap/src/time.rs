//! Points in time used for certificate validity and proof expiry.
//!
//! Times are whole seconds since the Unix epoch, like BOLT 12's
//! `seconds_from_epoch` (`absolute_expiry`). The verifier never reads the
//! clock itself: on `wasm32-unknown-unknown` `SystemTime::now()` panics, so
//! callers pass the time in (the CLI and native callers may use
//! [`UnixTime::now`]).

/// Seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(i64);

impl UnixTime {
    /// A time given as seconds since the Unix epoch (negative is before 1970).
    pub const fn from_secs(secs: i64) -> Self {
        Self(secs)
    }

    /// Seconds since the Unix epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
    }

    /// The current system time. Not available on `wasm32-unknown-unknown`,
    /// where the host (e.g. JavaScript `Date.now()`) must supply the time.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn now() -> Self {
        let secs = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs())
                .map(|s| -s)
                .unwrap_or(i64::MIN),
        };
        Self(secs)
    }
}

impl core::fmt::Display for UnixTime {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.0)
    }
}
