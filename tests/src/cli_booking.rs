//! Helpers of the `queuecallctl` appointment tests: valid ID numbers, the `key: value` lines
//! of the CLI's output, and re-running a command until the service has caught up.

use std::time::Duration;

use crate::process::{CliOutput, run_cli};

/// A resident ID number with a valid GB 11643 check character, one per `n` (< 1000): born
/// 1990-01-01 in 110105 (Beijing, Chaoyang).
pub fn resident_id(n: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let body = format!("11010519900101{:03}", n % 1000);
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = char::from(CHECK[(sum % 11) as usize]);
    format!("{body}{check}")
}

/// The value of the first `  key: value` line of a ticket's or appointment's output.
pub fn field<'a>(output: &'a str, key: &str) -> Option<&'a str> {
    let prefix = format!("  {key}: ");
    output
        .lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
}

/// Runs `queuecallctl --server <server> <args…>` until `done` holds for its output (every
/// 200 ms, at most 15 s), and returns the last run; for what the service does in the
/// background (the history recorder, a layout reload).
pub async fn run_cli_until(
    server: &str,
    args: &[&str],
    done: impl Fn(&CliOutput) -> bool,
) -> CliOutput {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let output = run_cli(server, args).await;
        if done(&output) || tokio::time::Instant::now() >= deadline {
            return output;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_numbers_pass_the_services_check() {
        use queuecall::domain::identity::ResidentId;
        for n in [0, 1, 7, 42, 999] {
            let id = resident_id(n);
            assert!(ResidentId::parse("id_number", &id).is_ok(), "{id}");
        }
        assert_ne!(resident_id(7), resident_id(8));
    }

    #[test]
    fn fields_are_found_by_key() {
        let text = "A001 waiting for tax\n  id: b.A001\n  state: waiting";
        assert_eq!(field(text, "state"), Some("waiting"));
        assert_eq!(field(text, "window"), None);
    }
}
