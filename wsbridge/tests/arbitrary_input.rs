//! Arbitrary input never panics the parsers a client reaches: the destination in the path
//! and the upgrade request head; what they accept round-trips.
use proptest::prelude::*;
use wsbridge::http::read_upgrade;
use wsbridge::Destination;

proptest! {
    #[test]
    fn any_path_parses_or_is_refused(path in "/[-a-zA-Z0-9.:\\[\\]_%/?]{0,80}") {
        if let Ok(d) = Destination::from_path(&path) {
            // Accepted destinations print back to a path that parses to the same one.
            let again = Destination::from_path(&format!("/{d}"));
            prop_assert_eq!(again, Ok(d));
        }
    }

    #[test]
    fn any_string_destination_is_typed(s in "\\PC{0,300}") {
        let _ = s.parse::<Destination>();
    }

    #[test]
    fn any_request_head_is_read_or_refused(
        head in proptest::collection::vec(any::<u8>(), 0..10_000),
        prefix in prop::sample::select(vec![
            &b""[..],
            b"GET /127.0.0.1:9735 HTTP/1.1\r\n",
            b"GET /127.0.0.1:9735 HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n",
        ]),
    ) {
        let mut input = prefix.to_vec();
        input.extend_from_slice(&head);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let mut io = &input[..];
        let _ = rt.block_on(read_upgrade(&mut io));
    }
}
