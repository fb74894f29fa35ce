//! Builds the application: state, router with its middleware stack, and the listening server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::from_fn;
use axum::routing::get;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::events::Events;
use crate::http::throttle::Limiters;
use crate::http::{self, openapi::ApiDoc};
use crate::mail::Mailer;
use crate::modules;
use crate::security::cipher::Cipher;
use crate::security::jwt::Keys;

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
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
    pub images: Arc<dyn crate::storage::ImageStore>,
    /// Signs links to image files.
    pub signer: Arc<crate::security::signed_url::UrlSigner>,
    /// Totals and page anchors of lists, keyed by the version of the rows they read.
    pub list_memo: Arc<crate::http::list_memo::ListMemo>,
    /// Module switches the module guard checks, remembered briefly per account.
    pub module_switches: Arc<crate::modules::system::modules::SwitchCache>,
}

impl AppState {
    /// State for a configuration whose secret key is already resolved.
    pub async fn new(db: DatabaseConnection, config: Config) -> anyhow::Result<Self> {
        let keys = Keys::from_secret(config.secret_key.expose());
        let cipher = Arc::new(Cipher::from_secret(config.secret_key.expose()));
        let events = Events::default().with_postgres_relay(&db);
        let signer = Arc::new(crate::security::signed_url::UrlSigner::from_secret(config.secret_key.expose()));
        let images: Arc<dyn crate::storage::ImageStore> = Arc::new(crate::storage::LocalDisk::new(config.image_root()));
        let limiters = Limiters::from_config(&config);
        let mailer = Mailer::from_config(&config)?;
        let queue = jobs::Queue::open(&db, jobs::QueueConfig::default()).await?;
        let text_model = crate::ai_functions::models::text_model(&config)?;
        let (keys, limiters) = (Arc::new(keys), Arc::new(limiters));
        Ok(Self {
            db,
            config: Arc::new(config),
            keys,
            limiters,
            mailer,
            events,
            queue,
            text_model,
            cipher,
            images,
            signer,
            list_memo: Arc::default(),
            module_switches: Arc::default(),
        })
    }
}

/// Every documented API route. The OpenAPI document is derived from exactly this router.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(
            "/api/v1/system",
            modules::system::routes().merge(modules::ai_settings::routes()).merge(modules::system::modules::routes()),
        )
        .nest("/api/v1/auth", modules::auth::routes().merge(modules::catalog::routes()).merge(modules::sites::routes()))
        .nest("/api/v1/account", modules::account::routes())
        .nest("/api/v1/notifications", modules::notifications::routes())
        .nest("/api/v1/billing", modules::billing::routes())
        .nest("/api/v1/tasks", modules::tasks::routes())
        .nest("/api/v1/planner", modules::planner::routes())
        .nest("/api/v1/keywords-library", modules::keywords_library::routes())
        .nest("/api/v1/writer", modules::writer::routes())
        .merge(modules::system::health_routes())
}

/// The full router with its middleware. `extra` lets tests mount routes of their own under the same stack.
pub fn router(state: AppState, extra: Option<Router<AppState>>) -> Router {
    // The recorder must exist before the first request is counted.
    http::metrics::handle();
    let (api, openapi) = api_router().split_for_parts();
    let mut routes = api
        .merge(SwaggerUi::new("/api/docs").url("/api/schema", openapi))
        .route("/metrics", get(http::metrics::render));
    if let Some(extra) = extra {
        routes = routes.merge(extra);
    }
    let config = &state.config;
    // Listed innermost first: the request id layer wraps everything, so every log line and envelope has it.
    routes
        .fallback(http::web::fallback)
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(config.request_timeout_secs),
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), modules::system::modules::guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::throttle::per_user))
        .layer(from_fn(http::middleware::ensure_envelope))
        .layer(CompressionLayer::new())
        .layer(from_fn(http::middleware::security_headers))
        .layer(cors(config))
        .layer(from_fn(http::metrics::track))
        .layer(from_fn(http::request_id::layer))
        .with_state(state)
}

fn cors(config: &Config) -> CorsLayer {
    let origins = if config.cors_origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(config.cors_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            axum::http::header::AUTHORIZATION,
            axum::http::header::CONTENT_TYPE,
            HeaderName::from_static(http::request_id::HEADER),
        ])
        .expose_headers([HeaderName::from_static(http::request_id::HEADER)])
        .max_age(Duration::from_secs(600))
}

/// A bound, not yet running server. `build` binds (port 0 picks a free port, as tests do).
pub struct Application {
    listener: TcpListener,
    app: Router,
}

impl Application {
    pub async fn build(state: AppState, extra: Option<Router<AppState>>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(state.config.bind).await?;
        let app = router(state, extra);
        Ok(Self { listener, app })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        // Normalising must happen before routing, so it wraps the router instead of being one of its layers.
        let service = tower::ServiceBuilder::new().map_request(http::middleware::normalize_path).service(self.app);
        let service =
            axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<SocketAddr>(service);
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown).await
    }
}
