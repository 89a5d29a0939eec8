//! Running many calls at once without ever losing one.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

/// Runs `futures`, at most `limit` at a time, and returns exactly one
/// result per future, in their order: one that panics or is cancelled
/// yields `lost(index, why)` instead of going missing.
pub async fn run_all<T, F>(
    futures: Vec<F>,
    limit: usize,
    lost: impl Fn(usize, String) -> T,
) -> Vec<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let permits = Arc::new(tokio::sync::Semaphore::new(limit.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let mut index_of = HashMap::new();
    for (index, future) in futures.into_iter().enumerate() {
        let permits = permits.clone();
        let handle = tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            future.await
        });
        index_of.insert(handle.id(), index);
    }
    let mut results: Vec<Option<T>> = (0..index_of.len()).map(|_| None).collect();
    while let Some(joined) = tasks.join_next_with_id().await {
        match joined {
            Ok((id, value)) => results[index_of[&id]] = Some(value),
            Err(e) => {
                let index = index_of[&e.id()];
                let why = if e.is_panic() {
                    "the check panicked"
                } else {
                    "the check was cancelled"
                };
                results[index] = Some(lost(index, why.to_string()));
            }
        }
    }
    results
        .into_iter()
        .enumerate()
        .map(|(index, r)| r.unwrap_or_else(|| lost(index, "the check never finished".into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;

    type Check = Pin<Box<dyn Future<Output = Result<usize, String>> + Send>>;

    #[tokio::test]
    async fn a_panicking_task_is_reported_not_dropped() {
        let futures: Vec<Check> = vec![
            Box::pin(async { Ok(0) }),
            Box::pin(async { panic!("boom") }),
            Box::pin(async { Ok(2) }),
        ];
        let got = run_all(futures, 2, |i, why| Err(format!("{i}: {why}"))).await;
        assert_eq!(
            got,
            vec![Ok(0), Err("1: the check panicked".to_string()), Ok(2)]
        );
    }
}
