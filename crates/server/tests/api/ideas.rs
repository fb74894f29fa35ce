//! Ideas: generated per cluster with persisted outlines (Offline provider and a mock model, including replies that
//! break the outline rules), and edited by hand with validation and status transitions.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::ai::{app, balance, chat_reply};
use crate::clusters::seed;
use crate::fixtures::Tenant;
use crate::helpers::{TestApp, each_backend};

async fn clustered(app: &TestApp, t: &Tenant) -> (i64, Vec<Value>) {
    let sector = seed(app, t).await;
    let task = app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector})).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    let (_, list) = app.as_user("GET", "/api/v1/planner/clusters/?ordering=name", &t.owner, None).await;
    (sector, list["results"].as_array().unwrap().clone())
}

async fn ideas(app: &TestApp, t: &Tenant, query: &str) -> Vec<Value> {
    let (status, list) =
        app.as_user("GET", &format!("/api/v1/planner/ideas/?page_size=100{query}"), &t.owner, None).await;
    assert_eq!(status, 200, "{list}");
    list["results"].as_array().unwrap().clone()
}

#[tokio::test]
async fn offline_ideas_have_outlines_and_are_charged_per_cluster() {
    each_backend(|backend| async move {
        let app = app(backend, None).await;
        let t = app.tenant("ideas-offline@example.com").await;
        let (_, clusters) = clustered(&app, &t).await;
        let ids: Vec<i64> = clusters.iter().map(|c| c["id"].as_i64().unwrap()).collect();
        let before = balance(&app, &t.owner).await;
        let task = app
            .run_action(
                &t.owner,
                "/api/v1/planner/clusters/auto_generate_ideas/",
                &json!({"ids": ids, "ideas_per_cluster": 4}),
            )
            .await;
        assert_eq!(task["status"], "succeeded", "{task}");
        let all = ideas(&app, &t, "").await;
        assert_eq!(all.len(), 4 * ids.len());
        for idea in &all {
            let sections = idea["outline"].as_array().unwrap();
            assert!((6..=10).contains(&sections.len()), "{idea}");
            assert!(sections.iter().all(|s| !s["h2"].as_str().unwrap().is_empty()));
            assert_eq!((idea["source"].as_str(), idea["status"].as_str()), (Some("offline"), Some("new")));
            assert!(idea["description"].as_str().unwrap().starts_with("Offline draft"));
            assert!(!idea["primary_keywords"].as_array().unwrap().is_empty());
        }
        let (_, list) = app.as_user("GET", "/api/v1/planner/clusters/", &t.owner, None).await;
        for c in list["results"].as_array().unwrap() {
            assert_eq!((c["ideas_count"].as_i64(), c["status"].as_str()), (Some(4), Some("mapped")), "{c}");
        }
        assert_eq!(balance(&app, &t.owner).await, before - ids.len() as i64, "the minimum (1) per cluster");
        let one = ideas(&app, &t, &format!("&cluster_id={}", ids[0])).await;
        assert_eq!(one.len(), 4);

        for (bad, field) in [
            (json!({"ids": []}), "ids"),
            (json!({"ids": [999_999]}), "ids"),
            (json!({"ids": ids, "ideas_per_cluster": 9}), "ideas_per_cluster"),
        ] {
            let (status, body) =
                app.as_user("POST", "/api/v1/planner/clusters/auto_generate_ideas/", &t.owner, Some(&bad)).await;
            assert_eq!(status, 400, "{bad}");
            assert!(body["errors"][field].is_array(), "{field}: {body}");
        }
        app.cleanup().await;
    })
    .await;
}

fn outline(n: usize) -> Value {
    json!(
        (1..=n)
            .map(|i| json!({"heading": format!("Section {i}"), "subsections": [format!("Part {i}.1")]}))
            .collect::<Vec<_>>()
    )
}

#[tokio::test]
async fn model_ideas_are_checked_and_a_bad_outline_saves_nothing() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        let idea = |title: &str, sections: usize| json!({
            "title": title, "description": "An angle", "content_type": "Post", "content_structure": "how-to guide",
            "primary_keyword": "COMPOST BIN", "covered_keywords": ["best compost bin", "made up"],
            "estimated_word_count": "1600", "outline": outline(sections)
        });
        // Every outline too short: no idea is usable, so the reply is (an idea with a bad outline among good ones
        // is only left out: `one_unusable_idea_is_left_out_and_the_rest_saved`).
        let bad = json!({"ideas": [idea("Too short", 5), idea("Short too", 4), idea("Also short", 5)]});
        let good = json!({"ideas": [idea("One", 6), idea("Two", 8), idea("Three", 10)]});
        let clusters_reply = json!({"clusters": [{"name": "Compost", "keywords": ["compost bin", "compost bins for kitchen", "best compost bin", "rotating compost bin"]}]});
        // Clustering first, then two bad idea replies (the task fails), then a good one.
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(chat_reply(&clusters_reply.to_string())))
            .up_to_n_times(1).mount(&mock).await;
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(chat_reply(&bad.to_string())))
            .up_to_n_times(2).mount(&mock).await;
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(chat_reply(&good.to_string())))
            .mount(&mock).await;
        let app = app(backend, Some(mock.uri())).await;
        let t = app.tenant("ideas-model@example.com").await;
        let (_, clusters) = clustered(&app, &t).await;
        let compost = clusters.iter().find(|c| c["name"] == "Compost").unwrap()["id"].as_i64().unwrap();
        let before = balance(&app, &t.owner).await;

        let failed = app.run_action(&t.owner, "/api/v1/planner/clusters/auto_generate_ideas/", &json!({"ids": [compost], "ideas_per_cluster": 3})).await;
        assert_eq!((failed["status"].as_str(), failed["error_code"].as_str()), (Some("failed"), Some("PARSE_ERROR")), "{failed}");
        let error = failed["error"].as_str().unwrap();
        assert!(error.contains("`ideas[0].outline` has 5 elements, at least 6 wanted"), "{failed}");
        let repair: Value = serde_json::from_slice(&mock.received_requests().await.unwrap()[2].body).unwrap();
        assert!(repair.to_string().contains("ideas[1].outline` has 4 elements"), "the repair request says what was wrong");
        assert!(ideas(&app, &t, "").await.is_empty(), "nothing saved");
        assert_eq!(balance(&app, &t.owner).await, before);

        let task = app.run_action(&t.owner, "/api/v1/planner/clusters/auto_generate_ideas/", &json!({"ids": [compost], "ideas_per_cluster": 3})).await;
        assert_eq!(task["status"], "succeeded", "{task}");
        let saved = ideas(&app, &t, "&ordering=title").await;
        let titles: Vec<&str> = saved.iter().map(|i| i["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["One", "Three", "Two"]);
        let two = &saved[2];
        assert_eq!(two["outline"].as_array().unwrap().len(), 8);
        assert_eq!(two["outline"][0], json!({"h2": "Section 1", "h3": ["Part 1.1"]}));
        assert_eq!((two["content_type"].as_str(), two["content_structure"].as_str()), (Some("post"), Some("article")));
        assert_eq!(two["primary_keywords"], json!(["compost bin"]), "matched back to the keyword as stored");
        assert_eq!(two["covered_keywords"], json!(["best compost bin", "made up"]));
        assert_eq!((two["target_word_count"].as_i64(), two["source"].as_str()), (Some(1600), Some("ai")));
        assert_eq!(balance(&app, &t.owner).await, before - 2, "1,500 tokens at 1,000 per credit");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn one_unusable_idea_is_left_out_and_the_rest_saved() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        let clusters_reply = json!({"clusters": [{"name": "Compost", "keywords": ["compost bin", "compost bins for kitchen", "best compost bin", "rotating compost bin"]}]});
        // The second idea has no title, the fourth a 3-section outline: both are left out, with no repair request.
        let ideas_reply = json!({"Ideas": [
            {"Title": "Compost Bins for Small Kitchens", "outline": {"sections": outline(6)}, "covered_keywords": "compost bin, best compost bin"},
            {"description": "No title here", "outline": outline(7)},
            {"title": "Are Tumblers Worth It?", "outline": outline(8), "target_word_count": "about 1,800 words"},
            {"title": "Too thin", "outline": outline(3)}
        ]});
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(chat_reply(&clusters_reply.to_string())))
            .up_to_n_times(1).mount(&mock).await;
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(chat_reply(&format!("```json\n{ideas_reply}\n```"))))
            .mount(&mock).await;
        let app = app(backend, Some(mock.uri())).await;
        let t = app.tenant("ideas-partial@example.com").await;
        let (_, clusters) = clustered(&app, &t).await;
        let compost = clusters.iter().find(|c| c["name"] == "Compost").unwrap()["id"].as_i64().unwrap();
        let calls = mock.received_requests().await.unwrap().len();
        let before = balance(&app, &t.owner).await;

        let task = app.run_action(&t.owner, "/api/v1/planner/clusters/auto_generate_ideas/", &json!({"ids": [compost], "ideas_per_cluster": 4})).await;
        assert_eq!(task["status"], "succeeded", "{task}");
        assert_eq!(mock.received_requests().await.unwrap().len(), calls + 1, "no repair request for a partly usable reply");
        assert_eq!(task["result"]["ideas_created"], 2, "{task}");
        let left_out = task["result"]["left_out"].to_string();
        assert!(left_out.contains("title") && left_out.contains("outline"), "what was left out is said: {left_out}");
        let saved = ideas(&app, &t, "&ordering=title").await;
        let titles: Vec<&str> = saved.iter().map(|i| i["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["Are Tumblers Worth It?", "Compost Bins for Small Kitchens"]);
        assert_eq!(saved[1]["outline"].as_array().unwrap().len(), 6);
        assert_eq!(saved[1]["covered_keywords"], json!(["compost bin", "best compost bin"]));
        assert_eq!(saved[0]["target_word_count"], 1800);
        assert_eq!(balance(&app, &t.owner).await, before - 2, "charged for the one call");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn ideas_by_hand_with_validation_and_transitions() {
    each_backend(|backend| async move {
        let app = app(backend, None).await;
        let t = app.tenant("ideas-hand@example.com").await;
        let base = json!({"site_id": t.site_id, "sector_id": t.sector_ids[0], "title": "  My   idea "});
        let (status, created) = app.as_user("POST", "/api/v1/planner/ideas/", &t.owner, Some(&base)).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!((created["data"]["title"].as_str(), created["data"]["source"].as_str()), (Some("My idea"), Some("manual")));
        let id = created["data"]["id"].as_i64().unwrap();
        let mut short = base.clone();
        short["outline"] = json!([{"h2": "a"}, {"h2": "b"}]);
        let (status, body) = app.as_user("POST", "/api/v1/planner/ideas/", &t.owner, Some(&short)).await;
        assert_eq!((status, body["errors"]["outline"].is_array()), (400, true), "{body}");
        let mut typed = base.clone();
        typed["content_structure"] = json!("poem");
        let (status, body) = app.as_user("POST", "/api/v1/planner/ideas/", &t.owner, Some(&typed)).await;
        assert_eq!((status, body["errors"]["content_structure"].is_array()), (400, true));
        let path = format!("/api/v1/planner/ideas/{id}/");
        let (status, body) = app.as_user("PATCH", &path, &t.owner, Some(&json!({"status": "completed"}))).await;
        assert_eq!((status, body["errors"].is_object() || body["code"] == "CONFLICT"), (409, true), "{body}");
        let (status, body) = app.as_user("PATCH", &path, &t.owner, Some(&json!({"status": "queued", "outline": (1..=6).map(|i| json!({"h2": format!("S{i}")})).collect::<Vec<_>>()}))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!((body["data"]["status"].as_str(), body["data"]["outline"].as_array().map(Vec::len)), (Some("queued"), Some(6)));
        let (status, body) = app.as_user("PATCH", &path, &t.owner, Some(&json!({"cluster_id": 999_999}))).await;
        assert_eq!((status, body["errors"]["cluster_id"].is_array()), (400, true));
        let (status, _) = app.as_user("DELETE", &path, &t.owner, None).await;
        assert_eq!(status, 204);
        let (status, _) = app.as_user("GET", &path, &t.owner, None).await;
        assert_eq!(status, 404);
        app.cleanup().await;
    })
    .await;
}
