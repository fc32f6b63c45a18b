{#-
    Every raw customer delivery, numbered by version within its key and flagged
    superseded; the row's own checks come from staging. Incremental: a run
    renumbers only the keys that received deliveries
    (macros/incremental/versioned_deliveries.sql).
-#}

{{
    config(
        materialized=incremental_materialization(),
        unique_key="coalesce(customer_id, '')",
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}

{{ versioned_deliveries(
    staging=ref('stg_shop__customers'),
    key='customer_id',
    columns=['email', 'accepts_marketing', 'signed_up_at', 'rejection_reason'],
    tiebreak_columns=['raw_email', 'raw_signed_up_at', 'raw_accepts_marketing'],
) }}
