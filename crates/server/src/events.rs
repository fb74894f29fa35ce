//! Live events for server-sent event streams (notifications now; task progress with the jobs issue).
//! In-process broadcast: every subscriber gets every event and keeps its own account's.
//! Scale-out (several `serve` nodes) will feed this hub from PostgreSQL `LISTEN/NOTIFY`.

use serde::Serialize;
use tokio::sync::broadcast;

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub account_id: i64,
    /// The SSE event name (`notification`, …).
    pub name: &'static str,
    pub data: serde_json::Value,
}

#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Event>,
}

impl Default for Events {
    fn default() -> Self {
        Self { sender: broadcast::channel(1024).0 }
    }
}

impl Events {
    /// Sends to whoever listens now; nobody listening is fine (the data is in the database anyway).
    pub fn publish(&self, event: Event) {
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}
