//! Retrying a call while AWS has not caught up yet (IAM is eventually
//! consistent: a new access key is refused for a few seconds).

use super::errors::CallError;
use std::future::Future;
use std::time::{Duration, Instant};

/// Calls `call` until it succeeds, fails with an error `retryable` does
/// not accept, or `budget` would run out before the next try. Waits
/// `first_wait`, doubling up to 5 s, between tries.
pub async fn retry_while<T, Fut>(
    budget: Duration,
    first_wait: Duration,
    retryable: impl Fn(&CallError) -> bool,
    mut call: impl FnMut() -> Fut,
) -> Result<T, CallError>
where
    Fut: Future<Output = Result<T, CallError>>,
{
    let deadline = Instant::now() + budget;
    let mut wait = first_wait;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(e) if retryable(&e) && Instant::now() + wait <= deadline => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}

/// The codes with which AWS refuses a key it does not know yet.
pub fn not_yet_known(e: &CallError) -> bool {
    matches!(e.code.as_str(), "InvalidClientTokenId" | "AuthFailure")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn refused(code: &str) -> CallError {
        CallError {
            code: code.into(),
            message: String::new(),
        }
    }

    #[tokio::test]
    async fn retries_until_the_key_is_known() {
        let tries = Cell::new(0);
        let got = retry_while(
            Duration::from_secs(2),
            Duration::from_millis(1),
            not_yet_known,
            || {
                tries.set(tries.get() + 1);
                let n = tries.get();
                async move {
                    if n < 4 {
                        Err(refused("InvalidClientTokenId"))
                    } else {
                        Ok(n)
                    }
                }
            },
        )
        .await;
        assert_eq!(got.unwrap(), 4);
    }

    #[tokio::test]
    async fn stops_at_another_error_or_when_the_budget_is_spent() {
        let tries = Cell::new(0);
        let got: Result<(), _> = retry_while(
            Duration::from_secs(2),
            Duration::from_millis(1),
            not_yet_known,
            || {
                tries.set(tries.get() + 1);
                async { Err(refused("AccessDenied")) }
            },
        )
        .await;
        assert_eq!(got.unwrap_err().code, "AccessDenied");
        assert_eq!(tries.get(), 1);

        let tries = Cell::new(0);
        let started = Instant::now();
        let got: Result<(), _> = retry_while(
            Duration::from_millis(50),
            Duration::from_millis(10),
            not_yet_known,
            || {
                tries.set(tries.get() + 1);
                async { Err(refused("InvalidClientTokenId")) }
            },
        )
        .await;
        assert!(got.is_err());
        assert!(tries.get() >= 2 && tries.get() <= 4, "{}", tries.get());
        assert!(started.elapsed() < Duration::from_millis(500));
    }
}
