//! Every type `codegen` generates from the spec CSVs, chosen by the first input byte: TLV
//! streams, messages and subtypes of the bolt12, lnsocket, onion and lnap crates. When a
//! decode succeeds, encoding the value gives back exactly the bytes it was read from (the
//! whole input for a stream, the consumed prefix for a message or subtype), and decoding
//! that again gives the same value.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wire::{Reader, Wire};

/// A TLV stream: `decode` takes the whole input.
macro_rules! stream {
    ($ty:ty, $data:expr) => {{
        let data: &[u8] = $data;
        if let Ok(v) = <$ty>::decode(data) {
            let bytes = v.encode().expect("decoded streams encode");
            assert_eq!(bytes, data, stringify!($ty));
            assert_eq!(<$ty>::decode(&bytes).as_ref(), Ok(&v));
        }
    }};
}

/// A message (fields after the 2-byte type) or subtype: reads a prefix of the input.
macro_rules! prefix {
    ($data:expr, $read:expr, $write:expr) => {{
        let data: &[u8] = $data;
        let mut r = Reader::new(data);
        if let Ok(v) = $read(&mut r) {
            let consumed = &data[..data.len() - r.remaining()];
            let mut out = Vec::new();
            $write(&v, &mut out).expect("decoded values encode");
            assert_eq!(out, consumed);
            let mut again = Reader::new(&out);
            assert_eq!($read(&mut again).as_ref(), Ok(&v));
            assert!(again.is_empty());
        }
    }};
}

macro_rules! message {
    ($ty:ty, $data:expr) => {
        prefix!($data, <$ty>::read, <$ty>::write)
    };
}

macro_rules! subtype {
    ($ty:ty, $data:expr) => {
        prefix!(
            $data,
            |r: &mut Reader<'_>| <$ty as Wire>::read(r, "fuzz"),
            <$ty as Wire>::write
        )
    };
}

fuzz_target!(|input: &[u8]| {
    let Some((&selector, data)) = input.split_first() else {
        return;
    };
    use bolt12::tlv as b12;
    use lnsocket::msgs as b1;
    use onion::tlv as b4;
    match selector % 24 {
        0 => stream!(b12::OfferTlvs, data),
        1 => stream!(b12::InvoiceRequestTlvs, data),
        2 => stream!(b12::InvoiceTlvs, data),
        3 => stream!(b12::InvoiceErrorTlvs, data),
        4 => subtype!(b12::BlindedPath, data),
        5 => subtype!(b12::BlindedPathHop, data),
        6 => subtype!(b12::BlindedPayinfo, data),
        7 => subtype!(b12::FallbackAddress, data),
        8 => subtype!(b12::Recurrence, data),
        9 => subtype!(b12::RecurrenceBase, data),
        10 => subtype!(b12::RecurrencePaywindow, data),
        11 => subtype!(b12::InvreqBip353Name, data),
        12 => subtype!(b12::InvreqRecurrenceCancel, data),
        13 => stream!(b1::InitTlvs, data),
        14 => message!(b1::Init, data),
        15 => message!(b1::Error, data),
        16 => message!(b1::Warning, data),
        17 => message!(b1::Ping, data),
        18 => message!(b1::Pong, data),
        19 => subtype!(b4::PaymentRelay, data),
        20 => subtype!(b4::PaymentConstraints, data),
        21 => stream!(b4::EncryptedDataTlv, data),
        22 => stream!(b4::OnionmsgTlv, data),
        23 => match data.first() {
            Some(0) => message!(b4::OnionMessage, &data[1..]),
            _ => stream!(lnap::proof::tlv::AddressproofTlvs, data),
        },
        _ => unreachable!(),
    }
});
