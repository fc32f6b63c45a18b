{#-
    Every raw order delivery, numbered by version within its key and flagged
    superseded; the row's own checks come from staging. Incremental: a run
    renumbers only the keys that received deliveries
    (macros/incremental/versioned_deliveries.sql).
-#}

{{
    config(
        materialized=incremental_materialization(),
        unique_key="coalesce(order_id, '')",
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}

{{ versioned_deliveries(
    staging=ref('stg_shop__orders'),
    key='order_id',
    columns=['customer_id', 'order_status', 'order_total', 'items_quantity', 'ordered_at', 'rejection_reason'],
    tiebreak_columns=['raw_customer_id', 'raw_ordered_at', 'raw_status', 'raw_order_total', 'raw_items_quantity'],
) }}
