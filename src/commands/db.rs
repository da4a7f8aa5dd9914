//! `pjsipctl db init|check`: the realtime schema (Asterisk's alembic head) on PostgreSQL.

use clap::{Args, Subcommand};

use crate::commands::Ctx;
use crate::error::{Error, Exit, Result};
use crate::realtime::backend::live_schema;
use crate::realtime::schema::{differences, Schema, DDL, REVISION};
use crate::realtime::{connect, pg_error, sql, Db};

/// Create or check the ps_* tables of a PostgreSQL realtime database (--db postgresql://…)
#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub action: DbAction,
}

#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Create the tables, types and indexes of alembic head e89e30cee53f in an empty database
    Init,
    /// Name every missing or extra column, wrong type and a wrong alembic revision
    Check,
}

pub fn run(ctx: &Ctx, args: &DbArgs) -> Result<Exit> {
    let url = ctx.pg_url().ok_or_else(|| {
        Error::usage("db needs a PostgreSQL database")
            .hint("pass --db postgresql://USER@HOST[:PORT]/DBNAME (or set PJSIPCTL_DB)")
    })?;
    let mut db = connect(url)?;
    match args.action {
        DbAction::Init => init(ctx, &mut db),
        DbAction::Check => check(ctx, &mut db),
    }
}

/// The findings of `db check`: schema differences, then the revision.
fn findings(db: &mut Db) -> Result<Vec<String>> {
    let live = live_schema(db)?;
    let mut out = differences(&live, Schema::head());
    if !live.tables.contains_key("alembic_version_config") {
        out.push("missing table alembic_version_config (alembic's revision)".into());
    } else {
        let rows = db
            .client
            .query(sql::REVISION, &[])
            .map_err(|e| pg_error(&e, &db.shown))?;
        let revs: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        if revs != [REVISION] {
            out.push(format!(
                "alembic revision is {} (expected {REVISION})",
                if revs.is_empty() {
                    "not set".to_string()
                } else {
                    revs.join(",")
                }
            ));
        }
    }
    Ok(out)
}

fn init(ctx: &Ctx, db: &mut Db) -> Result<Exit> {
    let shown = db.shown.clone();
    let mut tx = db.client.transaction().map_err(|e| pg_error(&e, &shown))?;
    let n: i64 = tx
        .query_one(sql::ANY_TABLE, &[])
        .map_err(|e| pg_error(&e, &shown))?
        .get(0);
    if n == 0 {
        tx.batch_execute(DDL).map_err(|e| pg_error(&e, &shown))?;
        tx.execute(sql::SET_REVISION, &[&REVISION])
            .map_err(|e| pg_error(&e, &shown))?;
        tx.commit().map_err(|e| pg_error(&e, &shown))?;
        ctx.out.status(&format!(
            "created the realtime schema (alembic {REVISION}) in {shown}"
        ));
        return Ok(Exit::Ok);
    }
    drop(tx);
    // An existing schema is never changed: either it is already the head, or the user decides.
    let found = findings(db)?;
    if found.is_empty() {
        ctx.out.status(&format!(
            "{shown} already has the realtime schema (alembic {REVISION}); nothing changed"
        ));
        return Ok(Exit::Ok);
    }
    Err(Error::storage(format!(
        "{shown} already holds realtime tables that differ from alembic {REVISION}: {}; nothing changed",
        found.join("; ")
    ))
    .hint("upgrade it with Asterisk's alembic (contrib/ast-db-manage), or init an empty database"))
}

fn check(ctx: &Ctx, db: &mut Db) -> Result<Exit> {
    let found = findings(db)?;
    if found.is_empty() {
        ctx.out.status(&format!(
            "{}: the realtime schema is alembic {REVISION}, as pjsipctl writes it",
            db.shown
        ));
        return Ok(Exit::Ok);
    }
    for f in &found {
        println!("{f}");
    }
    Err(Error::storage(format!(
        "{}: the schema differs from alembic {REVISION} in {} place(s) (listed above)",
        db.shown,
        found.len()
    )))
}
