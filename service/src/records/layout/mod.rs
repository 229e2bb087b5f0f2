//! The hall layout in the records database: [`save_hall`] replaces the whole layout in one
//! transaction and bumps `layout_version`; [`load_hall`] reads it back as the in-memory
//! [`Hall`]. Orders are kept: services and windows in their branch's order, a window's
//! services in the window's order (the `position` columns). Durations are stored in whole
//! seconds.

mod codec;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow};

use crate::domain::{BranchId, ServiceId, WindowNo};
use crate::hall::{Branch, Hall, Service, Window};
use crate::records::Db;

use codec::{level_text, order_text, parse_level, parse_order, parse_rule, rule_text, to_u32};

type BranchRow = (String, String, String, Option<String>, String, bool);
type ServiceRow = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
);
type WindowRow = (String, i64, String, String);
type WindowServiceRow = (String, i64, String);

/// Replaces the stored layout with `hall`, all or nothing, and returns the new layout
/// version. A layout the database refuses (a check or key violated) leaves the old one.
/// Concurrent saves take turns.
pub async fn save_hall(db: &Db, hall: &Hall) -> anyhow::Result<i64> {
    let version = with_pool!(db, pool => async {
        let mut tx = pool.begin().await?;
        // First, so that the row lock (PostgreSQL) or the write lock (SQLite) queues
        // concurrent saves one after the other: the last one wins, none fails.
        let (version,): (i64,) = sqlx::query_as(
            "UPDATE layout_version SET version = version + 1 WHERE id = 1 RETURNING version",
        )
        .fetch_one(&mut *tx)
        .await?;
        for table in ["window_services", "windows", "services", "branches"] {
            let sql = format!("DELETE FROM {table}");
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
        for branch in hall.branches.values() {
            sqlx::query(
                "INSERT INTO branches (id, name, level, parent, time_zone, english_announcements) \
                 VALUES ($1, $2, $3, NULL, $4, $5)",
            )
            .bind(branch.id.as_str())
            .bind(branch.name.as_str())
            .bind(level_text(branch.level))
            .bind(branch.time_zone.name())
            .bind(branch.english_announcements)
            .execute(&mut *tx)
            .await?;
        }
        for branch in hall.branches.values() {
            if let Some(parent) = &branch.parent {
                sqlx::query("UPDATE branches SET parent = $1 WHERE id = $2")
                    .bind(parent.as_str())
                    .bind(branch.id.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            for (position, s) in (0_i64..).zip(&branch.services) {
                sqlx::query(
                    "INSERT INTO services (branch_id, id, position, name, prefix, daily_limit, \
                     avg_service_seconds, turn_near, recall_limit, requeue_offset, \
                     requeue_limit, priority_order) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(branch.id.as_str())
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
                .execute(&mut *tx)
                .await?;
            }
            for (position, w) in (0_i64..).zip(&branch.windows) {
                sqlx::query(
                    "INSERT INTO windows (branch_id, number, position, name, call_rule) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(branch.id.as_str())
                .bind(i64::from(w.number.get()))
                .bind(position)
                .bind(w.name.as_str())
                .bind(rule_text(w.rule))
                .execute(&mut *tx)
                .await?;
                for (place, service) in (0_i64..).zip(&w.services) {
                    sqlx::query(
                        "INSERT INTO window_services (branch_id, window_number, position, \
                         service_id) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(branch.id.as_str())
                    .bind(i64::from(w.number.get()))
                    .bind(place)
                    .bind(service.as_str())
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok::<i64, sqlx::Error>(version)
    }
    .await)
    .with_context(|| {
        format!(
            "saving the hall layout to the {} records database",
            db.engine()
        )
    })?;
    tracing::info!(
        engine = db.engine(),
        version,
        branches = hall.branches.len(),
        "hall layout saved"
    );
    Ok(version)
}

/// The version of the stored layout: 0 before the first save.
pub async fn layout_version(db: &Db) -> anyhow::Result<i64> {
    let (version,): (i64,) = with_pool!(db, pool => {
        sqlx::query_as("SELECT version FROM layout_version WHERE id = 1")
            .fetch_one(pool)
            .await
    })
    .context("reading the layout version")?;
    Ok(version)
}

/// Reads the stored layout (empty before the first save).
pub async fn load_hall(db: &Db) -> anyhow::Result<Hall> {
    let (branches, services, windows, window_services) = with_pool!(db, pool => async {
        let mut tx = pool.begin().await?;
        let branches: Vec<BranchRow> = sqlx::query_as(
            "SELECT id, name, level, parent, time_zone, english_announcements \
             FROM branches ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let services: Vec<ServiceRow> = sqlx::query_as(
            "SELECT branch_id, id, name, prefix, daily_limit, avg_service_seconds, turn_near, \
             recall_limit, requeue_offset, requeue_limit, priority_order \
             FROM services ORDER BY branch_id, position",
        )
        .fetch_all(&mut *tx)
        .await?;
        let windows: Vec<WindowRow> = sqlx::query_as(
            "SELECT branch_id, number, name, call_rule FROM windows ORDER BY branch_id, position",
        )
        .fetch_all(&mut *tx)
        .await?;
        let window_services: Vec<WindowServiceRow> = sqlx::query_as(
            "SELECT branch_id, window_number, service_id FROM window_services \
             ORDER BY branch_id, window_number, position",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>((branches, services, windows, window_services))
    }
    .await)
    .with_context(|| {
        format!(
            "loading the hall layout from the {} records database",
            db.engine()
        )
    })?;
    build(branches, services, windows, window_services).context("the stored hall layout is invalid")
}

fn build(
    branches: Vec<BranchRow>,
    services: Vec<ServiceRow>,
    windows: Vec<WindowRow>,
    window_services: Vec<WindowServiceRow>,
) -> anyhow::Result<Hall> {
    let mut built: BTreeMap<BranchId, Branch> = BTreeMap::new();
    for (id, name, level, parent, zone, english) in branches {
        let id = BranchId::parse("branches.id", &id)?;
        let branch = Branch {
            id: id.clone(),
            name,
            level: parse_level(&level)?,
            parent: parent
                .map(|p| BranchId::parse("branches.parent", &p))
                .transpose()?,
            time_zone: zone
                .parse()
                .map_err(|_| anyhow!("branch {id}: unknown time zone '{zone}'"))?,
            english_announcements: english,
            services: Vec::new(),
            calendar: Default::default(),
            windows: Vec::new(),
        };
        built.insert(id, branch);
    }
    for row in services {
        let (branch_id, id, name, prefix, limit, seed, near, recalls, offset, requeues, order) =
            row;
        let branch = branch_of(&mut built, &branch_id)?;
        branch.services.push(Service {
            id: ServiceId::parse("services.id", &id)?,
            name,
            prefix,
            daily_limit: to_u32(limit, "daily_limit")?,
            avg_service_seed: Duration::from_secs(u64::try_from(seed).unwrap_or(0)),
            turn_near: to_u32(near, "turn_near")?,
            recall_limit: to_u32(recalls, "recall_limit")?,
            requeue_offset: to_u32(offset, "requeue_offset")?,
            requeue_limit: to_u32(requeues, "requeue_limit")?,
            appointments: None,
            priority_order: parse_order(&order)?,
        });
    }
    for (branch_id, number, name, rule) in windows {
        let number = WindowNo::parse("windows.number", to_u32(number, "number")?)?;
        branch_of(&mut built, &branch_id)?.windows.push(Window {
            number,
            name,
            services: Vec::new(),
            rule: parse_rule(&rule)?,
        });
    }
    for (branch_id, number, service) in window_services {
        let number = WindowNo::parse("window_services.window_number", to_u32(number, "number")?)?;
        let branch = branch_of(&mut built, &branch_id)?;
        let window = branch
            .windows
            .iter_mut()
            .find(|w| w.number == number)
            .with_context(|| format!("branch {branch_id}: no window {number}"))?;
        window
            .services
            .push(ServiceId::parse("window_services.service_id", &service)?);
    }
    Ok(Hall {
        branches: built
            .into_iter()
            .map(|(id, branch)| (id, Arc::new(branch)))
            .collect(),
    })
}

fn branch_of<'a>(
    built: &'a mut BTreeMap<BranchId, Branch>,
    id: &str,
) -> anyhow::Result<&'a mut Branch> {
    let id = BranchId::parse("branch_id", id)?;
    built
        .get_mut(&id)
        .with_context(|| format!("no branch '{id}'"))
}
