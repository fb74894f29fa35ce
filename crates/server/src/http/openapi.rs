//! The OpenAPI 3.1 document: assembled from every module's `#[utoipa::path]` handlers by utoipa-axum, served
//! at `/api/schema/` with Swagger UI at `/api/docs/`, and printed by `igny8 openapi`.

use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::envelope::Envelope;
use super::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "IGNY8 API",
        description = "AI SEO content platform: keywords → clusters → ideas → articles → images → WordPress.\n\n\
            Every answer is an envelope: `{success, data, message?, request_id}`, lists \
            `{success, count, next, previous, results, request_id}`, errors \
            `{success:false, error, code, errors?, request_id}`. Trailing slashes are optional.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&Security),
    components(schemas(ErrorBody, Envelope<serde_json::Value>)),
    tags(
        (name = "system", description = "Health, readiness and platform information"),
    )
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`ApiKey <key>`: a site's API key",
            ))),
        );
    }
}
