//! The one integration-test binary: every test runs the real `pjsipctl` on a real
//! temporary astdb file (and, for ARI, a real HTTP server on 127.0.0.1).

mod apply;
mod ari;
mod cli;
mod common;
mod conformance;
mod conversions;
mod core;
mod fidelity;
mod generated;
mod hardening;
mod policy;
mod provisioning;
mod realtime;
mod safety;
mod secrets;
mod streaming;
mod wizard;
