//! `invoice_error` bytes (`InvoiceError::from_bytes`): what is read re-encodes to the same
//! bytes.
#![no_main]
use bolt12::InvoiceError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(e) = InvoiceError::from_bytes(data) {
        assert_eq!(e.to_bytes().expect("decoded fields encode"), data);
        let _ = e.message();
    }
});
