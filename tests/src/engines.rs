//! One suite on both records engines, in the manner of quickwit's `metastore_test_suite!`.

/// Runs each named test of the calling file, an `async fn(TestDatabase) -> anyhow::Result<()>`,
/// once per engine: `postgres::<test>` on a PostgreSQL database of its own ([`fresh_postgres`])
/// and `sqlite::<test>` on a SQLite file of its own ([`fresh_sqlite`]).
///
/// [`fresh_postgres`]: crate::fresh_postgres
/// [`fresh_sqlite`]: crate::fresh_sqlite
#[macro_export]
macro_rules! on_both_engines {
    (@engine $name:ident, $fresh:path; $($test:ident),+) => {
        mod $name {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() -> anyhow::Result<()> {
                    super::$test($fresh().await?).await
                }
            )+
        }
    };
    ($($test:ident),+ $(,)?) => {
        $crate::on_both_engines!(@engine postgres, $crate::fresh_postgres; $($test),+);
        $crate::on_both_engines!(@engine sqlite, $crate::fresh_sqlite; $($test),+);
    };
}
