//! The schema is ready to be distributed by clinic (docs/scaling.md): every table leads
//! with a non-null `clinic_id`, every primary key and unique index includes it, and every
//! foreign key between clinic tables joins on it, so Citus can place all of a clinic's rows
//! on one node and route each query by the clinic it filters on.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::Server;

/// Tables that are not clinic data, and why they may differ.
const EXCEPTIONS: &[(&str, &str)] = &[(
    "_sqlx_migrations",
    "sqlx's migration bookkeeping: one row per migration, kept on the coordinator",
)];

fn excepted(table: &str) -> bool {
    EXCEPTIONS.iter().any(|(t, _)| *t == table)
}

#[tokio::test]
async fn every_table_leads_with_clinic_id_and_every_key_includes_it() {
    let s = Server::start().await;
    let pool = s.db.pool();

    let firsts: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text \
         FROM information_schema.columns c \
         JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
           AND c.ordinal_position = 1 \
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(firsts.len() >= 5, "the migrations created the tables");
    let mut wrong = Vec::new();
    for (table, column, ty, nullable) in &firsts {
        if excepted(table) {
            continue;
        }
        if (column.as_str(), ty.as_str(), nullable.as_str()) != ("clinic_id", "uuid", "NO") {
            wrong.push(format!(
                "{table} starts with {column} {ty} (nullable: {nullable})"
            ));
        }
    }
    assert!(wrong.is_empty(), "tables not led by clinic_id: {wrong:#?}");

    // Primary keys and unique indexes (constraints or CREATE UNIQUE INDEX) include clinic_id.
    let uniques: Vec<(String, String, Vec<String>)> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, \
                array_agg(a.attname::text ORDER BY k.ord) \
         FROM pg_index x \
         JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
         WHERE n.nspname = 'public' AND x.indisunique \
         GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let missing: Vec<_> = uniques
        .iter()
        .filter(|(table, _, cols)| !excepted(table) && !cols.iter().any(|c| c == "clinic_id"))
        .collect();
    assert!(
        missing.is_empty(),
        "unique keys without clinic_id cannot be enforced per shard: {missing:#?}"
    );

    // Foreign keys join on clinic_id on both sides, so a clinic's rows stay together.
    let fks: Vec<(String, String, Vec<String>, Vec<String>)> = sqlx::query_as(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, \
                ARRAY(SELECT attname::text FROM pg_attribute \
                      WHERE attrelid = c.conrelid AND attnum = ANY(c.conkey)), \
                ARRAY(SELECT attname::text FROM pg_attribute \
                      WHERE attrelid = c.confrelid AND attnum = ANY(c.confkey)) \
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
         WHERE c.contype = 'f' AND n.nspname = 'public' ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(!fks.is_empty());
    let loose: Vec<_> = fks
        .iter()
        .filter(|(_, _, from, to)| {
            !from.iter().any(|c| c == "clinic_id") || !to.iter().any(|c| c == "clinic_id")
        })
        .collect();
    assert!(
        loose.is_empty(),
        "foreign keys not joined on clinic_id: {loose:#?}"
    );
}
