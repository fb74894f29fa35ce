//! Sites, sectors from the catalogue and custom, plan limits, API keys.

use serde_json::json;

use crate::fixtures::{Auth, ids};
use crate::helpers::{assert_error, each_backend, spawn_app};

#[tokio::test]
async fn create_validate_and_limit_sites() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("site@example.com").await;
        let create = |body: serde_json::Value| {
            let app = &app;
            let owner = owner.clone();
            async move { app.as_user("POST", "/api/v1/auth/sites/", &owner, Some(&body)).await }
        };
        for (body, field) in [
            (json!({"name": "  "}), "name"),
            (json!({"name": "Ok", "domain": "ftp://x.example"}), "domain"),
            (json!({"name": "Ok", "industry_slug": "space-mining"}), "industry_slug"),
            (json!({"name": "Ok", "industry_id": 999999}), "industry_id"),
        ] {
            let (status, response) = create(body).await;
            assert_eq!(status, 400, "{response}");
            assert!(response["errors"][field].is_array(), "{field}: {response}");
        }
        let (status, site) =
            create(json!({"name": "Green Thumb", "domain": "GreenThumb.example/blog", "industry_slug": "home-garden"}))
                .await;
        assert_eq!(status, 201, "{site}");
        assert_eq!(site["data"]["slug"], "green-thumb");
        assert_eq!(site["data"]["domain"], "https://greenthumb.example");
        assert_eq!(site["data"]["has_api_key"], false);

        let (status, body) = create(json!({"name": "Second"})).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PLAN_LIMIT"));
        assert_eq!(body["limit"], "max_sites");

        app.set_plan(owner.account_id, "growth").await;
        let (status, again) = create(json!({"name": "Green Thumb"})).await;
        assert_eq!(status, 201);
        assert_eq!(again["data"]["slug"], "green-thumb-2");

        let id = site["data"]["id"].as_i64().unwrap();
        let path = format!("/api/v1/auth/sites/{id}/");
        let (status, body) = app
            .as_user("PATCH", &path, &owner, Some(&json!({"name": "Renamed", "domain": null, "is_active": false})))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["name"], "Renamed");
        assert!(body["data"]["domain"].is_null());
        assert_eq!(body["data"]["is_active"], false);
        let (_, list) = app.as_user("GET", "/api/v1/auth/sites/?is_active=false", &owner, None).await;
        assert_eq!(ids(&list), [id]);
        let (status, body) = app.as_user("POST", &format!("/api/v1/auth/sites/{id}/set_active/"), &owner, None).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"]["is_active"], true);
        let (_, list) = app.as_user("GET", "/api/v1/auth/sites/?search=renam", &owner, None).await;
        assert_eq!(ids(&list), [id]);
        let (status, options) = app.as_user("GET", "/api/v1/auth/sites/filter_options/", &owner, None).await;
        assert_eq!(status, 200, "{options}");
        assert!(options["data"]["industry_id"].is_array());

        assert_eq!(app.as_user("DELETE", &path, &owner, None).await.0, 204);
        assert_eq!(app.as_user("GET", &path, &owner, None).await.0, 404);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn select_sectors_from_the_catalogue_within_the_plan() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let tenant = app.tenant("sect@example.com").await;
        let select = format!("/api/v1/auth/sites/{}/select_sectors/", tenant.site_id);
        let (_, industries) = app.get_json("/api/v1/auth/industries/").await;
        let garden =
            industries["data"].as_array().unwrap().iter().find(|i| i["slug"] == "home-garden").unwrap().clone();
        let slugs: Vec<String> =
            garden["sectors"].as_array().unwrap().iter().map(|s| s["slug"].as_str().unwrap().to_owned()).collect();

        let (status, body) = app
            .as_user(
                "POST",
                &select,
                &tenant.owner,
                Some(&json!({"industry_slug": "home-garden", "sector_slugs": &slugs[..4]})),
            )
            .await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PLAN_LIMIT"));
        assert_eq!(body["limit"], "max_sectors_per_site");

        let (status, body) = app
            .as_user(
                "POST",
                &select,
                &tenant.owner,
                Some(&json!({"industry_slug": "home-garden", "sector_slugs": ["not-a-sector"]})),
            )
            .await;
        assert_eq!(status, 400);
        assert!(body["errors"]["sector_slugs"][0].as_str().unwrap().contains("not-a-sector"));
        let (status, body) = app
            .as_user("POST", &select, &tenant.owner, Some(&json!({"industry_slug": "home-garden", "sector_slugs": []})))
            .await;
        assert_eq!(status, 400, "{body}");

        // Choosing a subset deactivates the rest (their data stays); choosing them again reactivates them.
        let (status, body) = app
            .as_user(
                "POST",
                &select,
                &tenant.owner,
                Some(&json!({"industry_slug": "home-garden", "sector_slugs": [&slugs[0]]})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let active = body["data"].as_array().unwrap().iter().filter(|s| s["is_active"] == true).count();
        assert_eq!(active, 1);
        assert_eq!(body["data"].as_array().unwrap().len(), 3);
        let (_, body) = app
            .as_user(
                "POST",
                &select,
                &tenant.owner,
                Some(&json!({"industry_slug": "home-garden", "sector_slugs": &slugs[..3]})),
            )
            .await;
        let mut again = ids(&body);
        again.sort_unstable();
        let mut before = tenant.sector_ids.clone();
        before.sort_unstable();
        assert_eq!(again, before, "the same sector rows come back");

        let (status, listed) =
            app.as_user("GET", &format!("/api/v1/auth/sites/{}/sectors/", tenant.site_id), &tenant.owner, None).await;
        assert_eq!(status, 200);
        assert_eq!(listed["data"].as_array().unwrap().len(), 3);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn custom_sectors_crud() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let tenant = app.tenant("custom@example.com").await;
        app.set_plan(tenant.owner.account_id, "growth").await;
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/auth/sectors/",
                &tenant.owner,
                Some(&json!({"site_id": tenant.site_id, "name": "Balcony Gardens"})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert!(body["data"]["industry_sector_id"].is_null());
        let id = body["data"]["id"].as_i64().unwrap();
        let (status, body) = app
            .as_user("POST", "/api/v1/auth/sectors/", &tenant.owner, Some(&json!({"site_id": 987654, "name": "Nope"})))
            .await;
        assert_eq!(status, 400);
        assert!(body["errors"]["site_id"].is_array());

        let path = format!("/api/v1/auth/sectors/{id}/");
        let (status, body) =
            app.as_user("PATCH", &path, &tenant.owner, Some(&json!({"name": "Balconies", "is_active": false}))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["name"], "Balconies");
        let (_, list) = app
            .as_user(
                "GET",
                &format!("/api/v1/auth/sectors/?site_id={}&is_active=true", tenant.site_id),
                &tenant.owner,
                None,
            )
            .await;
        assert_eq!(list["count"], 3);
        assert_eq!(app.as_user("DELETE", &path, &tenant.owner, None).await.0, 204);
        assert_eq!(app.as_user("GET", &path, &tenant.owner, None).await.0, 404);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn editors_read_sites_but_only_admins_change_them() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let tenant = app.tenant("roles@example.com").await;
        let viewer = app.add_member(&tenant.owner, "viewer@example.com", "viewer", &[tenant.site_id]).await;
        let site = format!("/api/v1/auth/sites/{}/", tenant.site_id);
        assert_eq!(app.as_user("GET", &site, &viewer, None).await.0, 200);
        for (method, path, body) in [
            ("PATCH", site.clone(), Some(json!({"name": "x"}))),
            ("DELETE", site.clone(), None),
            ("POST", "/api/v1/auth/sites/".to_owned(), Some(json!({"name": "x"}))),
            ("POST", format!("{site}api_key/"), None),
            ("POST", "/api/v1/auth/sectors/".to_owned(), Some(json!({"site_id": tenant.site_id, "name": "x"}))),
        ] {
            let (status, response) = app.as_user(method, &path, &viewer, body.as_ref()).await;
            assert_eq!(status, 403, "{method} {path}: {response}");
            assert_eq!(assert_error(&response), "PERMISSION_DENIED");
        }
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn api_keys_authenticate_as_the_site_only() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let tenant = app.tenant("keys@example.com").await;
        app.set_plan(tenant.owner.account_id, "growth").await;
        let (_, other) =
            app.as_user("POST", "/api/v1/auth/sites/", &tenant.owner, Some(&json!({"name": "Other"}))).await;
        let other_id = other["data"]["id"].as_i64().unwrap();

        let key_path = format!("/api/v1/auth/sites/{}/api_key/", tenant.site_id);
        let (status, created) = app.as_user("POST", &key_path, &tenant.owner, None).await;
        assert_eq!(status, 201, "{created}");
        let key = created["data"]["api_key"].as_str().unwrap().to_owned();
        let prefix = created["data"]["prefix"].as_str().unwrap().to_owned();
        assert!(key.starts_with(&format!("igny8_{prefix}_")));

        let (status, site) =
            app.as_user("GET", &format!("/api/v1/auth/sites/{}", tenant.site_id), &tenant.owner, None).await;
        assert_eq!(status, 200);
        assert_eq!(site["data"]["api_key_prefix"], prefix.as_str());
        assert_eq!(site["data"]["has_api_key"], true);
        assert!(!site.to_string().contains(&key), "the key is shown once");

        let (status, list) = app.call("GET", "/api/v1/auth/sites/", Auth::ApiKey(&key), None).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(ids(&list), [tenant.site_id]);
        assert_eq!(app.call("GET", &format!("/api/v1/auth/sites/{other_id}"), Auth::ApiKey(&key), None).await.0, 404);
        let (status, body) = app.call("GET", "/api/v1/auth/me/", Auth::ApiKey(&key), None).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "USER_REQUIRED"));
        let (status, _) =
            app.call("POST", "/api/v1/auth/sites/", Auth::ApiKey(&key), Some(&json!({"name": "x"}))).await;
        assert_eq!(status, 403);

        // Rotating replaces the key; revoking removes it.
        let (_, rotated) = app.as_user("POST", &key_path, &tenant.owner, None).await;
        let new_key = rotated["data"]["api_key"].as_str().unwrap().to_owned();
        let (status, body) = app.call("GET", "/api/v1/auth/sites/", Auth::ApiKey(&key), None).await;
        assert_eq!((status, assert_error(&body).as_str()), (401, "API_KEY_INVALID"));
        assert_eq!(app.call("GET", "/api/v1/auth/sites/", Auth::ApiKey(&new_key), None).await.0, 200);
        let (status, body) = app.as_user("DELETE", &key_path, &tenant.owner, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["has_api_key"], false);
        assert_eq!(app.call("GET", "/api/v1/auth/sites/", Auth::ApiKey(&new_key), None).await.0, 401);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn a_sector_of_another_site_is_a_400_naming_sector_id() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let tenant = app.tenant("pair@example.com").await;
        app.set_plan(tenant.owner.account_id, "growth").await;
        let (_, other) =
            app.as_user("POST", "/api/v1/auth/sites/", &tenant.owner, Some(&json!({"name": "Other"}))).await;
        let other_site = other["data"]["id"].as_i64().unwrap();
        let caller = server::http::tenant::Caller {
            user_id: Some(tenant.owner.user_id),
            account_id: tenant.owner.account_id,
            role: domain::Role::Owner,
            key_site_id: None,
        };
        let (site, sector) = caller.site_sector(&app.db, tenant.site_id, tenant.sector_ids[0]).await.unwrap();
        assert_eq!((site.id, sector.id), (tenant.site_id, tenant.sector_ids[0]));
        match caller.site_sector(&app.db, other_site, tenant.sector_ids[0]).await {
            Err(server::http::AppError::Validation { errors, .. }) => {
                assert!(errors.contains_key("sector_id"), "{errors:?}")
            }
            other => panic!("expected a 400 naming sector_id, got {other:?}"),
        }
        match caller.site_sector(&app.db, 987654, tenant.sector_ids[0]).await {
            Err(server::http::AppError::Validation { errors, .. }) => {
                assert!(errors.contains_key("site_id"), "{errors:?}")
            }
            other => panic!("expected a 400 naming site_id, got {other:?}"),
        }
        app.cleanup().await;
    })
    .await;
}
