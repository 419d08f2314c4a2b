//! The visit core shared by every function and the one-machine stack: the domain (visits,
//! eligibility, the practice calendar), the ports the handlers talk through, and adapters.

pub mod alerts;
pub mod api;
pub mod audit;
pub mod calendar;
pub mod effects;
pub mod eligibility;
pub mod http;
pub mod ids;
pub mod intake;
pub mod multipart;
pub mod notice;
pub mod patient;
pub mod ports;
pub mod services;
pub mod settings;
pub mod validate;
pub mod verify;
pub mod visit;

#[cfg(feature = "embedded")]
pub mod embedded;

#[cfg(feature = "aws")]
pub mod aws;
