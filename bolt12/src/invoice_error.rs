//! Invoice errors, BOLT 12 §"Invoice Errors": sent in an onion message in answer to an
//! `invoice_request` or an `invoice`. The reader requirements are "FIXME!" in the spec, so
//! reading checks only the TLV encoding; the writer requirements are enforced by
//! [`InvoiceError::new`].
use crate::error::{ParseError, SemanticError};
use crate::tlv::InvoiceErrorTlvs;

/// A decoded `invoice_error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceError {
    tlvs: InvoiceErrorTlvs,
}

impl InvoiceError {
    /// Writer: `error` MUST be set; `suggested_value` only with `erroneous_field`.
    pub fn new(
        error: String,
        erroneous_field: Option<u64>,
        suggested_value: Option<Vec<u8>>,
    ) -> Result<Self, SemanticError> {
        if suggested_value.is_some() && erroneous_field.is_none() {
            return Err(SemanticError::SuggestedValueWithoutField);
        }
        Ok(InvoiceError {
            tlvs: InvoiceErrorTlvs {
                erroneous_field,
                suggested_value,
                error: Some(error),
                unknown: Vec::new(),
            },
        })
    }

    /// Reads the TLV stream (BOLT 1 rules only; see the module docs).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ParseError> {
        Ok(InvoiceError {
            tlvs: InvoiceErrorTlvs::decode(bytes)?,
        })
    }

    /// The encoding.
    pub fn to_bytes(&self) -> Result<Vec<u8>, wire::EncodeError> {
        self.tlvs.encode()
    }

    /// The decoded fields.
    pub fn tlvs(&self) -> &InvoiceErrorTlvs {
        &self.tlvs
    }

    /// `error`, the explanation.
    pub fn message(&self) -> Option<&str> {
        self.tlvs.error.as_deref()
    }
}
