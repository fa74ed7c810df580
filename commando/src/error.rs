//! Errors of a commando call, typed by who detected what
//! (lightning-commando(7) "ERRORS", lightning-checkrune(7) "ERRORS").

use crate::transport::TransportError;
use serde_json::{json, Value};
use thiserror::Error;

/// "the local commando plugin discovered an error" (0x4c4f).
pub const COMMANDO_ERROR_LOCAL: i64 = 19535;
/// "the remote commando plugin discovered an error" (0x4c50).
pub const COMMANDO_ERROR_REMOTE: i64 = 19536;
/// "the remote commando plugin said we weren't authorized" (0x4c51).
pub const COMMANDO_ERROR_REMOTE_AUTH: i64 = 19537;
/// checkrune: rune is not for this node.
pub const RUNE_NOT_AUTHORIZED: i64 = 1501;
/// checkrune: rune does not allow this usage.
pub const RUNE_NOT_PERMITTED: i64 = 1502;
/// checkrune: rune has been blacklisted.
pub const RUNE_BLACKLISTED: i64 = 1503;

/// Why a commando call failed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CommandoError {
    /// 19536: the node's commando rejected the request (bad JSON, missing
    /// id or rune, unparsable rune, ...).
    #[error("remote commando error {COMMANDO_ERROR_REMOTE}: {message}")]
    Remote {
        /// The node's message.
        message: String,
        /// The node's `data`, if any.
        data: Option<Value>,
    },
    /// 19537: the rune was refused ("Invalid rune: Not permitted: ...").
    #[error("not authorized ({COMMANDO_ERROR_REMOTE_AUTH}): {message}")]
    Unauthorized {
        /// The node's message.
        message: String,
        /// The node's `data`, if any.
        data: Option<Value>,
    },
    /// A 19535 error reported by the node itself.
    #[error("commando error {COMMANDO_ERROR_LOCAL}: {message}")]
    RemoteLocal {
        /// The node's message.
        message: String,
        /// The node's `data`, if any.
        data: Option<Value>,
    },
    /// 1501: the rune is not for this node.
    #[error("rune not authorized ({RUNE_NOT_AUTHORIZED}): {message}")]
    RuneNotAuthorized {
        /// The node's message.
        message: String,
        /// The node's `data`, if any.
        data: Option<Value>,
    },
    /// 1502: the rune does not allow this usage.
    #[error("rune not permitted ({RUNE_NOT_PERMITTED}): {message}")]
    RuneNotPermitted {
        /// The node's message.
        message: String,
        /// The node's `data`, if any.
        data: Option<Value>,
    },
    /// 1503: the rune is blacklisted.
    #[error("rune blacklisted ({RUNE_BLACKLISTED}): {message}")]
    RuneBlacklisted {
        /// The node's message.
        message: String,
        /// The node's `data`, if any.
        data: Option<Value>,
    },
    /// Any other JSON-RPC error returned by the command itself.
    #[error("RPC error {code}: {message}")]
    Rpc {
        /// The error code.
        code: i64,
        /// The node's message.
        message: String,
        /// The node's `data`, if any.
        data: Option<Value>,
    },
    /// No complete reply within the per-command timeout.
    #[error("no reply within {0:?}")]
    Timeout(std::time::Duration),
    /// The connection dropped before the reply completed (and was not, or
    /// could not be, re-established).
    #[error("connection lost before the reply arrived")]
    Disconnected,
    /// The reply exceeded the configured cap.
    #[error("reply exceeds the {limit}-byte cap")]
    ReplyTooLarge {
        /// The cap.
        limit: usize,
    },
    /// The request exceeds what the node accepts.
    #[error("request of {len} bytes exceeds the {limit}-byte limit")]
    RequestTooLarge {
        /// Request size.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The parameters are neither a JSON object nor an array.
    #[error("params must be a JSON object or array")]
    ParamsNotContainer,
    /// The reply is not a JSON object.
    #[error("reply was unparsable: '{0}'")]
    UnparsableReply(String),
    /// The reply's `error` has no integer `code`.
    #[error("error '{0}' had no valid code")]
    ErrorWithoutCode(String),
    /// The reply's `error` has no `message`.
    #[error("error had no message")]
    ErrorWithoutMessage,
    /// The reply has neither `error` nor `result`.
    #[error("reply had no result")]
    ReplyWithoutResult,
    /// Sending failed.
    #[error("transport: {0}")]
    Transport(#[from] TransportError),
}

impl CommandoError {
    /// Classify a node's error object.
    pub fn from_node(code: i64, message: String, data: Option<Value>) -> Self {
        match code {
            COMMANDO_ERROR_REMOTE => CommandoError::Remote { message, data },
            COMMANDO_ERROR_REMOTE_AUTH => CommandoError::Unauthorized { message, data },
            COMMANDO_ERROR_LOCAL => CommandoError::RemoteLocal { message, data },
            RUNE_NOT_AUTHORIZED => CommandoError::RuneNotAuthorized { message, data },
            RUNE_NOT_PERMITTED => CommandoError::RuneNotPermitted { message, data },
            RUNE_BLACKLISTED => CommandoError::RuneBlacklisted { message, data },
            code => CommandoError::Rpc {
                code,
                message,
                data,
            },
        }
    }

    /// The JSON-RPC code: the node's for node errors, 19535 (local
    /// commando error) for failures detected here.
    pub fn code(&self) -> i64 {
        match self {
            CommandoError::Remote { .. } => COMMANDO_ERROR_REMOTE,
            CommandoError::Unauthorized { .. } => COMMANDO_ERROR_REMOTE_AUTH,
            CommandoError::RemoteLocal { .. } => COMMANDO_ERROR_LOCAL,
            CommandoError::RuneNotAuthorized { .. } => RUNE_NOT_AUTHORIZED,
            CommandoError::RuneNotPermitted { .. } => RUNE_NOT_PERMITTED,
            CommandoError::RuneBlacklisted { .. } => RUNE_BLACKLISTED,
            CommandoError::Rpc { code, .. } => *code,
            _ => COMMANDO_ERROR_LOCAL,
        }
    }

    /// The message: the node's verbatim for node errors.
    pub fn message(&self) -> String {
        match self {
            CommandoError::Remote { message, .. }
            | CommandoError::Unauthorized { message, .. }
            | CommandoError::RemoteLocal { message, .. }
            | CommandoError::RuneNotAuthorized { message, .. }
            | CommandoError::RuneNotPermitted { message, .. }
            | CommandoError::RuneBlacklisted { message, .. }
            | CommandoError::Rpc { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// The node's `data`, if any.
    pub fn data(&self) -> Option<&Value> {
        match self {
            CommandoError::Remote { data, .. }
            | CommandoError::Unauthorized { data, .. }
            | CommandoError::RemoteLocal { data, .. }
            | CommandoError::RuneNotAuthorized { data, .. }
            | CommandoError::RuneNotPermitted { data, .. }
            | CommandoError::RuneBlacklisted { data, .. }
            | CommandoError::Rpc { data, .. } => data.as_ref(),
            _ => None,
        }
    }

    /// A JSON-RPC error object `{"code", "message", "data"?}`, as the
    /// `commando` command reports it.
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "code": self.code(), "message": self.message() });
        if let (Some(d), Some(obj)) = (self.data(), v.as_object_mut()) {
            obj.insert("data".into(), d.clone());
        }
        v
    }
}
