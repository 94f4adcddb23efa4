//! The commercial department's rules: client requisites, phone numbers, deals, tariff
//! plans, contracts with their amendments, and claims.

pub mod amendment;
pub mod claim;
pub mod client;
pub mod contract;
pub mod deal;
pub mod mrr;
pub mod phone;
pub mod requisites;
pub mod tariff;

pub use amendment::{Amendment, SlaChange, Terms, TermsChange, TermsOnDate, terms_on};
pub use claim::{AnswerTerm, ClaimDirection, ClaimStatus, DeadlineState, answer_deadline};
pub use client::{ClientDraft, ClientInput, ClientStatus};
pub use contract::{Conclusion, ContractNumber, ContractStatus, OfferAcceptance};
pub use deal::{DealStage, LostReason};
pub use phone::{Phone, PhoneCountry};
pub use requisites::{ClientKind, Requisites, RequisitesInput};
pub use tariff::{LimitKind, Limits, PlanRef, PlanVat, TariffPlan, VatOnDate};
