//! The pure core of Control Tower: canonical objects, money, calendars, state machines and rules.
//! No I/O and no async here, so every rule can be tested exhaustively and reused by the store,
//! the sync engine and the CLI alike.

pub mod aging;
pub mod approval;
pub mod approval_policy;
pub mod calendar;
pub mod checksum;
pub mod close;
pub mod close_plan;
pub mod document;
pub mod duplicate;
pub mod entity;
pub mod erp;
pub mod error;
pub mod exception;
pub mod invoice;
pub mod money;
pub mod provenance;
pub mod supplier;
pub mod three_way_match;
pub mod treasury;
pub mod user;

pub use aging::AgingBucket;
pub use approval::{Approval, ApprovalStatus, Decision};
pub use calendar::BusinessCalendar;
pub use document::Document;
pub use entity::LegalEntity;
pub use error::DomainError;
pub use invoice::{Invoice, InvoiceLine, InvoiceStatus};
pub use money::{Currency, Money};
pub use provenance::Provenance;
pub use supplier::Supplier;
pub use user::User;
