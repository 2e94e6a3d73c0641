//! The Rust encodings are exactly Solidity's `abi.encode`: fixed vectors built word by word
//! from the ABI specification, independent of alloy, and strict decoding of bad input.

use alloy_sol_types::SolValue;
use plasma_ledger::types::{decode, DecodeError, MAX_TX_BYTES};
use plasma_ledger::{
    Address, BlockHeader, Output, SignedTransaction, Transaction, UtxoPos, B256, U256,
};

fn word(v: u64) -> [u8; 32] {
    U256::from(v).to_be_bytes()
}

fn addr_word(a: Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_slice());
    w
}

fn cat(words: &[[u8; 32]]) -> Vec<u8> {
    words.concat()
}

fn sample_tx() -> Transaction {
    Transaction {
        kind: 1,
        inputs: vec![UtxoPos::new(5, 2, 1)],
        outputs: vec![Output::new(Address::repeat_byte(0x11), Address::ZERO, U256::from(7))],
        data: vec![0xab, 0xcd].into(),
    }
}

fn sample_tx_words() -> Vec<[u8; 32]> {
    let mut data = [0u8; 32];
    data[..2].copy_from_slice(&[0xab, 0xcd]);
    vec![
        word(0x20),  // abi.encode of a dynamic struct starts with its offset
        word(1),     // kind
        word(0x80),  // offset of inputs within the tuple
        word(0x100), // offset of outputs
        word(0x180), // offset of data
        word(1),
        word(5),
        word(2),
        word(1), // inputs: length, (height, txIndex, outputIndex)
        word(1),
        addr_word(Address::repeat_byte(0x11)),
        word(0),
        word(7), // outputs
        word(2),
        data, // data: length, padded bytes
    ]
}

#[test]
fn static_structs_encode_as_consecutive_words() {
    assert_eq!(UtxoPos::new(3, 1, 2).abi_encode(), cat(&[word(3), word(1), word(2)]));
    let out = Output::new(Address::repeat_byte(0x22), Address::repeat_byte(0x33), U256::MAX);
    assert_eq!(
        out.abi_encode(),
        cat(&[
            addr_word(Address::repeat_byte(0x22)),
            addr_word(Address::repeat_byte(0x33)),
            [0xff; 32]
        ])
    );
}

#[test]
fn transaction_encodes_like_solidity() {
    let tx = sample_tx();
    let expected = cat(&sample_tx_words());
    assert_eq!(tx.abi_encode(), expected);
    assert_eq!(tx.hash(), alloy_primitives::keccak256(&expected));
    assert_eq!(decode::<Transaction>("Transaction", &expected, MAX_TX_BYTES), Ok(tx));
}

#[test]
fn signed_transaction_nests_transaction_then_signatures() {
    let stx =
        SignedTransaction { transaction: sample_tx(), signatures: vec![vec![0x5a; 65].into()] };
    let tx_words = &sample_tx_words()[1..]; // the inner tuple, without abi.encode's outer offset
    let mut sig = [[0u8; 32]; 3];
    sig[0] = [0x5a; 32];
    sig[1] = [0x5a; 32];
    sig[2][0] = 0x5a;
    let mut words = vec![word(0x20), word(0x40), word(0x40 + 32 * tx_words.len() as u64)];
    words.extend_from_slice(tx_words);
    words.extend([word(1), word(0x20), word(65)]); // bytes[]: length, offset of element 0, its length
    words.extend(sig);
    assert_eq!(stx.abi_encode(), cat(&words));
    assert_eq!(SignedTransaction::decode(&cat(&words)), Ok(stx));
}

#[test]
fn header_is_eleven_static_words() {
    let header = BlockHeader {
        chainId: 7,
        height: 9,
        parentHash: B256::repeat_byte(1),
        txRoot: B256::repeat_byte(2),
        depositNonceStart: 3,
        depositNonceEnd: 4,
        historyRoot: B256::repeat_byte(5),
        validatorSetHash: B256::repeat_byte(7),
        nextValidatorSetHash: B256::repeat_byte(8),
        timestamp: 1_700_000_000,
        proposer: Address::repeat_byte(9),
    };
    let expected = cat(&[
        word(7),
        word(9),
        [1; 32],
        [2; 32],
        word(3),
        word(4),
        [5; 32],
        [7; 32],
        [8; 32],
        word(1_700_000_000),
        addr_word(Address::repeat_byte(9)),
    ]);
    assert_eq!(header.abi_encode(), expected);
    assert_eq!(BlockHeader::decode(&expected), Ok(header));
}

#[test]
fn non_canonical_and_truncated_encodings_are_refused() {
    let good = cat(&sample_tx_words());
    let is_abi_error =
        |r: Result<Transaction, DecodeError>| matches!(r, Err(DecodeError::Abi { .. }));
    assert!(is_abi_error(decode("Transaction", &good[..good.len() - 1], MAX_TX_BYTES)));
    let mut trailing = good.clone();
    trailing.extend([0u8; 32]);
    assert!(is_abi_error(decode("Transaction", &trailing, MAX_TX_BYTES)));
    let mut dirty_u8 = good.clone();
    dirty_u8[32 + 30] = 1; // kind: uint8 with a high byte set
    assert!(is_abi_error(decode("Transaction", &dirty_u8, MAX_TX_BYTES)));
    let mut huge_len = good.clone();
    huge_len[5 * 32..6 * 32].copy_from_slice(&[0xff; 32]); // inputs length 2^256 - 1
    assert!(is_abi_error(decode("Transaction", &huge_len, MAX_TX_BYTES)));
    assert_eq!(
        decode::<Transaction>("Transaction", &vec![0u8; MAX_TX_BYTES + 1], MAX_TX_BYTES),
        Err(DecodeError::TooLarge {
            what: "Transaction",
            len: MAX_TX_BYTES + 1,
            max: MAX_TX_BYTES
        })
    );
}

#[test]
fn large_blocks_decode_within_the_memory_bound() {
    let stx =
        SignedTransaction { transaction: sample_tx(), signatures: vec![vec![0x5a; 65].into()] };
    let block =
        plasma_ledger::Block { header: BlockHeader::default(), transactions: vec![stx; 10_000] };
    let bytes = block.abi_encode();
    assert!(bytes.len() > 4 << 20, "a 10k-transaction block is several MiB");
    assert_eq!(decode::<plasma_ledger::Block>("Block", &bytes, 64 << 20), Ok(block));
}
