//! A Lightning peer connection: BOLT 8 session plus the BOLT 1 control
//! layer (BOLT #1 §"Setup Messages" and §"Control Messages").
//!
//! - `init` is exchanged first, with a configurable feature set; a peer
//!   that requires unknown features, or sets a feature without its BOLT 9
//!   dependency, is refused (BOLT #1 §"The `init` Message").
//! - `ping`s are answered automatically (BOLT #1 §"The `ping` and `pong`
//!   Messages"); an idle connection sends keep-alive pings and is closed
//!   when a pong does not arrive in time.
//! - Unknown odd messages, including custom ones (odd, >= 32768), are
//!   handed to the caller; unknown even messages close the connection
//!   (BOLT #1 §"Lightning Message Format").
//!
//! Keep-alive and auto-pong run while the caller awaits
//! [`Connection::recv`] or a send; a caller that stops calling either stops
//! answering.
//!
//! Full duplex: while a send waits for the transport (the peer is not
//! reading), the connection goes on reading: pings are answered (their
//! `pong`s go out after the message being written), `pong`s are matched, and
//! the messages for the caller wait in a queue for [`Connection::recv`]. A
//! peer that only reads once its own write is done (Core Lightning's
//! `websocketd` relays that way, with blocking writes in one thread) then
//! cannot deadlock with us. The queue is bounded ([`RECV_QUEUE_BYTES`]): when
//! it is full, reading pauses until `recv` takes messages (back-pressure
//! through the transport), and a send that still cannot finish ends with
//! [`Error::SendTimeout`] as before.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::task::{Context, Poll};
use std::time::Duration;

use secp256k1::PublicKey;

use crate::addr::PeerAddr;
use crate::connect::open_stream;
use crate::error::Error;
use crate::features;
use crate::msgs;
use crate::noise::PrivateKey;
use crate::rt::{self, Instant};
use crate::session::NoiseStream;
use crate::transport::BoxStream;

/// BOLT #1: a `ping` asking for this many bytes or more gets no `pong`.
const PONG_LIMIT: u16 = 65532;
/// First custom message type (BOLT #1 §"Lightning Message Format").
pub const CUSTOM_TYPE_MIN: u16 = 32768;
/// Received messages held for [`Connection::recv`] (read while a send was
/// waiting): reading pauses once their payloads, plus [`QUEUED_OVERHEAD`]
/// each, reach this many bytes, so at most one more message (65535 bytes)
/// lands past it.
pub const RECV_QUEUE_BYTES: usize = 256 * 1024;
/// What each queued message counts for in [`RECV_QUEUE_BYTES`] besides its
/// payload, so that many tiny messages are bounded too.
pub const QUEUED_OVERHEAD: usize = 64;
/// `pong`s owed to the peer while another message is being written; reading
/// pauses when this many are waiting.
const PONGS_OWED: usize = 4;

/// Connection settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Our static key. `None`: a fresh random key per connection (an
    /// anonymous client, as browser front ends use).
    pub local_key: Option<PrivateKey>,
    /// The `features` we send in `init` (big-endian bitmap).
    pub features: Vec<u8>,
    /// The `networks` we send in `init`, if any.
    pub networks: Option<Vec<wire::ChainHash>>,
    /// Limit for opening the TCP / WebSocket connection.
    pub connect_timeout: Duration,
    /// Limit for the whole BOLT 8 handshake.
    pub handshake_timeout: Duration,
    /// Limit for receiving the peer's `init` after the handshake.
    pub init_timeout: Duration,
    /// Send a keep-alive `ping` after this long without receiving anything;
    /// `None` disables keep-alive.
    pub ping_interval: Option<Duration>,
    /// Close the connection if a `pong` does not arrive this long after a ping.
    pub pong_timeout: Duration,
    /// Limit for writing one message (up to 65535 bytes) to the stream. A
    /// peer that stops reading fills the socket's buffers and then stalls
    /// every send; past this limit the connection is closed with
    /// [`Error::SendTimeout`] instead of hanging.
    pub send_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            local_key: None,
            features: features::light_client_defaults(),
            networks: None,
            connect_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(10),
            init_timeout: Duration::from_secs(10),
            ping_interval: Some(Duration::from_secs(60)),
            pong_timeout: Duration::from_secs(30),
            send_timeout: Duration::from_secs(30),
        }
    }
}

/// A message handed to the caller by [`Connection::recv`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The peer sent `error`.
    Error(msgs::Error),
    /// The peer sent `warning`.
    Warning(msgs::Warning),
    /// The `pong` answering a ping sent with [`Connection::send_ping`].
    Pong {
        /// Length of its `ignored` field.
        len: usize,
        /// Time since the ping was sent.
        rtt: Duration,
    },
    /// Any odd message type this layer does not interpret (BOLT #1 "it's ok
    /// to be odd"), including custom messages (`msg_type >= 32768`).
    Odd {
        /// The message type.
        msg_type: u16,
        /// The bytes after the type.
        payload: Vec<u8>,
    },
}

impl Message {
    /// Whether this is a custom message (odd type >= 32768).
    pub fn is_custom(&self) -> bool {
        matches!(self, Message::Odd { msg_type, .. } if *msg_type >= CUSTOM_TYPE_MIN)
    }
}

#[derive(Debug, Clone, Copy)]
struct OutstandingPing {
    sent: Instant,
    by_caller: bool,
}

/// An open peer connection after the `init` exchange.
pub struct Connection {
    stream: NoiseStream,
    config: Config,
    remote_init: msgs::Init,
    last_received: Instant,
    ping: Option<OutstandingPing>,
    /// Messages for the caller read while sending, and what they count for.
    queued: VecDeque<Message>,
    queued_bytes: usize,
    /// `num_pong_bytes` of each ping not yet answered.
    pongs: VecDeque<u16>,
    /// Why reading stopped during a send; `recv` returns it after `queued`.
    read_error: Option<Error>,
    /// Messages read so far (wrapping).
    received: u64,
}

fn queued_cost(m: &Message) -> usize {
    QUEUED_OVERHEAD
        + match m {
            Message::Error(e) => e.data.len(),
            Message::Warning(w) => w.data.len(),
            Message::Pong { .. } => 0,
            Message::Odd { payload, .. } => payload.len(),
        }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("remote", &self.stream.remote_node_id())
            .finish_non_exhaustive()
    }
}

fn split_type(msg: &[u8]) -> Result<(u16, &[u8]), Error> {
    match msg {
        [a, b, rest @ ..] => Ok((u16::from_be_bytes([*a, *b]), rest)),
        _ => Err(Error::MissingType(msg.len())),
    }
}

/// Send one message, closing the stream if it cannot be written within
/// `limit` (a peer that stopped reading).
async fn send_within(stream: &mut NoiseStream, limit: Duration, msg: &[u8]) -> Result<(), Error> {
    match rt::timeout(limit, stream.send(msg)).await {
        Ok(r) => r,
        Err(_) => {
            stream.close().await;
            Err(Error::SendTimeout(limit))
        }
    }
}

/// Printable-ASCII rendering of `error` / `warning` data (BOLT #1: SHOULD
/// NOT print non-printable data verbatim).
pub fn printable(data: &[u8]) -> String {
    if data.iter().all(|b| (32..=126).contains(b)) {
        String::from_utf8_lossy(data).into_owned()
    } else {
        format!("0x{}", hex::encode(data))
    }
}

impl Connection {
    /// Connect to `addr` (`<node_id>@host:port` or `<node_id>@ws[s]://...`),
    /// run the BOLT 8 handshake as initiator and exchange `init`.
    pub async fn connect(addr: &str, config: Config) -> Result<Self, Error> {
        let addr: PeerAddr = addr.parse()?;
        Self::connect_to(&addr, config).await
    }

    /// As [`Connection::connect`] with a parsed address.
    pub async fn connect_to(addr: &PeerAddr, config: Config) -> Result<Self, Error> {
        let io = open_stream(&addr.endpoint, config.connect_timeout).await?;
        Self::initiate(io, addr.node_id, config).await
    }

    /// Handshake as initiator on an already-open stream, then exchange `init`.
    pub async fn initiate(io: BoxStream, remote: PublicKey, config: Config) -> Result<Self, Error> {
        let key = match &config.local_key {
            Some(k) => k.clone(),
            None => PrivateKey::generate().map_err(Error::Random)?,
        };
        let stream = NoiseStream::initiate(io, key, remote, config.handshake_timeout).await?;
        Self::exchange_init(stream, config).await
    }

    /// Handshake as responder with static key `local` on an accepted stream,
    /// then exchange `init`. `config.local_key` is not used.
    pub async fn respond(io: BoxStream, local: PrivateKey, config: Config) -> Result<Self, Error> {
        let stream = NoiseStream::respond(io, local, config.handshake_timeout).await?;
        Self::exchange_init(stream, config).await
    }

    /// BOLT #1 §"The `init` Message": send ours first, then wait for theirs;
    /// refuse unknown even feature bits.
    pub async fn exchange_init(mut stream: NoiseStream, config: Config) -> Result<Self, Error> {
        let ours = msgs::Init {
            globalfeatures: Vec::new(),
            features: config.features.clone(),
            tlvs: msgs::InitTlvs {
                networks: config.networks.clone(),
                ..Default::default()
            },
        };
        let bytes = ours.encode().map_err(|cause| Error::Encode {
            name: "init",
            cause,
        })?;
        send_within(&mut stream, config.send_timeout, &bytes).await?;
        let limit = config.init_timeout;
        let theirs = match rt::timeout(limit, Self::read_init(&mut stream)).await {
            Ok(Ok(init)) => init,
            Ok(Err(e)) => {
                stream.close().await;
                return Err(e);
            }
            Err(_) => {
                stream.close().await;
                return Err(Error::InitTimeout(limit));
            }
        };
        Ok(Self {
            stream,
            config,
            remote_init: theirs,
            last_received: Instant::now(),
            ping: None,
            queued: VecDeque::new(),
            queued_bytes: 0,
            pongs: VecDeque::new(),
            read_error: None,
            received: 0,
        })
    }

    async fn read_init(stream: &mut NoiseStream) -> Result<msgs::Init, Error> {
        let msg = stream.recv().await?;
        let (t, payload) = split_type(&msg)?;
        match t {
            msgs::Init::TYPE => {
                let init = msgs::Init::decode(payload).map_err(|cause| Error::Decode {
                    name: "init",
                    cause,
                })?;
                let all = features::combine(&init.globalfeatures, &init.features);
                let unknown = features::unknown_required(&all);
                if !unknown.is_empty() {
                    return Err(Error::UnknownRequiredFeatures(unknown));
                }
                if let Some(&(feature, needs)) = features::missing_dependencies(&all).first() {
                    return Err(Error::MissingFeatureDependency { feature, needs });
                }
                Ok(init)
            }
            msgs::Error::TYPE => {
                let e = msgs::Error::decode(payload).map_err(|cause| Error::Decode {
                    name: "error",
                    cause,
                })?;
                Err(Error::PeerError(printable(&e.data)))
            }
            other => Err(Error::ExpectedInit(other)),
        }
    }

    /// The peer's node id (its BOLT 8 static key).
    pub fn remote_node_id(&self) -> PublicKey {
        self.stream.remote_node_id()
    }

    /// The peer's `init` message.
    pub fn remote_init(&self) -> &msgs::Init {
        &self.remote_init
    }

    /// The peer's combined feature bitmap (`globalfeatures | features`).
    pub fn remote_features(&self) -> Vec<u8> {
        features::combine(&self.remote_init.globalfeatures, &self.remote_init.features)
    }

    /// The settings this connection runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Bytes of message buffering this connection holds (send buffer,
    /// receive decoder, and received messages queued for [`Connection::recv`]
    /// as counted against [`RECV_QUEUE_BYTES`]), excluding what the socket
    /// itself holds.
    pub fn buffered_capacity(&self) -> usize {
        self.stream.buffered_capacity() + self.queued_bytes
    }

    /// Send a whole message (2-byte type then payload) as is. The caller is
    /// responsible for BOLT 1's rule against unnegotiated even types.
    pub async fn send_raw(&mut self, msg: &[u8]) -> Result<(), Error> {
        self.send_bytes(msg).await
    }

    /// Send a message of type `msg_type` with `payload`.
    pub async fn send_message(&mut self, msg_type: u16, payload: &[u8]) -> Result<(), Error> {
        let mut msg = Vec::with_capacity(2 + payload.len());
        msg.extend_from_slice(&msg_type.to_be_bytes());
        msg.extend_from_slice(payload);
        self.send_bytes(&msg).await
    }

    /// Send a custom message: `msg_type` must be odd and at least 32768.
    pub async fn send_custom(&mut self, msg_type: u16, payload: &[u8]) -> Result<(), Error> {
        if msg_type < CUSTOM_TYPE_MIN || msg_type & 1 == 0 {
            return Err(Error::NotCustomType(msg_type));
        }
        self.send_message(msg_type, payload).await
    }

    /// Send `ping` asking for `num_pong_bytes` of `pong`; its `pong` is
    /// returned by [`Connection::recv`] as [`Message::Pong`] with the RTT.
    pub async fn send_ping(&mut self, num_pong_bytes: u16) -> Result<(), Error> {
        self.ping_inner(num_pong_bytes, true).await
    }

    async fn ping_inner(&mut self, num_pong_bytes: u16, by_caller: bool) -> Result<(), Error> {
        let ping = msgs::Ping {
            num_pong_bytes,
            ignored: Vec::new(),
        };
        let bytes = ping.encode().map_err(|cause| Error::Encode {
            name: "ping",
            cause,
        })?;
        // Outstanding before it is written: the send reads meanwhile, and a fast
        // peer's pong can arrive before the write completes.
        self.ping = Some(OutstandingPing {
            sent: Instant::now(),
            by_caller,
        });
        self.send_bytes(&bytes).await
    }

    /// Send one whole message, reading meanwhile; closes the connection if
    /// it cannot be written within `send_timeout` (a peer that stopped
    /// reading). Owed `pong`s go out first.
    async fn send_bytes(&mut self, msg: &[u8]) -> Result<(), Error> {
        if self.stream.is_closed() {
            return Err(Error::Closed);
        }
        if msg.len() > crate::noise::MAX_MESSAGE_LEN {
            return Err(crate::noise::NoiseError::MessageTooLong(msg.len()).into());
        }
        let limit = self.config.send_timeout;
        let sent = rt::timeout(limit, async {
            self.io_until(|c| !c.stream.has_pending_write() && c.pongs.is_empty())
                .await?;
            self.stream.queue(msg)?;
            self.io_until(|c| !c.stream.has_pending_write()).await
        })
        .await;
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                self.stream.close().await;
                Err(e)
            }
            Err(_) => {
                self.stream.close().await;
                Err(Error::SendTimeout(limit))
            }
        }
    }

    /// Move bytes both ways until `done` holds; a failure to read ends it
    /// with [`Error::Closed`], the reason kept for `recv`.
    async fn io_until(&mut self, done: impl Fn(&Self) -> bool) -> Result<(), Error> {
        poll_fn(|cx| self.poll_io(cx, &done)).await?;
        match self.read_error {
            Some(_) => Err(Error::Closed),
            None => Ok(()),
        }
    }

    /// Whether to read more now: room in the queue and in the owed pongs.
    fn may_read(&self) -> bool {
        self.read_error.is_none()
            && self.queued_bytes < RECV_QUEUE_BYTES
            && self.pongs.len() < PONGS_OWED
    }

    /// One step of full-duplex I/O until `done` holds: write the send
    /// buffer (starting an owed `pong` when it is empty), and read while
    /// [`Connection::may_read`]. `Ready(Err)` is a write failure; a read
    /// failure is kept in `read_error` and ends with `Ready(Ok)`.
    fn poll_io(
        &mut self,
        cx: &mut Context<'_>,
        done: &impl Fn(&Self) -> bool,
    ) -> Poll<Result<(), Error>> {
        loop {
            if done(self) || self.read_error.is_some() {
                return Poll::Ready(Ok(()));
            }
            let mut progress = false;
            if !self.stream.has_pending_write() {
                if let Some(n) = self.pongs.pop_front() {
                    let pong = msgs::Pong {
                        ignored: vec![0; usize::from(n)],
                    };
                    let bytes = pong.encode().map_err(|cause| Error::Encode {
                        name: "pong",
                        cause,
                    })?;
                    self.stream.queue(&bytes)?;
                }
            }
            if self.stream.has_pending_write() {
                match self.stream.poll_write(cx) {
                    Poll::Ready(Ok(())) => progress = true,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {}
                }
            }
            if self.may_read() {
                match self.stream.poll_recv(cx) {
                    Poll::Ready(Ok(msg)) => {
                        self.last_received = Instant::now();
                        self.received = self.received.wrapping_add(1);
                        if let Err(e) = self.accept(&msg) {
                            self.read_error = Some(e);
                        }
                        progress = true;
                    }
                    Poll::Ready(Err(e)) => {
                        self.read_error = Some(e);
                        progress = true;
                    }
                    Poll::Pending => {}
                }
            }
            if !progress {
                return Poll::Pending;
            }
        }
    }

    /// How long to wait for the next message before the keep-alive logic
    /// must act, and what it must do then.
    fn next_deadline(&self) -> Option<(Duration, bool)> {
        if let Some(p) = self.ping {
            let left = self.config.pong_timeout.saturating_sub(p.sent.elapsed());
            return Some((left, true));
        }
        let interval = self.config.ping_interval?;
        Some((interval.saturating_sub(self.last_received.elapsed()), false))
    }

    /// Receive the next message for the caller, answering pings and
    /// running keep-alive meanwhile; messages read during a send come
    /// first, in order. Cancel-safe.
    pub async fn recv(&mut self) -> Result<Message, Error> {
        loop {
            if let Some(m) = self.queued.pop_front() {
                self.queued_bytes = self.queued_bytes.saturating_sub(queued_cost(&m));
                return Ok(m);
            }
            if let Some(e) = self.read_error.take() {
                self.stream.close().await;
                return Err(e);
            }
            if self.stream.is_closed() {
                return Err(Error::Closed);
            }
            if self.pongs.len() >= PONGS_OWED {
                // Reading waits for the owed pongs; writing them is a send.
                let limit = self.config.send_timeout;
                match rt::timeout(limit, self.io_until(|c| c.pongs.len() < PONGS_OWED)).await {
                    Ok(Ok(())) | Ok(Err(Error::Closed)) => continue,
                    Ok(Err(e)) => {
                        self.stream.close().await;
                        return Err(e);
                    }
                    Err(_) => {
                        self.stream.close().await;
                        return Err(Error::SendTimeout(limit));
                    }
                }
            }
            // Until something is read: the keep-alive deadline may change.
            let deadline = self.next_deadline();
            let seen = self.received;
            let wait = poll_fn(|cx| self.poll_io(cx, &|c: &Self| c.received != seen));
            let got = match deadline {
                None => Ok(wait.await),
                Some((left, waiting_for_pong)) => {
                    rt::timeout(left, wait).await.map_err(|_| waiting_for_pong)
                }
            };
            match got {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    self.stream.close().await;
                    return Err(e);
                }
                Err(true) => {
                    self.stream.close().await;
                    return Err(Error::PongTimeout(self.config.pong_timeout));
                }
                // BOLT #1: pings keep long-lived connections alive. A read
                // failure meanwhile is returned by the next turn.
                Err(false) => match self.ping_inner(0, false).await {
                    Err(Error::Closed) if self.read_error.is_some() => {}
                    other => other?,
                },
            }
        }
    }

    /// Take in one received message: answer or match pings and pongs, queue
    /// what is for the caller; a message that must close the connection is
    /// an error.
    fn accept(&mut self, msg: &[u8]) -> Result<(), Error> {
        let (t, payload) = split_type(msg)?;
        let m = match t {
            msgs::Ping::TYPE => {
                let ping = msgs::Ping::decode(payload).map_err(|cause| Error::Decode {
                    name: "ping",
                    cause,
                })?;
                // BOLT #1: a ping asking for 65532 bytes or more gets no pong.
                if ping.num_pong_bytes < PONG_LIMIT {
                    self.pongs.push_back(ping.num_pong_bytes);
                }
                return Ok(());
            }
            msgs::Pong::TYPE => {
                let pong = msgs::Pong::decode(payload).map_err(|cause| Error::Decode {
                    name: "pong",
                    cause,
                })?;
                match self.ping.take() {
                    Some(p) if p.by_caller => Message::Pong {
                        len: pong.ignored.len(),
                        rtt: p.sent.elapsed(),
                    },
                    _ => return Ok(()),
                }
            }
            msgs::Error::TYPE => {
                Message::Error(msgs::Error::decode(payload).map_err(|cause| Error::Decode {
                    name: "error",
                    cause,
                })?)
            }
            msgs::Warning::TYPE => Message::Warning(msgs::Warning::decode(payload).map_err(
                |cause| Error::Decode {
                    name: "warning",
                    cause,
                },
            )?),
            t if t % 2 == 1 => Message::Odd {
                msg_type: t,
                payload: payload.to_vec(),
            },
            msgs::Init::TYPE => return Err(Error::DuplicateInit),
            t => return Err(Error::UnknownEvenMessage(t)),
        };
        self.queued_bytes += queued_cost(&m);
        self.queued.push_back(m);
        Ok(())
    }

    /// Run this connection as the single owner for several users (a pump):
    /// send what `outgoing` hands over, each `(type, payload, ack)` answered
    /// through `ack` once written (or with why not, as text), and hand every
    /// message received, and the failure that ends the pump, to `incoming`.
    /// Even message types are refused (BOLT #1: only odd types may be sent
    /// unnegotiated). Ends when the peer closes, on a failure, or when
    /// `outgoing` ends (then the connection is closed); returns why.
    ///
    /// Received messages go to `incoming` first when both are ready; pings
    /// are answered meanwhile, during sends too.
    pub async fn pump<S, A>(
        mut self,
        mut outgoing: S,
        mut incoming: impl FnMut(Result<Message, Error>),
    ) -> String
    where
        S: futures_util::Stream<Item = (u16, Vec<u8>, A)> + Unpin,
        A: FnOnce(Result<(), String>),
    {
        use futures_util::future::{select, Either};
        use futures_util::StreamExt;
        loop {
            let event = {
                let recv = std::pin::pin!(self.recv());
                match select(recv, outgoing.next()).await {
                    Either::Left((m, _)) => Either::Left(m),
                    Either::Right((o, _)) => Either::Right(o),
                }
            };
            match event {
                Either::Left(Ok(m)) => incoming(Ok(m)),
                Either::Left(Err(e)) => {
                    let text = e.to_string();
                    incoming(Err(e));
                    return text;
                }
                Either::Right(Some((t, payload, ack))) => {
                    let r = if t % 2 == 0 {
                        Err(format!("refusing to send even message type {t}"))
                    } else {
                        self.send_message(t, &payload)
                            .await
                            .map_err(|e| e.to_string())
                    };
                    ack(r);
                }
                Either::Right(None) => {
                    self.close().await;
                    return "connection is closed".to_string();
                }
            }
        }
    }

    /// Close the connection.
    pub async fn close(&mut self) {
        self.stream.close().await;
    }
}
