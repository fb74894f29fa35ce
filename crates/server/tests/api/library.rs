//! The keyword library: the starter set loaded on start, browsing by industry sector, sector figures, adding
//! library keywords to a site's sector, and the staff import with its preview.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, each_backend, spawn_app};

async fn sector_of(app: &TestApp, t: &crate::fixtures::Tenant, index: usize) -> Value {
    let (_, sectors) = app.as_user("GET", &format!("/api/v1/auth/sites/{}/sectors/", t.site_id), &t.owner, None).await;
    sectors["data"].as_array().unwrap().iter().find(|s| s["id"] == t.sector_ids[index]).unwrap().clone()
}

#[tokio::test]
async fn the_library_is_browsed_and_added_to_a_sector() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("library@example.com").await;
        let sector = sector_of(&app, &t, 0).await;
        let industry_sector = sector["industry_sector_id"].as_i64().expect("sector made from the catalogue");
        let (status, list) = app
            .as_user("GET", &format!("/api/v1/keywords-library/?industry_sector_id={industry_sector}&page_size=200"), &t.owner, None)
            .await;
        assert_eq!(status, 200, "{list}");
        let total = list["count"].as_i64().unwrap();
        assert!((40..=120).contains(&total), "heads and their variants: {total}");
        let volumes: Vec<i64> = list["results"].as_array().unwrap().iter().map(|k| k["volume"].as_i64().unwrap()).collect();
        assert!(volumes.windows(2).all(|w| w[0] >= w[1]), "by volume, highest first");
        let (_, searched) = app
            .as_user("GET", &format!("/api/v1/keywords-library/?industry_sector_id={industry_sector}&search=best&intent=commercial"), &t.owner, None)
            .await;
        assert!(searched["results"].as_array().unwrap().iter().all(|k| k["keyword"].as_str().unwrap().contains("best") && k["intent"] == "commercial"));
        let (_, stats) = app.as_user("GET", "/api/v1/keywords-library/sector_stats/", &t.owner, None).await;
        let mine = stats["data"].as_array().unwrap().iter().find(|s| s["industry_sector_id"] == industry_sector).unwrap();
        assert_eq!(mine["keywords"].as_i64(), Some(total));
        assert!(mine["total_volume"].as_i64().unwrap() > 0 && mine["avg_difficulty"].as_f64().unwrap() > 0.0);

        let ids: Vec<i64> = list["results"].as_array().unwrap().iter().take(5).map(|k| k["id"].as_i64().unwrap()).collect();
        let body = json!({"seed_keyword_ids": ids, "site_id": t.site_id, "sector_id": t.sector_ids[0]});
        let (status, report) = app.as_user("POST", "/api/v1/planner/keywords/bulk_add_from_seed/", &t.owner, Some(&body)).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!((report["data"]["created"].as_i64(), report["data"]["existing"].as_i64()), (Some(5), Some(0)));
        let (_, again) = app.as_user("POST", "/api/v1/planner/keywords/bulk_add_from_seed/", &t.owner, Some(&body)).await;
        assert_eq!((again["data"]["created"].as_i64(), again["data"]["existing"].as_i64()), (Some(0), Some(5)), "duplicates skipped");
        let (_, keywords) = app.as_user("GET", &format!("/api/v1/planner/keywords/?sector_id={}", t.sector_ids[0]), &t.owner, None).await;
        assert_eq!(keywords["count"], 5);
        assert!(keywords["results"].as_array().unwrap().iter().all(|k| k["seed_keyword_id"].is_i64()));
        assert_eq!(keywords["results"][0]["volume"], list["results"][0]["volume"], "library figures carried over");

        // Browsed for the site, the library marks what the site has: the five added, until one is deleted.
        assert!(list["results"][0].get("in_site").is_none(), "no site, no marks");
        let marked = |site: i64| {
            let (app, owner) = (&app, &t.owner);
            let url = format!("/api/v1/keywords-library/?industry_sector_id={industry_sector}&page_size=200&site_id={site}");
            async move {
                let (status, list) = app.as_user("GET", &url, owner, None).await;
                assert_eq!(status, 200, "{list}");
                let rows = list["results"].as_array().unwrap().clone();
                assert!(rows.iter().all(|k| k["in_site"].is_boolean()), "{list}");
                let mut ids: Vec<i64> =
                    rows.iter().filter(|k| k["in_site"] == true).map(|k| k["id"].as_i64().unwrap()).collect();
                ids.sort_unstable();
                ids
            }
        };
        let mut added = ids.clone();
        added.sort_unstable();
        assert_eq!(marked(t.site_id).await, added);
        let first = keywords["results"][0]["id"].as_i64().unwrap();
        let gone = keywords["results"][0]["seed_keyword_id"].as_i64().unwrap();
        let (status, _) = app.as_user("DELETE", &format!("/api/v1/planner/keywords/{first}/"), &t.owner, None).await;
        assert_eq!(status, 204);
        added.retain(|id| *id != gone);
        assert_eq!(marked(t.site_id).await, added, "a deleted keyword is no longer in the site");
        let stranger = app.tenant("library-stranger@example.com").await;
        // Another account holding the same keywords changes nothing here.
        let theirs = json!({"seed_keyword_ids": ids, "site_id": stranger.site_id, "sector_id": stranger.sector_ids[0]});
        let (status, report) =
            app.as_user("POST", "/api/v1/planner/keywords/bulk_add_from_seed/", &stranger.owner, Some(&theirs)).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(marked(t.site_id).await, added, "another account's keywords are not this site's");
        let (status, body) = app
            .as_user("GET", &format!("/api/v1/keywords-library/?site_id={}", t.site_id), &stranger.owner, None)
            .await;
        assert_eq!((status, body["errors"]["site_id"].is_array()), (400, true), "another account's site: {body}");
        let (status, body) = app.as_user("GET", "/api/v1/keywords-library/?site_id=abc", &t.owner, None).await;
        assert_eq!((status, body["errors"]["site_id"].is_array()), (400, true), "{body}");

        // Library keywords of another industry sector do not fit this sector.
        let other = sector_of(&app, &t, 1).await;
        let (_, foreign) = app
            .as_user("GET", &format!("/api/v1/keywords-library/?industry_sector_id={}", other["industry_sector_id"]), &t.owner, None)
            .await;
        let wrong = json!({"seed_keyword_ids": [foreign["results"][0]["id"]], "site_id": t.site_id, "sector_id": t.sector_ids[0]});
        let (status, body) = app.as_user("POST", "/api/v1/planner/keywords/bulk_add_from_seed/", &t.owner, Some(&wrong)).await;
        assert_eq!((status, body["errors"]["seed_keyword_ids"].is_array()), (400, true), "{body}");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn staff_import_into_the_library_with_a_preview() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("library-user@example.com").await;
        let staff = app.register("library-staff@example.com").await;
        app.execute(&format!("UPDATE users SET role = 'developer' WHERE id = {}", staff.user_id)).await;
        let industry_sector = sector_of(&app, &t, 0).await["industry_sector_id"].as_i64().unwrap();
        let (_, list) = app
            .as_user("GET", &format!("/api/v1/keywords-library/?industry_sector_id={industry_sector}&page_size=1"), &t.owner, None)
            .await;
        let known = list["results"][0]["keyword"].as_str().unwrap().to_owned();
        let csv = format!("keyword,volume,difficulty,intent\nbrand new library term,500,20,informational\n{known},1,1,commercial\nbroken,lots,1,\n");
        let post = |who: &crate::fixtures::Session, query: String| {
            app.client
                .post(app.url(&format!("/api/v1/keywords-library/admin/import/?industry_sector_id={industry_sector}{query}")))
                .bearer_auth(who.access.clone())
                .header("content-type", "text/csv")
                .body(csv.clone())
                .send()
        };
        let (status, body) = crate::helpers::json_of(post(&t.owner, String::new()).await.unwrap()).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PERMISSION_DENIED"));
        let (status, preview) = crate::helpers::json_of(post(&staff, "&dry_run=true".into()).await.unwrap()).await;
        assert_eq!(status, 200, "{preview}");
        let d = &preview["data"];
        assert_eq!((d["created"].as_i64(), d["updated"].as_i64(), d["rejected"][0]["line"].as_i64()), (Some(1), Some(1), Some(4)), "{d}");
        let (_, found) = app.as_user("GET", "/api/v1/keywords-library/?search=brand%20new%20library", &t.owner, None).await;
        assert_eq!(found["count"], 0, "the preview wrote nothing");
        let (status, done) = crate::helpers::json_of(post(&staff, String::new()).await.unwrap()).await;
        assert_eq!((status, done["data"]["created"].as_i64()), (200, Some(1)), "{done}");
        let (_, found) = app.as_user("GET", "/api/v1/keywords-library/?search=brand%20new%20library", &t.owner, None).await;
        assert_eq!(found["count"], 1);
        let (_, updated) = app
            .as_user("GET", &format!("/api/v1/keywords-library/?industry_sector_id={industry_sector}&search={}", known.replace(' ', "%20")), &t.owner, None)
            .await;
        let row = updated["results"].as_array().unwrap().iter().find(|k| k["keyword"] == known.as_str()).unwrap();
        assert_eq!((row["volume"].as_i64(), row["intent"].as_str()), (Some(1), Some("commercial")));
        app.cleanup().await;
    })
    .await;
}
