//! The demo account of a fresh embedded start: an owner login (printed once), one site with sectors.

use db::entities::account;
use domain::{Email, Role};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use super::service::{NewAccount, provision};
use crate::http::tenant::Caller;
use crate::modules::sites::dto::{SelectSectorsIn, SiteIn};
use crate::security::password;

pub const DEMO_EMAIL: &str = "demo@igny8.local";

/// The login of a demo account created just now.
pub struct DemoLogin {
    pub email: String,
    pub password: String,
}

/// A readable random password: four groups of four letters and digits.
pub fn readable_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes = rand::random::<[u8; 16]>();
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// Creates the demo account when the database has no account at all; `None` otherwise.
pub async fn ensure(db: &DatabaseConnection) -> anyhow::Result<Option<DemoLogin>> {
    if account::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let secret = readable_password();
    let (account, user) = provision(
        db,
        NewAccount {
            name: "Demo Agency".into(),
            email: Email::parse(DEMO_EMAIL)?,
            password_hash: Some(password::hash(secret.clone()).await?),
            first_name: "Demo".into(),
            last_name: "Owner".into(),
            plan_slug: "growth".into(),
            role: Role::Owner,
        },
    )
    .await?;
    let caller = Caller { user_id: Some(user.id), account_id: account.id, role: Role::Owner, key_site_id: None };
    let site = crate::modules::sites::service::create(
        db,
        &caller,
        SiteIn {
            name: "Demo Garden Blog".into(),
            domain: Some("https://demo-garden.example".into()),
            industry_id: None,
            industry_slug: Some("home-garden".into()),
            is_active: Some(true),
        },
    )
    .await?;
    let templates = crate::modules::catalog::service::industries(db, site.industry_id).await?;
    let sector_slugs =
        templates.first().map(|i| i.sectors.iter().take(3).map(|s| s.slug.clone()).collect()).unwrap_or_default();
    crate::modules::sites::service::select_sectors(
        db,
        &caller,
        site.id,
        SelectSectorsIn { industry_slug: "home-garden".into(), sector_slugs },
    )
    .await?;
    Ok(Some(DemoLogin { email: DEMO_EMAIL.into(), password: secret }))
}
