//! The issuer (in progress).
/// Placeholder.
pub struct Responder;
/// Placeholder.
pub struct ResponderConfig;
