//! Contract bindings generated from the committed artifacts (ABI and bytecode), one module
//! per contract (each artifact declares the struct types it uses).

#![allow(missing_docs, unreachable_pub, clippy::too_many_arguments)]

/// `PlasmaRoot`: registry, staking, checkpoints, deposits, exits, fraud proofs.
pub mod plasma_root {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        PlasmaRoot,
        "../contracts/artifacts/PlasmaRoot.json"
    );
}

/// `RootModule`: the root's configuration snapshots and fraud proofs (by delegatecall).
pub mod root_module {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        RootModule,
        "../contracts/artifacts/RootModule.json"
    );
}

/// `FraudVerifier`: the stateless judge of fraud evidence.
pub mod fraud_verifier {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        FraudVerifier,
        "../contracts/artifacts/FraudVerifier.json"
    );
}

/// `FormVerifier`: the judge of a transaction's form, which `FraudVerifier` asks.
pub mod form_verifier {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        FormVerifier,
        "../contracts/artifacts/FormVerifier.json"
    );
}

/// `LinkVerifier`: the judge of the fraud kinds about a transaction standing on an earlier one
/// it names, which `FraudVerifier` asks.
pub mod link_verifier {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        LinkVerifier,
        "../contracts/artifacts/LinkVerifier.json"
    );
}

/// `MockERC20`: a mintable ERC-20 for tests and demonstrations.
pub mod mock_erc20 {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        MockERC20,
        "../contracts/artifacts/MockERC20.json"
    );
}

pub use form_verifier::FormVerifier;
pub use fraud_verifier::FraudVerifier;
pub use link_verifier::LinkVerifier;
pub use mock_erc20::MockERC20;
pub use plasma_root::PlasmaRoot;
pub use root_module::RootModule;
