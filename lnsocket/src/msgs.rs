//! BOLT 1 messages, generated from `spec-csv/01-messaging.csv` by `codegen`:
//! [`Init`] (with [`InitTlvs`]), [`Error`], [`Warning`], [`Ping`], [`Pong`].
//!
//! Each has `TYPE`, `decode(payload_after_type)`, `encode()` (with the 2-byte type),
//! and `read`/`write` for the fields alone.
#![allow(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/bolt01.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits a whole message into its type and payload.
    fn split(msg: &[u8]) -> (u16, &[u8]) {
        (u16::from_be_bytes([msg[0], msg[1]]), &msg[2..])
    }

    /// BOLT 1 Appendix C: valid `init` extensions.
    #[test]
    fn appendix_c_valid_init_messages() {
        for hex_msg in ["001000000000", "001000000000c9012acb0104"] {
            let bytes = hex::decode(hex_msg).unwrap();
            let (t, payload) = split(&bytes);
            assert_eq!(t, Init::TYPE);
            let init = Init::decode(payload).unwrap();
            assert!(init.features.is_empty() && init.globalfeatures.is_empty());
            // Unknown odd records are kept so the message re-encodes identically.
            assert_eq!(init.encode().unwrap(), bytes);
        }
    }

    /// BOLT 1 Appendix C: invalid `init` extensions.
    #[test]
    fn appendix_c_invalid_init_messages() {
        for hex_msg in [
            "00100000000001",
            "001000000000ca012a",
            "001000000000c90101c90102",
        ] {
            let bytes = hex::decode(hex_msg).unwrap();
            let (_, payload) = split(&bytes);
            assert!(Init::decode(payload).is_err(), "{hex_msg} must be rejected");
        }
    }

    #[test]
    fn init_with_networks_roundtrips() {
        let init = Init {
            globalfeatures: vec![],
            features: vec![0x02, 0x00],
            tlvs: InitTlvs {
                networks: Some(vec![wire::ChainHash::BITCOIN]),
                ..Default::default()
            },
        };
        let bytes = init.encode().unwrap();
        let (t, payload) = split(&bytes);
        assert_eq!(t, 16);
        assert_eq!(Init::decode(payload).unwrap(), init);
    }

    #[test]
    fn ping_pong_lengths_are_derived_and_checked() {
        let ping = Ping {
            num_pong_bytes: 4,
            ignored: vec![0; 3],
        };
        assert_eq!(hex::encode(ping.encode().unwrap()), "001200040003000000");
        let pong = Pong {
            ignored: vec![0; 70000],
        };
        assert!(matches!(
            pong.encode(),
            Err(wire::EncodeError::LengthOverflow { .. })
        ));
        // A byteslen claiming more than the payload holds is refused, not allocated.
        assert!(matches!(
            Pong::decode(&[0xff, 0xff, 0]),
            Err(wire::DecodeError::Truncated { .. })
        ));
    }

    #[test]
    fn error_and_warning_carry_channel_id_and_data() {
        let e = Error {
            channel_id: wire::ChannelId([7; 32]),
            data: b"boom".to_vec(),
        };
        let bytes = e.encode().unwrap();
        let (t, payload) = split(&bytes);
        assert_eq!(t, 17);
        assert_eq!(Error::decode(payload).unwrap(), e);
        assert_eq!(Warning::TYPE, 1);
    }
}
