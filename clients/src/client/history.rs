//! `HistoryClient`: one typed method per HistoryService RPC.

use super::unary_client;
use crate::error::ClientError;
use crate::pb;
use crate::pb::history_service_client::HistoryServiceClient;

unary_client!(
    /// A connection to the HistoryService of one queuecall service: statistics of finished
    /// tickets and the citizens' ratings (好差评). Cheap to clone: clones share the channel.
    HistoryClient,
    HistoryServiceClient
);

/// The answer of GetStatistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Statistics {
    /// One row per service, window or hour, sorted by key.
    pub rows: Vec<pb::StatisticsRow>,
    /// The whole range.
    pub total: pb::StatisticsRow,
}

/// The arguments of RateService. The aspects left `None` are not rated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RatingArgs {
    /// A served ticket: full id or `<branch>.<number>` of today.
    pub ticket_id: String,
    /// 1 (very poor) to 5 (very good).
    pub overall: u32,
    pub attitude: Option<u32>,
    pub quality: Option<u32>,
    pub efficiency: Option<u32>,
    pub integrity: Option<u32>,
    pub comment: Option<String>,
}

impl HistoryClient {
    /// Figures of `branch` over local dates `from..=to` (an empty `to` means `from`).
    pub async fn statistics(
        &mut self,
        branch: &str,
        from: &str,
        to: &str,
        group_by: pb::StatisticsGroup,
    ) -> Result<Statistics, ClientError> {
        let message = pb::GetStatisticsRequest {
            branch_id: branch.to_owned(),
            from_date: from.to_owned(),
            to_date: to.to_owned(),
            group_by: group_by.into(),
        };
        let answer = self.inner.get_statistics(self.request(message)).await?;
        let answer = answer.into_inner();
        Ok(Statistics {
            rows: answer.rows,
            total: answer.total.ok_or_else(|| ClientError::missing("total"))?,
        })
    }

    /// Rates a served ticket, once.
    pub async fn rate(&mut self, rating: RatingArgs) -> Result<pb::Rating, ClientError> {
        let message = pb::RateServiceRequest {
            ticket_id: rating.ticket_id,
            overall: rating.overall,
            attitude: rating.attitude.unwrap_or_default(),
            quality: rating.quality.unwrap_or_default(),
            efficiency: rating.efficiency.unwrap_or_default(),
            integrity: rating.integrity.unwrap_or_default(),
            comment: rating.comment.unwrap_or_default(),
        };
        let answer = self.inner.rate_service(self.request(message)).await?;
        answer
            .into_inner()
            .rating
            .ok_or_else(|| ClientError::missing("rating"))
    }
}
