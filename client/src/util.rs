//! Small things every part of the client needs: reaching a node, reading an output position,
//! the clock.

use crate::error::{BadUtxo, Error};
use plasma_ledger::UtxoPos;

/// Connects to the node whose gRPC API is at `endpoint` (`http://host:port`).
pub async fn connect(endpoint: &str) -> Result<plasma_proto::Client, Error> {
    plasma_proto::Client::connect(endpoint.to_string())
        .await
        .map_err(|source| Error::Connect { endpoint: endpoint.to_string(), source })
}

/// Parses `height:tx_index:output_index` (how [`UtxoPos`] displays).
pub fn parse_utxo(text: &str) -> Result<UtxoPos, BadUtxo> {
    let bad = |reason| BadUtxo { text: text.to_string(), reason };
    let parts: Vec<&str> = text.split(':').collect();
    let [h, i, o] = parts.as_slice() else {
        return Err(bad("expected height:tx_index:output_index"));
    };
    Ok(UtxoPos::new(
        h.parse().map_err(|_| bad("height is not a number in range"))?,
        i.parse().map_err(|_| bad("tx_index is not a number in range"))?,
        o.parse().map_err(|_| bad("output_index is not a number in range"))?,
    ))
}

/// This machine's clock, in Unix seconds (0 before 1970).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_parses_back_from_how_it_displays() {
        let pos = UtxoPos::new(23, 1, 2);
        assert_eq!(parse_utxo(&pos.to_string()), Ok(pos));
        assert!(parse_utxo("1:x").unwrap_err().to_string().contains("expected height:"));
        let e = parse_utxo("1:2:256").unwrap_err();
        assert_eq!(e.reason, "output_index is not a number in range");
    }
}
