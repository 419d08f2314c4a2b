//! Everything a handler needs, built once per process and borrowed by every invocation.

use crate::calendar::PracticeCalendar;
use crate::ports::{AlertScheduler, Clock, IdentityDirectory, MediaStore, Notifier, VisitStore};
use crate::settings::Settings;
use std::sync::Arc;

/// The ports and settings handed to handlers. Lambda builds it with AWS adapters; the
/// one-machine stack and tests build it with embedded ones.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn VisitStore>,
    pub media: Arc<dyn MediaStore>,
    pub notifier: Arc<dyn Notifier>,
    pub scheduler: Arc<dyn AlertScheduler>,
    pub identities: Arc<dyn IdentityDirectory>,
    pub clock: Arc<dyn Clock>,
    pub calendar: PracticeCalendar,
    pub settings: Settings,
}
