//! `ratings`: one rating per served ticket.

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::AssertSqlSafe;

use super::engine::{Cells, Engine, day};
use super::{instant_text, parse_instant};
use crate::domain::{BranchId, TicketId};
use crate::history::{Rating, Scores};
use crate::records::Db;

/// Stores `rating` unless the ticket has one already; `false` when it had.
pub async fn rate(db: &Db, rating: &Rating) -> anyhow::Result<bool> {
    with_pool!(db, pool => async {
        let sql = format!(
            "INSERT INTO ratings (ticket_id, branch_id, local_date, overall, attitude, quality, \
             efficiency, integrity, comment, rated_at) \
             VALUES ($1, $2, {}, $4, $5, $6, $7, $8, $9, {}) ON CONFLICT (ticket_id) DO NOTHING",
            pool.cast(3, "DATE"),
            pool.cast(10, "TIMESTAMPTZ"),
        );
        let s = &rating.scores;
        let inserted = sqlx::query(AssertSqlSafe(sql))
            .bind(rating.ticket.to_string())
            .bind(rating.ticket.branch.as_str())
            .bind(day(rating.ticket.day))
            .bind(i64::from(s.overall))
            .bind(i64::from(s.attitude))
            .bind(i64::from(s.quality))
            .bind(i64::from(s.efficiency))
            .bind(i64::from(s.integrity))
            .bind(rating.comment.as_str())
            .bind(instant_text(rating.rated_at))
            .execute(pool)
            .await
            .with_context(|| format!("storing the rating of {}", rating.ticket))?
            .rows_affected();
        Ok(inserted == 1)
    }
    .await)
}

/// The ratings of the tickets of the branch's service days `from..=to`.
pub async fn ratings_between(
    db: &Db,
    branch: &BranchId,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Vec<Rating>> {
    with_pool!(db, pool => async {
        let sql = format!(
            "SELECT ticket_id, overall, attitude, quality, efficiency, integrity, comment, {} \
             FROM ratings WHERE {} ORDER BY ticket_id",
            pool.instant("rated_at"),
            pool.in_days(),
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(branch.as_str())
            .bind(day(from))
            .bind(day(to))
            .fetch_all(pool)
            .await
            .context("reading ratings")?;
        rows.iter().map(decode).collect()
    }
    .await)
}

/// The rating of one ticket, if it has one.
pub async fn rating_of(db: &Db, ticket: &TicketId) -> anyhow::Result<Option<Rating>> {
    with_pool!(db, pool => async {
        let sql = format!(
            "SELECT ticket_id, overall, attitude, quality, efficiency, integrity, comment, {} \
             FROM ratings WHERE ticket_id = $1",
            pool.instant("rated_at"),
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(ticket.to_string())
            .fetch_optional(pool)
            .await
            .context("reading a rating")?;
        row.as_ref().map(decode).transpose()
    }
    .await)
}

fn decode(row: &impl Cells) -> anyhow::Result<Rating> {
    let id = row.text("ticket_id")?.context("ticket_id is null")?;
    let score = |name: &str| -> anyhow::Result<u8> {
        let n = row.int(name)?.with_context(|| format!("{name} is null"))?;
        Ok(u8::try_from(n)?)
    };
    Ok(Rating {
        ticket: TicketId::parse(&id)?,
        scores: Scores {
            overall: score("overall")?,
            attitude: score("attitude")?,
            quality: score("quality")?,
            efficiency: score("efficiency")?,
            integrity: score("integrity")?,
        },
        comment: row.text("comment")?.unwrap_or_default(),
        rated_at: parse_instant(&row.text("rated_at")?.context("rated_at is null")?)?,
    })
}
