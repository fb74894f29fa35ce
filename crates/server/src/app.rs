//! Assembles the application: every module's router under its path with its layers, the middleware stack, and
//! the listening server. The state it serves is in `state.rs`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::from_fn;
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::http::{self, openapi::ApiDoc};
use crate::modules;
use crate::state::AppState;

/// Every documented API route. The OpenAPI document is derived from exactly this router.
pub fn api_router() -> OpenApiRouter<AppState> {
    assemble(&|_, routes| routes)
}

/// The API with `switchable` applied to each module that an account can switch off (`planner`, `writer`, …):
/// the module guard when serving, nothing when only the document is wanted.
type Switchable<'a> = &'a dyn Fn(&'static str, OpenApiRouter<AppState>) -> OpenApiRouter<AppState>;

fn assemble(switchable: Switchable) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(
            "/api/v1/system",
            modules::system::routes().merge(modules::ai_settings::routes()).merge(modules::system::modules::routes()),
        )
        .nest("/api/v1/auth", modules::auth::routes().merge(modules::catalog::routes()).merge(modules::sites::routes()))
        .nest("/api/v1/account", modules::account::routes().merge(modules::auth::account_routes()))
        .nest("/api/v1/notifications", modules::notifications::routes())
        .nest("/api/v1/billing", modules::billing::routes())
        .nest("/api/v1/tasks", modules::tasks::routes())
        .nest("/api/v1/integration", modules::integrations::routes())
        .nest("/api/v1/planner", switchable("planner", modules::planner::routes()))
        .nest("/api/v1/keywords-library", modules::keywords_library::routes())
        .nest("/api/v1/writer", switchable("writer", modules::writer::routes()))
        .merge(modules::system::health_routes())
}

/// The full OpenAPI document, as `igny8 openapi` prints it and `/api/schema/` serves it.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

/// The full router with its middleware. `extra` lets tests mount routes of their own under the same stack.
pub fn router(state: AppState, extra: Option<Router<AppState>>) -> Router {
    // The recorder must exist before the first request is counted.
    http::metrics::handle();
    let guarded = |module: &'static str, routes: OpenApiRouter<AppState>| {
        routes
            .route_layer(axum::middleware::from_fn_with_state((state.clone(), module), modules::system::modules::guard))
    };
    let (api, openapi) = assemble(&guarded).split_for_parts();
    let actions = Arc::new(http::throttle::ActionScopes::from_openapi(&openapi));
    let reference: Arc<str> =
        serde_json::to_value(&openapi).map(|doc| http::reference::render(&doc)).unwrap_or_default().into();
    let mut routes = api
        .route("/api/redoc", get(move || std::future::ready(axum::response::Html(reference.to_string()))))
        .merge(SwaggerUi::new("/api/docs").url("/api/schema", openapi))
        .route("/metrics", get(http::metrics::render));
    if let Some(extra) = extra {
        routes = routes.merge(extra);
    }
    let config = &state.config;
    // Listed innermost first: the request id layer wraps everything, so every log line and envelope has it.
    routes
        .fallback(http::web::fallback)
        .layer(from_fn(http::retry::once_more_on_lost_connection))
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(config.request_timeout_secs),
        ))
        .layer(axum::middleware::from_fn_with_state((state.clone(), actions), http::throttle::per_user))
        .layer(from_fn(http::middleware::ensure_envelope))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(config.is_https(), http::middleware::security_headers))
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
