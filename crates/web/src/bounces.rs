//! Bounces that come back: a report read by [`abide_mail::dsn`] applied to
//! the store, one address at a time. The endpoint (`POST /mail/bounces`) and
//! `abide bounces read` both come here.

use abide_mail::dsn::{self, BounceClass, DsnError};
use abide_store::{BounceKind, IncomingBounce, Store, StoreError};
use sha2::{Digest as _, Sha256};

/// What applying reports did, added up over one or many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BounceSummary {
    /// Messages that were delivery status or feedback reports.
    pub reports: usize,
    /// Messages that were not (ignored).
    pub not_reports: usize,
    /// Bounces applied that had not been before.
    pub applied: usize,
    /// Bounces already applied before (the same report again).
    pub duplicates: usize,
    /// Hard bounces among those applied.
    pub hard: usize,
    /// Soft bounces among those applied.
    pub soft: usize,
    /// Delays among those applied.
    pub delayed: usize,
    /// Complaints among those applied.
    pub complaints: usize,
    /// Addresses put on the suppression list.
    pub suppressed: usize,
}

impl std::ops::AddAssign for BounceSummary {
    fn add_assign(&mut self, o: Self) {
        self.reports += o.reports;
        self.not_reports += o.not_reports;
        self.applied += o.applied;
        self.duplicates += o.duplicates;
        self.hard += o.hard;
        self.soft += o.soft;
        self.delayed += o.delayed;
        self.complaints += o.complaints;
        self.suppressed += o.suppressed;
    }
}

/// Why a report was not applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BounceError {
    /// Not an email message at all, or too large.
    #[error("unreadable message: {0}")]
    Unreadable(#[from] DsnError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads one incoming message and applies each bounce it reports. The
/// report is known by its own Message-ID, or, without one, by a digest of
/// its bytes: the same report applied twice changes nothing more.
pub async fn apply_report(store: &Store, raw: &[u8]) -> Result<BounceSummary, BounceError> {
    let mut summary = BounceSummary::default();
    let Some(report) = dsn::parse(raw)? else {
        summary.not_reports = 1;
        return Ok(summary);
    };
    summary.reports = 1;
    let report_key = report.report_message_id.clone().unwrap_or_else(|| {
        let digest = Sha256::digest(raw);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    });
    for bounce in report.bounces() {
        let kind = match bounce.class {
            BounceClass::Hard => BounceKind::Hard,
            BounceClass::Soft => BounceKind::Soft,
            BounceClass::Delayed => BounceKind::Delayed,
            BounceClass::Complaint => BounceKind::Complaint,
        };
        let outcome = store
            .apply_bounce(&IncomingBounce {
                report_key: report_key.clone(),
                email: bounce.email,
                kind,
                original_message_id: bounce.original_message_id,
                status: bounce.status.map(|s| s.to_string()),
                detail: bounce.detail,
            })
            .await?;
        if outcome.duplicate {
            summary.duplicates += 1;
            continue;
        }
        summary.applied += 1;
        summary.suppressed += usize::from(outcome.suppressed);
        match kind {
            BounceKind::Hard => summary.hard += 1,
            BounceKind::Soft => summary.soft += 1,
            BounceKind::Delayed => summary.delayed += 1,
            BounceKind::Complaint => summary.complaints += 1,
        }
    }
    Ok(summary)
}
