//! Live events for server-sent event streams (task progress, notifications).
//!
//! One in-process broadcast hub per process: every subscriber gets every event and keeps its own account's. On
//! PostgreSQL the hub is also relayed between processes with `LISTEN/NOTIFY` (SPEC.md §2), so a task run by an
//! `igny8 worker` streams to a browser connected to any `igny8 serve` node. Events are delivered locally at once
//! and sent to the other nodes tagged with this process's id; each node ignores its own echo.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};

/// The PostgreSQL channel every node listens on.
pub const CHANNEL: &str = "igny8_events";
/// NOTIFY payloads must stay under 8,000 bytes; larger events stay local (clients fall back to polling).
const MAX_PAYLOAD: usize = 7_900;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub account_id: i64,
    /// The SSE event name (`notification`, `task`, …).
    pub name: Cow<'static, str>,
    pub data: serde_json::Value,
}

#[derive(Serialize, Deserialize)]
struct Relayed {
    origin: String,
    event: Event,
}

#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Event>,
    relay: Option<mpsc::Sender<String>>,
    origin: std::sync::Arc<str>,
}

impl Default for Events {
    fn default() -> Self {
        Self { sender: broadcast::channel(1024).0, relay: None, origin: uuid::Uuid::new_v4().to_string().into() }
    }
}

impl Events {
    /// Sends to whoever listens now, here and (with a relay) on the other nodes; nobody listening is fine (the
    /// data is in the database anyway).
    pub fn publish(&self, event: Event) {
        if let Some(relay) = &self.relay {
            let relayed = Relayed { origin: self.origin.to_string(), event: event.clone() };
            match serde_json::to_string(&relayed) {
                Ok(payload) if payload.len() <= MAX_PAYLOAD => {
                    if relay.try_send(payload).is_err() {
                        tracing::debug!("event relay is busy; event delivered on this node only");
                    }
                }
                _ => tracing::debug!(name = %event.name, "event too large to relay; delivered on this node only"),
            }
        }
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// On PostgreSQL: relays published events to the other nodes and feeds theirs into this hub. Returns the hub
    /// to use (unchanged on SQLite, which only ever has one process).
    pub fn with_postgres_relay(mut self, db: &sea_orm::DatabaseConnection) -> Self {
        if db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return self;
        }
        let pool = db.get_postgres_connection_pool().clone();
        let (to_send, mut outgoing) = mpsc::channel::<String>(4096);
        self.relay = Some(to_send);
        let send_pool = pool.clone();
        tokio::spawn(async move {
            while let Some(payload) = outgoing.recv().await {
                let sent =
                    sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(&payload).execute(&send_pool).await;
                if let Err(error) = sent {
                    tracing::warn!(%error, "could not relay an event to the other nodes");
                }
            }
        });
        let sender = self.sender.clone();
        let origin = self.origin.clone();
        tokio::spawn(async move { listen(pool, sender, origin).await });
        self
    }
}

/// Receives the other nodes' events; reconnects after a lost connection.
async fn listen(pool: sqlx::PgPool, sender: broadcast::Sender<Event>, origin: std::sync::Arc<str>) {
    loop {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for events from other nodes; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::warn!(%error, "cannot listen for events from other nodes; retrying");
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            continue;
        }
        loop {
            match listener.recv().await {
                Ok(notification) => match serde_json::from_str::<Relayed>(notification.payload()) {
                    Ok(relayed) if *relayed.origin != *origin => {
                        let _ = sender.send(relayed.event);
                    }
                    Ok(_) => {}
                    Err(error) => tracing::debug!(%error, "ignoring an unreadable relayed event"),
                },
                Err(error) => {
                    tracing::warn!(%error, "lost the event listener connection; reconnecting");
                    break;
                }
            }
        }
    }
}
