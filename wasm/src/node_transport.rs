//! The byte stream under `LnSocket`, `Commando` and `fetchInvoice` when the package runs
//! in Node.
//!
//! Browsers only have `WebSocket` (lnsocket's `browser` transport). The package's Node
//! entries (`node.js`, `lite-node.js`) install a socket factory here at load time
//! (`node-socket.js`: plain TCP with `node:net`, or its own RFC 6455 client over `node:net`
//! / `node:tls` for `ws://` / `wss://`); with a factory set, connections go through it.
//! Without one (browsers, bundlers) nothing changes.
//!
//! The factory is called as `factory(endpoint, handlers)` with
//! `endpoint = { kind: "tcp" | "ws", host, port, tls, path }` and
//! `handlers = { onopen(), ondata(Uint8Array), onclose(), onerror(message) }`, and returns
//! `{ send(Uint8Array), close() }`. `send` must copy its argument before returning (it is
//! a view into WebAssembly memory); after `close()` the handlers must not be called.
//! Chunks given to `ondata` are arbitrary pieces of the BOLT 8 byte stream.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures_channel::{mpsc, oneshot};
use futures_util::StreamExt;
use lnsocket::addr::Host;
use lnsocket::transport::{BoxStream, ByteStream, Chunk, TransportError};
use lnsocket::{Config, Connection, Endpoint, PeerAddr};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static FACTORY: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Installs the socket factory (called by the package's Node entries; not public API).
#[wasm_bindgen(js_name = __setSocketFactory, skip_typescript)]
pub fn set_socket_factory(factory: js_sys::Function) {
    FACTORY.with(|f| *f.borrow_mut() = Some(factory));
}

#[wasm_bindgen]
extern "C" {
    /// What the factory returns.
    type JsSocket;
    #[wasm_bindgen(method, structural, catch)]
    fn send(this: &JsSocket, data: &[u8]) -> Result<(), JsValue>;
    #[wasm_bindgen(method, structural, catch)]
    fn close(this: &JsSocket) -> Result<(), JsValue>;
}

enum Incoming {
    Data(Vec<u8>),
    Closed,
    Error(String),
}

/// A factory socket used as a byte stream.
struct NodeStream {
    socket: JsSocket,
    closed: Rc<Cell<bool>>,
    rx: mpsc::UnboundedReceiver<Incoming>,
    pending: Chunk,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

fn message_of(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| {
            v.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{v:?}"))
}

fn io_error(msg: String) -> TransportError {
    TransportError::Io(std::io::Error::other(msg))
}

fn set(obj: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), value);
}

async fn open(
    factory: &js_sys::Function,
    endpoint: &Endpoint,
) -> Result<BoxStream, TransportError> {
    let ep = js_sys::Object::new();
    let (kind, host, port, tls, path) = match endpoint {
        Endpoint::Tcp { host, port } => ("tcp", host, *port, false, "".to_owned()),
        Endpoint::WebSocket {
            tls,
            host,
            port,
            path,
        } => ("ws", host, *port, *tls, path.clone()),
    };
    let host = match host {
        Host::Ip(ip) => ip.to_string(),
        Host::Name(n) => n.clone(),
    };
    set(&ep, "kind", &JsValue::from_str(kind));
    set(&ep, "host", &JsValue::from_str(&host));
    set(&ep, "port", &JsValue::from(port));
    set(&ep, "tls", &JsValue::from_bool(tls));
    set(&ep, "path", &JsValue::from_str(&path));

    let (tx, rx) = mpsc::unbounded::<Incoming>();
    let (open_tx, open_rx) = oneshot::channel::<Result<(), String>>();
    let open_tx = Rc::new(RefCell::new(Some(open_tx)));
    let closed = Rc::new(Cell::new(false));

    let signal = open_tx.clone();
    let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        if let Some(s) = signal.borrow_mut().take() {
            let _ = s.send(Ok(()));
        }
    });
    let data_tx = tx.clone();
    let on_data = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        if let Some(bytes) = v.dyn_ref::<js_sys::Uint8Array>() {
            let _ = data_tx.unbounded_send(Incoming::Data(bytes.to_vec()));
        }
    });
    let (signal, close_tx, flag) = (open_tx.clone(), tx.clone(), closed.clone());
    let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        flag.set(true);
        if let Some(s) = signal.borrow_mut().take() {
            let _ = s.send(Err("connection closed before it opened".into()));
        }
        let _ = close_tx.unbounded_send(Incoming::Closed);
    });
    let (signal, flag) = (open_tx, closed.clone());
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        flag.set(true);
        let msg = message_of(&v);
        if let Some(s) = signal.borrow_mut().take() {
            let _ = s.send(Err(msg.clone()));
        }
        let _ = tx.unbounded_send(Incoming::Error(msg));
    });
    let handlers = js_sys::Object::new();
    set(&handlers, "onopen", on_open.as_ref());
    set(&handlers, "ondata", on_data.as_ref());
    set(&handlers, "onclose", on_close.as_ref());
    set(&handlers, "onerror", on_error.as_ref());

    let socket = factory
        .call2(&JsValue::NULL, &ep, &handlers)
        .map_err(|e| io_error(message_of(&e)))?
        .unchecked_into::<JsSocket>();
    // Built before waiting, so that a timeout (the future dropped) closes the socket.
    let stream = NodeStream {
        socket,
        closed,
        rx,
        pending: Chunk::default(),
        _handlers: vec![on_open, on_data, on_close, on_error],
    };
    match open_rx.await {
        Ok(Ok(())) => Ok(Box::new(stream)),
        Ok(Err(e)) => Err(io_error(e)),
        Err(_) => Err(io_error("connection attempt abandoned".into())),
    }
}

#[async_trait::async_trait(?Send)]
impl ByteStream for NodeStream {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        while self.pending.is_empty() {
            match self.rx.next().await {
                Some(Incoming::Data(v)) => self.pending.set(v),
                Some(Incoming::Closed) | None => return Ok(0),
                Some(Incoming::Error(e)) => return Err(io_error(e)),
            }
        }
        Ok(self.pending.take_into(buf))
    }

    async fn write(&mut self, data: &[u8]) -> Result<usize, TransportError> {
        if self.closed.get() {
            return Err(TransportError::Closed);
        }
        self.socket
            .send(data)
            .map_err(|e| io_error(message_of(&e)))?;
        Ok(data.len())
    }

    async fn flush(&mut self) -> Result<(), TransportError> {
        // Node writes queued bytes by itself.
        Ok(())
    }

    async fn close(&mut self) {
        self.closed.set(true);
        let _ = self.socket.close();
    }
}

impl Drop for NodeStream {
    fn drop(&mut self) {
        // The factory's socket stops calling the handlers (dropped with us) once closed.
        let _ = self.socket.close();
    }
}

/// Opens the byte stream to `addr` (through the factory if one is installed, else
/// lnsocket's own transport), runs the BOLT 8 handshake and exchanges `init`. Failures
/// are lnsocket's errors, as from `Connection::connect_to`.
pub(crate) async fn connect_to(
    addr: &PeerAddr,
    config: Config,
) -> Result<Connection, lnsocket::Error> {
    let Some(factory) = FACTORY.with(|f| f.borrow().clone()) else {
        return Connection::connect_to(addr, config).await;
    };
    let name = addr.endpoint.to_string();
    let io = lnsocket::rt::timeout(config.connect_timeout, open(&factory, &addr.endpoint))
        .await
        .map_err(|_| lnsocket::Error::ConnectTimeout(name.clone()))?
        .map_err(|cause| lnsocket::Error::Connect {
            endpoint: name,
            cause,
        })?;
    Connection::initiate(io, addr.node_id, config).await
}
