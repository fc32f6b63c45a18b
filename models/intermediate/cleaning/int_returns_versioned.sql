{#-
    Every raw return delivery, numbered by version within its key and flagged
    superseded; the row's own checks come from staging. Incremental: a run
    renumbers only the keys that received deliveries
    (macros/incremental/versioned_deliveries.sql).
-#}

{{
    config(
        materialized=incremental_materialization(),
        unique_key="coalesce(return_id, '')",
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}

{{ versioned_deliveries(
    staging=ref('stg_shop__returns'),
    key='return_id',
    columns=['order_id', 'returned_quantity', 'refund_amount', 'returned_at', 'rejection_reason'],
    tiebreak_columns=['raw_order_id', 'raw_returned_at', 'raw_returned_quantity', 'raw_refund_amount'],
) }}
