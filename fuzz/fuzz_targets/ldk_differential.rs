//! Differential fuzzing against LDK 0.2.7 (`lightning`), an independent BOLT 12 reader.
//!
//! The first byte picks the reader (offer, invoice request, invoice); the rest goes to
//! ours (`Offer::from_bytes`, ...) and to LDK's (`Offer::try_from(Vec<u8>)`,
//! `InvoiceRequest::try_from`, `Bolt12Invoice::try_from`). Both accept or both refuse;
//! when both accept, every field both expose agrees (offer, request and invoice fields,
//! paths and payinfo, features), as do the bytes, the Merkle root, the signature digest and
//! the signature check. A disagreement on accept/reject must be one of the differences in
//! [`DIFFERENCES`], each with the BOLT 12 lines that decide it (line numbers of
//! `/work/shared/bolts/12-offer-encoding.md`; each is pinned by a `dN_*` test in
//! `bolt12/tests/ldk_differential.rs`, where the views below come from).
#![no_main]
#![allow(clippy::too_many_arguments)]
use bolt12::{Invoice, InvoiceRequest, Offer, ParseError, SemanticError};
use libfuzzer_sys::fuzz_target;
use lightning::offers::invoice::Bolt12Invoice as LInvoice;
use lightning::offers::invoice_request::InvoiceRequest as LRequest;
use lightning::offers::offer::Offer as LOffer;
use wire::TlvStreamReader;

/// The known disagreements: (name, who is right and the BOLT 12 lines that decide it).
pub const DIFFERENCES: &[(&str, &str)] = &[
    ("D1", "292-294: unknown even offer_features bit, \"MUST NOT respond to the offer\"; we refuse at parse, LDK when requesting. Both comply."),
    ("D2", "354-356: \"An empty offer_chains ... is explicitly invalid\"; we refuse, LDK accepts. We are right."),
    ("D3", "248 is a writer rule (ISO 4217 code); the reader rules 288-319 have none; LDK refuses at parse. LDK is stricter."),
    ("D4", "303 bounds offer_amount only below; LDK refuses amounts above 21M BTC at parse, we refuse requests for them. Both refuse to pay."),
    ("D5", "308-309, 321-322, 265: empty offer_paths without offer_issuer_id leaves nowhere to send a request."),
    ("D6", "509-510: unknown even invreq_features bit, \"MUST reject the invoice request\"; LDK parses it. We are right."),
    ("D7", "541-547: a request answering no offer is valid (with invreq_amount); LDK reads only requests for offers. We are right."),
    ("D8", "531-536: requests for currency-priced offers are valid (the reader converts); LDK refuses them. We are right."),
    ("D9", "487, 547: invreq_paths is defined and no reader rule refuses it; LDK refuses it. LDK is stricter."),
    ("D10", "464-465, 548-549: no invreq_chain means bitcoin, which offer_chains may exclude; we refuse only an explicit chain outside offer_chains here."),
    ("D12", "769-770: unknown even invoice_features bit, \"MUST reject the invoice\"; LDK parses it. We are right."),
    ("D13", "779-781: \"MUST reject the invoice if this leaves no usable paths\" (payinfo with unknown even features); LDK parses it. We are right."),
    ("D14", "782-785: invoice_node_id must be offer_issuer_id, checked where the request is known (payer side); LDK at parse. Both reject before paying."),
    ("D15", "798-799: invoice_amount must equal invreq_amount; payer-side check in ours, parse in LDK."),
    ("D16", "758-811 set no TLV type range for invoices; LDK refuses odd types 1001-999999999. LDK is stricter."),
    ("D17", "Core Lightning's recurrence draft (spec-csv/cln-recurrence.csv) uses even types in the experimental ranges (BOLT 12 337: self-assigned experimental ranges); we know them (README, Spec choices), LDK does not and refuses an unknown even type (BOLT 1 176, 'if type is even: MUST fail to parse'). Deliberate: we read what Core Lightning writes."),
];

/// The even types of Core Lightning's recurrence draft (`spec-csv/cln-recurrence.csv`).
const CLN_RECURRENCE_EVEN: &[u64] = &[1_000_000_024, 1_000_000_026, 2_000_000_092, 2_000_000_094];

/// D17: we accept and the stream carries an even recurrence record (LDK: unknown even
/// type), or we refuse for a rule or the encoding of a recurrence draft field (LDK ignores
/// its odd records).
fn recurrence_difference(bytes: &[u8], ours: Result<(), &ParseError>) -> Option<&'static str> {
    use SemanticError::*;
    let has_even = TlvStreamReader::new(bytes, "x")
        .map_while(Result::ok)
        .any(|r| CLN_RECURRENCE_EVEN.contains(&r.tlv_type));
    let draft_rule = matches!(
        ours,
        Err(ParseError::Semantic(
            RecurrenceTimeUnit(_)
                | RecurrencePeriodZero
                | RecurrenceLimitZero
                | RecurrenceFieldWithoutRecurrence(_)
                | RecurrenceCancel(_)
        ))
    );
    // A malformed recurrence record (e.g. a non-minimal `offer_recurrence_limit`, odd type
    // 29, or `period` inside `offer_recurrence`'s subtype, `recurrence.period`): a known
    // field to us, refused by its encoding; an unknown odd record to LDK.
    let draft_field = matches!(
        ours,
        Err(ParseError::Decode(e)) if format!("{e:?}").contains("recurrence")
    );
    ((ours.is_ok() && has_even) || draft_rule || draft_field)
        .then_some("D17 Core Lightning recurrence records (experimental range)")
}

fn assert_listed(reason: Option<&'static str>, what: &str) {
    let reason = reason.unwrap_or_else(|| panic!("undocumented disagreement: {what}"));
    let name = reason.split(' ').next().unwrap_or_default();
    assert!(
        DIFFERENCES.iter().any(|(n, _)| *n == name),
        "difference {reason} not in DIFFERENCES"
    );
}

// ---------------------------------------------------------------------------------------
// Normalised views and comparisons, shared with bolt12/tests/ldk_differential.rs.
#[path = "../../bolt12/tests/ldk_views/mod.rs"]
mod ldk_views;
use ldk_views::*;

fuzz_target!(|input: &[u8]| {
    let Some((&selector, bytes)) = input.split_first() else {
        return;
    };
    let v = bytes.to_vec();
    match selector % 3 {
        0 => {
            let ours = Offer::from_bytes(v.clone());
            let ldk = LOffer::try_from(v);
            match (&ours, &ldk) {
                (Ok(o), Ok(l)) => compare_offer(o, l),
                (Err(_), Err(_)) => {}
                _ => assert_listed(
                    recurrence_difference(bytes, ours.as_ref().map(|_| ()))
                        .or_else(|| offer_difference(bytes, &ours)),
                    &format!(
                        "offer: ours {:?}, LDK {:?}",
                        ours.as_ref().err(),
                        ldk.as_ref().err()
                    ),
                ),
            }
        }
        1 => {
            let ours = InvoiceRequest::from_bytes(v.clone());
            let ldk = LRequest::try_from(v);
            match (&ours, &ldk) {
                (Ok(o), Ok(l)) => compare_request(o, l),
                (Err(_), Err(_)) => {}
                _ => assert_listed(
                    recurrence_difference(bytes, ours.as_ref().map(|_| ()))
                        .or_else(|| request_difference(bytes, &ours)),
                    &format!(
                        "request: ours {:?}, LDK {:?}",
                        ours.as_ref().err(),
                        ldk.as_ref().err()
                    ),
                ),
            }
        }
        _ => {
            let ours = Invoice::from_bytes(v.clone());
            let ldk = LInvoice::try_from(v);
            match (&ours, &ldk) {
                (Ok(o), Ok(l)) => compare_invoice(o, l),
                (Err(_), Err(_)) => {}
                _ => assert_listed(
                    recurrence_difference(bytes, ours.as_ref().map(|_| ()))
                        .or_else(|| invoice_difference(bytes, &ours)),
                    &format!(
                        "invoice: ours {:?}, LDK {:?}",
                        ours.as_ref().err(),
                        ldk.as_ref().err()
                    ),
                ),
            }
        }
    }
});
