//! What the appointment, statistics and rating commands do.

use chrono::{Days, NaiveDate};
use queuecall_client::{
    AppointmentClient, ClientError, HistoryClient, QueueClient, Server, SlotQuery, format, pb,
};

use super::args::ticket_ref;
use super::booking_args::{
    AppointmentsArgs, BookArgs, CheckInArgs, RateArgs, SlotsArgs, StatsArgs, new_idempotency_key,
    parse_date, wire_date,
};

/// The branch's service day (today in its time zone), from GetBranch.
async fn service_day(server: &Server, branch: &str) -> Result<NaiveDate, ClientError> {
    let mut queue = QueueClient::connect(server).await?;
    let day = queue.get_branch(branch).await?.service_day;
    parse_date(&day).map_err(|why| ClientError::Other {
        code: tonic::Code::Internal,
        message: format!("the service day of branch '{branch}': {why}"),
    })
}

pub async fn slots(server: &Server, branch: &str, args: SlotsArgs) -> Result<String, ClientError> {
    let from = match args.from {
        Some(from) => from,
        None => service_day(server, branch).await?,
    };
    let to = args
        .to
        .unwrap_or_else(|| from.checked_add_days(Days::new(6)).unwrap_or(from));
    let (from, to) = (wire_date(from), wire_date(to));
    let mut client = AppointmentClient::connect(server).await?;
    let slots = client
        .list_slots(SlotQuery {
            branch: branch.to_owned(),
            service: args.service.clone(),
            from: from.clone(),
            to: to.clone(),
            include_unavailable: args.all,
        })
        .await?;
    Ok(format::slots(&slots, &args.service, &from, &to, args.all))
}

pub async fn book(server: &Server, args: BookArgs) -> Result<String, ClientError> {
    let booking = args.into_booking(new_idempotency_key);
    let key = booking.idempotency_key.clone();
    let mut client = AppointmentClient::connect(server).await?;
    let booked = client.book(booking).await?;
    Ok(format::booked(&booked, &key))
}

pub async fn appointment(server: &Server, id: &str) -> Result<String, ClientError> {
    let mut client = AppointmentClient::connect(server).await?;
    Ok(format::appointment_details(&client.get(id).await?))
}

pub async fn appointments(server: &Server, args: AppointmentsArgs) -> Result<String, ClientError> {
    let mut client = AppointmentClient::connect(server).await?;
    let list = client.list(&args.id_number, args.at.as_deref()).await?;
    Ok(format::appointments(&list))
}

pub async fn cancel(server: &Server, id: &str) -> Result<String, ClientError> {
    let mut client = AppointmentClient::connect(server).await?;
    Ok(format::appointment_details(&client.cancel(id).await?))
}

pub async fn reschedule(server: &Server, id: &str, new_slot: &str) -> Result<String, ClientError> {
    let mut client = AppointmentClient::connect(server).await?;
    Ok(format::rescheduled(&client.reschedule(id, new_slot).await?))
}

pub async fn check_in(
    server: &Server,
    branch: &str,
    args: CheckInArgs,
) -> Result<String, ClientError> {
    let mut client = AppointmentClient::connect(server).await?;
    Ok(format::checked_in(
        &client.check_in(branch, args.by()).await?,
    ))
}

pub async fn stats(server: &Server, branch: &str, args: StatsArgs) -> Result<String, ClientError> {
    let from = match args.from {
        Some(from) => from,
        None => service_day(server, branch).await?,
    };
    let (from, to) = (wire_date(from), wire_date(args.to.unwrap_or(from)));
    let group = pb::StatisticsGroup::from(args.by);
    let mut client = HistoryClient::connect(server).await?;
    let stats = client.statistics(branch, &from, &to, group).await?;
    Ok(format::statistics(branch, &from, &to, group, &stats))
}

pub async fn rate(server: &Server, branch: &str, args: RateArgs) -> Result<String, ClientError> {
    let ticket_id = ticket_ref(branch, &args.ticket_id);
    let mut client = HistoryClient::connect(server).await?;
    Ok(format::rating(
        &client.rate(args.into_rating(ticket_id)).await?,
    ))
}
