//! The application state: what handlers, middleware and services may use, cheap to clone. It sits at the bottom
//! of the crate: it holds only types from files that do not name it, and each part can be taken on its own
//! (`State<DatabaseConnection>`, `State<Events>`, … through `FromRef`), so code asks for what it reads.

use std::sync::Arc;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::events::Events;
use crate::http::limits::Limiters;
use crate::http::list_memo::ListMemo;
use crate::mail::Mailer;
use crate::modules::system::switches::SwitchCache;
use crate::security::cipher::Cipher;
use crate::security::jwt::Keys;
use crate::security::signed_url::UrlSigner;
use crate::storage::{ImageStore, LocalDisk};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
    pub limiters: Arc<Limiters>,
    pub mailer: Mailer,
    pub events: Events,
    /// The durable job queue (enqueue only; workers run elsewhere or in-process).
    pub queue: jobs::Queue,
    /// The text model AI functions call when the catalogue names none (from configuration; Offline by default).
    pub text_model: Arc<dyn ai::TextModel>,
    /// Seals provider keys at rest.
    pub cipher: Arc<Cipher>,
    /// Generated image files.
    pub images: Arc<dyn ImageStore>,
    /// Signs links to image files.
    pub signer: Arc<UrlSigner>,
    /// Totals and page anchors of lists, keyed by the version of the rows they read.
    pub list_memo: Arc<ListMemo>,
    /// Module switches the module guard checks, remembered briefly per account.
    pub module_switches: Arc<SwitchCache>,
    /// The outbound guard: every request to a user-given URL (WordPress sites) goes through it.
    pub outbound: publish::OutboundClient,
}

impl AppState {
    /// State for a configuration whose secret key is already resolved.
    pub async fn new(db: DatabaseConnection, config: Config) -> anyhow::Result<Self> {
        let secret = config.secret_key.expose();
        let (mut keys, mut cipher, signer) =
            (Keys::from_secret(secret), Cipher::from_secret(secret), UrlSigner::from_secret(secret));
        // After `igny8 rotate-secret`: the key before it still verifies the access tokens it signed.
        if let Some(previous) = crate::secrets::previous(&config)? {
            keys = keys.with_previous(previous.expose(), chrono::Utc::now());
            cipher = cipher.with_previous(previous.expose());
        }
        let events = Events::default().with_postgres_relay(&db);
        let images: Arc<dyn ImageStore> = Arc::new(LocalDisk::new(config.image_root()));
        let limiters = Limiters::from_config(&config);
        let mailer = Mailer::from_config(&config)?;
        let queue = jobs::Queue::open(&db, jobs::QueueConfig::default()).await?;
        let text_model = crate::ai_runtime::configured::text_model(&config)?;
        let outbound = publish::OutboundClient::new(publish::GuardPolicy {
            allow_private: config.publish_allow_private,
            timeout: std::time::Duration::from_secs(config.publish_timeout_secs),
            ..publish::GuardPolicy::default()
        })?;
        Ok(Self {
            db,
            config: Arc::new(config),
            keys: Arc::new(keys),
            limiters: Arc::new(limiters),
            mailer,
            events,
            queue,
            text_model,
            cipher: Arc::new(cipher),
            images,
            signer: Arc::new(signer),
            list_memo: Arc::default(),
            module_switches: Arc::default(),
            outbound,
        })
    }
}
