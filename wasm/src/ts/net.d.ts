// LnSocket and Commando: the JavaScript classes of wasm/npm/net.js (every entry but decode
// and lnap), over the sans-IO core of wasm/src/net_core.rs.

/**
 * A Commando client: JSON-RPC to a Core Lightning node (or any Commando server) over
 * an `LnSocket`, authorised by runes. Many calls may be in flight at once; each has a
 * timeout; a dropped connection is re-established (`reconnect`), and calls still
 * waiting for their reply carry on over the new connection.
 */
export class Commando {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Runs `method` with `params` (an object or an array; default `{}`) and resolves to
     * the node's `result`. Rejects with the node's error (`RUNE_UNAUTHORIZED` with the
     * node's message for a refused rune, `RPC_ERROR` with `rpcCode`, ...) or a local one
     * (`TIMEOUT`, `DISCONNECTED`, `CONNECTION_CLOSED`, `BAD_ARGUMENT`, `REQUEST_TOO_LARGE`,
     * `REPLY_TOO_LARGE`).
     */
    call(method: string, params: object | unknown[] | undefined, options: CallOptions | undefined): Promise<any>;
    /**
     * Closes the connection; pending and later calls fail with `DISCONNECTED` /
     * `CONNECTION_CLOSED`.
     */
    close(): void;
    /**
     * Connects to the node (BOLT 8 over WebSocket; in Node over TCP for a `host:port`
     * url) and returns the client.
     *
     * Rejects with `BAD_ADDRESS`, `NODE_UNREACHABLE`, `HANDSHAKE_FAILED` (wrong node id
     * or not a Lightning node), `INIT_FAILED` or `CONNECTION_ERROR`.
     */
    static connect(options: CommandoOptions): Promise<Commando>;
    /**
     * Number of calls awaiting their reply.
     */
    readonly inFlight: number;
    /**
     * The node id this client talks to.
     */
    readonly nodeId: string;
    /**
     * The connection state: `connecting`, `connected`, `retrying`, `failed` or `closed`.
     */
    readonly state: ConnectionState;
}

/**
 * A Lightning peer connection (browser WebSocket; in Node TCP or WebSocket): BOLT 8 handshake, `init`
 * exchange, automatic `pong`s and keep-alive pings (while a `recv` is pending or not).
 */
export class LnSocket {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Closes the connection (after a pending `fetchInvoice`, if any, has ended).
     */
    close(): void;
    /**
     * Connects to `nodeId` at `url` (`ws://` or `wss://`; in Node also `host:port`, plain
     * TCP), or with `url` null/undefined through `options.wsProxy` to `options.address`,
     * runs the BOLT 8 handshake as initiator with a fresh random key and exchanges `init`.
     *
     * Rejects with `ADDRESS_CONFLICT` / `ADDRESS_MISSING` (both or neither of `url` and
     * `wsProxy`), `BAD_ADDRESS`, `NODE_UNREACHABLE`, `HANDSHAKE_FAILED` (e.g. wrong node
     * id), `INIT_FAILED` or `CONNECTION_ERROR`.
     */
    static connect(node_id: string, url: string | null | undefined, options: LnSocketOptions | undefined): Promise<LnSocket>;
    /**
     * The next message: any odd type (custom messages included), `error` (type 17) or
     * `warning` (type 1); pings are answered for you. One `recv` at a time.
     * Rejects with `CONNECTION_CLOSED` once the peer has closed, or with the failure.
     */
    recv(): Promise<LnMessage>;
    /**
     * Sends a message of odd type `type` (BOLT 1 forbids unnegotiated even types).
     * Rejects with `BAD_ARGUMENT` or `CONNECTION_CLOSED`.
     */
    send(msg_type: number, payload: Uint8Array | number[]): Promise<void>;
    /**
     * The peer's node id (hex).
     */
    readonly nodeId: string;
    /**
     * The peer's `init` features (big-endian bitmap, hex).
     */
    readonly remoteFeatures: string;
}
