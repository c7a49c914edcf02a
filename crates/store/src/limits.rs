//! The shared side of the rate limits (the counting itself is the web
//! layer's): the hour's hashing key, made once for every replica, and the
//! counts each replica adds to and reads back about once a second.

use sqlx::Row;

use crate::{Result, Store};

/// A replica's unsent count for one client: (class, hashed client, n).
pub type Delta = (&'static str, [u8; 16], u32);

impl Store {
    /// The key that hashes client addresses during `hour` (hours since the
    /// epoch): the first replica to ask makes it, the others read it.
    pub async fn rate_limit_key(&self, hour: i64) -> Result<[u8; 32]> {
        let fresh: [u8; 32] = rand::random();
        sqlx::query("INSERT INTO rate_limit_keys (hour, hash_key) VALUES ($1, $2) ON CONFLICT (hour) DO NOTHING")
            .bind(hour)
            .bind(fresh.to_vec())
            .execute(self.pool())
            .await?;
        let key: Vec<u8> = sqlx::query_scalar("SELECT hash_key FROM rate_limit_keys WHERE hour = $1")
            .bind(hour)
            .fetch_one(self.pool())
            .await?;
        key.try_into().map_err(|_| crate::StoreError::Invalid("rate limit key of the wrong length".into()))
    }

    /// Adds a replica's counts for `hour` and returns each client's total
    /// over every replica, in the order given.
    pub async fn add_rate_limit_counts(&self, hour: i64, deltas: &[Delta]) -> Result<Vec<u32>> {
        let mut tx = self.pool().begin().await?;
        let mut totals = Vec::with_capacity(deltas.len());
        for (class, client, n) in deltas {
            let row = sqlx::query(
                "INSERT INTO rate_limit_counts (hour, class, client, n) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (hour, class, client) DO UPDATE SET n = rate_limit_counts.n + excluded.n \
                 RETURNING n",
            )
            .bind(hour)
            .bind(*class)
            .bind(client.to_vec())
            .bind(i64::from(*n))
            .fetch_one(&mut *tx)
            .await?;
            totals.push(u32::try_from(row.try_get::<i64, _>(0)?).unwrap_or(u32::MAX));
        }
        tx.commit().await?;
        Ok(totals)
    }

    /// Forgets the keys and counts of the hours before `hour`.
    pub async fn purge_rate_limits(&self, hour: i64) -> Result<()> {
        sqlx::query("DELETE FROM rate_limit_counts WHERE hour < $1").bind(hour).execute(self.pool()).await?;
        sqlx::query("DELETE FROM rate_limit_keys WHERE hour < $1").bind(hour).execute(self.pool()).await?;
        Ok(())
    }
}
