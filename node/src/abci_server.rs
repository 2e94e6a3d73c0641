//! Serving the application on an ABCI socket (tower-abci), for an external engine or an
//! audit of the boundary: the same service the built-in engine drives in-process.

use crate::app::PlasmaApp;
use plasma_consensus::abci::BoxError;
use std::net::SocketAddr;

/// Serves `app` on `addr` over ABCI 0.38 until the listener fails.
pub async fn serve(app: PlasmaApp, addr: SocketAddr) -> Result<(), BoxError> {
    let (consensus, mempool, snapshot, info) = tower_abci::v038::split::service(app, 64);
    let server = tower_abci::v038::Server::builder()
        .consensus(consensus)
        .mempool(mempool)
        .info(info)
        .snapshot(snapshot)
        .finish()
        .ok_or("every ABCI service is set")?;
    server.listen_tcp(addr).await
}
