// fetchInvoice: the JavaScript of wasm/npm/fetch.js (the lite and full entries), over the
// sans-IO core of wasm/src/fetch_core.rs (messenger's payer).

/** What to ask for in `fetchInvoice` / `LnSocket.fetchInvoice`. */
export interface FetchInvoiceOptions {
    /** `invreq_amount` in millisatoshi: required when the offer sets no amount; at least the offer's. */
    amountMsat?: number | bigint | string;
    /** `invreq_quantity` (default 1 when the offer has `offer_quantity_max`). */
    quantity?: number | bigint | string;
    /** `invreq_payer_note`, shown to the issuer. */
    payerNote?: string;
    /** How long to wait for the answer along each route to the issuer (ms, default 30000). */
    timeoutMs?: number;
}

/** The node the invoice request goes through: the offer's issuer, or a node that reaches it. */
export interface FetchVia extends WsProxyOptions {
    /** The node's id (33-byte compressed public key, hex). */
    nodeId: string;
    /** `ws://host:port` or `wss://host/path` where it accepts BOLT 8 over WebSocket; in Node also
     * `host:port` (plain TCP, the node's Lightning port). Required unless `wsProxy` is given. */
    url?: string;
}

/** Options of the standalone `fetchInvoice`: where to connect, and what to ask for. */
export interface FetchInvoiceViaOptions extends FetchInvoiceOptions {
    /** The node to connect to (a fresh connection, closed when the fetch ends). */
    via: FetchVia;
    /** Limit for opening the connection, the BOLT 8 handshake and `init`, each (ms, default 10000). */
    connectTimeoutMs?: number;
}

/** Which way the invoice request went. */
export type FetchRouteKind = "direct" | "via_peer" | "path_from_peer" | "via_peer_to_path";

/** An invoice fetched over onion messages, after every payer check passed. */
export interface FetchedInvoice {
    /** The invoice (`lni1...`). */
    invoice: string;
    /** The invoice as `decode` gives it (Core Lightning's `decode` JSON). */
    decoded: Bolt12Decoded;
    /** The payer checks made on the invoice against the request, in plain words. */
    checks: string[];
    /** Which way the request went, in plain words. */
    route: string;
    /** The same as a code; `pathIndex` is the `offer_paths` entry used, for the path routes. */
    routeKind: FetchRouteKind;
    pathIndex?: number;
    /** The invoice request sent (`lnr1...`), signed by a fresh payer key. */
    invoiceRequest: string;
    /** Onion messages received meanwhile that were not the answer (dropped, unanswered). */
    droppedMessages: number;
}

export interface LnSocket {
    /**
     * Fetches an invoice for `offer` natively over this connection: an `invoice_request`
     * as an onion message to the offer's issuer (this peer, or through it to
     * `offer_issuer_id` or along each `offer_paths` entry in turn), with a reply path
     * from this peer to us; the invoice that comes back is checked against the request
     * (every BOLT 12 payer check) before the promise resolves. No rune: the node only
     * forwards onion messages. Several fetches may run at once on one connection, each
     * with its own reply paths (an answer goes to the fetch whose reply path it came
     * along) and its own `timeoutMs`; mind that the node may rate-limit onion messages
     * (Core Lightning: a burst of 4 per peer, then one per 250 ms). Not while a `recv` is
     * pending (`BAD_ARGUMENT`); messages other than onion messages arriving meanwhile are
     * kept for `recv`.
     *
     * Rejects with `INVOICE_ERROR` (the issuer's `invoice_error`: its text is the
     * message, `erroneousField` / `suggestedValue` if it set them), `TIMEOUT` (no answer
     * along any route), `CHECK_FAILED`, `NO_ROUTE`, `BUILD_FAILED` (e.g. an amount below
     * the offer's), `INVALID_BOLT12`, `WRONG_TYPE`, `DISCONNECTED`, `CONNECTION_CLOSED`
     * or `BAD_ARGUMENT`.
     */
    fetchInvoice(offer: string, options?: FetchInvoiceOptions): Promise<FetchedInvoice>;
}

/**
 * Connects to `options.via` (BOLT 8 over WebSocket, or TCP in Node; a fresh random identity), fetches an
 * invoice for `offer` natively over that connection as `LnSocket.fetchInvoice` does,
 * and closes it. Rejects as `LnSocket.connect` and `LnSocket.fetchInvoice` do.
 */
export function fetchInvoice(offer: string, options: FetchInvoiceViaOptions): Promise<FetchedInvoice>;
