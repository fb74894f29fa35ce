//! `igny8 create-user`: operators add owners (new accounts) or members (existing accounts) from the shell.

use anyhow::{Context, bail};
use chrono::Utc;
use db::entities::{account, user};
use domain::{Email, Role};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::config::Config;
use crate::modules::account::demo::readable_password;
use crate::modules::account::service::{NewAccount, provision};
use crate::security::password;

pub struct CreateUser {
    pub email: String,
    pub role: String,
    pub account: Option<String>,
    pub account_name: Option<String>,
    pub plan: String,
    pub password: Option<String>,
}

pub async fn create_user(config: Config, args: CreateUser) -> anyhow::Result<()> {
    let email = Email::parse(&args.email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let role = Role::parse(&args.role)
        .filter(|r| *r != Role::SystemBot)
        .with_context(|| format!("--role: {:?} is not one of owner, admin, editor, viewer, developer", args.role))?;
    let (secret, generated) = match args.password {
        Some(p) => (p, false),
        None => (readable_password(), true),
    };
    password::validate(&secret, email.as_str()).map_err(|e| anyhow::anyhow!("--password: {e}"))?;
    let db = crate::startup::open_database(&config, config.auto_migrate).await?;
    crate::modules::catalog::seed::run(&db).await?;
    let hash = password::hash(secret.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let account_slug = match args.account {
        Some(slug) => {
            let account = account::Entity::find()
                .filter(account::Column::Slug.eq(&slug))
                .one(&db)
                .await?
                .with_context(|| format!("--account: no account with slug {slug:?}"))?;
            if user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(&db).await?.is_some() {
                bail!("--email: a user with this email already exists");
            }
            let now = Utc::now();
            user::ActiveModel {
                account_id: Set(account.id),
                email: Set(email.to_string()),
                password_hash: Set(Some(hash)),
                first_name: Set(String::new()),
                last_name: Set(String::new()),
                role: Set(role.as_str().into()),
                is_active: Set(true),
                last_login_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&db)
            .await?;
            account.slug
        }
        None => {
            let name =
                args.account_name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("account").to_owned());
            let new = NewAccount {
                name,
                email: email.clone(),
                password_hash: Some(hash),
                first_name: String::new(),
                last_name: String::new(),
                plan_slug: args.plan,
                role,
            };
            let (account, _) = provision(&db, new).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            account.slug
        }
    };
    println!("created {} ({role}) in account {account_slug}", email);
    if generated {
        println!("password: {secret}");
    }
    Ok(())
}
