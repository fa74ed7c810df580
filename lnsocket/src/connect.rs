//! Open the byte stream for an [`Endpoint`]: TCP or WebSocket natively,
//! the browser's WebSocket on `wasm32`.

use std::time::Duration;

use crate::addr::Endpoint;
use crate::error::Error;
use crate::rt;
use crate::transport::{BoxStream, TransportError};

/// Open a byte stream to `endpoint` within `timeout`.
pub async fn open_stream(endpoint: &Endpoint, timeout: Duration) -> Result<BoxStream, Error> {
    let name = endpoint.to_string();
    let res = rt::timeout(timeout, open(endpoint))
        .await
        .map_err(|_| Error::ConnectTimeout(name.clone()))?;
    res.map_err(|cause| Error::Connect {
        endpoint: name,
        cause,
    })
}

#[cfg(not(target_arch = "wasm32"))]
async fn open(endpoint: &Endpoint) -> Result<BoxStream, TransportError> {
    match endpoint {
        Endpoint::Tcp { host, port } => {
            Ok(Box::new(crate::transport::tcp::connect(host, *port).await?))
        }
        #[cfg(feature = "native-ws")]
        ws @ Endpoint::WebSocket { .. } => {
            let url = ws.url().unwrap_or_default();
            Ok(Box::new(crate::transport::ws::connect(&url).await?))
        }
        #[cfg(not(feature = "native-ws"))]
        Endpoint::WebSocket { .. } => Err(TransportError::WebSocket(
            "built without the `native-ws` feature".into(),
        )),
    }
}

#[cfg(target_arch = "wasm32")]
async fn open(endpoint: &Endpoint) -> Result<BoxStream, TransportError> {
    match endpoint {
        Endpoint::Tcp { .. } => Err(TransportError::WebSocket(
            "browsers cannot open TCP connections; use a ws:// or wss:// address".into(),
        )),
        ws @ Endpoint::WebSocket { .. } => {
            let url = ws.url().unwrap_or_default();
            Ok(Box::new(crate::transport::browser::connect(&url).await?))
        }
    }
}
