//! The browser's `WebSocket` (through `web-sys`) as a [`ByteStream`].
//!
//! Frames are received as `ArrayBuffer`s and consumed as arbitrary chunks of
//! the BOLT 8 byte stream; a text frame is [`TransportError::TextFrame`].
//! Received frames are queued by the event handlers until read: the browser
//! delivers them whether or not we are ready, so this queue is part of what
//! "the socket itself holds".

use std::cell::RefCell;
use std::rc::Rc;

use futures_channel::{mpsc, oneshot};
use futures_util::StreamExt;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

use super::{ByteStream, Chunk, TransportError};

enum Incoming {
    Data(Vec<u8>),
    Text,
    Closed,
    Error,
}

/// A browser WebSocket used as a byte stream.
pub struct BrowserStream {
    ws: WebSocket,
    rx: mpsc::UnboundedReceiver<Incoming>,
    pending: Chunk,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

fn js_err(e: wasm_bindgen::JsValue) -> TransportError {
    TransportError::WebSocket(format!("{e:?}"))
}

/// Open `url` (`ws://` or `wss://`) and wait until the socket is open.
pub async fn connect(url: &str) -> Result<BrowserStream, TransportError> {
    let ws = WebSocket::new(url).map_err(js_err)?;
    ws.set_binary_type(BinaryType::Arraybuffer);
    let (tx, rx) = mpsc::unbounded();
    let (open_tx, open_rx) = oneshot::channel::<bool>();
    let open_tx = Rc::new(RefCell::new(Some(open_tx)));

    let signal = open_tx.clone();
    let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
        if let Some(s) = signal.borrow_mut().take() {
            let _ = s.send(true);
        }
    });
    let msg_tx = tx.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let item = match e.data().dyn_into::<js_sys::ArrayBuffer>() {
            Ok(buf) => Incoming::Data(js_sys::Uint8Array::new(&buf).to_vec()),
            Err(_) => Incoming::Text,
        };
        let _ = msg_tx.unbounded_send(item);
    });
    let close_tx = tx.clone();
    let signal = open_tx.clone();
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
        if let Some(s) = signal.borrow_mut().take() {
            let _ = s.send(false);
        }
        let _ = close_tx.unbounded_send(Incoming::Closed);
    });
    let signal = open_tx;
    let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
        if let Some(s) = signal.borrow_mut().take() {
            let _ = s.send(false);
        }
        let _ = tx.unbounded_send(Incoming::Error);
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));

    let stream = BrowserStream {
        ws,
        rx,
        pending: Chunk::default(),
        _on_open: on_open,
        _on_message: on_message,
        _on_close: on_close,
        _on_error: on_error,
    };
    match open_rx.await {
        Ok(true) => Ok(stream),
        _ => Err(TransportError::WebSocket(format!("could not open {url}"))),
    }
}

#[async_trait::async_trait(?Send)]
impl ByteStream for BrowserStream {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        while self.pending.is_empty() {
            match self.rx.next().await {
                Some(Incoming::Data(v)) => self.pending.set(v),
                Some(Incoming::Text) => return Err(TransportError::TextFrame),
                Some(Incoming::Closed) | None => return Ok(0),
                Some(Incoming::Error) => {
                    return Err(TransportError::WebSocket("socket error".into()))
                }
            }
        }
        Ok(self.pending.take_into(buf))
    }

    async fn write(&mut self, data: &[u8]) -> Result<usize, TransportError> {
        if self.ws.ready_state() != WebSocket::OPEN {
            return Err(TransportError::Closed);
        }
        self.ws.send_with_u8_array(data).map_err(js_err)?;
        Ok(data.len())
    }

    async fn flush(&mut self) -> Result<(), TransportError> {
        // The browser sends queued frames by itself.
        Ok(())
    }

    async fn close(&mut self) {
        let _ = self.ws.close();
    }
}

impl Drop for BrowserStream {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close();
    }
}
