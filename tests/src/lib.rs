//! Helpers of the integration tests: start the real service in process on port 0 against a
//! store of the test's own ([`spawn_app`]), a Redis server of the test's own
//! ([`RedisServer`]), the built binaries ([`ServiceProcess`], [`run_cli`]), and small
//! request and assertion helpers so that a test reads as arrange / act / assert.

mod announce;
mod app;
mod assert;
mod auth;
mod board;
mod booking;
pub mod browser;
mod cli_booking;
mod cli_stream;
mod database;
mod engines;
mod hall;
mod own_postgres;
mod process;
mod redis_cluster;
mod redis_server;
mod redis_store;
mod rpc;
mod time;
mod watch;

pub use announce::{
    announcement_english, announcement_text, assert_announcement, chinese_numeral, spelled_number,
};
pub use app::{AppOptions, StoreKind, TestApp, spawn_app, spawn_app_configured, spawn_app_with};
pub use assert::{assert_status, ticket_of};
pub use auth::{
    Bearer, Connection, TEST_ADMIN_NAME, TEST_ADMIN_TOKEN, admin_channel, admin_tokens_env,
    plain_channel, token_sha256, with_admin_token, with_bearer,
};
pub use board::{BoardState, HeldTicket, WindowBoard, call_of, calls_of, describe};
pub use booking::{booked, resident};
pub use cli_booking::{field, resident_id, run_cli_until};
pub use cli_stream::{CliProcess, Stream};
pub use database::{TestDatabase, fresh_postgres, fresh_sqlite, test_database_url};
pub use hall::*;
pub use own_postgres::OwnPostgres;
pub use process::{CliOutput, ServiceProcess, binary_path, run_cli};
pub use redis_cluster::{CLUSTER_MASTERS, RedisCluster, redis_cluster};
pub use redis_server::RedisServer;
pub use redis_store::{redis_key_count, redis_keys, require_redis, test_redis_url};
pub use rpc::{Api, take_request};
pub use time::{seconds, shanghai, start_of_test_day};
pub use watch::{BranchWatch, TicketWatch, WATCH_TIMEOUT, watch_branch_error, watch_ticket_error};

pub use queuecall_proto::v1;
pub use queuecall_proto::v1::queue_service_client::QueueServiceClient;
pub use tonic::{Code, Status};
