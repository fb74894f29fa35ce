//! AI settings: prompt templates (default → global → account, reset), the model catalogue with encrypted
//! provider keys, and per-function model choice with a fallback, exercised through a mock provider.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::ai::{app, balance, chat_reply, run_test};
use crate::fixtures::Session;
use crate::helpers::{TestApp, assert_error, each_backend, spawn_app};

async fn staff(app: &TestApp, email: &str) -> Session {
    let staff = app.register(email).await;
    app.execute(&format!("UPDATE users SET role = 'developer' WHERE id = {}", staff.user_id)).await;
    staff
}

fn prompt<'a>(list: &'a Value, prompt_type: &str) -> &'a Value {
    list["data"].as_array().unwrap().iter().find(|p| p["prompt_type"] == prompt_type).unwrap()
}

#[tokio::test]
async fn prompts_resolve_from_account_then_global_then_default() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("prompts@example.com").await;
        let other = app.register("other-prompts@example.com").await;
        let viewer = app.add_member(&owner, "prompt-viewer@example.com", "viewer", &[]).await;
        let admin = staff(&app, "prompt-staff@example.com").await;

        let (status, list) = app.as_user("GET", "/api/v1/system/prompts/", &owner, None).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["data"].as_array().unwrap().len(), 6);
        let clustering = prompt(&list, "clustering");
        assert_eq!(clustering["source"], "default");
        assert!(clustering["prompt_value"].as_str().unwrap().contains("{keywords}"));
        assert!(
            clustering["variables"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["name"] == "keywords" && v["required"] == true)
        );

        // Unknown and missing placeholders are refused, naming the field and the placeholders.
        let path = "/api/v1/system/prompts/clustering/";
        let (status, body) =
            app.as_user("PUT", path, &owner, Some(&json!({"prompt_value": "Group {keywords} by {colour}"}))).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["errors"]["prompt_value"][0].as_str().unwrap().contains("{colour}"), "{body}");
        let (status, body) =
            app.as_user("PUT", path, &owner, Some(&json!({"prompt_value": "Group them by topic."}))).await;
        assert_eq!(status, 400);
        assert!(body["errors"]["prompt_value"][0].as_str().unwrap().contains("{keywords}"), "{body}");
        let (status, body) = app.as_user("PUT", path, &viewer, Some(&json!({"prompt_value": "{keywords}"}))).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PERMISSION_DENIED"));
        let (status, _) = app.as_user("GET", "/api/v1/system/prompts/nonsense/", &owner, None).await;
        assert_eq!(status, 404);

        let mine = "Cluster these for our shop: {keywords}. Answer {\"clusters\": []}";
        let (status, body) = app.as_user("PUT", path, &owner, Some(&json!({"prompt_value": mine}))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (body["data"]["source"].as_str(), body["data"]["is_customized"].as_bool()),
            (Some("account"), Some(true))
        );
        assert_eq!(body["data"]["prompt_value"], mine);
        // Saving again updates the same override.
        let (_, body) = app.as_user("PUT", path, &owner, Some(&json!({"prompt_value": format!("{mine} v2")}))).await;
        assert_eq!(body["data"]["prompt_value"], format!("{mine} v2"));
        let (_, theirs) = app.as_user("GET", path, &other, None).await;
        assert_eq!(theirs["data"]["source"], "default", "another account keeps the default");

        // Global text: staff only; accounts without their own text get it.
        let global = "Platform clustering prompt: {keywords}";
        let global_path = "/api/v1/system/admin/prompts/clustering/";
        let (status, body) = app.as_user("PUT", global_path, &owner, Some(&json!({"prompt_value": global}))).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PERMISSION_DENIED"));
        let (status, body) = app.as_user("PUT", global_path, &admin, Some(&json!({"prompt_value": global}))).await;
        assert_eq!(status, 200, "{body}");
        let (_, theirs) = app.as_user("GET", path, &other, None).await;
        assert_eq!(
            (theirs["data"]["source"].as_str(), theirs["data"]["prompt_value"].as_str()),
            (Some("global"), Some(global))
        );
        let (_, own) = app.as_user("GET", path, &owner, None).await;
        assert_eq!(own["data"]["source"], "account");
        assert_eq!(own["data"]["default_value"], global, "reset would give the global text");

        // Reset (REST and the original's action) goes back to the global text.
        let (status, body) = app.as_user("POST", "/api/v1/system/prompts/clustering/reset/", &owner, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (body["data"]["source"].as_str(), body["data"]["prompt_value"].as_str()),
            (Some("global"), Some(global))
        );
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/system/prompts/save_prompt/",
                &owner,
                Some(&json!({"prompt_type": "ideas", "prompt_value": "Ideas for {cluster_name}: {keywords}"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = app.as_user("GET", "/api/v1/system/prompts/by_type/?prompt_type=ideas", &owner, None).await;
        assert_eq!(body["data"]["source"], "account");
        let (_, body) = app
            .as_user("POST", "/api/v1/system/prompts/reset_prompt/", &owner, Some(&json!({"prompt_type": "ideas"})))
            .await;
        assert_eq!(body["data"]["source"], "default");
        let (status, body) = app.as_user("POST", "/api/v1/system/admin/prompts/clustering/reset/", &admin, None).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"]["source"], "default");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn provider_keys_are_encrypted_and_never_returned() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("not-staff@example.com").await;
        let admin = staff(&app, "catalogue-staff@example.com").await;
        let secret = "sk-live-very-secret-9876";
        let body =
            json!({"slug": "acme-llm", "kind": "openai", "base_url": "http://127.0.0.1:9/v1", "api_key": secret});
        let (status, response) = app.as_user("POST", "/api/v1/system/admin/ai/providers/", &owner, Some(&body)).await;
        assert_eq!((status, assert_error(&response).as_str()), (403, "PERMISSION_DENIED"));
        let (status, created) = app.as_user("POST", "/api/v1/system/admin/ai/providers/", &admin, Some(&body)).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(
            (created["data"]["has_api_key"].as_bool(), created["data"]["api_key_hint"].as_str()),
            (Some(true), Some("…9876"))
        );
        assert!(!created.to_string().contains(secret));
        let id = created["data"]["id"].as_i64().unwrap();
        let (_, again) = app.as_user("POST", "/api/v1/system/admin/ai/providers/", &admin, Some(&body)).await;
        assert_eq!(assert_error(&again), "CONFLICT");

        let (status, list) = app.as_user("GET", "/api/v1/system/admin/ai/providers/", &admin, None).await;
        assert_eq!(status, 200);
        assert!(!list.to_string().contains(secret));
        assert!(
            list["data"].as_array().unwrap().iter().any(|p| p["slug"] == "offline" && p["is_active"] == true),
            "seeded"
        );
        let raw = raw_key(&app, id).await;
        assert!(raw.starts_with("v1:") && !raw.contains(secret), "sealed at rest: {raw}");

        for (bad, field) in [
            (json!({"slug": "Bad Slug", "kind": "openai"}), "slug"),
            (json!({"slug": "x", "kind": "mystery"}), "kind"),
            (json!({"slug": "y", "kind": "openai", "base_url": "ftp://x"}), "base_url"),
            (json!({"slug": "z", "kind": "openai", "api_key": "has space"}), "api_key"),
        ] {
            let (status, body) = app.as_user("POST", "/api/v1/system/admin/ai/providers/", &admin, Some(&bad)).await;
            assert_eq!(status, 400, "{bad}");
            assert!(body["errors"][field].is_array(), "{field}: {body}");
        }
        let path = format!("/api/v1/system/admin/ai/providers/{id}/");
        let (status, body) = app.as_user("PATCH", &path, &admin, Some(&json!({"api_key": null}))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["has_api_key"], false);
        assert!(body["data"]["api_key_hint"].is_null());

        // Models: type must suit the provider; one default per type.
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/system/admin/ai/models/",
                &admin,
                Some(&json!({"provider_id": id, "model_id": "m", "model_type": "sound"})),
            )
            .await;
        assert_eq!(status, 400);
        assert!(body["errors"]["model_type"].is_array());
        let (_, runware) = app.as_user("GET", "/api/v1/system/admin/ai/providers/", &admin, None).await;
        let runware_id = runware["data"].as_array().unwrap().iter().find(|p| p["slug"] == "runware").unwrap()["id"]
            .as_i64()
            .unwrap();
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/system/admin/ai/models/",
                &admin,
                Some(&json!({"provider_id": runware_id, "model_id": "t", "model_type": "text"})),
            )
            .await;
        assert_eq!(status, 400, "runware has no text models: {body}");
        let mut defaults = Vec::new();
        for name in ["first", "second"] {
            let (status, body) = app
                .as_user(
                    "POST",
                    "/api/v1/system/admin/ai/models/",
                    &admin,
                    Some(&json!({"provider_id": id, "model_id": name, "model_type": "text", "is_default": true})),
                )
                .await;
            assert_eq!(status, 201, "{body}");
            defaults.push(body["data"]["id"].as_i64().unwrap());
        }
        let (_, models) = app.as_user("GET", "/api/v1/system/admin/ai/models/", &admin, None).await;
        let default_text: Vec<i64> = models["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["model_type"] == "text" && m["is_default"] == true)
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        assert_eq!(default_text, vec![defaults[1]], "only the latest default remains");
        // Accounts see active models of active providers only, without keys or prices.
        let (status, choices) = app.as_user("GET", "/api/v1/system/ai/models/", &owner, None).await;
        assert_eq!(status, 200);
        let choices = choices["data"].as_array().unwrap();
        assert!(choices.iter().any(|m| m["model_id"] == "first"));
        assert!(!choices.iter().any(|m| m["provider"] == "openai"), "inactive provider hidden");
        assert!(choices.iter().all(|m| m.get("input_usd_per_mtok").is_none()));

        let (status, _) = app.as_user("DELETE", &path, &admin, None).await;
        assert_eq!(status, 204);
        let (status, _) = app.as_user("GET", &path, &admin, None).await;
        assert_eq!(status, 404);
        app.cleanup().await;
    })
    .await;
}

async fn raw_key(app: &TestApp, id: i64) -> String {
    use sea_orm::EntityTrait;
    db::entities::ai_provider::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().api_key_cipher.unwrap()
}

/// Staff point `connection_test` at a catalogue model whose provider is a mock server: the sealed key is opened
/// and sent, credits follow the model's rate and the function's minimum; a failing model falls back.
#[tokio::test]
async fn functions_use_their_catalogue_model_and_fall_back() {
    each_backend(|backend| async move {
        let good = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .and(header("authorization", "Bearer sk-catalogue-good"))
            .respond_with(ResponseTemplate::new(200).set_body_json(chat_reply("{\"ok\": true, \"echo\": \"via catalogue\"}")))
            .mount(&good)
            .await;
        let broken = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {"message": "bad key"}})))
            .mount(&broken)
            .await;
        let app = app(backend, None).await;
        let owner = app.register("catalogue-user@example.com").await;
        let admin = staff(&app, "catalogue-admin@example.com").await;
        let mut model_ids = Vec::new();
        for (slug, url, key, tpc) in [("good", good.uri(), "sk-catalogue-good", 500), ("broken", broken.uri(), "sk-x", 100)] {
            let (status, provider) = app
                .as_user("POST", "/api/v1/system/admin/ai/providers/", &admin, Some(&json!({"slug": slug, "kind": "openai", "base_url": url, "api_key": key, "timeout_secs": 5})))
                .await;
            assert_eq!(status, 201, "{provider}");
            let (status, model) = app
                .as_user("POST", "/api/v1/system/admin/ai/models/", &admin, Some(&json!({"provider_id": provider["data"]["id"], "model_id": format!("{slug}-model"), "model_type": "text", "tokens_per_credit": tpc})))
                .await;
            assert_eq!(status, 201, "{model}");
            model_ids.push(model["data"]["id"].as_i64().unwrap());
        }
        let function = "/api/v1/system/admin/ai/functions/connection_test/";
        let (status, body) = app.as_user("PUT", function, &admin, Some(&json!({"model_id": model_ids[0], "min_credits": 2}))).await;
        assert_eq!(status, 200, "{body}");
        let before = balance(&app, &owner).await;
        let last = run_test(&app, &owner, "via catalogue").await.pop().unwrap();
        assert_eq!(last["status"], "succeeded", "{last}");
        assert_eq!(last["result"]["echo"], "via catalogue");
        assert_eq!(last["cost_credits"], 3, "1,500 tokens at 500 per credit");
        assert_eq!(balance(&app, &owner).await, before - 3);
        let sent: Value = serde_json::from_slice(&good.received_requests().await.unwrap()[0].body).unwrap();
        assert_eq!(sent["model"], "good-model");

        // The broken model first, the good one as fallback: the task still succeeds, on the fallback.
        let (status, body) = app
            .as_user("PUT", function, &admin, Some(&json!({"model_id": model_ids[1], "fallback_model_id": model_ids[0]})))
            .await;
        assert_eq!(status, 200, "{body}");
        let last = run_test(&app, &owner, "via catalogue").await.pop().unwrap();
        assert_eq!(last["status"], "succeeded", "{last}");
        assert_eq!(broken.received_requests().await.unwrap().len(), 1);
        assert_eq!(good.received_requests().await.unwrap().len(), 2);

        // Without a fallback the provider's refusal ends the task with the reason.
        app.as_user("PUT", function, &admin, Some(&json!({"fallback_model_id": null}))).await;
        let last = run_test(&app, &owner, "x").await.pop().unwrap();
        assert_eq!((last["status"].as_str(), last["error_code"].as_str()), (Some("failed"), Some("AI_PROVIDER_ERROR")), "{last}");

        for (bad, field) in [
            (json!({"model_id": 999_999}), "model_id"),
            (json!({"model_id": model_ids[0], "fallback_model_id": model_ids[0]}), "fallback_model_id"),
            (json!({"temperature": 3.0}), "temperature"),
            (json!({"min_credits": -1}), "min_credits"),
        ] {
            let (status, body) = app.as_user("PUT", function, &admin, Some(&bad)).await;
            assert_eq!(status, 400, "{bad}: {body}");
            assert!(body["errors"][field].is_array(), "{field}: {body}");
        }
        let (status, _) = app.as_user("PUT", "/api/v1/system/admin/ai/functions/nope/", &admin, Some(&json!({}))).await;
        assert_eq!(status, 404);
        let (status, body) = app.as_user("GET", "/api/v1/system/admin/ai/functions/", &owner, None).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PERMISSION_DENIED"));
        app.cleanup().await;
    })
    .await;
}
