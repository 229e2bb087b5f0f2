//! `queuecall.v1.HistoryService` over [`History`]: each RPC parses its request into domain
//! types, calls the history façade and converts the answer. Errors become a status in
//! `status`, nowhere else.

use std::sync::Arc;

use queuecall_proto::v1 as pb;
use queuecall_proto::v1::history_service_server::HistoryService;
use tonic::{Request, Response, Status};

use super::{convert, parse};
use crate::domain::BranchId;
use crate::domain::DateRange;
use crate::error::{QueueError, QueueResult};
use crate::history::{Figures, Group, History, MAX_RANGE_DAYS, Rating, Scores, parse_comment};
use crate::queue::Queue;
use crate::records::Db;

type Answer<T> = Result<Response<T>, Status>;

/// The gRPC face of the history.
#[derive(Clone)]
pub struct HistoryApi {
    history: Arc<History>,
}

impl HistoryApi {
    pub fn new(db: Db, queue: Arc<Queue>) -> Self {
        Self {
            history: Arc::new(History::new(db, queue)),
        }
    }
}

fn group(value: i32) -> QueueResult<Group> {
    match pb::StatisticsGroup::try_from(value) {
        Ok(pb::StatisticsGroup::Service) => Ok(Group::Service),
        Ok(pb::StatisticsGroup::Window) => Ok(Group::Window),
        Ok(pb::StatisticsGroup::Hour) => Ok(Group::Hour),
        _ => Err(QueueError::invalid(
            "group_by",
            "must be STATISTICS_GROUP_SERVICE, _WINDOW or _HOUR",
        )),
    }
}

fn row(f: &Figures) -> pb::StatisticsRow {
    pb::StatisticsRow {
        key: f.key.clone(),
        tickets: f.tickets,
        done: f.done,
        no_shows: f.no_shows,
        cancelled: f.cancelled,
        expired: f.expired,
        transferred: f.transferred,
        average_wait_seconds: f.average_wait_seconds,
        p90_wait_seconds: f.p90_wait_seconds,
        average_service_seconds: f.average_service_seconds,
        p90_service_seconds: f.p90_service_seconds,
        no_show_rate: f.no_show_rate,
        appointment_share: f.appointment_share,
        ratings: f.ratings,
        average_overall: f.average_overall,
        average_attitude: f.average_attitude,
        average_quality: f.average_quality,
        average_efficiency: f.average_efficiency,
        average_integrity: f.average_integrity,
    }
}

fn rating(r: &Rating) -> pb::Rating {
    let s = &r.scores;
    pb::Rating {
        ticket_id: r.ticket.to_string(),
        overall: u32::from(s.overall),
        attitude: u32::from(s.attitude),
        quality: u32::from(s.quality),
        efficiency: u32::from(s.efficiency),
        integrity: u32::from(s.integrity),
        comment: r.comment.clone(),
        rated_at: Some(convert::timestamp(r.rated_at)),
    }
}

#[tonic::async_trait]
impl HistoryService for HistoryApi {
    #[tracing::instrument(skip_all, fields(rpc = "GetStatistics", branch = %request.get_ref().branch_id))]
    async fn get_statistics(
        &self,
        request: Request<pb::GetStatisticsRequest>,
    ) -> Answer<pb::GetStatisticsResponse> {
        let req = request.get_ref();
        let branch = BranchId::parse("branch_id", &req.branch_id)?;
        let range = DateRange::parse(&req.from_date, &req.to_date, MAX_RANGE_DAYS)?;
        let group = group(req.group_by)?;
        let stats = self.history.statistics(&branch, range, group).await?;
        Ok(Response::new(pb::GetStatisticsResponse {
            rows: stats.rows.iter().map(row).collect(),
            total: Some(row(&stats.total)),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "RateService", ticket = %request.get_ref().ticket_id))]
    async fn rate_service(
        &self,
        request: Request<pb::RateServiceRequest>,
    ) -> Answer<pb::RateServiceResponse> {
        let req = request.get_ref();
        let ticket = parse::ticket(&req.ticket_id)?;
        let scores = Scores::parse(
            req.overall,
            req.attitude,
            req.quality,
            req.efficiency,
            req.integrity,
        )?;
        let comment = parse_comment(&req.comment)?;
        let rated = self.history.rate(ticket, scores, comment).await?;
        Ok(Response::new(pb::RateServiceResponse {
            rating: Some(rating(&rated)),
        }))
    }
}
