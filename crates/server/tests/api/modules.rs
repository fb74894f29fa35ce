//! Module switches: a module an account turns off is refused by the API (403 MODULE_DISABLED) for that account
//! only; owners and admins switch them.

use serde_json::json;

use crate::helpers::{assert_error, each_backend, spawn_app};

#[tokio::test]
async fn a_disabled_module_is_refused_for_that_account_only() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("modules@example.com").await;
        let other = app.tenant("modules-other@example.com").await;
        let editor = app.add_member(&t.owner, "modules-editor@example.com", "editor", &[t.site_id]).await;
        let path = "/api/v1/system/settings/modules/";
        let (status, body) = app.as_user("GET", path, &t.owner, None).await;
        assert_eq!(status, 200);
        assert_eq!(
            (body["data"]["modules"]["writer"].as_bool(), body["data"]["modules"]["linker"].as_bool()),
            (Some(true), Some(false))
        );

        let (status, body) = app.as_user("PUT", path, &editor, Some(&json!({"modules": {"writer": false}}))).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PERMISSION_DENIED"));
        let (status, body) = app.as_user("PUT", path, &t.owner, Some(&json!({"modules": {"poetry": true}}))).await;
        assert_eq!((status, body["errors"]["modules"].is_array()), (400, true));
        // The guard remembers the switches briefly; a saved change applies at once all the same.
        let (status, _) = app.as_user("GET", "/api/v1/writer/tasks/", &t.owner, None).await;
        assert_eq!(status, 200);
        let (status, body) = app.as_user("PUT", path, &t.owner, Some(&json!({"modules": {"writer": false}}))).await;
        assert_eq!((status, body["data"]["modules"]["writer"].as_bool()), (200, Some(false)), "{body}");

        for who in [&t.owner, &editor] {
            let (status, body) = app.as_user("GET", "/api/v1/writer/tasks/", who, None).await;
            assert_eq!((status, assert_error(&body).as_str()), (403, "MODULE_DISABLED"), "{body}");
            let (status, _) = app
                .as_user(
                    "POST",
                    "/api/v1/writer/content/",
                    who,
                    Some(&json!({"site_id": t.site_id, "sector_id": t.sector_ids[0], "title": "x"})),
                )
                .await;
            assert_eq!(status, 403);
        }
        let (status, _) = app.as_user("GET", "/api/v1/planner/keywords/", &t.owner, None).await;
        assert_eq!(status, 200, "other modules stay on");
        let (status, _) = app.as_user("GET", "/api/v1/writer/tasks/", &other.owner, None).await;
        assert_eq!(status, 200, "another account is not affected");
        let (status, _) = app.get_json("/api/v1/writer/tasks/").await;
        assert_eq!(status, 401, "no credentials: still a 401");

        app.as_user("PUT", path, &t.owner, Some(&json!({"modules": {"writer": true}}))).await;
        let (status, _) = app.as_user("GET", "/api/v1/writer/tasks/", &t.owner, None).await;
        assert_eq!(status, 200);
        app.cleanup().await;
    })
    .await;
}
