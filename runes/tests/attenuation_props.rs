//! Property tests: printing/parsing round trips and attenuation.

use proptest::prelude::*;
use runes::{
    Alternative, Condition, FieldName, MasterRune, MasterSecret, Restriction, Rune, UniqueId,
};

fn alternative() -> impl Strategy<Value = Alternative> {
    (
        "[a-z_][a-z0-9_]{0,8}",
        prop::sample::select(Condition::ALL.to_vec()),
        "[ -~]{0,12}",
    )
        .prop_map(|(f, c, v)| Alternative::new(FieldName::new(f).unwrap(), c, v).unwrap())
}

fn restriction() -> impl Strategy<Value = Restriction> {
    prop::collection::vec(alternative(), 1..4).prop_map(|a| Restriction::new(a).unwrap())
}

proptest! {
    #[test]
    fn attenuated_runes_round_trip_and_verify(
        secret in prop::collection::vec(any::<u8>(), 0..=55),
        id in 0u64..1_000_000,
        first in prop::collection::vec(restriction(), 0..4),
        more in prop::collection::vec(restriction(), 0..4),
    ) {
        let master = MasterRune::new(&MasterSecret::new(&secret).unwrap());
        let issued = master.create(UniqueId::new(id.to_string()).unwrap(), first.clone());
        let mut held = Rune::from_base64(&issued.to_base64()).unwrap();
        for r in &more {
            held.add_restriction(r.clone());
        }
        // Printing and parsing are inverse, in both encodings.
        prop_assert_eq!(Rune::from_base64(&held.to_base64()).unwrap(), held.clone());
        prop_assert_eq!(Rune::from_string_form(&held.to_string_form()).unwrap(), held.clone());
        // The issuer accepts the attenuated rune, which equals issuing it directly.
        prop_assert!(master.verify(&held).is_ok());
        let mut all = first.clone();
        all.extend(more.iter().cloned());
        prop_assert_eq!(master.create(UniqueId::new(id.to_string()).unwrap(), all), held.clone());
        prop_assert!(held.is_derived_from(&issued, true).is_ok());
        // Dropping the last restriction is detected.
        if !more.is_empty() || !first.is_empty() {
            let mut rs: Vec<Restriction> = held.restrictions().to_vec();
            rs.pop();
            let mut encoded = held.encoded_restrictions();
            encoded.pop();
            let text = format!("{}:{}", hex::encode(held.authcode().as_bytes()), encoded.join("&"));
            let truncated = Rune::from_string_form(&text).unwrap();
            prop_assert_eq!(truncated.restrictions(), rs.as_slice());
            prop_assert!(master.verify(&truncated).is_err());
        }
    }
}

proptest! {
    /// `extend_authcode`, from a rune's parts alone (its authcode, the bytes its
    /// restrictions hashed, counted here from their encodings), gives the authcode the
    /// issuer signs for the rune with one more restriction.
    #[test]
    fn extend_authcode_from_parts_is_what_the_issuer_signs(
        secret in prop::collection::vec(any::<u8>(), 0..=55),
        id in 0u64..1_000_000,
        first in prop::collection::vec(restriction(), 0..4),
        extra in restriction(),
    ) {
        let master = MasterRune::new(&MasterSecret::new(&secret).unwrap());
        let issued = master.create(UniqueId::new(id.to_string()).unwrap(), first.clone());
        let hashed: u64 = 64 + issued
            .encoded_restrictions()
            .iter()
            .map(|r| (r.len() as u64 + 9).div_ceil(64) * 64)
            .sum::<u64>();
        let code = runes::extend_authcode(issued.authcode().as_bytes(), hashed, extra.encode().as_bytes());
        let mut all = first;
        all.push(extra);
        let direct = master.create(UniqueId::new(id.to_string()).unwrap(), all);
        prop_assert_eq!(&code, direct.authcode().as_bytes());
    }
}
