//! The writer: ideas become tasks, tasks become articles that follow the idea's outline (Offline provider and a
//! mock model), sanitised HTML, server-side word counts, taxonomies from the reply, the editorial transitions and
//! the SEO checklist.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::ai::{app, balance, chat_reply};
use crate::fixtures::Tenant;
use crate::helpers::{TestApp, assert_error, each_backend};

/// Keywords → clusters → ideas (Offline), then the first `n` ideas queued to the writer. Returns the task ids.
pub(crate) async fn queued_tasks(app: &TestApp, t: &Tenant, n: usize) -> (Vec<i64>, Vec<Value>) {
    let sector = crate::clusters::seed(app, t).await;
    let done = app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector})).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let (_, clusters) = app.as_user("GET", "/api/v1/planner/clusters/?ordering=name", &t.owner, None).await;
    let first = clusters["results"][0]["id"].as_i64().unwrap();
    let done = app
        .run_action(
            &t.owner,
            "/api/v1/planner/clusters/auto_generate_ideas/",
            &json!({"ids": [first], "ideas_per_cluster": 3}),
        )
        .await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let (_, ideas) = app.as_user("GET", "/api/v1/planner/ideas/?ordering=title", &t.owner, None).await;
    let ideas: Vec<Value> = ideas["results"].as_array().unwrap().iter().take(n).cloned().collect();
    let ids: Vec<i64> = ideas.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    let (status, queued) =
        app.as_user("POST", "/api/v1/planner/ideas/bulk_queue_to_writer/", &t.owner, Some(&json!({"ids": ids}))).await;
    assert_eq!(status, 200, "{queued}");
    assert_eq!(queued["data"]["created"].as_u64(), Some(n as u64));
    // The tasks in the order of the ideas they came from.
    let (_, list) = app.as_user("GET", "/api/v1/writer/tasks/", &t.owner, None).await;
    let tasks = ideas
        .iter()
        .map(|idea| {
            let task = list["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["idea_id"] == idea["id"])
                .expect("a task per idea");
            task["id"].as_i64().unwrap()
        })
        .collect();
    (tasks, ideas)
}

#[tokio::test]
async fn offline_articles_follow_the_outline_and_move_through_review() {
    each_backend(|backend| async move {
        let app = app(backend, None).await;
        let t = app.tenant("writer-offline@example.com").await;
        let (tasks, ideas) = queued_tasks(&app, &t, 2).await;
        let (_, again) = app.as_user("POST", "/api/v1/planner/ideas/bulk_queue_to_writer/", &t.owner, Some(&json!({"ids": [ideas[0]["id"]]}))).await;
        assert_eq!((again["data"]["created"].as_i64(), again["data"]["skipped"].as_i64()), (Some(0), Some(1)));
        let (_, idea) = app.as_user("GET", &format!("/api/v1/planner/ideas/{}/", ideas[0]["id"]), &t.owner, None).await;
        assert_eq!(idea["data"]["status"], "queued");
        let (_, task) = app.as_user("GET", &format!("/api/v1/writer/tasks/{}/", tasks[0]), &t.owner, None).await;
        assert_eq!((task["data"]["title"].as_str(), task["data"]["status"].as_str()), (ideas[0]["title"].as_str(), Some("queued")));

        let before = balance(&app, &t.owner).await;
        let done = app.run_action(&t.owner, "/api/v1/writer/tasks/auto_generate_content/", &json!({"ids": tasks})).await;
        assert_eq!(done["status"], "succeeded", "{done}");
        assert_eq!(balance(&app, &t.owner).await, before - 6, "the minimum (3) per article");
        let (_, list) = app.as_user("GET", "/api/v1/writer/content/?ordering=title", &t.owner, None).await;
        assert_eq!(list["count"], 2);
        let article = list["results"].as_array().unwrap().iter().find(|c| c["task_id"] == tasks[0]).unwrap().clone();
        assert_eq!((article["status"].as_str(), article["site_status"].as_str(), article["source"].as_str()), (Some("draft"), Some("not_published"), Some("offline")));
        let body = article["content_html"].as_str().unwrap();
        for section in ideas[0]["outline"].as_array().unwrap() {
            assert!(body.contains(&format!("<h2>{}</h2>", section["h2"].as_str().unwrap())), "follows the outline: {}", section["h2"]);
        }
        assert!(body.contains("Offline draft") && !body.contains("<h1"));
        assert!(article["word_count"].as_i64().unwrap() > 300, "{}", article["word_count"]);
        assert!(article["meta_title"].as_str().unwrap().chars().count() <= 60);
        let (_, task) = app.as_user("GET", &format!("/api/v1/writer/tasks/{}/", tasks[0]), &t.owner, None).await;
        assert_eq!(task["data"]["status"], "completed");
        let (_, idea) = app.as_user("GET", &format!("/api/v1/planner/ideas/{}/", ideas[0]["id"]), &t.owner, None).await;
        assert_eq!(idea["data"]["status"], "completed");
        let id = article["id"].as_i64().unwrap();
        let (_, tags) = app.as_user("GET", &format!("/api/v1/writer/content/{id}/taxonomies/"), &t.owner, None).await;
        assert!(tags["data"].as_array().unwrap().iter().any(|t| t["taxonomy_type"] == "tag"), "{tags}");

        // The checklist: no images yet, the rest computed from the article.
        let (_, checks) = app.as_user("GET", &format!("/api/v1/writer/content/{id}/validation/"), &t.owner, None).await;
        let by_id = |name: &str| checks["data"]["checks"].as_array().unwrap().iter().find(|c| c["id"] == name).unwrap()["passed"].clone();
        assert_eq!(by_id("images_present"), false);
        assert_eq!(by_id("no_h1"), true);
        assert_eq!(by_id("h2_count"), true);

        // Editorial moves.
        let base = format!("/api/v1/writer/content/{id}");
        let (status, body) = app.as_user("POST", &format!("{base}/approve/"), &t.owner, Some(&json!({}))).await;
        assert_eq!((status, body["errors"].is_object() || body["code"] == "CONFLICT"), (409, true), "draft cannot be approved: {body}");
        assert!(body["error"].as_str().unwrap().contains("draft"));
        let (status, body) = app.as_user("POST", &format!("{base}/submit_review/"), &t.owner, None).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("review")));
        let (status, body) = app.as_user("POST", &format!("{base}/reject/"), &t.owner, Some(&json!({}))).await;
        assert_eq!((status, body["errors"]["reason"].is_array()), (400, true));
        let (_, body) = app.as_user("POST", &format!("{base}/reject/"), &t.owner, Some(&json!({"reason": "Add sources"}))).await;
        assert_eq!((body["data"]["status"].as_str(), body["data"]["review_note"].as_str()), (Some("draft"), Some("Add sources")));
        app.as_user("POST", &format!("{base}/submit_review/"), &t.owner, None).await;
        assert_eq!(article["offline_draft"], true, "an offline draft carrying its note");
        let (_, body) = app.as_user("POST", &format!("{base}/approve/"), &t.owner, Some(&json!({"reason": "Good"}))).await;
        assert_eq!(body["data"]["status"], "approved");
        // Approving it warns: the note is still in the body, it needs rewriting before it is published.
        assert_eq!(body["data"]["offline_draft"], true);
        let warnings = body["data"]["warnings"].as_array().unwrap();
        assert!(warnings.len() == 1 && warnings[0].as_str().unwrap().contains("offline draft"), "{body}");
        assert!(body["data"]["content_html"].as_str().unwrap().contains("Offline draft:"), "the note stays");
        let (_, approved) = app.as_user("GET", "/api/v1/writer/content/?status=approved", &t.owner, None).await;
        assert_eq!(approved["count"], 1);

        // A user's edit is sanitised and re-counted.
        let (status, body) = app
            .as_user("PATCH", &format!("{base}/"), &t.owner, Some(&json!({"content_html": "<p onclick=\"x()\">Three short words</p><script>alert(1)</script><iframe src=//x></iframe>"})))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["content_html"], "<p>Three short words</p>");
        assert_eq!(body["data"]["word_count"], 3);
        assert_eq!(body["data"]["offline_draft"], false, "rewritten: the note is gone");
        let (status, body) = app.as_user("PATCH", &format!("{base}/"), &t.owner, Some(&json!({"meta_title": "x".repeat(61)}))).await;
        assert_eq!((status, body["errors"]["meta_title"].is_array()), (400, true));

        for (bad, field) in [(json!({"ids": []}), "ids"), (json!({"ids": (1..=11).collect::<Vec<i64>>()}), "ids"), (json!({"ids": [999_999]}), "ids")] {
            let (status, body) = app.as_user("POST", "/api/v1/writer/tasks/auto_generate_content/", &t.owner, Some(&bad)).await;
            assert_eq!(status, 400, "{bad}");
            assert!(body["errors"][field].is_array(), "{body}");
        }
        app.cleanup().await;
    })
    .await;
}

fn article_reply(meta_title: &str) -> Value {
    json!({
        "title": "Compost Bins Explained", "meta_title": meta_title,
        "meta_description": "How compost bins work, which one to pick, and how to keep it healthy all year.",
        "content": format!("<h1>Dup title</h1><p>Compost bin basics for everyone.</p><script>steal()</script><h2>Why</h2><p onmouseover=\"x()\">{}</p>", "word ".repeat(120)),
        "primary_keyword": "compost bin", "secondary_keywords": ["best compost bin"],
        "tags": ["Composting", "Garden Waste"], "categories": ["Garden"]
    })
}

#[tokio::test]
async fn a_model_article_is_checked_sanitised_and_saved_once() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        let app = app(backend, None).await;
        let t = app.tenant("writer-model@example.com").await;
        let (tasks, ideas) = queued_tasks(&app, &t, 1).await;
        // Switch the text model to the mock for content only (staff set it per function).
        let staff = app.register("writer-staff@example.com").await;
        app.execute(&format!("UPDATE users SET role = 'developer' WHERE id = {}", staff.user_id)).await;
        let (_, provider) = app
            .as_user("POST", "/api/v1/system/admin/ai/providers/", &staff, Some(&json!({"slug": "mock", "kind": "openai", "base_url": mock.uri(), "api_key": "sk-mock", "timeout_secs": 5})))
            .await;
        let (_, model) = app
            .as_user("POST", "/api/v1/system/admin/ai/models/", &staff, Some(&json!({"provider_id": provider["data"]["id"], "model_id": "writer-model", "model_type": "text"})))
            .await;
        app.as_user("PUT", "/api/v1/system/admin/ai/functions/generate_content/", &staff, Some(&json!({"model_id": model["data"]["id"]}))).await;
        let (status, _) = app.as_user("PUT", "/api/v1/writer/settings/", &t.owner, Some(&json!({"tone": "playful", "extra_instructions": "Mention our newsletter."}))).await;
        assert_eq!(status, 200);

        let mut no_text = article_reply("Compost Bins Explained");
        no_text["content"] = json!("<p>Too short.</p>");
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(chat_reply(&no_text.to_string())))
            .up_to_n_times(2).mount(&mock).await;
        // A meta title over 60 characters is shortened at a word boundary, not worth another call.
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(chat_reply(&article_reply(&"Far too long meta title ".repeat(4)).to_string())))
            .mount(&mock).await;
        let before = balance(&app, &t.owner).await;
        let failed = app.run_action(&t.owner, "/api/v1/writer/tasks/auto_generate_content/", &json!({"ids": tasks})).await;
        assert_eq!((failed["status"].as_str(), failed["error_code"].as_str()), (Some("failed"), Some("PARSE_ERROR")), "{failed}");
        assert!(failed["error"].as_str().unwrap().contains("content has almost no text"), "{failed}");
        let (_, list) = app.as_user("GET", "/api/v1/writer/content/", &t.owner, None).await;
        assert_eq!(list["count"], 0, "nothing saved");
        let (_, task) = app.as_user("GET", &format!("/api/v1/writer/tasks/{}/", tasks[0]), &t.owner, None).await;
        assert_eq!(task["data"]["status"], "queued");
        assert_eq!(balance(&app, &t.owner).await, before);

        let done = app.run_action(&t.owner, "/api/v1/writer/tasks/auto_generate_content/", &json!({"ids": tasks})).await;
        assert_eq!(done["status"], "succeeded", "{done}");
        assert_eq!(mock.received_requests().await.unwrap().len(), 3, "no repair request for a long meta title");
        let sent: Value = serde_json::from_slice(&mock.received_requests().await.unwrap().last().unwrap().body).unwrap();
        let prompt = sent["messages"].to_string();
        for section in ideas[0]["outline"].as_array().unwrap() {
            assert!(prompt.contains(section["h2"].as_str().unwrap()), "the outline is in the prompt");
        }
        assert!(prompt.contains("playful") && prompt.contains("Mention our newsletter."), "account settings in the prompt");
        let (_, list) = app.as_user("GET", "/api/v1/writer/content/", &t.owner, None).await;
        let article = &list["results"][0];
        let body = article["content_html"].as_str().unwrap();
        assert!(!body.contains("<script") && !body.contains("onmouseover") && !body.contains("<h1"), "{body}");
        assert_eq!(article["meta_title"], "Far too long meta title Far too long meta title Far too long");
        assert_eq!((article["source"].as_str(), article["word_count"].as_i64()), (Some("ai"), Some(2 + 5 + 1 + 120)));
        let (_, taxonomies) = app.as_user("GET", &format!("/api/v1/writer/taxonomies/?site_id={}", t.site_id), &t.owner, None).await;
        let names: Vec<(&str, &str)> = taxonomies["results"].as_array().unwrap().iter().map(|x| (x["name"].as_str().unwrap(), x["taxonomy_type"].as_str().unwrap())).collect();
        assert_eq!(names, [("Composting", "tag"), ("Garden", "category"), ("Garden Waste", "tag")]);
        assert_eq!(balance(&app, &t.owner).await, before - 3, "1,500 tokens → 2 credits, minimum 3");
        let (status, body) = app.as_user("POST", "/api/v1/writer/taxonomies/", &t.owner, Some(&json!({"site_id": t.site_id, "taxonomy_type": "tag", "name": "composting"}))).await;
        assert_eq!((status, assert_error(&body).as_str()), (409, "CONFLICT"));
        app.cleanup().await;
    })
    .await;
}
