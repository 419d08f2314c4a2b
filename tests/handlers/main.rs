//! The functions' handlers on the embedded adapters, driven with the real AWS event shapes
//! from `tests/fixtures`.

mod authorization;
mod bad_input;
mod flow;
mod idempotency;
mod openapi;
mod privacy;
mod refusals;
mod template;
