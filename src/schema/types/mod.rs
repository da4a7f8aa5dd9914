//! One declarative table per Sorcery object type (Asterisk 23.4.1; 22.10.1 registers the same fields).

pub mod acl;
pub mod aor;
pub mod asterisk_publication;
pub mod auth;
pub mod contact;
pub mod domain_alias;
pub mod endpoint;
pub mod global;
pub mod identify;
pub mod inbound_publication;
pub mod outbound_publish;
pub mod registration;
pub mod resource_list;
pub mod subscription_persistence;
pub mod system;
pub mod transport;
