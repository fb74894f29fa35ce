//! Images end to end: an article's image prompts, images drawn by the Offline provider (real PNGs on disk) or a
//! failing mock provider, credits per image made, signed file links, and the article moving to review.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::ai::{app, balance};
use crate::helpers::{TestApp, each_backend};

async fn article(app: &TestApp, t: &crate::fixtures::Tenant) -> i64 {
    let (tasks, _) = crate::writer::queued_tasks(app, t, 1).await;
    let done = app.run_action(&t.owner, "/api/v1/writer/tasks/auto_generate_content/", &json!({"ids": tasks})).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    done["result"]["content_ids"][0].as_i64().unwrap()
}

async fn images_of(app: &TestApp, t: &crate::fixtures::Tenant, content: i64) -> Vec<Value> {
    let (_, list) = app
        .as_user("GET", &format!("/api/v1/writer/images/?content_id={content}&ordering=position"), &t.owner, None)
        .await;
    list["results"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_article_gets_three_stored_images_and_goes_to_review() {
    each_backend(|backend| async move {
        let app = app(backend, None).await;
        let t = app.tenant("images@example.com").await;
        let content = article(&app, &t).await;
        let done = app
            .run_action(&t.owner, "/api/v1/writer/content/generate_image_prompts/", &json!({"ids": [content]}))
            .await;
        assert_eq!(done["status"], "succeeded", "{done}");
        let pending = images_of(&app, &t, content).await;
        let kinds: Vec<(&str, i64, &str)> = pending
            .iter()
            .map(|i| {
                (i["image_type"].as_str().unwrap(), i["position"].as_i64().unwrap(), i["status"].as_str().unwrap())
            })
            .collect();
        assert_eq!(kinds, [("featured", 0, "pending"), ("in_article", 1, "pending"), ("in_article", 2, "pending")]);
        assert!(
            pending.iter().all(|i| i["prompt"].as_str().unwrap().contains("no text") && i["file_url"].is_null()),
            "styled by the template"
        );
        assert!(pending[0]["negative_prompt"].as_str().unwrap().contains("watermark"));

        let before = balance(&app, &t.owner).await;
        let ids: Vec<i64> = pending.iter().map(|i| i["id"].as_i64().unwrap()).collect();
        let done = app.run_action(&t.owner, "/api/v1/writer/images/generate_images/", &json!({"ids": ids})).await;
        assert_eq!(done["status"], "succeeded", "{done}");
        assert_eq!(
            (done["result"]["images_generated"].as_i64(), done["result"]["images_failed"].as_i64()),
            (Some(3), Some(0))
        );
        assert_eq!(balance(&app, &t.owner).await, before - 3, "one credit per image made");
        let made = images_of(&app, &t, content).await;
        let files = app.database_dir().join("data/images");
        for img in &made {
            assert_eq!((img["status"].as_str(), img["mime"].as_str()), (Some("generated"), Some("image/png")));
            let url = img["file_url"].as_str().unwrap();
            // The signed link works without credentials.
            let response = app.client.get(app.url(url)).send().await.unwrap();
            assert_eq!(response.status(), 200, "{url}");
            assert_eq!(response.headers()["content-type"], "image/png");
            assert!(response.headers()["cache-control"].to_str().unwrap().contains("max-age"));
            let bytes = response.bytes().await.unwrap();
            assert!(
                bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() as i64 == img["size_bytes"].as_i64().unwrap()
            );
            // A tampered link does not.
            let tampered = url.replace("sig=", "sig=00");
            assert_eq!(app.client.get(app.url(&tampered)).send().await.unwrap().status(), 401);
        }
        assert_eq!(
            std::fs::read_dir(files.join(t.owner.account_id.to_string()).join(content.to_string())).unwrap().count(),
            3,
            "three files on disk"
        );
        // Another account's credentials do not reach the file.
        let other = app.register("images-other@example.com").await;
        let plain = format!("/api/v1/writer/images/{}/file/", made[0]["id"]);
        assert_eq!(app.as_user("GET", &plain, &other, None).await.0, 404);
        let own = app.client.get(app.url(&plain)).bearer_auth(&t.owner.access).send().await.unwrap();
        assert_eq!((own.status().as_u16(), own.headers()["content-type"].to_str().unwrap()), (200, "image/png"));

        let (_, grouped) = app
            .as_user("GET", &format!("/api/v1/writer/images/content_images/?content_ids={content}"), &t.owner, None)
            .await;
        assert_eq!(grouped["data"][0]["featured"]["position"], 0);
        assert_eq!(grouped["data"][0]["in_article"].as_array().unwrap().len(), 2);
        let url = format!("/api/v1/writer/images/content_images/?content_ids={content}");
        let (status, theirs) = app.as_user("GET", &url, &other, None).await;
        assert_eq!((status, theirs["data"].as_array().map(Vec::len)), (200, Some(0)), "another account sees none");
        let (_, article) = app.as_user("GET", &format!("/api/v1/writer/content/{content}/"), &t.owner, None).await;
        assert_eq!(article["data"]["status"], "review", "all images done: ready for review");
        let (_, checks) =
            app.as_user("GET", &format!("/api/v1/writer/content/{content}/validation/"), &t.owner, None).await;
        assert!(
            checks["data"]["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == "images_present" && c["passed"] == true)
        );

        // Regenerating one image replaces its file and charges once more.
        let first = made[0]["id"].as_i64().unwrap();
        let done = app.run_action(&t.owner, &format!("/api/v1/writer/images/{first}/regenerate/"), &json!({})).await;
        assert_eq!(done["status"], "succeeded", "{done}");
        assert_eq!(balance(&app, &t.owner).await, before - 4);
        assert_eq!(
            std::fs::read_dir(files.join(t.owner.account_id.to_string()).join(content.to_string())).unwrap().count(),
            3,
            "the old file is gone"
        );
        let (status, body) = app
            .as_user("POST", "/api/v1/writer/images/generate_images/", &t.owner, Some(&json!({"ids": [first]})))
            .await;
        assert_eq!((status, body["errors"]["ids"].is_array()), (400, true), "already generated");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn a_failing_image_provider_costs_nothing_and_can_be_retried() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        Mock::given(method("POST")).and(path("/images/generations"))
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"message": "Your prompt was rejected by the safety system."}})))
            .mount(&mock).await;
        let app = app(backend, None).await;
        let t = app.tenant("images-fail@example.com").await;
        let content = article(&app, &t).await;
        app.run_action(&t.owner, "/api/v1/writer/content/generate_image_prompts/", &json!({"ids": [content]})).await;
        let staff = app.register("images-staff@example.com").await;
        app.execute(&format!("UPDATE users SET role = 'developer' WHERE id = {}", staff.user_id)).await;
        let (_, provider) = app
            .as_user("POST", "/api/v1/system/admin/ai/providers/", &staff, Some(&json!({"slug": "img-mock", "kind": "openai", "base_url": mock.uri(), "api_key": "sk-img", "timeout_secs": 5})))
            .await;
        let (_, model) = app
            .as_user("POST", "/api/v1/system/admin/ai/models/", &staff, Some(&json!({"provider_id": provider["data"]["id"], "model_id": "dall-e-3", "model_type": "image", "credits_per_image": 5})))
            .await;
        let function = "/api/v1/system/admin/ai/functions/generate_images/";
        let (status, body) = app.as_user("PUT", function, &staff, Some(&json!({"model_id": model["data"]["id"]}))).await;
        assert_eq!(status, 200, "{body}");
        let before = balance(&app, &t.owner).await;
        let ids: Vec<i64> = images_of(&app, &t, content).await.iter().map(|i| i["id"].as_i64().unwrap()).collect();
        let failed = app.run_action(&t.owner, "/api/v1/writer/images/generate_images/", &json!({"ids": ids})).await;
        assert_eq!((failed["status"].as_str(), failed["error_code"].as_str()), (Some("failed"), Some("IMAGES_FAILED")), "{failed}");
        assert_eq!(balance(&app, &t.owner).await, before, "failed images are free");
        let images = images_of(&app, &t, content).await;
        assert!(images.iter().all(|i| i["status"] == "failed" && i["error"].as_str().unwrap().contains("safety system")), "{images:?}");
        let (_, article) = app.as_user("GET", &format!("/api/v1/writer/content/{content}/"), &t.owner, None).await;
        assert_eq!(article["data"]["status"], "draft");

        // A working provider (OpenAI Images wire format, base64 PNG): the failed images are generated on retry
        // and charged at the model's rate.
        let good = MockServer::start().await;
        let png = ai::providers::OfflineImages::new()
            .render(&ai::ImageRequest { prompt: "mock".into(), negative_prompt: None, width: 64, height: 64 })
            .unwrap()
            .bytes;
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
        Mock::given(method("POST")).and(path("/images/generations"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"created": 1, "data": [{"b64_json": b64}]})))
            .mount(&good).await;
        let (_, fixed) = app.as_user("PATCH", &format!("/api/v1/system/admin/ai/providers/{}/", provider["data"]["id"]), &staff, Some(&json!({"base_url": good.uri()}))).await;
        assert_eq!(fixed["data"]["base_url"], good.uri());
        let done = app.run_action(&t.owner, "/api/v1/writer/images/generate_images/", &json!({"ids": ids})).await;
        assert_eq!(done["status"], "succeeded", "{done}");
        let made = images_of(&app, &t, content).await;
        assert!(made.iter().all(|i| i["status"] == "generated" && i["error"].is_null() && i["model"] == "dall-e-3"), "{made:?}");
        assert_eq!(balance(&app, &t.owner).await, before - 15, "5 credits per image at this model's rate");
        assert_eq!(good.received_requests().await.unwrap().len(), 3);
        let (_, article) = app.as_user("GET", &format!("/api/v1/writer/content/{content}/"), &t.owner, None).await;
        assert_eq!(article["data"]["status"], "review");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn a_slow_image_provider_fails_the_image_with_the_reason() {
    each_backend(|backend| async move {
        let slow = MockServer::start().await;
        Mock::given(method("POST")).and(path("/images/generations"))
            .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(4)).set_body_json(json!({"data": []})))
            .mount(&slow).await;
        let app = app(backend, None).await;
        let t = app.tenant("images-slow@example.com").await;
        let content = article(&app, &t).await;
        app.run_action(&t.owner, "/api/v1/writer/content/generate_image_prompts/", &json!({"ids": [content]})).await;
        let staff = app.register("images-slow-staff@example.com").await;
        app.execute(&format!("UPDATE users SET role = 'developer' WHERE id = {}", staff.user_id)).await;
        let (_, provider) = app
            .as_user("POST", "/api/v1/system/admin/ai/providers/", &staff, Some(&json!({"slug": "img-slow", "kind": "openai", "base_url": slow.uri(), "api_key": "sk-img", "timeout_secs": 1})))
            .await;
        let (_, model) = app
            .as_user("POST", "/api/v1/system/admin/ai/models/", &staff, Some(&json!({"provider_id": provider["data"]["id"], "model_id": "gpt-image-1", "model_type": "image", "is_default": true})))
            .await;
        assert_eq!(model["data"]["is_default"], true);
        let before = balance(&app, &t.owner).await;
        let featured = images_of(&app, &t, content).await[0]["id"].as_i64().unwrap();
        let failed = app.run_action(&t.owner, "/api/v1/writer/images/generate_images/", &json!({"ids": [featured]})).await;
        assert_eq!((failed["status"].as_str(), failed["error_code"].as_str()), (Some("failed"), Some("IMAGES_FAILED")), "{failed}");
        let image = images_of(&app, &t, content).await.into_iter().find(|i| i["id"] == featured).unwrap();
        assert_eq!(image["status"], "failed");
        assert!(image["error"].as_str().unwrap().contains("did not answer within 1.0 s"), "{image}");
        assert_eq!(balance(&app, &t.owner).await, before, "nothing charged");
        app.cleanup().await;
    })
    .await;
}

/// The `<img …>` tags of some HTML with their byte offsets.
fn img_tags(html: &str) -> Vec<(usize, String)> {
    html.match_indices("<img ")
        .map(|(at, _)| (at, html[at..at + html[at..].find('>').unwrap() + 1].to_owned()))
        .collect()
}

fn attribute(tag: &str, name: &str) -> String {
    let start = tag.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("{name} in {tag}")) + name.len() + 2;
    tag[start..start + tag[start..].find('"').unwrap()].to_owned()
}

/// The H2 headings of some HTML: (offset of `<h2>`, text).
fn h2s(html: &str) -> Vec<(usize, String)> {
    html.match_indices("<h2>")
        .map(|(at, _)| (at, html[at + 4..at + html[at..].find("</h2>").unwrap()].to_owned()))
        .collect()
}

async fn stored_html(app: &TestApp, content: i64) -> String {
    use sea_orm::EntityTrait;
    db::entities::content::Entity::find_by_id(content).one(&app.db).await.unwrap().unwrap().content_html
}

#[tokio::test]
async fn in_article_images_are_placed_after_their_sections_once_with_alt_text() {
    each_backend(|backend| async move {
        let app = app(backend, None).await;
        let t = app.tenant("images-inline@example.com").await;
        let content = article(&app, &t).await;
        app.run_action(&t.owner, "/api/v1/writer/content/generate_image_prompts/", &json!({"ids": [content]})).await;
        let ids: Vec<i64> = images_of(&app, &t, content).await.iter().map(|i| i["id"].as_i64().unwrap()).collect();
        let done = app.run_action(&t.owner, "/api/v1/writer/images/generate_images/", &json!({"ids": ids})).await;
        assert_eq!(done["result"]["images_generated"], 3, "{done}");
        let made = images_of(&app, &t, content).await;
        let inline: Vec<&Value> = made.iter().filter(|i| i["image_type"] == "in_article").collect();
        assert_eq!(inline.len(), 2);

        let (_, answer) = app.as_user("GET", &format!("/api/v1/writer/content/{content}/"), &t.owner, None).await;
        let html = answer["data"]["content_html"].as_str().unwrap().to_owned();
        let tags = img_tags(&html);
        assert_eq!(tags.len(), 2, "one <img> per in-article image, the featured one stays out of the body: {html}");
        // Sections that are not the conclusion, in order: image n follows section n, before the next heading.
        let headings = h2s(&html);
        let sections: Vec<usize> = (0..headings.len()).filter(|&i| headings[i].1 != "Conclusion").collect();
        for (n, img) in inline.iter().enumerate() {
            let id = img["id"].as_i64().unwrap();
            let path = format!("/api/v1/writer/images/{id}/file/");
            let (at, tag) =
                tags.iter().find(|(_, tag)| tag.contains(&path)).unwrap_or_else(|| panic!("{path} in {html}"));
            let section = sections[n];
            assert!(*at > headings[section].0, "image {n} comes after its section's heading");
            assert!(headings.get(section + 1).is_none_or(|next| *at < next.0), "and before the next heading");
            assert!(html[..*at].ends_with("<figure>"), "in a figure: {tag}");
            let alt = attribute(tag, "alt");
            assert!(alt.starts_with(&headings[section].1), "alt text names the section's subject: {alt}");
            assert_eq!(attribute(tag, "width"), "1024");
            // The answer's link is signed: it loads in a browser without credentials.
            let src = attribute(tag, "src").replace("&amp;", "&");
            assert!(src.starts_with(&format!("{path}?expires=")), "{src}");
            let file = app.client.get(app.url(&src)).send().await.unwrap();
            assert_eq!((file.status().as_u16(), file.headers()["content-type"].to_str().unwrap()), (200, "image/png"));
        }
        // What is stored (and exported, and read by a publisher) is the stable link, without a signature.
        let stored = stored_html(&app, content).await;
        assert_eq!(img_tags(&stored).len(), 2);
        assert!(
            !stored.contains("sig=")
                && stored.contains(&format!("src=\"/api/v1/writer/images/{}/file/\"", inline[0]["id"]))
        );
        let (_, listed) = app.as_user("GET", "/api/v1/writer/content/", &t.owner, None).await;
        assert!(listed["results"][0]["content_html"].as_str().unwrap().contains("/file/?expires="), "lists sign too");

        // Drawing an image again keeps its one figure (the same link serves the new file).
        let second = inline[1]["id"].as_i64().unwrap();
        let done = app.run_action(&t.owner, &format!("/api/v1/writer/images/{second}/regenerate/"), &json!({})).await;
        assert_eq!(done["status"], "succeeded", "{done}");
        let again = stored_html(&app, content).await;
        assert_eq!(again.matches(&format!("/api/v1/writer/images/{second}/file/")).count(), 1, "{again}");
        assert_eq!(again, stored, "nothing else changed");

        // The editor saves what it was given (signed links): stored without signatures, answered signed again.
        let edited = format!("<p>An editor's new opening.</p>{html}");
        let (status, saved) = app
            .as_user(
                "PATCH",
                &format!("/api/v1/writer/content/{content}/"),
                &t.owner,
                Some(&json!({"content_html": edited})),
            )
            .await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(img_tags(saved["data"]["content_html"].as_str().unwrap()).len(), 2);
        assert!(saved["data"]["content_html"].as_str().unwrap().contains("/file/?expires="));
        let stored = stored_html(&app, content).await;
        assert!(
            stored.starts_with("<p>An editor") && !stored.contains("sig=") && img_tags(&stored).len() == 2,
            "{stored}"
        );

        // A link to an image of another article (or account) is never signed.
        let foreign = format!("<p>x</p><img src=\"/api/v1/writer/images/{second}/file/\" alt=\"theirs\">");
        let manual =
            json!({"site_id": t.site_id, "sector_id": t.sector_ids[0], "title": "By hand", "content_html": foreign});
        let (status, body) = app.as_user("POST", "/api/v1/writer/content/", &t.owner, Some(&manual)).await;
        assert_eq!(status, 201, "{body}");
        let html = body["data"]["content_html"].as_str().unwrap();
        assert!(
            html.contains(&format!("src=\"/api/v1/writer/images/{second}/file/\"")) && !html.contains("sig="),
            "{html}"
        );
        app.cleanup().await;
    })
    .await;
}
