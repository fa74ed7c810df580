//! The few runtime services the connection needs (timers and a clock),
//! from tokio on native targets and from the browser on `wasm32`.

use std::future::Future;
use std::time::Duration;

/// A timer elapsed before the operation finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

/// Sleep for `d`.
pub async fn sleep(d: Duration) {
    #[cfg(not(target_arch = "wasm32"))]
    tokio::time::sleep(d).await;
    #[cfg(target_arch = "wasm32")]
    gloo_timers::future::sleep(d).await;
}

/// Run `fut`, giving up after `d`.
pub async fn timeout<F: Future>(d: Duration, fut: F) -> Result<F::Output, Elapsed> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        tokio::time::timeout(d, fut).await.map_err(|_| Elapsed)
    }
    #[cfg(target_arch = "wasm32")]
    {
        use futures_util::future::{select, Either};
        let fut = std::pin::pin!(fut);
        let timer = std::pin::pin!(sleep(d));
        match select(fut, timer).await {
            Either::Left((out, _)) => Ok(out),
            Either::Right(_) => Err(Elapsed),
        }
    }
}

/// A monotonic instant (`std::time::Instant` does not exist in browsers).
#[derive(Debug, Clone, Copy)]
pub struct Instant {
    #[cfg(not(target_arch = "wasm32"))]
    at: std::time::Instant,
    #[cfg(target_arch = "wasm32")]
    ms: f64,
}

impl Instant {
    /// Now.
    pub fn now() -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        {
            Self {
                at: std::time::Instant::now(),
            }
        }
        #[cfg(target_arch = "wasm32")]
        {
            Self {
                ms: js_sys::Date::now(),
            }
        }
    }

    /// Time since `self`.
    pub fn elapsed(&self) -> Duration {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.at.elapsed()
        }
        #[cfg(target_arch = "wasm32")]
        {
            let ms = (js_sys::Date::now() - self.ms).max(0.0);
            Duration::from_secs_f64(ms / 1000.0)
        }
    }
}
