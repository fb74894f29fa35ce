//! Tenant isolation across every route of the OpenAPI schema. Account B's owner (the strongest role) attacks
//! account A's objects; every route needs a case here, so a new route without one fails this suite.

use serde_json::{Value, json};

use crate::fixtures::{Auth, Session, Tenant, ids};
use crate::helpers::{TestApp, each_backend, spawn_app};

/// What B's attempt on a route must look like.
enum Case {
    /// Touches no tenant data (health, public catalogue, sign-in flows).
    Public,
    /// A's object id in the path: B gets 404.
    NotFound { id: i64, body: Option<Value> },
    /// A list: none of A's ids may appear.
    ListWithout { ids: Vec<i64> },
    /// A create naming A's objects in the body: refused with 400 naming `field`.
    RefusedField { body: Value, field: &'static str },
    /// Acts on the caller's own account: the answer must be B's, never A's.
    OwnAccount { body: Option<Value> },
    /// Not for account roles at all (platform staff only): 403.
    Forbidden { body: Value },
    /// Checked by a dedicated test (named here) because it cannot be asserted with one request.
    CoveredBy(&'static str),
}

struct World {
    a: Tenant,
    a_integration: i64,
    a_notification: i64,
    a_task: i64,
    a_transaction_ids: Vec<i64>,
    a_editor: Session,
    a_custom_sector: i64,
    a_key: String,
    a_keyword: i64,
    a_cluster: i64,
    a_idea: i64,
    a_writer_task: i64,
    a_content: i64,
    a_taxonomy: i64,
    a_image: i64,
    a_session: i64,
    b: Tenant,
}

async fn world(app: &TestApp) -> World {
    let a = app.tenant("alpha@example.com").await;
    app.set_plan(a.owner.account_id, "growth").await;
    let a_editor = app.add_member(&a.owner, "alpha-editor@example.com", "editor", &[a.site_id]).await;
    let (status, sector) = app
        .as_user(
            "POST",
            "/api/v1/auth/sectors/",
            &a.owner,
            Some(&json!({"site_id": a.site_id, "name": "Alpha custom"})),
        )
        .await;
    assert_eq!(status, 201, "{sector}");
    let (_, key) = app.as_user("POST", &format!("/api/v1/auth/sites/{}/api_key/", a.site_id), &a.owner, None).await;
    let b = app.tenant("bravo@example.com").await;
    app.set_plan(b.owner.account_id, "growth").await;
    let mut notifications = Vec::new();
    let mut transactions = Vec::new();
    for tenant in [&a, &b] {
        let new = server::modules::notifications::service::New {
            account_id: tenant.owner.account_id,
            notification_type: "ai_task_succeeded",
            severity: "success",
            title: "Done".into(),
            message: String::new(),
            action: None,
        };
        notifications
            .push(server::modules::notifications::service::create(&app.db, app.events(), new).await.unwrap().id);
        let txn = db::begin_write(&app.db).await.unwrap();
        server::modules::billing::ledger::grant_in(
            &txn,
            tenant.owner.account_id,
            "bonus",
            10,
            "purchase",
            "pack",
            None,
            "",
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
        let (_, list) = app.as_user("GET", "/api/v1/billing/transactions/", &tenant.owner, None).await;
        transactions.push(ids(&list));
    }
    let (status, saved) = app
        .as_user(
            "PUT",
            "/api/v1/system/prompts/clustering/",
            &a.owner,
            Some(&json!({"prompt_value": "alpha secret prompt: {keywords}"})),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    let mut keyword_ids = Vec::new();
    for tenant in [&a, &b] {
        let body = json!({"site_id": tenant.site_id, "sector_id": tenant.sector_ids[0], "keyword": "tenant keyword"});
        let (status, keyword) = app.as_user("POST", "/api/v1/planner/keywords/", &tenant.owner, Some(&body)).await;
        assert_eq!(status, 201, "{keyword}");
        keyword_ids.push(keyword["data"]["id"].as_i64().unwrap());
    }
    let mut cluster_ids = Vec::new();
    for tenant in [&a, &b] {
        let body = json!({"site_id": tenant.site_id, "sector_id": tenant.sector_ids[0], "name": "Tenant topic"});
        let (status, cluster) = app.as_user("POST", "/api/v1/planner/clusters/", &tenant.owner, Some(&body)).await;
        assert_eq!(status, 201, "{cluster}");
        cluster_ids.push(cluster["data"]["id"].as_i64().unwrap());
    }
    let mut idea_ids = Vec::new();
    for tenant in [&a, &b] {
        let body = json!({"site_id": tenant.site_id, "sector_id": tenant.sector_ids[0], "title": "Tenant idea"});
        let (status, idea) = app.as_user("POST", "/api/v1/planner/ideas/", &tenant.owner, Some(&body)).await;
        assert_eq!(status, 201, "{idea}");
        idea_ids.push(idea["data"]["id"].as_i64().unwrap());
    }
    let mut writer = Vec::new();
    for tenant in [&a, &b] {
        let (site, sector) = (tenant.site_id, tenant.sector_ids[0]);
        let mut made = Vec::new();
        for (path, body) in [
            ("/api/v1/writer/tasks/", json!({"site_id": site, "sector_id": sector, "title": "Tenant task"})),
            ("/api/v1/writer/content/", json!({"site_id": site, "sector_id": sector, "title": "Tenant article"})),
            ("/api/v1/writer/taxonomies/", json!({"site_id": site, "taxonomy_type": "tag", "name": "Tenant tag"})),
        ] {
            let (status, row) = app.as_user("POST", path, &tenant.owner, Some(&body)).await;
            assert_eq!(status, 201, "{path}: {row}");
            made.push(row["data"]["id"].as_i64().unwrap());
        }
        writer.push(made);
    }
    // An image row per account (generated images need the worker; the row is enough for access checks).
    let mut image_ids = Vec::new();
    for (tenant, made) in [(&a, &writer[0]), (&b, &writer[1])] {
        use db::sea_orm::{ActiveValue::Set, EntityTrait};
        let now = chrono::Utc::now();
        let row = db::entities::image::ActiveModel {
            account_id: Set(tenant.owner.account_id),
            site_id: Set(tenant.site_id),
            sector_id: Set(tenant.sector_ids[0]),
            content_id: Set(made[1]),
            image_type: Set("featured".into()),
            position: Set(0),
            prompt: Set("tenant image".into()),
            negative_prompt: Set(String::new()),
            status: Set("generated".into()),
            file_path: Set(Some(format!("{}/x.png", tenant.owner.account_id))),
            mime: Set(Some("image/png".into())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        image_ids.push(db::entities::image::Entity::insert(row).exec(&app.db).await.unwrap().last_insert_id);
    }
    let mut task_ids = Vec::new();
    for tenant in [&a, &b] {
        let new = jobs::tasks::NewTask {
            account_id: tenant.owner.account_id,
            site_id: Some(tenant.site_id),
            user_id: Some(tenant.owner.user_id),
            kind: "auto_cluster".into(),
            input: json!({}),
            total: 0,
            reserved_credits: 0,
        };
        task_ids.push(jobs::tasks::create(&app.db, &jobs::tasks::Unobserved, new).await.unwrap().id);
    }
    let (_, a_sessions) = app.as_user("GET", "/api/v1/auth/sessions/", &a.owner, None).await;
    let a_session = ids(&a_sessions)[0];
    // A WordPress connection per account (no site is contacted: creating one only stores it).
    let mut integration_ids = Vec::new();
    for tenant in [&a, &b] {
        let body = json!({"site_id": tenant.site_id, "auth_mode": "bridge", "site_url": "https://wp.example.com"});
        let (status, row) = app.as_user("POST", "/api/v1/integration/integrations/", &tenant.owner, Some(&body)).await;
        assert_eq!(status, 201, "{row}");
        integration_ids.push(row["data"]["id"].as_i64().unwrap());
    }
    World {
        a_session,
        a_integration: integration_ids[0],
        a_task: task_ids[0],
        a_keyword: keyword_ids[0],
        a_cluster: cluster_ids[0],
        a_idea: idea_ids[0],
        a_writer_task: writer[0][0],
        a_content: writer[0][1],
        a_taxonomy: writer[0][2],
        a_image: image_ids[0],
        a_notification: notifications[0],
        a_transaction_ids: transactions[0].clone(),
        a_custom_sector: sector["data"]["id"].as_i64().unwrap(),
        a_key: key["data"]["api_key"].as_str().unwrap().to_owned(),
        a,
        a_editor,
        b,
    }
}

fn case(method: &str, path: &str, w: &World) -> Option<Case> {
    let a = &w.a;
    let site = a.site_id;
    let sectors = {
        let mut all = a.sector_ids.clone();
        all.push(w.a_custom_sector);
        all
    };
    Some(match (method, path) {
        ("GET", "/api/v1/system/ping" | "/readyz") => Case::Public,
        ("GET", "/api/v1/auth/plans" | "/api/v1/auth/industries" | "/api/v1/auth/industries/{id}") => Case::Public,
        (
            "POST",
            "/api/v1/auth/register"
            | "/api/v1/auth/login"
            | "/api/v1/auth/token/refresh"
            | "/api/v1/auth/logout"
            | "/api/v1/auth/password/reset"
            | "/api/v1/auth/password/reset/confirm",
        ) => Case::Public,
        ("POST", "/api/v1/auth/login/two_factor" | "/api/v1/auth/login/two_factor/setup") => Case::Public,
        ("GET", "/api/v1/auth/two_factor" | "/api/v1/account/security") | ("POST", "/api/v1/auth/two_factor/setup") => {
            Case::OwnAccount { body: None }
        }
        (
            "POST",
            "/api/v1/auth/two_factor/enable"
            | "/api/v1/auth/two_factor/disable"
            | "/api/v1/auth/two_factor/recovery_codes",
        ) => Case::CoveredBy("security::two_factor_routes_act_on_the_callers_own_user_only"),
        ("GET", "/api/v1/auth/sessions") => Case::ListWithout { ids: vec![w.a_session] },
        ("DELETE", "/api/v1/auth/sessions/{id}") => Case::NotFound { id: w.a_session, body: None },
        ("POST", "/api/v1/auth/sessions/end_others") => Case::OwnAccount { body: None },
        ("PATCH", "/api/v1/account/security") => Case::OwnAccount { body: Some(json!({"require_two_factor": false})) },
        ("POST", "/api/v1/account/team/{id}/end_sessions") => Case::NotFound { id: w.a_editor.user_id, body: None },
        ("GET", "/api/v1/auth/me") => Case::OwnAccount { body: None },
        ("PATCH", "/api/v1/auth/me") => Case::OwnAccount { body: Some(json!({"first_name": "B"})) },
        ("POST", "/api/v1/auth/password/change") => Case::OwnAccount {
            body: Some(
                json!({"current_password": crate::fixtures::PASSWORD, "new_password": crate::fixtures::PASSWORD}),
            ),
        },
        ("GET", "/api/v1/account/settings") => Case::OwnAccount { body: None },
        ("PATCH", "/api/v1/account/settings") => Case::OwnAccount { body: Some(json!({"timezone": "UTC"})) },
        ("GET", "/api/v1/account/team") => Case::ListWithout { ids: vec![a.owner.user_id, w.a_editor.user_id] },
        ("POST", "/api/v1/account/team") => Case::RefusedField {
            body: json!({"email": "spy@example.com", "role": "editor", "site_ids": [site]}),
            field: "site_ids",
        },
        ("GET" | "DELETE", "/api/v1/account/team/{id}") => Case::NotFound { id: w.a_editor.user_id, body: None },
        ("PATCH", "/api/v1/account/team/{id}") => {
            Case::NotFound { id: w.a_editor.user_id, body: Some(json!({"role": "viewer"})) }
        }
        ("GET", "/api/v1/auth/sites") => Case::ListWithout { ids: vec![site] },
        ("GET", "/api/v1/auth/sites/filter_options") => Case::OwnAccount { body: None },
        ("POST", "/api/v1/auth/sites") => Case::OwnAccount { body: Some(json!({"name": "Bravo extra"})) },
        ("GET" | "DELETE", "/api/v1/auth/sites/{id}") => Case::NotFound { id: site, body: None },
        ("PATCH", "/api/v1/auth/sites/{id}") => Case::NotFound { id: site, body: Some(json!({"name": "hijacked"})) },
        ("POST", "/api/v1/auth/sites/{id}/set_active") => Case::NotFound { id: site, body: None },
        ("POST", "/api/v1/auth/sites/{id}/select_sectors") => {
            Case::NotFound { id: site, body: Some(json!({"industry_slug": "home-garden", "sector_slugs": []})) }
        }
        ("GET", "/api/v1/auth/sites/{id}/sectors") => Case::NotFound { id: site, body: None },
        ("POST" | "DELETE", "/api/v1/auth/sites/{id}/api_key") => Case::NotFound { id: site, body: None },
        ("GET", "/api/v1/auth/sectors") => Case::ListWithout { ids: sectors },
        ("POST", "/api/v1/auth/sectors") => {
            Case::RefusedField { body: json!({"site_id": site, "name": "spy"}), field: "site_id" }
        }
        ("GET" | "DELETE", "/api/v1/auth/sectors/{id}") => Case::NotFound { id: w.a_custom_sector, body: None },
        ("PATCH", "/api/v1/auth/sectors/{id}") => {
            Case::NotFound { id: w.a_custom_sector, body: Some(json!({"name": "hijacked"})) }
        }
        (
            "GET",
            "/api/v1/billing/credits/balance" | "/api/v1/billing/usage" | "/api/v1/billing/transactions/filter_options",
        ) => Case::OwnAccount { body: None },
        ("GET", "/api/v1/billing/transactions") => Case::ListWithout { ids: w.a_transaction_ids.clone() },
        ("POST", "/api/v1/billing/admin/credits/adjust") => Case::Forbidden {
            body: json!({"account_id": a.owner.account_id, "pool": "bonus", "amount": 1000, "reason": "steal"}),
        },
        ("GET", "/api/v1/notifications") => Case::ListWithout { ids: vec![w.a_notification] },
        ("GET", "/api/v1/notifications/filter_options" | "/api/v1/notifications/unread_count") => {
            Case::OwnAccount { body: None }
        }
        ("POST", "/api/v1/notifications/mark_all_read") => Case::OwnAccount { body: None },
        ("POST", "/api/v1/notifications/mark_read") => {
            Case::OwnAccount { body: Some(json!({"ids": [w.a_notification]})) }
        }
        ("POST", "/api/v1/notifications/{id}/read") | ("DELETE", "/api/v1/notifications/{id}") => {
            Case::NotFound { id: w.a_notification, body: None }
        }
        ("GET", "/api/v1/notifications/stream") => {
            Case::CoveredBy("notifications::the_stream_carries_only_the_callers_account")
        }
        // Queues a task in the caller's own account; it names no other account's objects.
        ("POST", "/api/v1/system/ai/test_connection") => Case::OwnAccount { body: Some(json!({"message": "b"})) },
        // Prompts: B reads and edits its own account's versions; A's override (which mentions "alpha") never shows.
        ("GET", "/api/v1/system/prompts" | "/api/v1/system/prompts/{prompt_type}" | "/api/v1/system/ai/models") => {
            Case::OwnAccount { body: None }
        }
        ("GET", "/api/v1/system/prompts/by_type") => {
            Case::CoveredBy("ai_settings::prompts_resolve_from_account_then_global_then_default")
        }
        ("PUT", "/api/v1/system/prompts/{prompt_type}") => {
            Case::OwnAccount { body: Some(json!({"prompt_value": "Bravo's own: {keywords}"})) }
        }
        ("POST", "/api/v1/system/prompts/{prompt_type}/reset") => Case::OwnAccount { body: None },
        ("POST", "/api/v1/system/prompts/save_prompt") => Case::OwnAccount {
            body: Some(json!({"prompt_type": "clustering", "prompt_value": "Bravo's own: {keywords}"})),
        },
        ("POST", "/api/v1/system/prompts/reset_prompt") => {
            Case::OwnAccount { body: Some(json!({"prompt_type": "clustering"})) }
        }
        // Platform-wide settings: staff only.
        ("PUT", "/api/v1/system/admin/prompts/{prompt_type}") => {
            Case::Forbidden { body: json!({"prompt_value": "hijack {keywords}"}) }
        }
        ("POST", "/api/v1/system/admin/prompts/{prompt_type}/reset") => Case::Forbidden { body: json!({}) },
        ("POST", "/api/v1/system/admin/ai/providers") => {
            Case::Forbidden { body: json!({"slug": "evil", "kind": "openai", "base_url": "http://127.0.0.1:1"}) }
        }
        ("POST", "/api/v1/system/admin/ai/models") => {
            Case::Forbidden { body: json!({"provider_id": 1, "model_id": "evil", "model_type": "text"}) }
        }
        (
            "GET",
            "/api/v1/system/admin/ai/providers"
            | "/api/v1/system/admin/ai/models"
            | "/api/v1/system/admin/ai/functions",
        )
        | (
            "GET" | "PATCH" | "DELETE",
            "/api/v1/system/admin/ai/providers/{id}" | "/api/v1/system/admin/ai/models/{id}",
        )
        | ("PUT", "/api/v1/system/admin/ai/functions/{function}") => Case::Forbidden { body: json!({}) },
        ("GET", "/api/v1/planner/keywords") => Case::ListWithout { ids: vec![w.a_keyword] },
        ("POST", "/api/v1/planner/keywords") => Case::RefusedField {
            body: json!({"site_id": site, "sector_id": a.sector_ids[0], "keyword": "spy"}),
            field: "site_id",
        },
        ("GET" | "DELETE", "/api/v1/planner/keywords/{id}") => Case::NotFound { id: w.a_keyword, body: None },
        ("PATCH", "/api/v1/planner/keywords/{id}") => {
            Case::NotFound { id: w.a_keyword, body: Some(json!({"intent": "navigational"})) }
        }
        ("GET", "/api/v1/planner/keywords/filter_options") => Case::OwnAccount { body: None },
        ("GET", "/api/v1/planner/keywords/export") => {
            Case::CoveredBy("keywords::bulk_actions_touch_only_the_callers_keywords")
        }
        ("POST", "/api/v1/planner/keywords/import_keywords") => {
            Case::CoveredBy("keywords::csv_import_is_all_or_nothing_with_line_numbers")
        }
        // A's ids are ignored: nothing changes, and the count says so.
        ("POST", "/api/v1/planner/keywords/bulk_delete") => {
            Case::OwnAccount { body: Some(json!({"ids": [w.a_keyword]})) }
        }
        ("POST", "/api/v1/planner/keywords/bulk_update") => {
            Case::OwnAccount { body: Some(json!({"ids": [w.a_keyword], "intent": "navigational"})) }
        }
        ("POST", "/api/v1/planner/keywords/bulk_add_from_seed") => Case::RefusedField {
            body: json!({"seed_keyword_ids": [1], "site_id": site, "sector_id": a.sector_ids[0]}),
            field: "site_id",
        },
        ("POST", "/api/v1/planner/keywords/auto_cluster") => {
            Case::RefusedField { body: json!({"sector_id": a.sector_ids[0]}), field: "sector_id" }
        }
        ("GET", "/api/v1/planner/clusters") => Case::ListWithout { ids: vec![w.a_cluster] },
        ("POST", "/api/v1/planner/clusters") => Case::RefusedField {
            body: json!({"site_id": site, "sector_id": a.sector_ids[0], "name": "spy"}),
            field: "site_id",
        },
        ("GET" | "DELETE", "/api/v1/planner/clusters/{id}") => Case::NotFound { id: w.a_cluster, body: None },
        ("PATCH", "/api/v1/planner/clusters/{id}") => {
            Case::NotFound { id: w.a_cluster, body: Some(json!({"name": "hijacked"})) }
        }
        ("GET", "/api/v1/planner/clusters/filter_options") => Case::OwnAccount { body: None },
        ("POST", "/api/v1/planner/clusters/auto_generate_ideas") => {
            Case::RefusedField { body: json!({"ids": [w.a_cluster]}), field: "ids" }
        }
        ("GET", "/api/v1/planner/ideas") => Case::ListWithout { ids: vec![w.a_idea] },
        ("POST", "/api/v1/planner/ideas") => Case::RefusedField {
            body: json!({"site_id": site, "sector_id": a.sector_ids[0], "title": "spy"}),
            field: "site_id",
        },
        ("GET" | "DELETE", "/api/v1/planner/ideas/{id}") => Case::NotFound { id: w.a_idea, body: None },
        ("PATCH", "/api/v1/planner/ideas/{id}") => {
            Case::NotFound { id: w.a_idea, body: Some(json!({"title": "hijacked"})) }
        }
        ("GET", "/api/v1/planner/ideas/filter_options") => Case::OwnAccount { body: None },
        ("POST", "/api/v1/planner/ideas/bulk_queue_to_writer") => {
            Case::RefusedField { body: json!({"ids": [w.a_idea]}), field: "ids" }
        }
        ("GET", "/api/v1/writer/tasks") => Case::ListWithout { ids: vec![w.a_writer_task] },
        ("POST", "/api/v1/writer/tasks") => Case::RefusedField {
            body: json!({"site_id": site, "sector_id": a.sector_ids[0], "title": "spy"}),
            field: "site_id",
        },
        ("GET" | "DELETE", "/api/v1/writer/tasks/{id}") => Case::NotFound { id: w.a_writer_task, body: None },
        ("PATCH", "/api/v1/writer/tasks/{id}") => {
            Case::NotFound { id: w.a_writer_task, body: Some(json!({"title": "hijacked"})) }
        }
        ("GET", "/api/v1/writer/tasks/filter_options" | "/api/v1/writer/content/filter_options") => {
            Case::OwnAccount { body: None }
        }
        ("POST", "/api/v1/writer/tasks/bulk_delete") => {
            Case::OwnAccount { body: Some(json!({"ids": [w.a_writer_task]})) }
        }
        ("POST", "/api/v1/writer/tasks/bulk_update") => {
            Case::OwnAccount { body: Some(json!({"ids": [w.a_writer_task], "status": "completed"})) }
        }
        ("POST", "/api/v1/writer/tasks/auto_generate_content") => {
            Case::RefusedField { body: json!({"ids": [w.a_writer_task]}), field: "ids" }
        }
        ("GET", "/api/v1/writer/content") => Case::ListWithout { ids: vec![w.a_content] },
        ("POST", "/api/v1/writer/content") => Case::RefusedField {
            body: json!({"site_id": site, "sector_id": a.sector_ids[0], "title": "spy"}),
            field: "site_id",
        },
        (
            "GET" | "DELETE",
            "/api/v1/writer/content/{id}"
            | "/api/v1/writer/content/{id}/validation"
            | "/api/v1/writer/content/{id}/taxonomies",
        )
        | ("POST", "/api/v1/writer/content/{id}/submit_review") => Case::NotFound { id: w.a_content, body: None },
        ("PATCH", "/api/v1/writer/content/{id}") => {
            Case::NotFound { id: w.a_content, body: Some(json!({"title": "hijacked"})) }
        }
        ("POST", "/api/v1/writer/content/{id}/approve" | "/api/v1/writer/content/{id}/reject") => {
            Case::NotFound { id: w.a_content, body: Some(json!({"reason": "spy"})) }
        }
        ("GET", "/api/v1/writer/taxonomies") => Case::ListWithout { ids: vec![w.a_taxonomy] },
        ("POST", "/api/v1/writer/taxonomies") => Case::RefusedField {
            body: json!({"site_id": site, "taxonomy_type": "tag", "name": "spy"}),
            field: "site_id",
        },
        ("GET" | "DELETE", "/api/v1/writer/taxonomies/{id}") => Case::NotFound { id: w.a_taxonomy, body: None },
        ("PATCH", "/api/v1/writer/taxonomies/{id}") => {
            Case::NotFound { id: w.a_taxonomy, body: Some(json!({"name": "hijacked"})) }
        }
        ("GET", "/api/v1/writer/settings" | "/api/v1/system/settings/modules") => Case::OwnAccount { body: None },
        ("PUT", "/api/v1/system/settings/modules") => {
            Case::OwnAccount { body: Some(json!({"modules": {"optimizer": false}})) }
        }
        ("GET", "/api/v1/writer/images") => Case::ListWithout { ids: vec![w.a_image] },
        ("GET", "/api/v1/writer/images/content_images") => {
            Case::CoveredBy("images::an_article_gets_three_stored_images_and_goes_to_review")
        }
        ("GET", "/api/v1/writer/images/{id}/file") | ("POST", "/api/v1/writer/images/{id}/regenerate") => {
            Case::NotFound { id: w.a_image, body: None }
        }
        ("POST", "/api/v1/writer/images/bulk_update") => {
            Case::OwnAccount { body: Some(json!({"ids": [w.a_image], "status": "pending"})) }
        }
        ("POST", "/api/v1/writer/images/generate_images") => {
            Case::RefusedField { body: json!({"ids": [w.a_image]}), field: "ids" }
        }
        ("POST", "/api/v1/writer/content/generate_image_prompts") => {
            Case::RefusedField { body: json!({"ids": [w.a_content]}), field: "ids" }
        }
        ("PUT", "/api/v1/writer/settings") => Case::OwnAccount { body: Some(json!({"tone": "bravo tone"})) },
        // The library is global: every account reads the same rows.
        (
            "GET",
            "/api/v1/keywords-library"
            | "/api/v1/keywords-library/filter_options"
            | "/api/v1/keywords-library/sector_stats",
        ) => Case::OwnAccount { body: None },
        ("POST", "/api/v1/keywords-library/admin/import") => Case::Forbidden { body: json!({}) },
        ("GET", "/api/v1/integration/integrations") => Case::ListWithout { ids: vec![w.a_integration] },
        ("POST", "/api/v1/integration/integrations") => Case::RefusedField {
            body: json!({"site_id": site, "auth_mode": "bridge", "site_url": "https://hijack.example.com"}),
            field: "site_id",
        },
        ("GET" | "DELETE", "/api/v1/integration/integrations/{id}")
        | ("POST", "/api/v1/integration/integrations/{id}/test_connection") => {
            Case::NotFound { id: w.a_integration, body: None }
        }
        ("PATCH", "/api/v1/integration/integrations/{id}") => {
            Case::NotFound { id: w.a_integration, body: Some(json!({"site_url": "https://hijack.example.com"})) }
        }
        ("GET", "/api/v1/tasks") => Case::ListWithout { ids: vec![w.a_task] },
        ("GET", "/api/v1/tasks/{id}" | "/api/v1/tasks/{id}/events") | ("POST", "/api/v1/tasks/{id}/cancel") => {
            Case::NotFound { id: w.a_task, body: None }
        }
        _ => return None,
    })
}

fn operations(schema: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in schema["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                found.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    found
}

/// Path parameters that name no tenant object.
fn fill(path: &str) -> String {
    path.replace("{prompt_type}", "clustering").replace("{function}", "connection_test").replace("{id}", "1")
}

fn mentions(body: &Value, account_id: i64) -> bool {
    body.to_string().contains(&format!("\"account_id\":{account_id}"))
}

#[tokio::test]
async fn no_route_lets_one_account_reach_another() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let w = world(&app).await;
        let (_, schema) = app.get_json("/api/schema/").await;
        let operations = operations(&schema);
        assert!(operations.len() >= 30, "schema has {} operations", operations.len());

        let uncovered: Vec<String> =
            operations.iter().filter(|(m, p)| case(m, p, &w).is_none()).map(|(m, p)| format!("{m} {p}")).collect();
        assert!(uncovered.is_empty(), "routes without an isolation case: {uncovered:#?}");

        for (method, path) in &operations {
            let attacker = &w.b.owner;
            match case(method, path, &w).unwrap() {
                Case::Public => {}
                Case::NotFound { id, body } => {
                    let url = path.replace("{id}", &id.to_string());
                    let (status, response) = app.as_user(method, &url, attacker, body.as_ref()).await;
                    assert_eq!(status, 404, "{method} {url} as B: {response}");
                }
                Case::ListWithout { ids: forbidden } => {
                    let (status, response) = app.as_user(method, path, attacker, None).await;
                    assert_eq!(status, 200, "{method} {path}: {response}");
                    let seen = ids(&response);
                    assert!(!seen.is_empty(), "{method} {path}: B sees its own rows");
                    assert!(
                        forbidden.iter().all(|id| !seen.contains(id)),
                        "{method} {path} leaks {forbidden:?}: {seen:?}"
                    );
                }
                Case::RefusedField { body, field } => {
                    let (status, response) = app.as_user(method, path, attacker, Some(&body)).await;
                    assert_eq!(status, 400, "{method} {path}: {response}");
                    assert!(response["errors"][field].is_array(), "{method} {path}: {response}");
                }
                Case::Forbidden { body } => {
                    let path = &fill(path);
                    let (status, response) = app.as_user(method, path, attacker, Some(&body)).await;
                    assert_eq!(status, 403, "{method} {path}: {response}");
                }
                Case::CoveredBy(test) => {
                    // The named test must exist, so renaming it cannot silently drop the coverage.
                    let sources = [
                        include_str!("notifications.rs"),
                        include_str!("ai_settings.rs"),
                        include_str!("keywords.rs"),
                        include_str!("images.rs"),
                        include_str!("security.rs"),
                    ];
                    let name = test.rsplit("::").next().unwrap();
                    assert!(
                        sources.iter().any(|s| s.contains(&format!("fn {name}("))),
                        "{method} {path}: no test {test}"
                    );
                }
                Case::OwnAccount { body } => {
                    let path = &fill(path);
                    let (status, response) = app.as_user(method, path, attacker, body.as_ref()).await;
                    assert!(status < 300, "{method} {path}: {response}");
                    assert!(!mentions(&response, w.a.owner.account_id), "{method} {path} shows A's data: {response}");
                    assert!(!response.to_string().contains("alpha"), "{method} {path} shows A's data: {response}");
                }
            }
        }

        // A's site key reaches nothing of B's.
        let (status, _) =
            app.call("GET", &format!("/api/v1/auth/sites/{}", w.b.site_id), Auth::ApiKey(&w.a_key), None).await;
        assert_eq!(status, 404);

        // After every attack A's data is as it was.
        let (status, site) = app.as_user("GET", &format!("/api/v1/auth/sites/{}", w.a.site_id), &w.a.owner, None).await;
        assert_eq!(status, 200);
        assert_eq!(site["data"]["name"], "Site of alpha@example.com");
        assert_eq!(site["data"]["has_api_key"], true);
        let (_, sectors) = app.as_user("GET", "/api/v1/auth/sectors/", &w.a.owner, None).await;
        assert_eq!(sectors["count"], 4);
        let (_, team) = app.as_user("GET", "/api/v1/account/team/", &w.a.owner, None).await;
        assert_eq!(team["data"].as_array().unwrap().len(), 2);
        assert!(team["data"].as_array().unwrap().iter().any(|m| m["role"] == "editor"));
        let (_, unread) = app.as_user("GET", "/api/v1/notifications/unread_count/", &w.a.owner, None).await;
        assert_eq!(unread["data"]["unread"], 1, "B's mark-read calls left A's notification alone");
        let (_, balance) = app.as_user("GET", "/api/v1/billing/credits/balance/", &w.a.owner, None).await;
        assert_eq!(balance["data"]["bonus_credits"], 10);
        let (_, task) = app.as_user("GET", &format!("/api/v1/tasks/{}", w.a_task), &w.a.owner, None).await;
        assert_eq!(task["data"]["status"], "queued", "B could not cancel A's task");
        let (status, keyword) =
            app.as_user("GET", &format!("/api/v1/planner/keywords/{}/", w.a_keyword), &w.a.owner, None).await;
        assert_eq!(status, 200, "B could not delete A's keyword: {keyword}");
        assert_eq!(keyword["data"]["intent"], "informational", "B could not change A's keyword");
        let (_, cluster) =
            app.as_user("GET", &format!("/api/v1/planner/clusters/{}/", w.a_cluster), &w.a.owner, None).await;
        assert_eq!(cluster["data"]["name"], "Tenant topic");
        let (_, idea) = app.as_user("GET", &format!("/api/v1/planner/ideas/{}/", w.a_idea), &w.a.owner, None).await;
        assert_eq!(idea["data"]["title"], "Tenant idea");
        for (path, field, want) in [
            (format!("/api/v1/writer/tasks/{}/", w.a_writer_task), "title", "Tenant task"),
            (format!("/api/v1/writer/content/{}/", w.a_content), "title", "Tenant article"),
            (format!("/api/v1/writer/taxonomies/{}/", w.a_taxonomy), "name", "Tenant tag"),
        ] {
            let (status, row) = app.as_user("GET", &path, &w.a.owner, None).await;
            assert_eq!((status, row["data"][field].as_str()), (200, Some(want)), "{path}");
        }
        let (_, task) =
            app.as_user("GET", &format!("/api/v1/writer/tasks/{}/", w.a_writer_task), &w.a.owner, None).await;
        assert_eq!(task["data"]["status"], "queued", "B's bulk update left A's task alone");
        let (_, images) = app.as_user("GET", "/api/v1/writer/images/", &w.a.owner, None).await;
        assert_eq!(images["results"][0]["status"], "generated", "B's bulk update left A's image alone");
        let (_, settings) = app.as_user("GET", "/api/v1/writer/settings/", &w.a.owner, None).await;
        assert_ne!(settings["data"]["tone"], "bravo tone");
        let (_, prompt) = app.as_user("GET", "/api/v1/system/prompts/clustering/", &w.a.owner, None).await;
        assert_eq!(
            prompt["data"]["prompt_value"], "alpha secret prompt: {keywords}",
            "B's edits left A's prompt alone"
        );
        app.cleanup().await;
    })
    .await;
}
