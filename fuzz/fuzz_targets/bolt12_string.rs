//! BOLT 12 strings (`FromStr` of `Offer`, `InvoiceRequest`, `Invoice`, `Bolt12`) and the
//! `decode` JSON (`decode_json`):
//! - `decode_json` never panics and agrees with the typed parse on accept/reject;
//! - `Bolt12::from_str` agrees with the per-type parser the prefix names;
//! - string form: a decoded string re-encodes to its canonical form (trimmed, `+` joins
//!   removed, lowercase); the uppercase form and a `+`-split form decode to the same bytes;
//!   `Display` of an accepted message is the canonical form.
#![no_main]
use std::str::FromStr;

use bolt12::json::strip_lightning_prefix;
use bolt12::string::{self, StringError};
use bolt12::{Bolt12, Invoice, InvoiceRequest, Offer, ParseError};
use bolt12_toolkit_fuzz::assert_json_agrees;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split_at, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let s = strip_lightning_prefix(input);
    let any = Bolt12::from_str(s);
    let offer = Offer::from_str(s);
    let request = InvoiceRequest::from_str(s);
    let invoice = Invoice::from_str(s);
    assert_eq!(
        any.is_ok(),
        offer.is_ok() || request.is_ok() || invoice.is_ok(),
        "Bolt12 and the typed parsers disagree on {s:?}"
    );
    // At most one typed parser accepts (the prefix decides).
    assert!(
        [offer.is_ok(), request.is_ok(), invoice.is_ok()]
            .iter()
            .filter(|ok| **ok)
            .count()
            <= 1
    );
    match &any {
        Ok(Bolt12::Offer(o)) => assert_eq!(Some(o), offer.as_ref().ok()),
        Ok(Bolt12::InvoiceRequest(r)) => assert_eq!(Some(r), request.as_ref().ok()),
        Ok(Bolt12::Invoice(i)) => assert_eq!(Some(i), invoice.as_ref().ok()),
        Err(_) => {}
    }
    // decode_json takes the whole input (it strips `lightning:` itself).
    assert_json_agrees(input, any.is_ok());

    match string::decode(s) {
        Ok((hrp, bytes)) => {
            let canonical = string::encode(&hrp, &bytes);
            let joined =
                string::join_continuations(s.trim_matches(|c: char| c.is_ascii_whitespace()))
                    .expect("decoded strings have well-placed '+'");
            assert_eq!(
                canonical,
                joined.to_ascii_lowercase(),
                "canonical form of {s:?}"
            );
            assert_eq!(
                string::decode(&canonical.to_ascii_uppercase()),
                Ok((hrp.clone(), bytes.clone()))
            );
            // A `+` and whitespace between any two characters of the data part is joined.
            let sep = canonical
                .rfind('1')
                .expect("decoded strings have a separator");
            let data_len = canonical.len() - sep - 1;
            if data_len >= 2 {
                let at = sep + 2 + usize::from(split_at) % (data_len - 1);
                let split = format!("{}+ \n {}", &canonical[..at], &canonical[at..]);
                assert_eq!(string::decode(&split), Ok((hrp.clone(), bytes.clone())));
            }
            let shown = match &any {
                Ok(Bolt12::Offer(o)) => Some(o.to_string()),
                Ok(Bolt12::InvoiceRequest(r)) => Some(r.to_string()),
                Ok(Bolt12::Invoice(i)) => Some(i.to_string()),
                Err(_) => None,
            };
            if let Some(shown) = shown {
                assert_eq!(shown, canonical);
            }
        }
        Err(e) => {
            // Every parser fails on a malformed string form, with that error.
            assert!(any.is_err());
            if !matches!(e, StringError::Empty) {
                assert_eq!(offer.err(), Some(ParseError::String(e)));
            }
        }
    }
});
