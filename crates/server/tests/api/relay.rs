//! Cross-node live events: on PostgreSQL, what one process publishes reaches the hubs of the others through
//! LISTEN/NOTIFY (a worker's task progress streams to a browser on any API node); on SQLite there is one process,
//! and the hub stays local.

use std::time::Duration;

use serde_json::json;
use server::events::{Event, Events};

use crate::helpers::{Backend, each_backend, spawn_app};

const LONG: Duration = Duration::from_secs(5);
const SHORT: Duration = Duration::from_millis(700);

/// The next event called `name`, waiting up to `wait` (short when the test expects none).
async fn next_named(
    receiver: &mut tokio::sync::broadcast::Receiver<Event>,
    name: &str,
    wait: Duration,
) -> Option<Event> {
    tokio::time::timeout(wait, async {
        loop {
            match receiver.recv().await {
                Ok(event) if event.name == name => return event,
                Ok(_) => {}
                Err(error) => panic!("hub closed: {error}"),
            }
        }
    })
    .await
    .ok()
}

#[tokio::test]
async fn events_cross_nodes_on_postgres_once() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        // A second process on the same database (an `igny8 worker`, say).
        let other_node = Events::default().with_postgres_relay(&app.db);
        let mut here = app.events().subscribe();
        let mut there = other_node.subscribe();
        // The listeners connect in the background; give them a moment before publishing.
        tokio::time::sleep(Duration::from_millis(300)).await;

        other_node.publish(Event { account_id: 7, name: "task".into(), data: json!({"id": 42, "status": "running"}) });
        let local = next_named(&mut there, "task", LONG).await.expect("delivered on its own node");
        assert_eq!(local.data["id"], 42);
        let remote = next_named(&mut here, "task", if backend == Backend::Postgres { LONG } else { SHORT }).await;
        match backend {
            Backend::Postgres => {
                let remote = remote.expect("relayed to the API node");
                assert_eq!((remote.account_id, remote.data["status"].as_str()), (7, Some("running")));
            }
            Backend::Sqlite => assert!(remote.is_none(), "SQLite has one process; nothing to relay"),
        }

        // The API node's own events come back once, not twice (its echo from PostgreSQL is ignored).
        app.events().publish(Event { account_id: 7, name: "ping".into(), data: json!({"n": 1}) });
        assert!(next_named(&mut here, "ping", LONG).await.is_some());
        assert!(next_named(&mut here, "ping", SHORT).await.is_none(), "no duplicate from the relay");
        if backend == Backend::Postgres {
            assert_eq!(next_named(&mut there, "ping", LONG).await.expect("relayed").data["n"], 1);
        }
        app.cleanup().await;
    })
    .await;
}
