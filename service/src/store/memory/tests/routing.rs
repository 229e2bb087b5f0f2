//! Call-next rules: strict order, oldest first, priority inside a service, the ratio cycle.

use crate::domain::PriorityClass::{Appointment, GreenChannel, Normal};

use super::{Fixture, at, number};

#[test]
fn strict_order_empties_the_first_service_before_the_next() {
    let mut fx = Fixture::new();
    let b1 = fx.take("b", Normal, &at(10));
    let a1 = fx.take("a", Normal, &at(20));
    let a2 = fx.take("a", Normal, &at(30));
    fx.open(1);
    let calls: Vec<_> = (0..3).filter_map(|_| fx.serve_next(1, &at(40))).collect();
    assert_eq!(calls, vec![a1, a2, b1]);
    assert_eq!(fx.call_next(1, &at(50)), None);
}

#[test]
fn oldest_first_takes_the_earliest_ticket_across_services() {
    let mut fx = Fixture::new();
    let b1 = fx.take("b", Normal, &at(10));
    let a1 = fx.take("a", Normal, &at(20));
    let b2 = fx.take("b", Normal, &at(30));
    fx.open(2);
    let calls: Vec<_> = (0..3).filter_map(|_| fx.serve_next(2, &at(40))).collect();
    assert_eq!(calls, vec![b1, a1, b2]);
}

#[test]
fn inside_a_service_priority_class_goes_first_then_issue_time() {
    let mut fx = Fixture::new();
    let normal = fx.take("a", Normal, &at(10));
    let appointment = fx.take("a", Appointment, &at(20));
    let green = fx.take("a", GreenChannel, &at(30));
    let green_later = fx.take("a", GreenChannel, &at(40));
    assert_eq!(fx.waiting("a", &at(50)), ["A003", "A004", "A002", "A001"]);
    assert_eq!(fx.ahead(&normal), 3);
    assert_eq!(fx.ahead(&green), 0);
    fx.open(2);
    let calls: Vec<_> = (0..4).filter_map(|_| fx.serve_next(2, &at(50))).collect();
    assert_eq!(calls, vec![green, green_later, appointment, normal]);
}

#[test]
fn ratio_one_to_two_never_starves_normal_tickets() {
    let mut fx = Fixture::new();
    // Priority tickets keep arriving ahead of the normal ones.
    let normals: Vec<_> = (0..4).map(|i| fx.take("a", Normal, &at(10 + i))).collect();
    let greens: Vec<_> = (0..6)
        .map(|i| fx.take("a", GreenChannel, &at(100 + i)))
        .collect();
    fx.open(3);
    let calls: Vec<_> = (0..10).filter_map(|_| fx.serve_next(3, &at(200))).collect();
    let expected = vec![
        greens[0].clone(),
        normals[0].clone(),
        normals[1].clone(),
        greens[1].clone(),
        normals[2].clone(),
        normals[3].clone(),
        // No normal ticket left: the cycle takes the other kind rather than wait.
        greens[2].clone(),
        greens[3].clone(),
        greens[4].clone(),
        greens[5].clone(),
    ];
    assert_eq!(
        calls.iter().map(number).collect::<Vec<_>>(),
        expected.iter().map(number).collect::<Vec<_>>()
    );
}

#[test]
fn ratio_cycle_moves_only_when_a_ticket_is_called() {
    let mut fx = Fixture::new();
    fx.open(3);
    assert_eq!(fx.call_next(3, &at(5)), None);
    assert_eq!(fx.state.window(super::win(3)).ratio_pos, 0);
    let normal = fx.take("a", Normal, &at(10));
    let green = fx.take("a", GreenChannel, &at(20));
    // Position 0 wants a priority ticket, even though the normal one is older.
    assert_eq!(fx.serve_next(3, &at(30)), Some(green));
    assert_eq!(fx.state.window(super::win(3)).ratio_pos, 1);
    assert_eq!(fx.serve_next(3, &at(30)), Some(normal));
    assert_eq!(fx.state.window(super::win(3)).ratio_pos, 2);
}

#[test]
fn only_todays_tickets_are_called() {
    let mut fx = Fixture::new();
    let yesterday = fx.take("a", Normal, &at(-3600));
    fx.open(2);
    assert_eq!(fx.call_next(2, &at(10)), None);
    let today = fx.take("a", Normal, &at(20));
    assert_eq!(fx.call_next(2, &at(30)), Some(today));
    assert_eq!(
        fx.ticket(&yesterday).state,
        crate::domain::TicketState::Waiting
    );
}
