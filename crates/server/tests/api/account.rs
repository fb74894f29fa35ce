//! Account settings and the team: invitations, roles, owner protections, plan limits, site grants.

use serde_json::json;

use crate::fixtures::{PASSWORD, ids};
use crate::helpers::{assert_error, each_backend, spawn_app};

#[tokio::test]
async fn settings_are_read_by_all_and_changed_by_admins() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("own@example.com").await;
        let viewer = app.add_member(&owner, "view@example.com", "viewer", &[]).await;
        let path = "/api/v1/account/settings/";

        let (status, body) = app.as_user("GET", path, &viewer, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["plan"]["slug"], "free");

        let (status, body) = app.as_user("PATCH", path, &viewer, Some(&json!({"timezone": "Europe/Berlin"}))).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PERMISSION_DENIED"));

        let (status, body) = app
            .as_user(
                "PATCH",
                path,
                &owner,
                Some(&json!({"timezone": "Mars/Olympus", "billing_email": "nope", "name": ""})),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        for field in ["timezone", "billing_email", "name"] {
            assert!(body["errors"][field].is_array(), "{field}: {body}");
        }
        let (status, body) = app
            .as_user(
                "PATCH",
                path,
                &owner,
                Some(&json!({"timezone": "Europe/Berlin", "billing_email": "Bills@Example.com", "name": "Acme"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["timezone"], "Europe/Berlin");
        assert_eq!(body["data"]["billing_email"], "bills@example.com");
        assert_eq!(body["data"]["name"], "Acme");
        let (_, body) = app.as_user("PATCH", path, &owner, Some(&json!({"billing_email": null}))).await;
        assert!(body["data"]["billing_email"].is_null());
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn invite_an_editor_who_sets_a_password_and_signs_in() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("lead@example.com").await;
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/account/team/",
                &owner,
                Some(&json!({"email": "New@Example.com", "role": "editor", "first_name": "Nia"})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["data"]["email"], "new@example.com");
        assert_eq!(body["data"]["role"], "editor");
        assert_eq!(body["data"]["has_password"], false);
        assert_eq!(app.login("new@example.com", PASSWORD).await.0, 401, "no password yet");

        let mail = app.last_mail("new@example.com").await.expect("invitation mail");
        assert!(mail.contains("invited") && mail.contains("token="), "{mail}");
        let token = app.mailed_token("new@example.com").await;
        let (status, _) = app
            .post_json("/api/v1/auth/password/reset/confirm/", &json!({"token": token, "new_password": PASSWORD}))
            .await;
        assert_eq!(status, 200);
        let editor = app.login_ok("new@example.com", PASSWORD).await;
        assert_eq!(editor.account_id, owner.account_id);

        let (status, team) = app.as_user("GET", "/api/v1/account/team/", &editor, None).await;
        assert_eq!(status, 200);
        assert_eq!(team["data"].as_array().unwrap().len(), 2);
        let (status, member) =
            app.as_user("GET", &format!("/api/v1/account/team/{}", editor.user_id), &owner, None).await;
        assert_eq!(status, 200);
        assert_eq!(member["data"]["has_password"], true);

        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/account/team/",
                &editor,
                Some(&json!({"email": "x@example.com", "role": "viewer"})),
            )
            .await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PERMISSION_DENIED"));
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn invitations_are_validated_and_limited_by_the_plan() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("plan@example.com").await;
        let invite = |body: serde_json::Value| {
            let app = &app;
            let owner = owner.clone();
            async move { app.as_user("POST", "/api/v1/account/team/", &owner, Some(&body)).await }
        };
        let (status, body) = invite(json!({"email": "dev@example.com", "role": "developer"})).await;
        assert_eq!(status, 400);
        assert!(body["errors"]["role"].is_array(), "{body}");
        let (status, body) = invite(json!({"email": "dev@example.com", "role": "wizard"})).await;
        assert_eq!(status, 400);
        assert!(body["errors"]["role"].is_array(), "{body}");
        let (status, body) = invite(json!({"email": "bad", "role": "editor"})).await;
        assert_eq!(status, 400);
        assert!(body["errors"]["email"].is_array());
        let (status, body) = invite(json!({"email": "plan@example.com", "role": "editor"})).await;
        assert_eq!(status, 409, "{body}");
        assert!(body["errors"]["email"].is_array());
        let (status, body) = invite(json!({"email": "e@example.com", "role": "editor", "site_ids": [424242]})).await;
        assert_eq!(status, 400);
        assert!(body["errors"]["site_ids"].is_array());

        let (status, _) = invite(json!({"email": "second@example.com", "role": "editor"})).await;
        assert_eq!(status, 201);
        // Free allows 2 users.
        let (status, body) = invite(json!({"email": "third@example.com", "role": "editor"})).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PLAN_LIMIT"), "{body}");
        assert_eq!(body["limit"], "max_users");
        assert_eq!(body["plan"], "free");
        assert_eq!(body["max"], 2);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn owners_are_protected() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("first@example.com").await;
        app.set_plan(owner.account_id, "growth").await;
        let admin = app.add_member(&owner, "admin@example.com", "admin", &[]).await;
        let editor = app.add_member(&owner, "editor@example.com", "editor", &[]).await;
        let member = |id: i64| format!("/api/v1/account/team/{id}/");

        let (status, _) = app.as_user("DELETE", &member(owner.user_id), &owner, None).await;
        assert_eq!(status, 409, "cannot remove yourself");
        let (status, _) = app.as_user("PATCH", &member(owner.user_id), &owner, Some(&json!({"role": "viewer"}))).await;
        assert_eq!(status, 409, "cannot demote yourself");
        let (status, body) = app.as_user("DELETE", &member(owner.user_id), &admin, None).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PERMISSION_DENIED"));
        let (status, _) = app.as_user("PATCH", &member(editor.user_id), &admin, Some(&json!({"role": "owner"}))).await;
        assert_eq!(status, 403, "admins cannot make owners");

        // A second owner; then the first may go, but the last one stays.
        let (status, body) =
            app.as_user("PATCH", &member(admin.user_id), &owner, Some(&json!({"role": "owner"}))).await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = app.as_user("PATCH", &member(owner.user_id), &admin, Some(&json!({"role": "admin"}))).await;
        assert_eq!(status, 200);
        let (status, body) =
            app.as_user("PATCH", &member(admin.user_id), &admin, Some(&json!({"is_active": false}))).await;
        assert_eq!(status, 409, "{body}");

        let (status, _) = app.as_user("DELETE", &member(editor.user_id), &admin, None).await;
        assert_eq!(status, 204);
        let (status, body) = app.as_user("GET", "/api/v1/auth/me/", &editor, None).await;
        assert_eq!(
            (status, assert_error(&body).as_str()),
            (401, "TOKEN_INVALID"),
            "a removed member's token stops working"
        );
        let (status, _) = app.as_user("DELETE", &member(editor.user_id), &admin, None).await;
        assert_eq!(status, 404);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn non_admins_see_only_granted_sites() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let tenant = app.tenant("sites-owner@example.com").await;
        app.set_plan(tenant.owner.account_id, "growth").await;
        let (status, other) =
            app.as_user("POST", "/api/v1/auth/sites/", &tenant.owner, Some(&json!({"name": "Second"}))).await;
        assert_eq!(status, 201, "{other}");
        let second = other["data"]["id"].as_i64().unwrap();

        let editor = app.add_member(&tenant.owner, "granted@example.com", "editor", &[tenant.site_id]).await;
        let (_, list) = app.as_user("GET", "/api/v1/auth/sites/", &editor, None).await;
        assert_eq!(ids(&list), [tenant.site_id]);
        assert_eq!(app.as_user("GET", &format!("/api/v1/auth/sites/{second}"), &editor, None).await.0, 404);
        let (_, sectors) = app.as_user("GET", "/api/v1/auth/sectors/", &editor, None).await;
        assert_eq!(sectors["count"], 3);

        let (_, list) = app.as_user("GET", "/api/v1/auth/sites/", &tenant.owner, None).await;
        assert_eq!(list["count"], 2, "admins see every site");

        let path = format!("/api/v1/account/team/{}/", editor.user_id);
        let (status, body) = app.as_user("PATCH", &path, &tenant.owner, Some(&json!({"site_ids": [second]}))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["site_ids"], json!([second]));
        let (_, list) = app.as_user("GET", "/api/v1/auth/sites/", &editor, None).await;
        assert_eq!(ids(&list), [second]);
        app.cleanup().await;
    })
    .await;
}
