//! Where the two engines differ for the history: how a text parameter becomes a date or an
//! instant, how an instant is read back as RFC 3339 text, and reading a row's cells.

use chrono::NaiveDate;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// A pool of one engine, as the history SQL needs it.
pub(super) trait Engine {
    /// The SQL that turns text parameter `$n` into a value of `sql_type` (`DATE`,
    /// `TIMESTAMPTZ`); SQLite keeps the text.
    fn cast(&self, n: usize, sql_type: &str) -> String;

    /// Parameter `$n` of a statement whose parameters each appear once, in their order (a
    /// multi-row INSERT), cast to `sql_type` as [`Engine::cast`] does. SQLite takes an
    /// anonymous `?` there: sqlx finds the index of a named parameter (`$n`) by walking the
    /// statement's list of names for each one, which made a 1,600-parameter INSERT cost
    /// quadratic time (a twelfth of the server's CPU while the window cycle ran).
    fn in_order(&self, n: usize, sql_type: Option<&str>) -> String;

    /// The SQL that reads instant column `column` as RFC 3339 UTC text.
    fn instant(&self, column: &str) -> String;

    /// The condition of a branch's service days: `branch_id = $1 AND local_date BETWEEN $2
    /// AND $3`, the dates bound as [`day`] text.
    fn in_days(&self) -> String {
        format!(
            "branch_id = $1 AND local_date BETWEEN {} AND {}",
            self.cast(2, "DATE"),
            self.cast(3, "DATE"),
        )
    }
}

/// A local date as both engines take it in a text parameter (`YYYY-MM-DD`).
pub(super) fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

impl Engine for sqlx::PgPool {
    fn cast(&self, n: usize, sql_type: &str) -> String {
        format!("CAST(${n} AS {sql_type})")
    }

    fn in_order(&self, n: usize, sql_type: Option<&str>) -> String {
        sql_type.map_or_else(|| format!("${n}"), |sql_type| self.cast(n, sql_type))
    }

    fn instant(&self, column: &str) -> String {
        format!(
            "to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS {column}"
        )
    }
}

impl Engine for sqlx::SqlitePool {
    fn cast(&self, n: usize, _sql_type: &str) -> String {
        format!("${n}")
    }

    fn in_order(&self, _n: usize, _sql_type: Option<&str>) -> String {
        "?".to_owned()
    }

    fn instant(&self, column: &str) -> String {
        column.to_owned()
    }
}

/// The cells of a row of either engine, as text or integers (`None` for NULL).
pub(super) trait Cells {
    fn text(&self, column: &str) -> sqlx::Result<Option<String>>;
    fn int(&self, column: &str) -> sqlx::Result<Option<i64>>;
}

impl Cells for PgRow {
    fn text(&self, column: &str) -> sqlx::Result<Option<String>> {
        self.try_get(column)
    }
    fn int(&self, column: &str) -> sqlx::Result<Option<i64>> {
        self.try_get(column)
    }
}

impl Cells for SqliteRow {
    fn text(&self, column: &str) -> sqlx::Result<Option<String>> {
        self.try_get(column)
    }
    fn int(&self, column: &str) -> sqlx::Result<Option<i64>> {
        self.try_get(column)
    }
}
