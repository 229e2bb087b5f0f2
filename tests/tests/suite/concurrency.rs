//! Invariants 1-3 of DESIGN.md under concurrency: numbers unique and gapless, no ticket
//! handed to two windows, nothing lost.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::future::join_all;
use queuecall_tests::Connection;
use queuecall_tests::v1::{
    CallNextRequest, CancelTicketRequest, CompleteServiceRequest, ListWaitingRequest,
    OpenWindowRequest, PriorityClass, StartServiceRequest, TakeTicketRequest, Ticket, TicketState,
};
use queuecall_tests::*;

type Client = QueueServiceClient<Connection>;
/// Every (ticket id, window) CallNext answered at one window.
type WindowCalls = tokio::task::JoinHandle<anyhow::Result<Vec<(String, u32)>>>;

const TICKETS: usize = 2_000;
const TAKERS: usize = 16;
const CONNECTIONS: usize = 4;

/// What the takers did: every ticket issued, and those they cancelled before a window called.
#[derive(Default)]
struct Taken {
    issued: Vec<Ticket>,
    cancelled: HashSet<String>,
}

async fn take_many(mut client: Client, taker: usize) -> anyhow::Result<Taken> {
    let mut taken = Taken::default();
    for j in 0..TICKETS / TAKERS {
        let priority = match j % 10 {
            0 => PriorityClass::GreenChannel,
            1 => PriorityClass::Appointment,
            _ => PriorityClass::Normal,
        };
        let request = TakeTicketRequest {
            branch_id: BUSY_BRANCH.into(),
            service_id: BUSY_SERVICES[(taker + j) % 2].into(),
            priority_class: priority.into(),
            ..TakeTicketRequest::default()
        };
        let ticket = ticket_of(client.take_ticket(request).await?.into_inner().ticket);
        if j % 10 == 5 {
            let cancel = CancelTicketRequest {
                ticket_id: ticket.id.clone(),
            };
            match client.cancel_ticket(cancel).await {
                Ok(_) => {
                    taken.cancelled.insert(ticket.id.clone());
                }
                Err(s) if s.code() == Code::FailedPrecondition => {} // a window was faster
                Err(s) => return Err(s.into()),
            }
        }
        taken.issued.push(ticket);
    }
    Ok(taken)
}

/// Calls, starts and completes at `window` until `keep_going` turns false (or, when it is
/// None, until nothing waits); returns every (ticket id, window) CallNext answered.
async fn work_window(
    mut client: Client,
    window: u32,
    keep_going: Option<Arc<AtomicBool>>,
) -> anyhow::Result<Vec<(String, u32)>> {
    let mut calls = Vec::new();
    let at = |window| (BUSY_BRANCH.to_owned(), window);
    loop {
        if keep_going
            .as_ref()
            .is_some_and(|k| !k.load(Ordering::SeqCst))
        {
            return Ok(calls);
        }
        let (branch_id, window) = at(window);
        let called = client
            .call_next(CallNextRequest { branch_id, window })
            .await?
            .into_inner()
            .ticket;
        let Some(ticket) = called else {
            if keep_going.is_none() {
                return Ok(calls);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        calls.push((ticket.id, window));
        let (branch_id, window) = at(window);
        client
            .start_service(StartServiceRequest { branch_id, window })
            .await?;
        let (branch_id, window) = at(window);
        client
            .complete_service(CompleteServiceRequest { branch_id, window })
            .await?;
    }
}

async fn run_windows(clients: &[Client], keep_going: Option<Arc<AtomicBool>>) -> Vec<WindowCalls> {
    (1..=BUSY_WINDOWS)
        .map(|w| {
            let client = clients[w as usize % clients.len()].clone();
            tokio::spawn(work_window(client, w, keep_going.clone()))
        })
        .collect()
}

async fn collect_calls(windows: Vec<WindowCalls>) -> anyhow::Result<Vec<(String, u32)>> {
    let mut calls = Vec::new();
    for window in join_all(windows).await {
        calls.extend(window??);
    }
    Ok(calls)
}

async fn waiting_ids(client: &mut Client) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    for service in BUSY_SERVICES {
        let request = ListWaitingRequest {
            branch_id: BUSY_BRANCH.into(),
            service_id: service.into(),
        };
        let tickets = client.list_waiting(request).await?.into_inner().tickets;
        ids.extend(tickets.into_iter().map(|t| t.id));
    }
    Ok(ids)
}

pub async fn call_next_never_hands_one_ticket_to_two_windows(
    store: StoreKind,
) -> anyhow::Result<()> {
    // Arrange: 24 open windows on four connections.
    let app = spawn_app(store).await;
    let clients: Vec<Client> = join_all((0..CONNECTIONS).map(|_| app.new_client())).await;
    for window in 1..=BUSY_WINDOWS {
        let request = OpenWindowRequest {
            branch_id: BUSY_BRANCH.into(),
            window,
        };
        clients[0].clone().open_window(request).await?;
    }

    // Act: 2,000 tickets taken by 16 tasks (some cancelled at once) while the windows call.
    let taking = Arc::new(AtomicBool::new(true));
    let windows = run_windows(&clients, Some(taking.clone())).await;
    let takers = (0..TAKERS).map(|i| tokio::spawn(take_many(clients[i % CONNECTIONS].clone(), i)));
    let mut taken = Taken::default();
    for taker in join_all(takers).await {
        let part = taker??;
        taken.issued.extend(part.issued);
        taken.cancelled.extend(part.cancelled);
    }
    taking.store(false, Ordering::SeqCst);
    let calls = collect_calls(windows).await?;
    eprintln!(
        "{} tickets taken ({} cancelled); {} called while taking",
        taken.issued.len(),
        taken.cancelled.len(),
        calls.len()
    );

    // Assert 1: numbers of each service are unique and gapless from 1.
    assert_eq!(taken.issued.len(), TICKETS);
    let mut numbers: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for ticket in &taken.issued {
        let seq = ticket
            .number
            .trim_start_matches(|c: char| c.is_ascii_uppercase());
        numbers
            .entry(ticket.service_id.as_str())
            .or_default()
            .push(seq.parse()?);
    }
    for (service, seqs) in &mut numbers {
        seqs.sort_unstable();
        let expected: Vec<u32> = (1..=u32::try_from(seqs.len())?).collect();
        assert!(
            *seqs == expected,
            "{service}: numbers are not 1..={}",
            seqs.len()
        );
    }
    let issued: HashMap<&str, &Ticket> = taken.issued.iter().map(|t| (t.id.as_str(), t)).collect();
    assert_eq!(issued.len(), TICKETS, "ticket ids are unique");

    // Assert 2: no ticket was handed to two windows.
    let mut called: HashMap<&str, u32> = HashMap::new();
    for (id, window) in &calls {
        assert!(
            issued.contains_key(id.as_str()),
            "{id} was called but never issued"
        );
        if let Some(first) = called.insert(id, *window) {
            panic!("{id} was handed to window {first} and to window {window}");
        }
    }

    // Assert 3: nothing lost: each ticket is in exactly one state that matches its history.
    let states = join_all(taken.issued.iter().enumerate().map(|(i, t)| {
        let mut client = clients[i % CONNECTIONS].clone();
        let ticket_id = t.id.clone();
        async move {
            let request = queuecall_tests::v1::GetTicketRequest { ticket_id };
            client
                .get_ticket(request)
                .await
                .map(|r| r.into_inner().ticket)
        }
    }))
    .await;
    let mut still_waiting = HashSet::new();
    for (ticket, now) in taken.issued.iter().zip(states) {
        let now = ticket_of(now?);
        let id = ticket.id.as_str();
        match (called.get(id), taken.cancelled.contains(id)) {
            (Some(window), false) => {
                assert_eq!(now.state(), TicketState::Done, "{id}");
                assert_eq!(now.window, *window, "{id}");
            }
            (None, true) => assert_eq!(now.state(), TicketState::Cancelled, "{id}"),
            (None, false) => {
                assert_eq!(now.state(), TicketState::Waiting, "{id}");
                still_waiting.insert(ticket.id.clone());
            }
            (Some(_), true) => panic!("{id} was both called and cancelled"),
        }
    }
    let mut listed = waiting_ids(&mut clients[0].clone()).await?;
    listed.sort();
    let mut expected_waiting: Vec<String> = still_waiting.iter().cloned().collect();
    expected_waiting.sort();
    assert_eq!(
        listed, expected_waiting,
        "ListWaiting shows exactly the waiting tickets"
    );

    // And once the windows have served the rest, everything not cancelled is done, once.
    let drained = collect_calls(run_windows(&clients, None).await).await?;
    let mut drained_ids: Vec<String> = drained.into_iter().map(|(id, _)| id).collect();
    drained_ids.sort();
    assert_eq!(
        drained_ids, expected_waiting,
        "each waiting ticket is called once"
    );
    assert!(waiting_ids(&mut clients[0].clone()).await?.is_empty());
    let branch = app.branch(BUSY_BRANCH).await?;
    let issued_today: u32 = branch.services.iter().map(|s| s.issued_today).sum();
    assert_eq!(usize::try_from(issued_today)?, TICKETS);
    Ok(())
}

pub async fn racing_call_ticket_hands_a_ticket_to_one_window_only(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let windows = [WINDOW_STRICT, WINDOW_OLDEST, WINDOW_SOCIAL];
    for window in windows {
        app.open(window).await?;
    }

    for _ in 0..20 {
        let ticket = app.take(SOCIAL).await?;
        let races = join_all(windows.map(|w| {
            let id = ticket.id.clone();
            let app = &app;
            async move { (w, app.call_ticket(w, &id).await) }
        }))
        .await;

        let winners: Vec<u32> = races
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(w, _)| *w)
            .collect();
        assert_eq!(winners.len(), 1, "{}: {races:?}", ticket.number);
        for (_, result) in races.into_iter().filter(|(_, r)| r.is_err()) {
            assert_status(result, Code::FailedPrecondition, &[&ticket.number]);
        }
        assert_eq!(app.get(&ticket.id).await?.window, winners[0]);
        app.no_show(winners[0]).await?;
    }
    Ok(())
}

pub async fn concurrent_retries_of_one_idempotency_key_issue_one_ticket(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let request = TakeTicketRequest {
        idempotency_key: "flaky-network-retry".into(),
        ..take_request(SOCIAL)
    };

    let answers = join_all((0..20).map(|_| app.take_with(request.clone()))).await;
    let next = app.take(SOCIAL).await?;

    let mut ids = HashSet::new();
    let mut fresh = 0;
    for answer in answers {
        let answer = answer?;
        fresh += usize::from(!answer.replayed);
        ids.insert(ticket_of(answer.ticket).id);
    }
    assert_eq!(ids.len(), 1, "one ticket for one key: {ids:?}");
    assert_eq!(fresh, 1, "exactly one answer issued it");
    assert_eq!(next.number, "A002");
    Ok(())
}

pub async fn concurrent_takes_at_the_daily_limit_issue_exactly_the_limit(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;

    let answers = join_all((0..20).map(|_| app.take(PERMITS))).await;

    let mut numbers: Vec<String> = Vec::new();
    for answer in answers {
        match answer {
            Ok(ticket) => numbers.push(ticket.number),
            Err(status) => assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}"),
        }
    }
    numbers.sort();
    assert_eq!(numbers, ["C001", "C002", "C003"]);
    Ok(())
}
