//! Work too heavy for the request workers (reading an uploaded spreadsheet,
//! decoding a QR photo) runs on Tokio's blocking threads, a bounded number
//! at once. When every slot is taken the request is answered 503 at once:
//! a queue would hold every waiting upload in memory.

use std::sync::Arc;

use khienmang_core::import::{Column, ImportError, Table, read_table};
use tokio::sync::Semaphore;

use crate::AppState;
use crate::error::{WebError, WebResult};

/// Slots for one kind of heavy work.
#[derive(Clone)]
pub struct Offload {
    slots: Arc<Semaphore>,
}

impl Offload {
    pub fn new(slots: usize) -> Offload {
        Offload { slots: Arc::new(Semaphore::new(slots.max(1))) }
    }

    /// One slot per core, at least two.
    pub fn per_core() -> Offload {
        Offload::new(std::thread::available_parallelism().map_or(2, |n| n.get().max(2)))
    }

    /// Runs `work` on a blocking thread, or refuses with 503 if every slot
    /// is taken. The slot is held until `work` ends, even if the client has
    /// gone away meanwhile, so that the bound is on the work, not the requests.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> WebResult<T> {
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| {
            WebError::Busy("Hệ thống đang bận xử lý các tệp khác. Vui lòng thử lại sau ít phút.".into())
        })?;
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work()
        })
        .await
        .map_err(|e| WebError::Internal(format!("offloaded work failed: {e}")))
    }
}

/// Reads an uploaded spreadsheet (XLSX or CSV) off the request workers, for
/// every upload route; a file that cannot be read is the inner error, whose
/// message the route shows on its own page.
pub async fn read_upload_table(
    state: &AppState,
    bytes: impl AsRef<[u8]> + Send + 'static,
    columns: &'static [Column],
) -> WebResult<Result<Table, ImportError>> {
    state.uploads.run(move || read_table(bytes.as_ref(), columns)).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;

    #[tokio::test]
    async fn work_beyond_the_slots_is_refused_with_503_not_queued() {
        let offload = Offload::new(1);
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let first = {
            let offload = offload.clone();
            tokio::spawn(async move {
                offload
                    .run(move || {
                        started_tx.send(()).unwrap();
                        release_rx.recv().unwrap();
                        1
                    })
                    .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap()).await.unwrap();
        match offload.run(|| 2).await {
            Err(e @ WebError::Busy(_)) => {
                assert_eq!(e.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
                assert!(e.message_vi().contains("đang bận"), "{}", e.message_vi());
            }
            other => panic!("expected 503, got {:?}", other.map(|_| ())),
        }
        release_tx.send(()).unwrap();
        assert_eq!(first.await.unwrap().unwrap(), 1);
        assert_eq!(offload.run(|| 3).await.unwrap(), 3, "the slot is free again");
    }

    #[tokio::test]
    async fn a_panic_in_the_work_is_an_internal_error_and_frees_the_slot() {
        let offload = Offload::new(1);
        let failed = offload.run(|| -> u8 { panic!("boom") }).await;
        assert!(matches!(failed, Err(WebError::Internal(_))));
        assert_eq!(offload.run(|| 4).await.unwrap(), 4);
    }
}
