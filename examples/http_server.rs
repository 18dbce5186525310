//! The example desk of `examples/desk.toml` on SQLite, served over HTTP by
//! `helpdesk-axum`. The host's part is the resolver: here, three fixed
//! bearer tokens standing in for a real authentication.
//!
//! Run it with `cargo run --example http_server --features axum`, then
//! follow the README's curl calls. `HELPDESK_ADDR` sets the address
//! (default `127.0.0.1:3000`), `HELPDESK_DB` the database file (default:
//! a temporary one).

use std::error::Error;
use std::sync::Arc;

use axum::http::request::Parts;
use helpdesk::api::{ActorResolver, Unauthorized, router};
use helpdesk::*;

/// The example's people, by bearer token.
struct Tokens {
    tenant: TenantId,
    maria: Actor,
}

impl ActorResolver for Tokens {
    async fn resolve(&self, parts: &Parts) -> Result<Actor, Unauthorized> {
        let token = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match token {
            Some("alice") => Ok(Actor::requester(ActorId::from_u128(0xa11ce), self.tenant)),
            Some("maria") => Ok(self.maria.clone()),
            Some("admin") => Ok(Actor::admin(ActorId::from_u128(0xad), self.tenant)),
            _ => Err(Unauthorized::new(
                "send Authorization: Bearer alice, maria or admin",
            )),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let config: DeskConfig = toml::from_str(include_str!("desk.toml"))?;
    let dir = tempfile::tempdir()?;
    let path = match std::env::var_os("HELPDESK_DB") {
        Some(path) => path.into(),
        None => dir.path().join("helpdesk.db"),
    };
    let store = SqliteStore::open(&path)?;
    let tenant = TenantId::from_u128(1);
    let maria = config
        .agents
        .get("maria")
        .ok_or("no agent maria in desk.toml")?;
    let groups = maria
        .groups
        .iter()
        .filter_map(|g| config.groups.get(g))
        .map(|g| g.id);
    let maria = Actor::agent(maria.id, tenant, groups);
    let desk = Desk::new(config, store, NoNotifier, SystemClock)?;
    let app = router(Arc::new(desk), Tokens { tenant, maria });

    let address = std::env::var("HELPDESK_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("helpdesk API on http://{}", listener.local_addr()?);
    println!(
        "the OpenAPI document: http://{}/openapi.json",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}
