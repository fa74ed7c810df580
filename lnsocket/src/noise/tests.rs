//! BOLT #8 "Appendix A: Transport Test Vectors", every case.

use super::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.trim_start_matches("0x")).unwrap()
}

fn key(s: &str) -> PrivateKey {
    let b: [u8; 32] = h(s).try_into().unwrap();
    PrivateKey::from_bytes(&b).unwrap()
}

fn pubkey(s: &str) -> PublicKey {
    PublicKey::from_slice(&h(s)).unwrap()
}

// Initiator Tests: shared inputs.
const I_RS_PUB: &str = "028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7";
const I_LS_PRIV: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const I_LS_PUB: &str = "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa";
const I_E_PRIV: &str = "1212121212121212121212121212121212121212121212121212121212121212";
const ACT1: &str = "00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a";
const ACT2: &str = "0002466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730ae";
const ACT3: &str = "00b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c466263b47fdf31e560e139ba";
const SK: &str = "969ab31b4d288cedf6218839b27a3e2140827047f2c0f01bf5c04435d43511a9";
const RK: &str = "bb9020b8965f4df047e07f955f3c4b88418984aadc5cdb35096b9ea8fa5c3442";
const CK: &str = "919219dbb2920afa8db80f9a51787a840bcf111ed8d588caf9ab4be716e42b01";

// Responder Tests: shared inputs.
const R_LS_PRIV: &str = "2121212121212121212121212121212121212121212121212121212121212121";
const R_E_PRIV: &str = "2222222222222222222222222222222222222222222222222222222222222222";

fn initiator_after_act_one() -> InitiatorAwaitingActTwo {
    let init = Initiator::with_ephemeral(key(I_LS_PRIV), pubkey(I_RS_PUB), key(I_E_PRIV));
    let (state, act1) = init.act_one();
    assert_eq!(act1.to_vec(), h(ACT1));
    state
}

#[test]
fn initiator_successful_handshake() {
    assert_eq!(
        key(I_LS_PRIV).public_key().serialize().to_vec(),
        h(I_LS_PUB)
    );
    let state = initiator_after_act_one();
    let (act3, transport) = state.read_act_two(&h(ACT2)).unwrap();
    assert_eq!(act3.to_vec(), h(ACT3));
    let (sk, rk) = transport.keys();
    assert_eq!(sk.to_vec(), h(SK));
    assert_eq!(rk.to_vec(), h(RK));
}

#[test]
fn initiator_act2_short_read() {
    let input = h("0x0002466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730");
    let err = initiator_after_act_one().read_act_two(&input).err();
    assert_eq!(
        err,
        Some(NoiseError::ActWrongLength {
            act: Act::Two,
            expected: 50,
            got: 49
        })
    );
}

#[test]
fn initiator_act2_bad_version() {
    let input = h("0x0102466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730ae");
    let err = initiator_after_act_one().read_act_two(&input).err();
    assert_eq!(
        err,
        Some(NoiseError::BadVersion {
            act: Act::Two,
            version: 1
        })
    );
}

#[test]
fn initiator_act2_bad_key_serialization() {
    let input = h("0x0004466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730ae");
    let err = initiator_after_act_one().read_act_two(&input).err();
    assert_eq!(err, Some(NoiseError::BadPublicKey { act: Act::Two }));
}

#[test]
fn initiator_act2_bad_mac() {
    let input = h("0x0002466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730af");
    let err = initiator_after_act_one().read_act_two(&input).err();
    assert_eq!(err, Some(NoiseError::BadTag { act: Act::Two }));
}

fn responder() -> Responder {
    let r = Responder::with_ephemeral(key(R_LS_PRIV), key(R_E_PRIV));
    assert_eq!(
        key(R_LS_PRIV).public_key().serialize().to_vec(),
        h(I_RS_PUB)
    );
    r
}

fn responder_after_act_one() -> ResponderAwaitingActThree {
    let (state, act2) = responder().read_act_one(&h(ACT1)).unwrap();
    assert_eq!(act2.to_vec(), h(ACT2));
    state
}

#[test]
fn responder_successful_handshake() {
    let (rs, transport) = responder_after_act_one().read_act_three(&h(ACT3)).unwrap();
    assert_eq!(rs.serialize().to_vec(), h(I_LS_PUB));
    let (sk, rk) = transport.keys();
    // "output: rk,sk=0x969a...,0xbb90..."
    assert_eq!(rk.to_vec(), h(SK));
    assert_eq!(sk.to_vec(), h(RK));
}

fn act1_err(input: &str) -> Option<NoiseError> {
    responder().read_act_one(&h(input)).err()
}

#[test]
fn responder_act1_short_read() {
    assert_eq!(
        act1_err("0x00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c"),
        Some(NoiseError::ActWrongLength {
            act: Act::One,
            expected: 50,
            got: 49
        })
    );
}

#[test]
fn responder_act1_bad_version() {
    assert_eq!(
        act1_err("0x01036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a"),
        Some(NoiseError::BadVersion {
            act: Act::One,
            version: 1
        })
    );
}

#[test]
fn responder_act1_bad_key_serialization() {
    assert_eq!(
        act1_err("0x00046360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a"),
        Some(NoiseError::BadPublicKey { act: Act::One })
    );
}

#[test]
fn responder_act1_bad_mac() {
    assert_eq!(
        act1_err("0x00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6b"),
        Some(NoiseError::BadTag { act: Act::One })
    );
}

fn act3_err(input: &str) -> Option<NoiseError> {
    responder_after_act_one().read_act_three(&h(input)).err()
}

#[test]
fn responder_act3_bad_version() {
    assert_eq!(
        act3_err("0x01b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c466263b47fdf31e560e139ba"),
        Some(NoiseError::BadVersion {
            act: Act::Three,
            version: 1
        })
    );
}

#[test]
fn responder_act3_short_read() {
    assert_eq!(
        act3_err("0x00b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c466263b47fdf31e560e139"),
        Some(NoiseError::ActWrongLength {
            act: Act::Three,
            expected: 66,
            got: 65
        })
    );
}

#[test]
fn responder_act3_bad_mac_for_ciphertext() {
    assert_eq!(
        act3_err("0x00c9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c466263b47fdf31e560e139ba"),
        Some(NoiseError::BadStaticKeyCiphertext)
    );
}

#[test]
fn responder_act3_bad_rs() {
    assert_eq!(
        act3_err("0x00bfe3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa2235536ad09a8ee351870c2bb7f78b754a26c6cef79a98d25139c856d7efd252c2ae73c"),
        Some(NoiseError::BadPublicKey { act: Act::Three })
    );
}

#[test]
fn responder_act3_bad_mac() {
    assert_eq!(
        act3_err("0x00b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b1c466263b47fdf31e560e139bb"),
        Some(NoiseError::BadTag { act: Act::Three })
    );
}

fn arr(s: &str) -> [u8; 32] {
    h(s).try_into().unwrap()
}

#[test]
fn message_encryption_and_rotation() {
    let expected = [
        (
            0usize,
            "0xcf2b30ddf0cf3f80e7c35a6e6730b59fe802473180f396d88a8fb0db8cbcf25d2f214cf9ea1d95",
        ),
        (
            1,
            "0x72887022101f0b6753e0c7de21657d35a4cb2a1f5cde2650528bbc8f837d0f0d7ad833b1a256a1",
        ),
        (
            500,
            "0x178cb9d7387190fa34db9c2d50027d21793c9bc2d40b1e14dcf30ebeeeb220f48364f7a4c68bf8",
        ),
        (
            501,
            "0x1b186c57d44eb6de4c057c49940d79bb838a145cb528d6e8fd26dbe50a60ca2c104b56b60e45bd",
        ),
        (
            1000,
            "0x4a2f3cc3b5e78ddb83dcb426d9863d9d9a723b0337c89dd0b005d89f8d3c05c52b76b29b740f09",
        ),
        (
            1001,
            "0x2ecd8c8a5629d0d02ab457a0fdd0f7b90a192cd46be5ecb6ca570bfc5e268338b1a16cf4ef2d36",
        ),
    ];
    let mut initiator = Transport::from_keys(&arr(CK), &arr(SK), &arr(RK));
    // The responder's receive key is the initiator's send key.
    let mut responder = Transport::from_keys(&arr(CK), &arr(RK), &arr(SK));
    let mut checked = 0;
    for i in 0..=1001usize {
        let packet = initiator.send.encrypt(b"hello").unwrap();
        if let Some((_, want)) = expected.iter().find(|(n, _)| *n == i) {
            assert_eq!(packet, h(want), "output {i}");
            checked += 1;
        }
        assert_eq!(responder.recv.decrypt(&packet).unwrap(), b"hello");
    }
    assert_eq!(checked, expected.len());
}

#[test]
fn handshake_round_trip_with_random_keys() {
    let server_key = PrivateKey::generate().unwrap();
    let client_key = PrivateKey::generate().unwrap();
    let client_pub = client_key.public_key();
    let (i, act1) = Initiator::new(client_key, server_key.public_key())
        .unwrap()
        .act_one();
    let (r, act2) = Responder::new(server_key)
        .unwrap()
        .read_act_one(&act1)
        .unwrap();
    let (act3, mut ti) = i.read_act_two(&act2).unwrap();
    let (learned, mut tr) = r.read_act_three(&act3).unwrap();
    assert_eq!(learned, client_pub);
    for len in [0usize, 1, 1024, MAX_MESSAGE_LEN] {
        let msg: Vec<u8> = (0..len).map(|x| x as u8).collect();
        let p = ti.send.encrypt(&msg).unwrap();
        assert_eq!(p.len(), LENGTH_HEADER_LEN + len + MAC_LEN);
        assert_eq!(tr.recv.decrypt(&p).unwrap(), msg);
        let p = tr.send.encrypt(&msg).unwrap();
        assert_eq!(ti.recv.decrypt(&p).unwrap(), msg);
    }
}

#[test]
fn wrong_responder_key_fails_act_one() {
    let server_key = PrivateKey::generate().unwrap();
    let impostor = PrivateKey::generate().unwrap();
    let (_, act1) = Initiator::new(PrivateKey::generate().unwrap(), impostor.public_key())
        .unwrap()
        .act_one();
    let err = Responder::new(server_key)
        .unwrap()
        .read_act_one(&act1)
        .err();
    assert_eq!(err, Some(NoiseError::BadTag { act: Act::One }));
}

#[test]
fn oversized_message_is_refused() {
    let mut t = Transport::from_keys(&arr(CK), &arr(SK), &arr(RK));
    let big = vec![0u8; MAX_MESSAGE_LEN + 1];
    assert_eq!(
        t.send.encrypt(&big).err(),
        Some(NoiseError::MessageTooLong(MAX_MESSAGE_LEN + 1))
    );
}

#[test]
fn tampered_messages_are_rejected() {
    let mut a = Transport::from_keys(&arr(CK), &arr(SK), &arr(RK));
    let mut b = Transport::from_keys(&arr(CK), &arr(RK), &arr(SK));
    let mut p = a.send.encrypt(b"hello").unwrap();
    p[0] ^= 1;
    assert_eq!(b.recv.decrypt(&p).err(), Some(NoiseError::BadLengthTag));

    let mut a = Transport::from_keys(&arr(CK), &arr(SK), &arr(RK));
    let mut b = Transport::from_keys(&arr(CK), &arr(RK), &arr(SK));
    let mut p = a.send.encrypt(b"hello").unwrap();
    let last = p.len() - 1;
    p[last] ^= 1;
    assert_eq!(b.recv.decrypt(&p).err(), Some(NoiseError::BadBodyTag));
}
