//! Writing a whole layout: [`write_rows!`] deletes every layout row and inserts the hall's,
//! inside the caller's transaction (the same SQL on both engines). Parents are set after
//! every branch exists, so the order of branches does not matter.

/// Replaces every layout row with `$hall`'s through `$tx` (a transaction of either engine);
/// evaluates to `Result<(), sqlx::Error>`.
macro_rules! write_rows {
    ($tx:expr, $hall:expr) => {{
        let tx = $tx;
        let hall: &$crate::hall::Hall = $hall;
        async move {
            use $crate::records::layout::codec::{
                date_text, level_text, minute_of, order_text, rule_text, weekday_mask, weekday_text,
            };
            for table in [
                "calendar_days",
                "calendar_years",
                "service_time_ranges",
                "service_appointments",
                "window_services",
                "windows",
                "services",
                "branches",
            ] {
                let sql = format!("DELETE FROM {table}");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut **tx)
                    .await?;
            }
            for branch in hall.branches.values() {
                sqlx::query(
                    "INSERT INTO branches (id, name, level, parent, time_zone, \
                     english_announcements) VALUES ($1, $2, $3, NULL, $4, $5)",
                )
                .bind(branch.id.as_str())
                .bind(branch.name.as_str())
                .bind(level_text(branch.level))
                .bind(branch.time_zone.name())
                .bind(branch.english_announcements)
                .execute(&mut **tx)
                .await?;
            }
            for branch in hall.branches.values() {
                let b = branch.id.as_str();
                if let Some(parent) = &branch.parent {
                    sqlx::query("UPDATE branches SET parent = $1 WHERE id = $2")
                        .bind(parent.as_str())
                        .bind(b)
                        .execute(&mut **tx)
                        .await?;
                }
                for (position, s) in (0_i64..).zip(&branch.services) {
                    sqlx::query(
                        "INSERT INTO services (branch_id, id, position, name, prefix, \
                         daily_limit, avg_service_seconds, turn_near, recall_limit, \
                         requeue_offset, requeue_limit, priority_order) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(b)
                    .bind(s.id.as_str())
                    .bind(position)
                    .bind(s.name.as_str())
                    .bind(s.prefix.as_str())
                    .bind(i64::from(s.daily_limit))
                    .bind(i64::try_from(s.avg_service_seed.as_secs()).unwrap_or(i64::MAX))
                    .bind(i64::from(s.turn_near))
                    .bind(i64::from(s.recall_limit))
                    .bind(i64::from(s.requeue_offset))
                    .bind(i64::from(s.requeue_limit))
                    .bind(order_text(&s.priority_order))
                    .execute(&mut **tx)
                    .await?;
                    let Some(booking) = &s.appointments else {
                        continue;
                    };
                    let (t, p) = (&booking.template, &booking.policy);
                    sqlx::query(
                        "INSERT INTO service_appointments (branch_id, service_id, weekdays, \
                         slot_minutes, capacity, open_ahead_days, same_day_cutoff_minutes, \
                         max_active_per_person, max_per_day, max_per_week, no_show_limit, \
                         no_show_window_days, suspension_days, cancel_before_minutes, \
                         check_in_before_minutes, check_in_after_minutes) VALUES \
                         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                    )
                    .bind(b)
                    .bind(s.id.as_str())
                    .bind(weekday_mask(t))
                    .bind(i64::from(t.slot_minutes()))
                    .bind(i64::from(t.capacity()))
                    .bind(i64::from(t.open_ahead_days()))
                    .bind(i64::from(t.same_day_cutoff_minutes()))
                    .bind(i64::from(p.max_active_per_person))
                    .bind(i64::from(p.max_per_day))
                    .bind(i64::from(p.max_per_week))
                    .bind(i64::from(p.no_show_limit))
                    .bind(i64::from(p.no_show_window_days))
                    .bind(i64::from(p.suspension_days))
                    .bind(i64::from(p.cancel_before_minutes))
                    .bind(i64::from(p.check_in_before_minutes))
                    .bind(i64::from(p.check_in_after_minutes))
                    .execute(&mut **tx)
                    .await?;
                    for (place, range) in (0_i64..).zip(t.ranges_of_day()) {
                        sqlx::query(
                            "INSERT INTO service_time_ranges (branch_id, service_id, position, \
                             start_minute, end_minute) VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(b)
                        .bind(s.id.as_str())
                        .bind(place)
                        .bind(minute_of(range.start()))
                        .bind(minute_of(range.end()))
                        .execute(&mut **tx)
                        .await?;
                    }
                }
                for (position, w) in (0_i64..).zip(&branch.windows) {
                    sqlx::query(
                        "INSERT INTO windows (branch_id, number, position, name, call_rule) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(b)
                    .bind(i64::from(w.number.get()))
                    .bind(position)
                    .bind(w.name.as_str())
                    .bind(rule_text(w.rule))
                    .execute(&mut **tx)
                    .await?;
                    for (place, service) in (0_i64..).zip(&w.services) {
                        sqlx::query(
                            "INSERT INTO window_services (branch_id, window_number, position, \
                             service_id) VALUES ($1, $2, $3, $4)",
                        )
                        .bind(b)
                        .bind(i64::from(w.number.get()))
                        .bind(place)
                        .bind(service.as_str())
                        .execute(&mut **tx)
                        .await?;
                    }
                }
                for year in branch.calendar.years() {
                    sqlx::query("INSERT INTO calendar_years (branch_id, year) VALUES ($1, $2)")
                        .bind(b)
                        .bind(i64::from(year.year()))
                        .execute(&mut **tx)
                        .await?;
                    let holidays = year.holidays().map(|d| (d, "holiday", None));
                    let make_up = year
                        .make_up_days()
                        .map(|(d, w)| (d, "make_up", Some(weekday_text(w))));
                    for (day, kind, follows) in holidays.chain(make_up) {
                        sqlx::query(
                            "INSERT INTO calendar_days (branch_id, year, day, kind, follows) \
                             VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(b)
                        .bind(i64::from(year.year()))
                        .bind(date_text(day))
                        .bind(kind)
                        .bind(follows)
                        .execute(&mut **tx)
                        .await?;
                    }
                }
            }
            Ok::<(), sqlx::Error>(())
        }
    }};
}
